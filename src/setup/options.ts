/**
 * The options of `setupFlagTelemetry`: public types, the one defaults object, and the checks that
 * turn what the user passed into the settings in effect (one rule per numeric option, through the
 * one option normaliser; docs/setup.md lists them).
 *
 * @module
 */
import type { LogRecordExporter, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { EvaluationEventHook, EvaluationEventHookOptions } from '../evaluation-event-hook.js';
import { type NumberRule, numberOption, warnOption } from '../option-normalizer.js';
import { RETRY_RULES } from '../retrying-exporter.js';
import type { WithTrackingOptions } from '../with-tracking.js';

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
  /** Time allowed for one export, retries included, in ms (Node only). */
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
   * else `'http/protobuf'` (about half the bytes of JSON per record). Only the exporter package of
   * the chosen protocol is loaded: `@opentelemetry/exporter-logs-otlp-proto` for protobuf,
   * `@opentelemetry/exporter-logs-otlp-http` for JSON.
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
  /** Use this exporter instead of OTLP (e.g. another transport); then no OTLP package is loaded. */
  exporter?: LogRecordExporter;
  /**
   * Batching; see {@link SETUP_BATCH_DEFAULTS}. In browsers the pipeline uses
   * `PageHideBatchProcessor` (batches of 32 unless set) so records survive a closing tab.
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

/**
 * What {@link setupFlagTelemetry} returns.
 *
 * @example
 * ```ts
 * const telemetry: FlagTelemetry = setupFlagTelemetry({ serviceName: 'checkout' });
 * process.once('SIGTERM', () => void telemetry.shutdown());
 * ```
 */
export interface FlagTelemetry {
  /** An {@link EvaluationEventHook} emitting to this pipeline. */
  readonly hook: EvaluationEventHook;
  /** `withTracking` emitting to this pipeline; options default to `options.tracking`. */
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

/** True in a page (or a test that defines `document`): the pipeline uses PageHideBatchProcessor. */
export const IN_BROWSER = typeof (globalThis as { document?: unknown }).document !== 'undefined';

/**
 * Every default of `setupFlagTelemetry`, in one place. A queued record costs about 400 bytes of
 * heap, so the Node queue (200,000 records, about 80 MB at worst) holds a 30 s outage at 5,000
 * records/s, and the browser queue (20,000, about 8 MB) a long spell offline for a page; the SDK
 * default is 2,048. Bigger batches mean fewer requests; in browsers, keepalive requests that
 * outlive the page share 64 KiB, hence 32 records. The export timeout covers the retry window.
 */
const SETUP_DEFAULTS = Object.freeze({
  node: Object.freeze({ maxQueueSize: 200_000, maxExportBatchSize: 1_024, scheduledDelayMillis: 500, exportTimeoutMillis: 90_000 }),
  browser: Object.freeze({ maxQueueSize: 20_000, maxExportBatchSize: 32, scheduledDelayMillis: 500, exportTimeoutMillis: 90_000 }),
  exportConcurrency: 2,
  retryMaxElapsedMillis: 60_000,
  /** Backoff of the retrying exporter: 1 s, 2 s, 4 s, then 5 s. */
  retryInitialDelayMillis: 1_000,
  retryMaxDelayMillis: 5_000,
  /** How much longer than the retry window one export may take before the SDK gives up on it. */
  exportTimeoutHeadroomMillis: 30_000,
  protocol: 'http/protobuf',
});

/**
 * Batch defaults of this environment (Node or browser), sized for flag events: small records at
 * high rates.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ batch: { maxQueueSize: SETUP_BATCH_DEFAULTS.maxQueueSize / 4 } });
 * ```
 */
export const SETUP_BATCH_DEFAULTS: Readonly<Required<BatchOptions>> = IN_BROWSER ? SETUP_DEFAULTS.browser : SETUP_DEFAULTS.node;

/**
 * Default of {@link SetupFlagTelemetryOptions.exportConcurrency}: exports in flight at once.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ exportConcurrency: SETUP_EXPORT_CONCURRENCY * 2 });
 * ```
 */
export const SETUP_EXPORT_CONCURRENCY = SETUP_DEFAULTS.exportConcurrency;

/**
 * Default of {@link SetupFlagTelemetryOptions.retryMaxElapsedMillis}.
 *
 * @example
 * ```ts
 * setupFlagTelemetry({ retryMaxElapsedMillis: 2 * SETUP_RETRY_MAX_ELAPSED_MILLIS });
 * ```
 */
export const SETUP_RETRY_MAX_ELAPSED_MILLIS = SETUP_DEFAULTS.retryMaxElapsedMillis;

/** Ranges of the batch options (defaults come from the environment's defaults). */
const BATCH_RANGES: Readonly<Record<keyof BatchOptions, Omit<NumberRule, 'default'>>> = Object.freeze({
  // 2,000,000 records is about 800 MB of heap at worst.
  maxQueueSize: { min: 1, max: 2_000_000, unit: 'records' },
  maxExportBatchSize: { min: 1, max: 100_000, unit: 'records' },
  scheduledDelayMillis: { min: 1, max: 600_000, unit: 'ms' },
  // Below 1 s every export would time out; the ceiling stays under setTimeout's 2^31-1 ms.
  exportTimeoutMillis: { min: 1_000, max: 90_000_000, unit: 'ms' },
});

const CONCURRENCY_RULE: NumberRule = { default: SETUP_DEFAULTS.exportConcurrency, min: 1, max: 16, unit: 'exports' };
const RETRY_WINDOW_RULE: NumberRule = { ...RETRY_RULES.maxElapsedMillis, default: SETUP_DEFAULTS.retryMaxElapsedMillis };

/** The settings in effect after every check and correction. */
export interface ResolvedSetup {
  readonly batch: Readonly<Required<BatchOptions>>;
  readonly exportConcurrency: number;
  readonly retry: { readonly maxElapsedMillis: number; readonly initialDelayMillis: number; readonly maxDelayMillis: number };
}

/**
 * Checks every numeric option of `setupFlagTelemetry` once, at construction: wrong types and NaN
 * throw, out-of-range values are clamped with a diag warning. In browsers the options the
 * page-hide processor does not use (`exportConcurrency`, `batch.exportTimeoutMillis`,
 * `retryMaxElapsedMillis`) get a warning instead of being ignored silently.
 */
export function resolveSetupOptions(options: SetupFlagTelemetryOptions, inBrowser: boolean = IN_BROWSER): ResolvedSetup {
  const defaults = inBrowser ? SETUP_DEFAULTS.browser : SETUP_DEFAULTS.node;
  const exporter: unknown = options.exporter;
  if (exporter !== undefined && (exporter === null || typeof (exporter as { export?: unknown }).export !== 'function')) {
    throw new TypeError('openfeature-otel-tracking: exporter must be a LogRecordExporter (an object with export() and shutdown())');
  }
  const input = options.batch;
  if (input !== undefined && (input === null || typeof input !== 'object')) {
    throw new TypeError('openfeature-otel-tracking: batch must be an object { maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis }');
  }
  const rule = (name: keyof BatchOptions): NumberRule => ({ ...BATCH_RANGES[name], default: defaults[name] });
  const maxQueueSize = numberOption('batch', 'maxQueueSize', input?.maxQueueSize, rule('maxQueueSize'));
  let maxExportBatchSize = numberOption('batch', 'maxExportBatchSize', input?.maxExportBatchSize, rule('maxExportBatchSize'));
  if (maxExportBatchSize > maxQueueSize) {
    if (input?.maxExportBatchSize !== undefined) {
      warnOption(`batch.maxExportBatchSize (${maxExportBatchSize}) exceeds batch.maxQueueSize; using ${maxQueueSize}`);
    }
    maxExportBatchSize = maxQueueSize;
  }
  const scheduledDelayMillis = numberOption('batch', 'scheduledDelayMillis', input?.scheduledDelayMillis, rule('scheduledDelayMillis'));
  const retryMaxElapsedMillis = numberOption('', 'retryMaxElapsedMillis', options.retryMaxElapsedMillis, RETRY_WINDOW_RULE);
  const exportConcurrency = numberOption('', 'exportConcurrency', options.exportConcurrency, CONCURRENCY_RULE);
  // The SDK's batch processor stops waiting for an export after exportTimeoutMillis (sdk-logs 3.1
  // ExportOperation): forceFlush() would return and the next batch start while this one is still
  // being retried. So the timeout must outlast the retry window.
  const neededTimeout = retryMaxElapsedMillis + SETUP_DEFAULTS.exportTimeoutHeadroomMillis;
  let exportTimeoutMillis = numberOption('batch', 'exportTimeoutMillis', input?.exportTimeoutMillis, {
    ...rule('exportTimeoutMillis'),
    default: Math.max(defaults.exportTimeoutMillis, neededTimeout),
  });
  if (retryMaxElapsedMillis > 0 && exportTimeoutMillis < neededTimeout) {
    warnOption(`batch.exportTimeoutMillis (${exportTimeoutMillis}) must exceed retryMaxElapsedMillis (${retryMaxElapsedMillis}) by ${SETUP_DEFAULTS.exportTimeoutHeadroomMillis}; using ${neededTimeout}`);
    exportTimeoutMillis = neededTimeout;
  }
  if (inBrowser) {
    if (options.exportConcurrency !== undefined) {
      warnOption('exportConcurrency is ignored in browsers: the page-hide processor sends every batch as soon as it is full');
    }
    if (input?.exportTimeoutMillis !== undefined) {
      warnOption('batch.exportTimeoutMillis is ignored in browsers: set exporterOptions.timeoutMillis for one request');
    }
    if (options.retryMaxElapsedMillis !== undefined) {
      warnOption('retryMaxElapsedMillis is ignored in browsers: the page-hide processor retries a failed batch until the collector answers, while the page is open');
    }
  }
  return {
    batch: Object.freeze({ maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis }),
    exportConcurrency,
    retry: {
      maxElapsedMillis: retryMaxElapsedMillis,
      initialDelayMillis: SETUP_DEFAULTS.retryInitialDelayMillis,
      maxDelayMillis: SETUP_DEFAULTS.retryMaxDelayMillis,
    },
  };
}

/** The default protocol when neither the options nor the environment name one. */
export const DEFAULT_PROTOCOL: OtlpProtocol = SETUP_DEFAULTS.protocol;
