/**
 * openfeature-otel-tracking: OpenFeature flag evaluations and `track()` calls as OpenTelemetry
 * log records. This entry point is safe in browsers: it imports no Node built-ins and no OTel SDK.
 * `setupFlagTelemetry` lives in `openfeature-otel-tracking/setup`.
 *
 * @module
 */
export { EvaluationEventHook } from './evaluation-event-hook.js';
export type { EvaluationEventHookOptions, EvaluationFilter } from './evaluation-event-hook.js';
export { withTracking } from './with-tracking.js';
export type { WithTrackingOptions } from './with-tracking.js';
export { PageHideBatchProcessor } from './page-hide-batch-processor.js';
export type { PageHideBatchProcessorOptions, PageHideBatchStats } from './page-hide-batch-processor.js';
export type { ContextExportOptions, ContextIdMode } from './context-policy.js';
export type { DedupeOptions } from './dedupe.js';
export type { IncludeValue } from './evaluation-record.js';
export type { Limits } from './normalize.js';
export type { MapRecord } from './map-record.js';
export type { AnyValue, ExportResultLike, LogAttributes, LogRecordExporterLike, LogRecordLike, LoggerLike, LoggerProviderLike } from './otel-types.js';
export {
  ATTR_ERROR_TYPE,
  ATTR_FEATURE_FLAG_CONTEXT_ID,
  ATTR_FEATURE_FLAG_ERROR_MESSAGE,
  ATTR_FEATURE_FLAG_KEY,
  ATTR_FEATURE_FLAG_PROVIDER_NAME,
  ATTR_FEATURE_FLAG_RESULT_REASON,
  ATTR_FEATURE_FLAG_RESULT_VALUE,
  ATTR_FEATURE_FLAG_RESULT_VARIANT,
  ATTR_FEATURE_FLAG_SET_ID,
  ATTR_FEATURE_FLAG_VERSION,
  ATTR_LOG_RECORD_UID,
  ATTR_OPENFEATURE_CONTEXT,
  ATTR_OPENFEATURE_FLAG_METADATA,
  ATTR_OPENFEATURE_TRACKING_DETAILS,
  ATTR_OPENFEATURE_TRACKING_NAME,
  ATTR_OPENFEATURE_TRACKING_VALUE,
  EVENT_FEATURE_FLAG_EVALUATION,
  EVENT_OPENFEATURE_TRACKING,
} from './semconv.js';
