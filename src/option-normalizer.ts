/**
 * The one normaliser for numeric options, with one rule set for every component (hook limits,
 * dedupe, `setupFlagTelemetry`, `RetryingExporter`, `PageHideBatchProcessor`):
 *
 * - `undefined` → the rule's default.
 * - A programmer error (not a number, or `NaN`) → throws a `TypeError` at construction that names
 *   the option and what it needs.
 * - Bad tuning (out of `[min, max]`, `±Infinity` included) → a diag warning and the documented
 *   correction: the nearest bound. Integer options are then rounded down.
 *
 * So no option value can hang a loop (`NaN` batch sizes), disable a bound (`Infinity` queues) or
 * turn a feature off by accident (`0` windows). docs/setup.md lists every rule.
 *
 * @module
 */
import { DIAG_PREFIX as PREFIX, report } from './diag-reporter.js';

/**
 * How one numeric option is checked and corrected.
 *
 * @example
 * ```ts
 * const rule: NumberRule = { default: 1_000, min: 1, max: 3_600_000, unit: 'ms' };
 * ```
 */
export interface NumberRule {
  /** Used when the option is `undefined`. */
  readonly default: number;
  /** Smallest accepted value; smaller values are raised to it with a warning. */
  readonly min: number;
  /** Largest accepted value; larger values (and `Infinity`) are lowered to it with a warning. */
  readonly max: number;
  /** Round down to an integer (`Math.floor`). Default `true`. */
  readonly integer?: boolean;
  /** Unit named in messages, e.g. `'ms'` or `'records'`. */
  readonly unit?: string;
}

/**
 * Reports a corrected option through diag (rate-limited per message start). Bad tuning gets a
 * warning and a correction, never an exception.
 */
export function warnOption(message: string): void {
  report('warn', `option:${message.slice(0, 40)}`, message);
}

/**
 * Checks and corrects one numeric option; see the module comment for the rules.
 *
 * @param owner - what the option belongs to, as the user writes it: `'batch'`, `'limits'`, `'dedupe'`, `'PageHideBatchProcessor'`
 * @param name - the option's name, e.g. `'maxQueueSize'`
 * @param warn - receives the correction message; default {@link warnOption} (diag, rate-limited)
 * @throws TypeError when `value` is not a number or is `NaN`
 *
 * @example
 * ```ts
 * numberOption('batch', 'maxQueueSize', options.maxQueueSize, { default: 2_048, min: 1, max: 10_000_000, unit: 'records' });
 * ```
 */
export function numberOption(owner: string, name: string, value: unknown, rule: NumberRule, warn: (message: string) => void = warnOption): number {
  if (value === undefined) return rule.default;
  const label = owner === '' ? name : `${owner}.${name}`;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    const unit = rule.unit === undefined ? '' : ` of ${rule.unit}`;
    throw new TypeError(`${PREFIX}${label} must be a number${unit}, got ${describeValue(value)}`);
  }
  const clamped = value < rule.min ? rule.min : value > rule.max ? rule.max : value;
  const corrected = rule.integer === false ? clamped : Math.floor(clamped);
  if (clamped !== value) {
    const unit = rule.unit === undefined ? '' : ` ${rule.unit}`;
    warn(`${label} = ${String(value)} is outside [${rule.min}, ${rule.max}]${unit}; using ${corrected}`);
  }
  return corrected;
}

/** Describes a wrong option value for an error message without echoing long or secret strings. */
function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length <= 20 ? `the string ${JSON.stringify(value)}` : 'a string';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}
