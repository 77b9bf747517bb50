/**
 * `mapRecord`: the user callback that may change or drop a record before it is emitted, and the
 * safe wrapper that runs it (shared by the hook and the tracking provider).
 *
 * @module
 */
import { describeError, report } from './diag-reporter.js';
import { Budget, type Limits, isAttributeMap, normalize } from './normalize.js';
import type { AnyValue, LogRecordLike } from './otel-types.js';
import { ATTR_LOG_RECORD_UID } from './semconv.js';

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

/**
 * Runs `mapRecord` safely and re-normalises whatever attributes it returns, so a callback can
 * never make the SDK drop an attribute. Returns `undefined` when the record must be dropped.
 *
 * `log.record.uid` survives: the callback sees it and may replace it with another non-empty
 * string; if the returned record lacks one, the generated id is put back and diag warns.
 */
export function applyMapRecord<TDetails>(
  mapRecord: MapRecord<TDetails>,
  record: LogRecordLike,
  details: TDetails,
  context: Readonly<Record<string, unknown>> | undefined,
  limits: Limits,
): LogRecordLike | undefined {
  const uid = record.attributes?.[ATTR_LOG_RECORD_UID];
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
    mapped.attributes = isAttributeMap(normalized) ? normalized : {};
  }
  if (uid !== undefined) keepRecordId(mapped, uid);
  return mapped;
}

function keepRecordId(mapped: LogRecordLike, uid: AnyValue): void {
  const attributes = (mapped.attributes ??= {});
  const current = attributes[ATTR_LOG_RECORD_UID];
  if (typeof current === 'string' && current.length > 0) return;
  attributes[ATTR_LOG_RECORD_UID] = uid;
  report('warn', 'map-record-uid', `mapRecord removed or blanked ${ATTR_LOG_RECORD_UID}; the generated id was put back`);
}
