/**
 * The emit tail shared by the evaluation hook and the tracking provider, written once. The caller
 * checks `logger.enabled()`, builds the record with a pure builder within a per-record
 * {@link Budget}; then this module reports the budget's first problem, stamps `log.record.uid`,
 * runs `mapRecord` in its safe wrapper and emits.
 *
 * @module
 */
import { report } from './diag-reporter.js';
import { applyMapRecord, type MapRecord } from './map-record.js';
import type { Budget, Limits } from './normalize.js';
import type { LoggerLike, LogRecordLike } from './otel-types.js';
import { nextRecordId } from './record-id.js';
import { ATTR_LOG_RECORD_UID } from './semconv.js';

/** The precomputed, per-hook or per-provider settings of the emit tail. */
export interface EmitSettings<TDetails> {
  readonly limits: Limits;
  readonly mapRecord: MapRecord<TDetails> | undefined;
  /** diag kind of input problems (a fixed name: the rate limit is per kind). */
  readonly problemKind: string;
  /** Names the record in a diag message, e.g. `flag 'new-checkout'`; called only when there is a problem. */
  readonly describe: (name: string) => string;
}

/**
 * Reports the budget's problem, stamps a fresh `log.record.uid`, applies `mapRecord` and emits.
 * Returns `false` when `mapRecord` dropped the record.
 */
export function emitRecord<TDetails>(
  settings: EmitSettings<TDetails>,
  logger: LoggerLike,
  record: LogRecordLike,
  budget: Budget,
  name: string,
  details: TDetails,
  context: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (budget.problem !== undefined) {
    report('warn', settings.problemKind, `${settings.describe(name)}: ${budget.problem}; the rest of the record was kept`);
  }
  record.attributes![ATTR_LOG_RECORD_UID] = nextRecordId();
  const mapRecord = settings.mapRecord;
  if (mapRecord === undefined) {
    logger.emit(record);
    return true;
  }
  const mapped = applyMapRecord(mapRecord, record, details, context, settings.limits);
  if (mapped === undefined) return false;
  logger.emit(mapped);
  return true;
}
