/**
 * Helpers shared by the hook and the provider for options and user callbacks.
 *
 * @module
 */
import { describeError, report } from './diag-reporter.js';
import { Budget, type Limits, normalize } from './normalize.js';
import type { AnyValue, LogAttributes, LogRecordLike } from './otel-types.js';

/**
 * A user callback that may change a record before it is emitted. Return the record (changed in
 * place or new), or `undefined` to drop it.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({
 *   mapRecord: (record) => ({ ...record, attributes: { ...record.attributes, 'deployment.environment.name': 'prod' } }),
 * });
 * ```
 */
export type MapRecord<TDetails> = (
  record: LogRecordLike,
  details: TDetails,
  context: Readonly<Record<string, unknown>> | undefined,
) => LogRecordLike | undefined;

/** Reports a corrected option (bad tuning gets a warning and a correction). */
export function warnOption(message: string): void {
  report('warn', `option:${message.slice(0, 40)}`, message);
}

/**
 * Runs `mapRecord` safely and re-normalises whatever attributes it returns, so a callback can
 * never make the SDK drop an attribute. Returns `undefined` when the record must be dropped.
 */
export function applyMapRecord<TDetails>(
  mapRecord: MapRecord<TDetails>,
  record: LogRecordLike,
  details: TDetails,
  context: Readonly<Record<string, unknown>> | undefined,
  limits: Limits,
): LogRecordLike | undefined {
  let mapped: LogRecordLike | undefined;
  try {
    mapped = mapRecord(record, details, context);
  } catch (err) {
    report('error', 'map-record-threw', `mapRecord threw, so the record was dropped: ${describeError(err)}`);
    return undefined;
  }
  if (mapped === undefined || mapped === null) return undefined;
  if (typeof mapped !== 'object') {
    report('error', 'map-record-returned', `mapRecord must return a record or undefined, got ${typeof mapped}; the record was dropped`);
    return undefined;
  }
  const attributes = mapped.attributes;
  if (attributes !== undefined) {
    const normalized = normalize(attributes, limits, new Budget(limits.maxRecordBytes));
    mapped.attributes = isMap(normalized) ? normalized : {};
  }
  return mapped;
}

function isMap(value: AnyValue): value is LogAttributes {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}
