/**
 * Pure mapping from one OpenFeature evaluation to one `feature_flag.evaluation` log record.
 * No SDK, no I/O, no global state: testable with plain objects.
 *
 * @module
 */
import { type ContextPolicy, addExportedContext } from './context-policy.js';
import { type Budget, type Limits, boundString, isAttributeMap, normalize, wellFormed } from './normalize.js';
import type { AnyValue, LogAttributes, LogRecordLike } from './otel-types.js';
import {
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
  ATTR_OPENFEATURE_FLAG_METADATA,
  EVENT_FEATURE_FLAG_EVALUATION,
  SEVERITY_INFO,
  SEVERITY_WARN,
} from './semconv.js';

/**
 * When `feature_flag.result.value` is written.
 * - `'semconv'` (default): only when there is no variant, as the semantic conventions require.
 * - `'always'`: always (needed for GO Feature Flag-shaped output, whose events carry the value).
 * - `'never'`: never, e.g. when values may hold personal data.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({ includeValue: 'never' }); // values may hold personal data
 * ```
 */
export type IncludeValue = 'semconv' | 'always' | 'never';

/** The parts of a hook context the record is built from. */
export interface EvaluationInput {
  readonly flagKey: string;
  readonly context?: Readonly<Record<string, unknown>> | null;
  readonly providerMetadata?: { readonly name?: string } | null;
}

/** The parts of the evaluation details (the result of the evaluation) the record is built from. */
export interface EvaluationResult {
  readonly value?: unknown;
  readonly variant?: string | undefined;
  readonly reason?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly flagMetadata?: Readonly<Record<string, unknown>> | undefined;
}

/** What OpenFeature allows as a flag-metadata value (anything else is converted the same way). */
type FlagMetadataValue = string | number | boolean;

/** Precomputed settings of the builder. */
export interface EvaluationRecordConfig {
  readonly includeValue: IncludeValue;
  readonly includeFlagMetadata: boolean;
  /** The context policy: what of the evaluation context is written. */
  readonly context: ContextPolicy;
  readonly limits: Limits;
}

/**
 * Lower-cased reasons and error codes, cached so that the hot path does not allocate: filled on
 * first sight instead of shipped as a table of the standard codes. At most {@link LOWER_CACHE_SIZE}
 * entries, so a provider inventing reasons cannot grow it (those are lower-cased each time). A
 * Map, not an object: a reason such as "constructor" or "toString" must not find Object.prototype.
 */
const LOWER = new Map<string, string>();

/** Enough for the 17 standard reasons and error codes and a provider's own. */
const LOWER_CACHE_SIZE = 64;

/** Lower-cases a reason or error code; codes seen before come from a cache. */
export function lowerCode(code: string): string {
  let lower = LOWER.get(code);
  if (lower === undefined) {
    lower = code.toLowerCase();
    if (LOWER.size < LOWER_CACHE_SIZE) LOWER.set(code, lower);
  }
  return lower;
}

/**
 * The raw subject id for an evaluation: flag metadata `contextId` first, then the targeting key
 * (OpenFeature spec appendix D).
 */
export function rawSubjectId(input: EvaluationInput, result: EvaluationResult): unknown {
  const fromMetadata = result.flagMetadata?.['contextId'];
  if (fromMetadata !== undefined && fromMetadata !== '') return fromMetadata;
  return input.context?.['targetingKey'];
}

/**
 * Builds the `feature_flag.evaluation` record. `contextId` is the already-mapped subject id (see
 * {@link ContextPolicy.id}), computed by the caller because deduplication needs it first. The
 * record has no `log.record.uid` yet: the emit tail stamps it (src/emit-record.ts), which keeps
 * this function pure.
 */
export function buildEvaluationRecord(
  config: EvaluationRecordConfig,
  input: EvaluationInput,
  result: EvaluationResult,
  contextId: string | undefined,
  budget: Budget,
): LogRecordLike {
  const limits = config.limits;
  const attributes: LogAttributes = {
    [ATTR_FEATURE_FLAG_KEY]: boundString(String(input.flagKey), limits, budget),
  };
  const variant = result.variant;
  const hasVariant = typeof variant === 'string';
  if (hasVariant) attributes[ATTR_FEATURE_FLAG_RESULT_VARIANT] = boundString(variant, limits, budget);
  if (config.includeValue === 'always' || (config.includeValue === 'semconv' && !hasVariant)) {
    const value = normalize(result.value, limits, budget);
    if (value !== undefined) attributes[ATTR_FEATURE_FLAG_RESULT_VALUE] = value;
  }
  const reason = result.reason;
  if (typeof reason === 'string' && reason.length > 0) {
    attributes[ATTR_FEATURE_FLAG_RESULT_REASON] = boundString(lowerCode(reason), limits, budget);
  }
  const providerName = input.providerMetadata?.name;
  if (typeof providerName === 'string') attributes[ATTR_FEATURE_FLAG_PROVIDER_NAME] = wellFormed(providerName, budget);
  if (contextId !== undefined) attributes[ATTR_FEATURE_FLAG_CONTEXT_ID] = contextId;

  const metadata = result.flagMetadata;
  if (metadata !== undefined && metadata !== null) {
    const version = metadata['version'] as FlagMetadataValue | undefined;
    if (version !== undefined && version !== '') {
      attributes[ATTR_FEATURE_FLAG_VERSION] = boundString(String(version), limits, budget);
    }
    const setId = metadata['flagSetId'] as FlagMetadataValue | undefined;
    if (setId !== undefined && setId !== '') {
      attributes[ATTR_FEATURE_FLAG_SET_ID] = boundString(String(setId), limits, budget);
    }
    if (config.includeFlagMetadata) {
      const map = normalize(metadata, limits, budget);
      if (isNonEmptyMap(map)) attributes[ATTR_OPENFEATURE_FLAG_METADATA] = map;
    }
  }

  addExportedContext(attributes, config.context, input.context, limits, budget);

  const errorCode = result.errorCode;
  if (typeof errorCode === 'string' && errorCode.length > 0) {
    attributes[ATTR_ERROR_TYPE] = boundString(lowerCode(errorCode), limits, budget);
    const message = result.errorMessage;
    if (typeof message === 'string' && message.length > 0) {
      attributes[ATTR_FEATURE_FLAG_ERROR_MESSAGE] = boundString(message, limits, budget);
    }
    return { eventName: EVENT_FEATURE_FLAG_EVALUATION, severityNumber: SEVERITY_WARN, severityText: 'WARN', attributes };
  }
  return { eventName: EVENT_FEATURE_FLAG_EVALUATION, severityNumber: SEVERITY_INFO, severityText: 'INFO', attributes };
}

function isNonEmptyMap(value: AnyValue): value is { [key: string]: AnyValue } {
  if (!isAttributeMap(value)) return false;
  for (const _ in value) return true;
  return false;
}
