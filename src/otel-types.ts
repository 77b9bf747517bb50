/**
 * Structural types for the slice of the OpenTelemetry Logs API this library uses.
 *
 * They are declared here, not imported, because the Logs API lives in `@opentelemetry/api` >= 1.10
 * on the new line and in `@opentelemetry/api-logs` on the old one. A `LoggerProvider` from either
 * line is assignable to {@link LoggerProviderLike}.
 *
 * @module
 */

/**
 * A value a log attribute may hold: the OTel `AnyValue`.
 *
 * @example
 * ```ts
 * const value: AnyValue = { color: 'blue', sizes: [1, 2], beta: true };
 * ```
 */
export type AnyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Uint8Array
  | AnyValue[]
  | { [key: string]: AnyValue };

/**
 * Log record attributes.
 *
 * @example
 * ```ts
 * const attributes: LogAttributes = { 'feature_flag.key': 'new-checkout' };
 * ```
 */
export type LogAttributes = Record<string, AnyValue>;

/**
 * The log record this library hands to a logger.
 *
 * @example
 * ```ts
 * const record: LogRecordLike = { eventName: 'feature_flag.evaluation', severityNumber: 9, attributes: { 'feature_flag.key': 'f' } };
 * ```
 */
export interface LogRecordLike {
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: LogAttributes;
  timestamp?: number | Date;
}

/** Options accepted by `Logger.enabled()` on both OTel lines. */
export interface EnabledOptionsLike {
  eventName?: string;
  severityNumber?: number;
}

/**
 * A logger from either OTel line.
 *
 * @example
 * ```ts
 * const logger: LoggerLike = loggerProvider.getLogger('my-app');
 * if (logger.enabled?.({ eventName: 'app.event' }) !== false) logger.emit({ eventName: 'app.event' });
 * ```
 */
export interface LoggerLike {
  emit(record: LogRecordLike): void;
  enabled?(options?: EnabledOptionsLike): boolean;
}

/**
 * A logger provider from either OTel line (`LoggerProvider` from sdk-logs 0.2xx or 3.x).
 *
 * @example
 * ```ts
 * import { LoggerProvider } from '@opentelemetry/sdk-logs';
 * const loggerProvider: LoggerProviderLike = new LoggerProvider({ processors: [processor] });
 * new EvaluationEventHook({ loggerProvider });
 * ```
 */
export interface LoggerProviderLike {
  getLogger(name: string, version?: string, options?: { schemaUrl?: string }): LoggerLike;
}

/**
 * The result an exporter reports (`ExportResult` of `@opentelemetry/core`: code 0 is success).
 *
 * @example
 * ```ts
 * exporter.export(records, (result: ExportResultLike) => console.log(result.code === 0 ? 'sent' : result.error));
 * ```
 */
export interface ExportResultLike {
  code: number;
  error?: Error;
}

/** `ExportResultCode.SUCCESS` of `@opentelemetry/core` (not imported: the main entry loads no SDK). */
export const EXPORT_SUCCESS = 0;

/** `ExportResultCode.FAILED` of `@opentelemetry/core`. */
export const EXPORT_FAILED = 1;

/**
 * A log record exporter from either OTel line (`LogRecordExporter` of sdk-logs), e.g. the
 * `OTLPLogExporter` of `@opentelemetry/exporter-logs-otlp-http`.
 *
 * @example
 * ```ts
 * import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
 * const exporter: LogRecordExporterLike = new OTLPLogExporter({ url: 'https://otel.example.com/v1/logs' });
 * ```
 */
export interface LogRecordExporterLike {
  // `unknown[]`, not the SDK's `ReadableLogRecord[]`: both SDK lines' record types must fit. A method
  // signature (not a function-typed property) keeps parameters bivariant, so an SDK exporter whose
  // `export` takes its own record type still assigns to this interface.
  export(records: unknown[], resultCallback: (result: ExportResultLike) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}
