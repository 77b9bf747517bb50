/**
 * `setupFlagTelemetry()`: a complete logs pipeline for apps that have no OpenTelemetry SDK.
 * Import it from `openfeature-otel-tracking/setup`; it needs `@opentelemetry/sdk-logs`,
 * `@opentelemetry/resources` and `@opentelemetry/exporter-logs-otlp-proto` (or `-http` for
 * `protocol: 'http/json'`) installed.
 *
 * @module
 */
import { type Counter, type MeterProvider, createNoopMeter } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
  LoggerProvider,
  type ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import { report } from './diag-reporter.js';
import { EvaluationEventHook, type EvaluationEventHookOptions } from './evaluation-event-hook.js';
import { PageHideBatchProcessor } from './page-hide-batch-processor.js';
import { warnOption } from './options.js';
import { RetryingExporter } from './retrying-exporter.js';
import { type WithTrackingOptions, withTracking } from './with-tracking.js';

/**
 * OTLP encodings offered by {@link setupFlagTelemetry}.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ protocol: 'http/json' }); // needs @opentelemetry/exporter-logs-otlp-http
 * ```
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/**
 * Batching of the log pipeline (BatchLogRecordProcessor settings).
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ batch: { maxQueueSize: 50_000, scheduledDelayMillis: 1_000 } });
 * ```
 */
export interface BatchOptions {
  /** Records held in memory awaiting export; beyond it records are dropped and counted. */
  maxQueueSize?: number;
  /** Records per OTLP request. */
  maxExportBatchSize?: number;
  /** Longest wait before a partial batch is sent, in ms. */
  scheduledDelayMillis?: number;
  /** Time allowed for one export, retries included, in ms. */
  exportTimeoutMillis?: number;
}

/**
 * Options of {@link setupFlagTelemetry}.
 *
 * @example
 * ```ts
 * const telemetry = setupFlagTelemetry({
 *   serviceName: 'checkout',
 *   url: 'https://collector.internal:4318/v1/logs',
 *   headers: { Authorization: `Bearer ${process.env.OTLP_TOKEN}` },
 *   hook: { includeValue: 'always' },
 * });
 * ```
 */
export interface SetupFlagTelemetryOptions {
  /**
   * `service.name` of the resource. Default: `resourceAttributes['service.name']`, else
   * `OTEL_SERVICE_NAME`, else `unknown_service:<process>` (the SDK's default).
   */
  serviceName?: string;
  /**
   * More resource attributes, e.g. `{ 'deployment.environment.name': 'prod' }`. They override
   * `OTEL_RESOURCE_ATTRIBUTES`, which is read too.
   */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * OTLP encoding. Default: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`,
   * else `'http/protobuf'` (about half the bytes of JSON per record).
   */
  protocol?: OtlpProtocol;
  /**
   * Full OTLP logs URL, e.g. `https://collector:4318/v1/logs`. Default: the exporter reads
   * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318/v1/logs`.
   */
  url?: string;
  /** Request headers, e.g. `{ Authorization: 'Bearer …' }`. Also read from `OTEL_EXPORTER_OTLP_[LOGS_]HEADERS`. Never logged. */
  headers?: Record<string, string>;
  /**
   * Passed through to the OTLP exporter: `timeoutMillis`, `compression`, `concurrencyLimit`, and
   * in Node `httpAgentOptions` (TLS: `ca`, `cert`, `key`, `rejectUnauthorized`).
   */
  exporterOptions?: Record<string, unknown>;
  /** Use this exporter instead of OTLP (e.g. another transport). */
  exporter?: LogRecordExporter;
  /**
   * Batching; see {@link SETUP_BATCH_DEFAULTS}. In browsers the pipeline uses
   * {@link PageHideBatchProcessor} (batches of 32 unless set) so records survive a closing tab.
   */
  batch?: BatchOptions;
  /**
   * Exports in flight at once (Node). The SDK's batch processor sends one request at a time, so
   * the collector works on one request at a time; with 2, it uses two cores (measured: 25k
   * records/s held with 1, 50k/s with 2, through the shipped collector config). Records are spread
   * round-robin over that many batch processors, each with its share of `maxQueueSize`. Default 2.
   */
  exportConcurrency?: number;
  /**
   * How long a failed batch is retried (network errors, 429, 502, 503, 504) before it is dropped
   * and counted, in ms. Default 60000: a collector restart or a short outage loses nothing, while
   * the queue absorbs new records. `0` leaves retrying to the OTLP exporter alone (about 13 s).
   */
  retryMaxElapsedMillis?: number;
  /** Options of the returned hook. */
  hook?: Omit<EvaluationEventHookOptions, 'loggerProvider'>;
  /** Default options of the returned `withTracking`. */
  tracking?: Omit<WithTrackingOptions, 'loggerProvider'>;
}

/**
 * Delivery counters of the pipeline built by {@link setupFlagTelemetry}.
 *
 * @example
 * ```ts
 * const { exported, dropped, pending } = telemetry.stats();
 * ```
 */
export interface FlagTelemetryStats {
  /** Records handed to the pipeline. */
  emitted: number;
  /** Records the exporter confirmed as delivered. */
  exported: number;
  /** Records dropped because the in-memory queue was full. */
  droppedQueueFull: number;
  /** Records dropped because their export failed after retries. */
  droppedExportFailed: number;
  /** `droppedQueueFull + droppedExportFailed`. */
  dropped: number;
  /** Records neither exported nor dropped yet (queued or being sent). 0 after `forceFlush()`. */
  pending: number;
}

/** What {@link setupFlagTelemetry} returns. */
export interface FlagTelemetry {
  /** An {@link EvaluationEventHook} emitting to this pipeline. */
  readonly hook: EvaluationEventHook;
  /** {@link withTracking} emitting to this pipeline; options default to `options.tracking`. */
  readonly withTracking: <P extends object>(provider: P, options?: Omit<WithTrackingOptions, 'loggerProvider'>) => P;
  /** The LoggerProvider (not registered globally). */
  readonly loggerProvider: LoggerProvider;
  /** Exports everything emitted so far. */
  forceFlush(): Promise<void>;
  /** Flushes everything, then stops the pipeline. Safe to call more than once. */
  shutdown(): Promise<void>;
  /** Delivery counters: every record emitted is exported, dropped (and counted) or pending. */
  stats(): FlagTelemetryStats;
}

const IN_BROWSER = typeof (globalThis as { document?: unknown }).document !== 'undefined';

/**
 * Batch defaults, sized for flag events: small records at high rates. A queued record costs about
 * 400 bytes of heap, so the Node queue (200,000 records, about 80 MB at worst) holds a 30 s outage
 * at 5,000 records/s, and the browser queue (20,000, about 8 MB) a long spell offline for a page.
 * The SDK default is 2,048. Bigger batches mean fewer requests. The export timeout covers the
 * retry window.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ batch: { maxQueueSize: SETUP_BATCH_DEFAULTS.maxQueueSize / 4 } });
 * ```
 */
export const SETUP_BATCH_DEFAULTS: Readonly<Required<BatchOptions>> = Object.freeze({
  maxQueueSize: IN_BROWSER ? 20_000 : 200_000,
  maxExportBatchSize: 1_024,
  scheduledDelayMillis: 500,
  exportTimeoutMillis: 90_000,
});

/**
 * Default of {@link SetupFlagTelemetryOptions.retryMaxElapsedMillis}.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ retryMaxElapsedMillis: 2 * SETUP_RETRY_MAX_ELAPSED_MILLIS });
 * ```
 */
export const SETUP_RETRY_MAX_ELAPSED_MILLIS = 60_000;

/** Records per request in browsers: keepalive requests that outlive the page share 64 KiB. */
const BROWSER_BATCH_SIZE = 32;

const PROCESSED_METRIC = 'otel.sdk.processor.log.processed';

/**
 * Builds a logs pipeline for flag telemetry: a LoggerProvider with a `service.name` resource, a
 * BatchLogRecordProcessor and an OTLP/HTTP exporter that honours the `OTEL_EXPORTER_OTLP_*`
 * variables. Registers nothing globally. Dropped records are counted (see `stats()`) and
 * reported through diag.
 *
 * @example
 * ```ts
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { setupFlagTelemetry } from 'openfeature-otel-tracking/setup';
 *
 * const telemetry = setupFlagTelemetry({ serviceName: 'checkout' });
 * OpenFeature.addHooks(telemetry.hook);
 * await OpenFeature.setProviderAndWait(telemetry.withTracking(myProvider));
 * process.once('SIGTERM', () => void telemetry.shutdown());
 * ```
 */
export function setupFlagTelemetry(options: SetupFlagTelemetryOptions = {}): FlagTelemetry {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('openfeature-otel-tracking: setupFlagTelemetry options must be an object');
  }
  const counters = { emitted: 0, exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
  const batch = resolveBatch(options.batch);
  const retryWindow = options.retryMaxElapsedMillis ?? SETUP_RETRY_MAX_ELAPSED_MILLIS;
  if (typeof retryWindow !== 'number' || !Number.isFinite(retryWindow) || retryWindow < 0) {
    throw new TypeError('openfeature-otel-tracking: retryMaxElapsedMillis must be a number of milliseconds >= 0');
  }
  const baseExporter = options.exporter ?? createOtlpExporter(options);
  const exporter =
    retryWindow === 0
      ? baseExporter
      : new RetryingExporter(baseExporter, { maxElapsedMillis: retryWindow, initialDelayMillis: 1_000, maxDelayMillis: 5_000 }, (attempt) =>
          report('warn', 'export-retry', `flag telemetry export failed; retrying (attempt ${attempt}); records stay queued`),
        );
  // In browsers, a processor that flushes on page hide without waiting for an export in flight;
  // in Node, the SDK's batch processor, whose self-observability metric counts its drops.
  const pageHide = IN_BROWSER
    ? new PageHideBatchProcessor({
        exporter,
        maxQueueSize: batch.maxQueueSize,
        maxExportBatchSize: options.batch?.maxExportBatchSize ?? BROWSER_BATCH_SIZE,
        scheduledDelayMillis: batch.scheduledDelayMillis,
      })
    : undefined;
  const exportConcurrency = resolveConcurrency(options.exportConcurrency);
  const batchProcessor: LogRecordProcessor =
    pageHide ?? createBatchProcessors(exporter, batch, exportConcurrency, countingMeterProvider(counters, batch.maxQueueSize));
  const loggerProvider = new LoggerProvider({
    // SDK defaults, then OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME, then the explicit options.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(
        resourceFromAttributes({
          ...options.resourceAttributes,
          ...(options.serviceName !== undefined ? { 'service.name': options.serviceName } : {}),
        }),
      ),
    processors: [new CountingProcessor(batchProcessor, counters)],
  });
  const hook = new EvaluationEventHook({ ...options.hook, loggerProvider });
  const trackingDefaults = options.tracking ?? {};
  let shutdownPromise: Promise<void> | undefined;

  const stats = (): FlagTelemetryStats => {
    const delivery = pageHide?.stats ?? counters;
    const dropped = delivery.droppedQueueFull + delivery.droppedExportFailed;
    return {
      emitted: counters.emitted,
      exported: delivery.exported,
      droppedQueueFull: delivery.droppedQueueFull,
      droppedExportFailed: delivery.droppedExportFailed,
      dropped,
      pending: counters.emitted - delivery.exported - dropped,
    };
  };
  return {
    hook,
    withTracking: (provider, trackingOptions) => withTracking(provider, { ...trackingDefaults, ...trackingOptions, loggerProvider }),
    loggerProvider,
    forceFlush: () => loggerProvider.forceFlush(),
    shutdown: () => {
      shutdownPromise ??= loggerProvider.shutdown().then(() => {
        const final = stats();
        if (final.dropped > 0) {
          report(
            'warn',
            'shutdown-dropped',
            `flag telemetry shut down: ${final.exported} records exported, ${final.dropped} dropped (${final.droppedQueueFull} queue full, ${final.droppedExportFailed} export failed)`,
          );
        }
      });
      return shutdownPromise;
    },
    stats,
  };
}

/**
 * Default of {@link SetupFlagTelemetryOptions.exportConcurrency}: exports in flight at once.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ exportConcurrency: SETUP_EXPORT_CONCURRENCY * 2 });
 * ```
 */
export const SETUP_EXPORT_CONCURRENCY = 2;

function resolveConcurrency(input: number | undefined): number {
  if (input === undefined) return SETUP_EXPORT_CONCURRENCY;
  if (typeof input !== 'number' || !Number.isFinite(input)) {
    throw new TypeError('openfeature-otel-tracking: exportConcurrency must be a finite number');
  }
  if (input < 1 || input > 16) {
    const corrected = Math.min(16, Math.max(1, Math.floor(input)));
    warnOption(`exportConcurrency = ${input} must be between 1 and 16; using ${corrected}`);
    return corrected;
  }
  return Math.floor(input);
}

/**
 * `concurrency` SDK batch processors fed round-robin, so that many exports can be in flight. Each
 * holds its share of the queue, so memory stays bounded by `maxQueueSize`; every one counts its
 * drops through the same self-observability meter.
 */
function createBatchProcessors(
  exporter: LogRecordExporter,
  batch: Required<BatchOptions>,
  concurrency: number,
  selfObsMeterProvider: MeterProvider,
): LogRecordProcessor {
  const share = Math.max(1, Math.floor(batch.maxQueueSize / concurrency));
  const processors = Array.from(
    { length: concurrency },
    () =>
      new BatchLogRecordProcessor({
        exporter,
        ...batch,
        maxQueueSize: share,
        maxExportBatchSize: Math.min(batch.maxExportBatchSize, share),
        selfObsMeterProvider,
      }),
  );
  if (concurrency === 1) return processors[0]!;
  let next = 0;
  return {
    onEmit(record) {
      processors[next]!.onEmit(record);
      next = next + 1 === concurrency ? 0 : next + 1;
    },
    forceFlush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}

function resolveBatch(input: BatchOptions | undefined): Required<BatchOptions> {
  const batch = { ...SETUP_BATCH_DEFAULTS };
  if (input === undefined) return batch;
  for (const name of Object.keys(SETUP_BATCH_DEFAULTS) as (keyof BatchOptions)[]) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`openfeature-otel-tracking: batch.${name} must be a finite number`);
    }
    if (value < 1) {
      warnOption(`batch.${name} = ${value} must be >= 1; using ${SETUP_BATCH_DEFAULTS[name]}`);
      continue;
    }
    batch[name] = Math.floor(value);
  }
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    warnOption(`batch.maxExportBatchSize (${batch.maxExportBatchSize}) exceeds batch.maxQueueSize; using ${batch.maxQueueSize}`);
    batch.maxExportBatchSize = batch.maxQueueSize;
  }
  return batch;
}

function createOtlpExporter(options: SetupFlagTelemetryOptions): LogRecordExporter {
  const protocol =
    options.protocol ?? readEnv('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL') ?? readEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  const config: Record<string, unknown> = { ...options.exporterOptions };
  if (options.url !== undefined) config['url'] = options.url;
  if (options.headers !== undefined) config['headers'] = options.headers;
  switch (protocol) {
    case 'http/json':
      return new OTLPJsonLogExporter(config);
    case 'http/protobuf':
      return new OTLPProtoLogExporter(config);
    default:
      if (options.protocol !== undefined) {
        throw new TypeError(`openfeature-otel-tracking: protocol must be 'http/protobuf' or 'http/json', got ${JSON.stringify(String(protocol))}`);
      }
      warnOption(`OTLP protocol '${String(protocol).slice(0, 20)}' from the environment is not supported here; using http/protobuf`);
      return new OTLPProtoLogExporter(config);
  }
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Counts records entering the pipeline; everything else is the batch processor's. */
class CountingProcessor implements LogRecordProcessor {
  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly counters: { emitted: number },
  ) {}
  onEmit(record: ReadWriteLogRecord, context?: Parameters<LogRecordProcessor['onEmit']>[1]): void {
    this.counters.emitted++;
    this.inner.onEmit(record, context);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * A MeterProvider for the batch processor's own self-observability metric
 * `otel.sdk.processor.log.processed`, which it increments with `error.type = queue_full` for every
 * record it drops and with the export error's name for every record whose export failed. This is
 * the SDK's supported hook for drop accounting; everything else is a no-op.
 */
function countingMeterProvider(
  counters: { exported: number; droppedQueueFull: number; droppedExportFailed: number },
  maxQueueSize: number,
): MeterProvider {
  const noop = createNoopMeter();
  const processed: Counter = {
    add(value: number, attributes?: Record<string, unknown>): void {
      const errorType = attributes?.['error.type'];
      if (errorType === undefined) {
        counters.exported += value;
      } else if (errorType === 'queue_full') {
        counters.droppedQueueFull += value;
        report(
          'warn',
          'queue-full',
          `flag telemetry dropped records: the export queue (maxQueueSize ${maxQueueSize}) is full; ${counters.droppedQueueFull} dropped so far. Raise batch.maxQueueSize or check the collector`,
        );
      } else {
        counters.droppedExportFailed += value;
        report(
          'warn',
          'export-failed',
          `flag telemetry could not deliver records (${String(errorType).slice(0, 60)}); ${counters.droppedExportFailed} dropped so far`,
        );
      }
    },
  };
  const meter = Object.create(noop) as typeof noop;
  meter.createCounter = ((name: string, metricOptions?: Parameters<typeof noop.createCounter>[1]) =>
    name === PROCESSED_METRIC ? processed : noop.createCounter(name, metricOptions)) as typeof noop.createCounter;
  return { getMeter: () => meter };
}
