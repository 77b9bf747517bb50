/**
 * The wire contract: every event name and attribute key this library writes.
 *
 * The `feature_flag.*` and `error.type` names are copied from the OpenTelemetry semantic
 * conventions 1.45.0 (`feature_flag.*` is release candidate). They live only under
 * `@opentelemetry/semantic-conventions/incubating`, whose README asks libraries to copy
 * incubating constants instead of importing them, because a value may change under the same name.
 *
 * The `openfeature.*` names are this library's own: no convention exists yet for tracking
 * events or for exporting evaluation context. The README's contract table mirrors this file.
 *
 * @module
 */

/**
 * Event name of the record emitted once per flag evaluation.
 *
 * @example `feature_flag.evaluation`
 */
export const EVENT_FEATURE_FLAG_EVALUATION = 'feature_flag.evaluation' as const;

/**
 * Event name of the record emitted once per `client.track(...)` call.
 *
 * @example `openfeature.tracking`
 */
export const EVENT_OPENFEATURE_TRACKING = 'openfeature.tracking' as const;

/**
 * `string`, always present on evaluation records. The flag key.
 *
 * @example `new-checkout`
 */
export const ATTR_FEATURE_FLAG_KEY = 'feature_flag.key' as const;

/**
 * `string`, present when the provider returned a variant.
 *
 * @example `blue`
 */
export const ATTR_FEATURE_FLAG_RESULT_VARIANT = 'feature_flag.result.variant' as const;

/**
 * `any` (AnyValue: boolean, number, string, map or array; never a JSON string).
 * With `includeValue: 'semconv'` (the default) present only when there is no variant;
 * `'always'` and `'never'` override that. Numbers here and in every map follow one rule (see
 * docs/wire-contract.md): safe integers are `int`, other finite numbers `double`, integers beyond
 * ±(2^53 − 1) and NaN/±Infinity the string `String(n)`; lone UTF-16 surrogates become U+FFFD.
 *
 * @example `true`, `{ "color": "blue", "sizes": [1, 2] }`
 */
export const ATTR_FEATURE_FLAG_RESULT_VALUE = 'feature_flag.result.value' as const;

/**
 * `string`, lower-case, present when the provider gave a reason: one of `static`, `default`,
 * `targeting_match`, `split`, `cached`, `disabled`, `unknown`, `stale`, `error`, or a
 * provider-specific reason, lower-cased.
 *
 * @example `targeting_match`
 */
export const ATTR_FEATURE_FLAG_RESULT_REASON = 'feature_flag.result.reason' as const;

/**
 * `string`, the provider's `metadata.name`. On tracking records, the wrapped provider's name.
 *
 * @example `in-memory`
 */
export const ATTR_FEATURE_FLAG_PROVIDER_NAME = 'feature_flag.provider.name' as const;

/**
 * `string`, the subject: flag metadata `contextId`, else the targeting key; replaced by its
 * HMAC-SHA-256 (hex) with `contextId: 'hash'`; absent with `contextId: 'none'` or when neither
 * exists. Tracking records carry it too, so exposures and outcomes join on one key.
 *
 * @example `user-42`
 */
export const ATTR_FEATURE_FLAG_CONTEXT_ID = 'feature_flag.context.id' as const;

/**
 * `string`, from flag metadata `version`.
 *
 * @example `2.1.0`
 */
export const ATTR_FEATURE_FLAG_VERSION = 'feature_flag.version' as const;

/**
 * `string`, from flag metadata `flagSetId`.
 *
 * @example `checkout-team`
 */
export const ATTR_FEATURE_FLAG_SET_ID = 'feature_flag.set.id' as const;

/**
 * `string`, present when the evaluation ended in an error: the OpenFeature error code, lower-case.
 *
 * @example `flag_not_found`
 */
export const ATTR_ERROR_TYPE = 'error.type' as const;

/**
 * `string`, present on errors that carry a message. Replaces the deprecated `error.message`
 * (semconv 1.40).
 *
 * @example `flag 'x' not found`
 */
export const ATTR_FEATURE_FLAG_ERROR_MESSAGE = 'feature_flag.error.message' as const;

/**
 * `map`, the evaluation-context attributes named by `contextAttributes` (default `['anonymous']`),
 * present when at least one of them is set. Never contains `targetingKey`.
 *
 * @example `{ "anonymous": true }`
 */
export const ATTR_OPENFEATURE_CONTEXT = 'openfeature.context' as const;

/**
 * `map`, the flag metadata, present with `includeFlagMetadata: true` when non-empty.
 *
 * @example `{ "version": "2.1.0", "owner": "checkout" }`
 */
export const ATTR_OPENFEATURE_FLAG_METADATA = 'openfeature.flag.metadata' as const;

/**
 * `string`, always present on tracking records. The tracking event name.
 *
 * @example `clicked-checkout`
 */
export const ATTR_OPENFEATURE_TRACKING_NAME = 'openfeature.tracking.name' as const;

/**
 * A number, present when the tracking details carried a finite numeric `value`. On the wire its
 * OTLP type follows the value, as the OpenTelemetry JS SDK chooses it: `int` (`intValue`) when the
 * number is an integer (`100`), `double` (`doubleValue`) otherwise (`99.77`), so a consumer must
 * read both (the shipped collector and ClickHouse routes do). An integer beyond ±(2^53 − 1), which
 * JavaScript already holds only approximately and OTLP/JSON cannot always carry, is written as the
 * string `String(value)` (`"1e+21"`), which parses back to the same double; diag notes it.
 *
 * @example `99.77`, `100`
 */
export const ATTR_OPENFEATURE_TRACKING_VALUE = 'openfeature.tracking.value' as const;

/**
 * `map`, the custom tracking-event fields (everything but `value`), nested values kept,
 * present when non-empty.
 *
 * @example `{ "currencyCode": "USD", "cart": { "items": 3 } }`
 */
export const ATTR_OPENFEATURE_TRACKING_DETAILS = 'openfeature.tracking.details' as const;

/**
 * `string`, always present on every record this library emits: a unique id of the record, a
 * monotonic ULID (26 characters, Crockford base32, 48-bit millisecond time then 80 random bits).
 * Two records with the same id are the same record sent twice (an at-least-once retry), so a
 * backend may keep one of them. From the OpenTelemetry semantic conventions (`log.record.uid`,
 * development status, copied as the other incubating names are). `mapRecord` may replace it with
 * another non-empty string (for example an id derived from an order number); if it removes it,
 * the generated id is restored and diag warns.
 *
 * @example `01ARZ3NDEKTSV4RRFFQ69G5FAV`
 */
export const ATTR_LOG_RECORD_UID = 'log.record.uid' as const;

/** Severity numbers (OTel log data model), copied so that `@opentelemetry/api` < 1.10 works. */
export const SEVERITY_INFO = 9 as const;
/** Severity number for WARN. */
export const SEVERITY_WARN = 13 as const;
