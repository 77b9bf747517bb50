/**
 * Rate-limited reporting through the OpenTelemetry `diag` logger.
 *
 * Bad input can arrive on every evaluation. One message per kind of problem every
 * {@link REPORT_INTERVAL_MS}, with a count of what was suppressed, keeps the application's logs
 * readable. Messages never contain attribute values, headers or secrets, only names and kinds.
 *
 * @module
 */
import { diag } from '@opentelemetry/api';

/** Minimum time between two messages of the same kind. */
export const REPORT_INTERVAL_MS = 10_000;

/** Starts every diag message, and the numeric-option errors of src/option-normalizer.ts. */
export const DIAG_PREFIX = 'openfeature-otel-tracking: ';

type Level = 'error' | 'warn' | 'debug';

interface Slot {
  last: number;
  suppressed: number;
}

const slots = new Map<string, Slot>();

/**
 * Reports `message` at `level` unless a message of the same `kind` was reported less than
 * {@link REPORT_INTERVAL_MS} ago. `kind` must come from a fixed set (never user data), so the map
 * stays bounded.
 */
export function report(level: Level, kind: string, message: string): void {
  const now = Date.now();
  let slot = slots.get(kind);
  if (slot !== undefined && now - slot.last < REPORT_INTERVAL_MS) {
    slot.suppressed++;
    return;
  }
  const suppressed = slot?.suppressed ?? 0;
  if (slot === undefined) {
    slot = { last: now, suppressed: 0 };
    slots.set(kind, slot);
  } else {
    slot.last = now;
    slot.suppressed = 0;
  }
  const suffix = suppressed > 0 ? ` (${suppressed} similar message(s) suppressed)` : '';
  try {
    diag[level](DIAG_PREFIX + message + suffix);
  } catch {
    // A throwing diag logger must not reach the application.
  }
}

/** Describes a thrown value for a diag message: its name and the start of its message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const message = String(err.message);
    return `${err.name}: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`;
  }
  return `a thrown ${typeof err}`;
}

/** Clears the rate-limit state. For tests only. */
export function resetReports(): void {
  slots.clear();
}
