/**
 * Pure mapping from one `track(name, context, details)` call to one `openfeature.tracking` log
 * record. No SDK, no I/O, no global state.
 *
 * @module
 */
import { type ContextPolicy, addExportedContext } from './context-policy.js';
import { type Budget, type Limits, boundString, normalizeFields, normalizeNumber, wellFormed } from './normalize.js';
import type { LogAttributes, LogRecordLike } from './otel-types.js';
import {
  ATTR_FEATURE_FLAG_CONTEXT_ID,
  ATTR_FEATURE_FLAG_PROVIDER_NAME,
  ATTR_OPENFEATURE_TRACKING_DETAILS,
  ATTR_OPENFEATURE_TRACKING_NAME,
  ATTR_OPENFEATURE_TRACKING_VALUE,
  EVENT_OPENFEATURE_TRACKING,
  SEVERITY_INFO,
} from './semconv.js';

/** Precomputed settings of the builder. */
export interface TrackingRecordConfig {
  /** The context policy: what of the evaluation context is written. */
  readonly context: ContextPolicy;
  readonly limits: Limits;
}

/**
 * Checks a tracking event name. Returns a problem description, or `undefined` when the name is a
 * non-empty string.
 */
export function trackingNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `the tracking event name must be a string, got ${name === null ? 'null' : typeof name}`;
  if (name.trim().length === 0) return 'the tracking event name must not be empty';
  return undefined;
}

/**
 * Builds the `openfeature.tracking` record. The caller has checked the name with
 * {@link trackingNameProblem}. The record has no `log.record.uid` yet: the emit tail stamps it
 * (src/emit-record.ts), which keeps this function pure.
 */
export function buildTrackingRecord(
  config: TrackingRecordConfig,
  name: string,
  context: Readonly<Record<string, unknown>> | null | undefined,
  details: unknown,
  providerName: string | undefined,
  budget: Budget,
): LogRecordLike {
  const limits = config.limits;
  const attributes: LogAttributes = {
    [ATTR_OPENFEATURE_TRACKING_NAME]: boundString(name, limits, budget),
  };
  if (details !== undefined && details !== null) {
    if (typeof details === 'object') {
      addDetails(attributes, details as Record<string, unknown>, limits, budget);
    } else {
      budget.note(`tracking details of type ${typeof details} were ignored`);
    }
  }
  const contextId = config.context.id(context?.['targetingKey'], budget);
  if (contextId !== undefined) attributes[ATTR_FEATURE_FLAG_CONTEXT_ID] = contextId;
  if (typeof providerName === 'string') attributes[ATTR_FEATURE_FLAG_PROVIDER_NAME] = wellFormed(providerName, budget);
  addExportedContext(attributes, config.context, context, limits, budget);
  return { eventName: EVENT_OPENFEATURE_TRACKING, severityNumber: SEVERITY_INFO, severityText: 'INFO', attributes };
}

function addDetails(attributes: LogAttributes, details: Record<string, unknown>, limits: Limits, budget: Budget): void {
  let value: unknown;
  try {
    value = details['value'];
  } catch {
    value = undefined;
  }
  if (value !== undefined) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      // An int or a double on the wire (the SDK's choice, by Number.isInteger); a string past ±(2^53 − 1).
      attributes[ATTR_OPENFEATURE_TRACKING_VALUE] = normalizeNumber(value, budget);
    } else {
      budget.note(`the tracking value must be a finite number, got ${typeof value === 'number' ? String(value) : typeof value}; it was left out`);
    }
  }
  // Field by field, leaving `value` out, rather than normalising everything and deleting `value`:
  // a delete turns the map into a slow dictionary-mode object that the SDK then copies.
  const custom = normalizeFields(details, limits, budget, 'value');
  if (custom !== undefined) attributes[ATTR_OPENFEATURE_TRACKING_DETAILS] = custom;
}
