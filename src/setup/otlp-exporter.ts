/**
 * Exporter selection for `setupFlagTelemetry`: the protocol from the options or the
 * `OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL` environment, and an OTLP exporter that loads only the
 * package of that protocol.
 *
 * The exporter packages are not dependencies of this library (the app installs the one it uses,
 * so there is one copy of the SDK). A top-level import of both would make the app install both;
 * here the chosen one is imported on construction, and batches handed over before it has loaded
 * wait for it. When the package is missing, a diag error names the install line, and every batch
 * fails at once, is not retried, and is counted as dropped.
 *
 * @module
 */
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describeError, report } from '../diag-reporter.js';
import { warnOption } from '../option-normalizer.js';
import { EXPORT_FAILED } from '../otel-types.js';
import { PermanentExportError } from '../retrying-exporter.js';
import { DEFAULT_PROTOCOL, type OtlpProtocol, type SetupFlagTelemetryOptions } from './options.js';

type ResultCallback = Parameters<LogRecordExporter['export']>[1];
type ExporterClass = new (config: Record<string, unknown>) => LogRecordExporter;

/** The npm package that provides the OTLP log exporter of each protocol. */
export const EXPORTER_PACKAGES: Readonly<Record<OtlpProtocol, string>> = Object.freeze({
  'http/protobuf': '@opentelemetry/exporter-logs-otlp-proto',
  'http/json': '@opentelemetry/exporter-logs-otlp-http',
});

/**
 * The protocol in effect: the option, else `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, else http/protobuf. A wrong option throws; a wrong environment
 * value (e.g. `grpc`, meant for another exporter) gets a warning and http/protobuf.
 */
export function resolveProtocol(option: unknown): OtlpProtocol {
  if (option !== undefined) {
    if (option === 'http/protobuf' || option === 'http/json') return option;
    throw new TypeError(`openfeature-otel-tracking: protocol must be 'http/protobuf' or 'http/json', got ${typeof option === 'string' ? JSON.stringify(option.slice(0, 40)) : typeof option}`);
  }
  const fromEnv = readEnv('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL') ?? readEnv('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (fromEnv === undefined) return DEFAULT_PROTOCOL;
  if (fromEnv === 'http/protobuf' || fromEnv === 'http/json') return fromEnv;
  warnOption(`OTLP protocol '${fromEnv.slice(0, 20)}' from the environment is not supported here; using ${DEFAULT_PROTOCOL}`);
  return DEFAULT_PROTOCOL;
}

/** Reads a non-empty environment variable, in Node; `undefined` in browsers. */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The OTLP/HTTP exporter of the chosen protocol; see the module comment. */
export function createOtlpExporter(options: SetupFlagTelemetryOptions): LogRecordExporter {
  const protocol = resolveProtocol(options.protocol);
  const config: Record<string, unknown> = { ...options.exporterOptions };
  if (options.url !== undefined) {
    // Checked here, at construction: the exporter itself is built later (after its import), where
    // its own "Could not parse" error would come too late and would echo the URL (credentials too).
    if (!isUrl(options.url)) {
      throw new TypeError("openfeature-otel-tracking: url must be a URL such as 'https://collector:4318/v1/logs'");
    }
    config['url'] = options.url;
  }
  if (options.headers !== undefined) config['headers'] = options.headers;
  return new LazyExporter(protocol, loadExporterClass(protocol), config);
}

/** True when the OTLP exporter will accept `url` (it resolves it against the page in browsers). */
function isUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    new URL(url, (globalThis as { location?: { href?: string } }).location?.href);
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports the exporter class of one protocol. The specifiers are literal so that bundlers see
 * them and emit each as its own chunk, loaded only when that protocol is chosen.
 */
function loadExporterClass(protocol: OtlpProtocol): Promise<ExporterClass> {
  return protocol === 'http/json'
    ? import('@opentelemetry/exporter-logs-otlp-http').then((m) => m.OTLPLogExporter as unknown as ExporterClass)
    : import('@opentelemetry/exporter-logs-otlp-proto').then((m) => m.OTLPLogExporter as unknown as ExporterClass);
}

/** A LogRecordExporter that starts loading its OTLP exporter at once and delegates to it. */
class LazyExporter implements LogRecordExporter {
  private inner: LogRecordExporter | undefined;
  private failure: PermanentExportError | undefined;
  private readonly ready: Promise<void>;

  constructor(protocol: OtlpProtocol, load: Promise<ExporterClass>, config: Record<string, unknown>) {
    // Never rejects: a rejected promise here would be an unhandled rejection (a crash in Node) and
    // would leave every export waiting forever.
    this.ready = load.then(
      (Exporter) => {
        try {
          this.inner = new Exporter(config);
        } catch (err) {
          // e.g. a bad exporterOptions.url; the SDK's message quotes the URL, so it is not echoed.
          this.failure = new PermanentExportError(`the OTLP exporter could not be built: ${err instanceof Error ? err.name : typeof err}`);
          report('error', 'exporter-failed', `setupFlagTelemetry: the OTLP exporter could not be built (check url and exporterOptions); records are dropped and counted`);
        }
      },
      (err: unknown) => {
        const pkg = EXPORTER_PACKAGES[protocol];
        this.failure = new PermanentExportError(`${pkg} could not be loaded for protocol '${protocol}': ${describeError(err)}`);
        report('error', 'exporter-missing', `setupFlagTelemetry: protocol '${protocol}' needs ${pkg}; install it (npm install ${pkg}). Records are dropped and counted until then. ${describeError(err)}`);
      },
    );
  }

  export(records: ReadableLogRecord[], resultCallback: ResultCallback): void {
    if (this.inner !== undefined) {
      this.inner.export(records, resultCallback);
      return;
    }
    void this.ready.then(() => {
      if (this.inner === undefined) {
        resultCallback({ code: EXPORT_FAILED, error: this.failure });
        return;
      }
      try {
        this.inner.export(records, resultCallback);
      } catch (err) {
        // Thrown here, it would be an unhandled rejection, and the batch would never be answered.
        resultCallback({ code: EXPORT_FAILED, error: err instanceof Error ? err : new Error(typeof err) });
      }
    });
  }

  async forceFlush(): Promise<void> {
    await this.ready;
    await this.inner?.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.ready;
    await this.inner?.shutdown();
  }
}
