/**
 * Turns arbitrary JavaScript values into JSON-safe OTel `AnyValue`s, within bounds.
 *
 * The OTel SDK drops a whole attribute when any part of it is a Date, BigInt, function, symbol,
 * class instance or cycle, and says so only through diag. Everything user-supplied (flag values,
 * context attributes, tracking details) passes through here first, so that one bad field never
 * costs the valid ones next to it.
 *
 * Rules: Date → ISO string; BigInt → decimal string; NaN/±Infinity → "NaN"/"Infinity"/"-Infinity";
 * integers beyond ±(2^53 − 1) → their `String(n)` (see {@link normalizeNumber}); -0 → 0; lone UTF-16
 * surrogates in strings and map keys → U+FFFD (see {@link wellFormed});
 * functions, symbols and undefined → dropped from maps, `null` in arrays; Map → map; Set and typed
 * arrays → arrays; objects with `toJSON` → its result; Error → `{ name, message }`; other objects →
 * their own enumerable properties; cycles → "[Circular]"; past `maxDepth` → "[MaxDepth]"; strings
 * longer than `maxStringLength` are cut and end in "…"; past `maxCollectionSize` items or the
 * record's byte budget, the rest of a map or array is replaced by one "[Truncated]" entry.
 *
 * @module
 */
import { type NumberRule, numberOption } from './option-normalizer.js';
import type { AnyValue } from './otel-types.js';

/**
 * Size bounds applied to every record.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({ limits: { maxStringLength: 256, maxRecordBytes: 8_192 } });
 * ```
 */
export interface Limits {
  /** Longest string kept, in UTF-16 code units; longer ones are cut. Default 1024. */
  maxStringLength: number;
  /** Deepest nesting kept; deeper values become "[MaxDepth]". Default 8. */
  maxDepth: number;
  /** Most entries kept per map or array. Default 128. */
  maxCollectionSize: number;
  /** Approximate upper bound on a record's attribute payload, in bytes. Default 16384. */
  maxRecordBytes: number;
}

/** The default {@link Limits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxStringLength: 1024,
  maxDepth: 8,
  maxCollectionSize: 128,
  maxRecordBytes: 16_384,
});

export const MARK_CIRCULAR = '[Circular]';
export const MARK_MAX_DEPTH = '[MaxDepth]';
export const MARK_TRUNCATED = '[Truncated]';
export const TRUNCATED_KEY = '…';

/**
 * Per-record state: the remaining byte budget and the first problem seen (reported once per
 * record by the caller, with no values in it).
 */
export class Budget {
  remaining: number;
  problem: string | undefined = undefined;
  constructor(bytes: number) {
    this.remaining = bytes;
  }
  note(problem: string): void {
    if (this.problem === undefined) this.problem = problem;
  }
}

/** True when `value` is an attribute map (an AnyValue map, not an array, bytes or null). */
export function isAttributeMap(value: AnyValue): value is { [key: string]: AnyValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The value to use for a field that is dropped. */
const DROP = undefined;

/**
 * Normalises one value. Returns `undefined` when the value must be dropped (function, symbol,
 * undefined). Never throws.
 */
export function normalize(value: unknown, limits: Limits, budget: Budget): AnyValue {
  return visit(value, limits, budget, 0, []);
}

/**
 * Normalises the own fields of a plain object into a new map, skipping `omit`. Returns `undefined`
 * when nothing is left. Never throws.
 */
export function normalizeFields(
  value: object,
  limits: Limits,
  budget: Budget,
  omit: string,
): { [key: string]: AnyValue } | undefined {
  try {
    const out = visitProperties(value, limits, budget, 0, [value], omit);
    for (const _ in out) return out;
  } catch {
    budget.note('a value whose properties could not be read was dropped');
  }
  return undefined;
}

/**
 * The number as every OTLP encoding carries it exactly, or its `String(n)` when one cannot.
 *
 * The OTel JS SDK sends an integer-valued number as `intValue` and any other as `doubleValue`. Its
 * OTLP/JSON serializer writes the integer as a bare JSON number with no range check, so 1e21 or
 * -2^63 (printed as -9223372036854776000) overflows the collector's int64 and the collector
 * rejects the whole request; protobuf writes a double instead. Between 2^53 and 2^63 both arrive,
 * but differently: protobuf carries the double's exact value, JSON its shortest decimal padded with
 * zeros (2^60 arrives as 1152921504606847000). Such integers had already lost precision in
 * JavaScript, so they are sent as `String(n)`, the shortest decimal that parses back to the same
 * double (`Number(s)`, Go's `strconv.ParseFloat`, ClickHouse `toFloat64`), identical over JSON and
 * protobuf. Safe integers stay `intValue`, non-integers `doubleValue`; -0 becomes 0 (an int has no
 * negative zero, which both encodings already did); NaN and ±Infinity become "NaN", "Infinity",
 * "-Infinity" (JSON has no literal for them).
 */
export function normalizeNumber(value: number, budget: Budget): number | string {
  if (Number.isSafeInteger(value)) return value === 0 ? 0 : value;
  if (Number.isFinite(value)) {
    if (!Number.isInteger(value)) return value;
    budget.note('an integer beyond ±(2^53 − 1) was written as a string');
    return String(value);
  }
  budget.note('a non-finite number was written as a string');
  return String(value);
}

type WellFormedString = string & { isWellFormed?: () => boolean };

/** A surrogate pair (kept) or a lone surrogate (replaced). No look-behind: Safari < 16.4 lacks it. */
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

const repairSurrogate = (match: string): string => (match.length === 2 ? match : '\uFFFD');

/** `String.prototype.isWellFormed` where the runtime has it (ES2024, O(1) for Latin-1 strings), else a regular expression. */
const isWellFormed: (value: string) => boolean =
  typeof (String.prototype as WellFormedString).isWellFormed === 'function'
    ? (value) => (value as WellFormedString).isWellFormed!()
    : (value) => value.replace(SURROGATES, repairSurrogate) === value;

/**
 * The string with every lone UTF-16 surrogate replaced by U+FFFD, noted on the budget.
 *
 * OTLP strings are UTF-8 (proto3 `string`), which cannot hold a lone surrogate: the SDK's protobuf
 * writer (TextEncoder) and the collector's JSON decoder both replace it with U+FFFD, silently. Doing
 * it here makes both encodings deliver the same string and says so through diag.
 */
export function wellFormed(value: string, budget: Budget): string {
  if (isWellFormed(value)) return value;
  budget.note('a string with a lone UTF-16 surrogate was repaired (U+FFFD)');
  return value.replace(SURROGATES, repairSurrogate);
}

/**
 * Cuts a string to `limits.maxStringLength` (never between the two halves of a surrogate pair),
 * repairs lone surrogates and charges it to the budget.
 */
export function boundString(value: string, limits: Limits, budget: Budget): string {
  budget.remaining -= value.length + 2;
  if (value.length <= limits.maxStringLength) return wellFormed(value, budget);
  budget.note('a string longer than maxStringLength was cut');
  budget.remaining += value.length - limits.maxStringLength;
  return cutString(value, limits.maxStringLength, budget);
}

/**
 * The first `length` UTF-16 units of `value` (one fewer if that would split a surrogate pair),
 * lone surrogates repaired, followed by "…". Shared by strings, map keys and subject ids.
 */
export function cutString(value: string, length: number, budget: Budget): string {
  const last = value.charCodeAt(length - 1);
  return `${wellFormed(value.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length), budget)}…`;
}

function visit(value: unknown, limits: Limits, budget: Budget, depth: number, path: object[]): AnyValue {
  switch (typeof value) {
    case 'string':
      return boundString(value, limits, budget);
    case 'boolean':
      budget.remaining -= 5;
      return value;
    case 'number':
      budget.remaining -= 8;
      return normalizeNumber(value, budget);
    case 'bigint':
      budget.note('a BigInt was written as a string');
      return boundString(value.toString(), limits, budget);
    case 'undefined':
      return DROP;
    case 'function':
    case 'symbol':
      budget.note(`a ${typeof value} was dropped`);
      return DROP;
    case 'object':
      break;
  }
  if (value === null) {
    budget.remaining -= 4;
    return null;
  }
  return visitObject(value, limits, budget, depth, path);
}

function visitObject(
  value: object,
  limits: Limits,
  budget: Budget,
  depth: number,
  path: object[],
): AnyValue {
  if (value instanceof Date) {
    const time = value.getTime();
    budget.remaining -= 26;
    return Number.isNaN(time) ? 'Invalid Date' : value.toISOString();
  }
  if (path.includes(value)) {
    budget.note('a circular reference was cut');
    return MARK_CIRCULAR;
  }
  if (depth >= limits.maxDepth) {
    budget.note('a value nested deeper than maxDepth was cut');
    return MARK_MAX_DEPTH;
  }
  path.push(value);
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if ((proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      // Plain objects, the common case, skip the instanceof checks below.
      return visitProperties(value, limits, budget, depth, path);
    }
    if (Array.isArray(value)) return visitList(value, limits, budget, depth, path);
    if (value instanceof Set) return visitList(Array.from(value), limits, budget, depth, path);
    if (ArrayBuffer.isView(value)) {
      const view = value as unknown as ArrayLike<number>;
      const length = typeof view.length === 'number' ? view.length : 0;
      const items: (number | string)[] = [];
      const end = Math.min(length, limits.maxCollectionSize);
      for (let i = 0; i < end; i++) {
        // Float64Array may hold NaN or 1e21, BigInt64Array 64-bit integers: the same number rules apply.
        const item = view[i] as unknown;
        items.push(typeof item === 'bigint' ? item.toString() : normalizeNumber(Number(item), budget));
      }
      budget.remaining -= end * 4;
      return items;
    }
    if (value instanceof Map) {
      return visitEntries(value.entries(), limits, budget, depth, path);
    }
    if (value instanceof Error) {
      return {
        name: boundString(String(value.name), limits, budget),
        message: boundString(String(value.message), limits, budget),
      };
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return visit(toJSON.call(value), limits, budget, depth + 1, path);
    }
    return visitProperties(value, limits, budget, depth, path);
  } catch {
    budget.note('a value whose properties could not be read was dropped');
    return DROP;
  } finally {
    path.pop();
  }
}

function visitList(
  list: readonly unknown[],
  limits: Limits,
  budget: Budget,
  depth: number,
  path: object[],
): AnyValue[] {
  const out: AnyValue[] = [];
  const length = list.length;
  for (let i = 0; i < length; i++) {
    if (i >= limits.maxCollectionSize || budget.remaining <= 0) {
      budget.note('an array larger than maxCollectionSize or the record budget was cut');
      out.push(MARK_TRUNCATED);
      break;
    }
    const item = visit(list[i], limits, budget, depth + 1, path);
    out.push(item === undefined ? null : item);
  }
  budget.remaining -= 2;
  return out;
}

function visitEntries(
  entries: Iterable<[unknown, unknown]>,
  limits: Limits,
  budget: Budget,
  depth: number,
  path: object[],
): { [key: string]: AnyValue } {
  const out: { [key: string]: AnyValue } = {};
  let count = 0;
  for (const [rawKey, item] of entries) {
    if (count >= limits.maxCollectionSize || budget.remaining <= 0) {
      truncateMap(out, budget);
      break;
    }
    if (addField(out, typeof rawKey === 'string' ? rawKey : String(rawKey), item, limits, budget, depth, path)) count++;
  }
  return out;
}

function visitProperties(
  value: object,
  limits: Limits,
  budget: Budget,
  depth: number,
  path: object[],
  omit?: string,
): { [key: string]: AnyValue } {
  const out: { [key: string]: AnyValue } = {};
  const keys = Object.keys(value);
  let count = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key === omit) continue;
    if (count >= limits.maxCollectionSize || budget.remaining <= 0) {
      truncateMap(out, budget);
      break;
    }
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      budget.note('a property whose getter threw was dropped');
      continue;
    }
    if (addField(out, key, item, limits, budget, depth, path)) count++;
  }
  return out;
}

function truncateMap(out: { [key: string]: AnyValue }, budget: Budget): void {
  budget.note('a map larger than maxCollectionSize or the record budget was cut');
  out[TRUNCATED_KEY] = MARK_TRUNCATED;
}

function addField(
  out: { [key: string]: AnyValue },
  key: string,
  item: unknown,
  limits: Limits,
  budget: Budget,
  depth: number,
  path: object[],
): boolean {
  if (isUnsafeMapKey(key)) {
    budget.note(`a map key '${key}' was dropped (the OpenTelemetry SDK would drop the whole map)`);
    return false;
  }
  const normalized = visit(item, limits, budget, depth + 1, path);
  if (normalized === undefined) return false;
  budget.remaining -= key.length + 3;
  out[key.length <= limits.maxStringLength ? wellFormed(key, budget) : cutString(key, limits.maxStringLength, budget)] = normalized;
  return true;
}

/**
 * True for the map keys no attribute map may hold: the OTel SDK rejects a whole map whose
 * `constructor` is not Object (isAnyValue), and `__proto__` would set the map's prototype instead of
 * a key. Such a key is dropped, so it costs only itself.
 */
export function isUnsafeMapKey(key: string): boolean {
  return key === 'constructor' || key === '__proto__';
}

/** Ranges of {@link Limits} (docs/setup.md lists them). */
const LIMIT_RULES: Readonly<Record<keyof Limits, NumberRule>> = {
  maxStringLength: { default: DEFAULT_LIMITS.maxStringLength, min: 16, max: 1_000_000, unit: 'characters' },
  maxDepth: { default: DEFAULT_LIMITS.maxDepth, min: 1, max: 64, unit: 'levels' },
  maxCollectionSize: { default: DEFAULT_LIMITS.maxCollectionSize, min: 1, max: 100_000, unit: 'entries' },
  maxRecordBytes: { default: DEFAULT_LIMITS.maxRecordBytes, min: 1_024, max: 4_194_304, unit: 'bytes' },
};

/**
 * Validates user-supplied limits with the one option normaliser (src/option-normalizer.ts): a
 * non-number or NaN throws (a programmer error); a value outside its range (Infinity included) is
 * clamped to the nearest bound with a warning, so no limit can be switched off.
 */
export function resolveLimits(input: Partial<Limits> | undefined, warn: (message: string) => void): Limits {
  if (input === undefined) return { ...DEFAULT_LIMITS };
  if (input === null || typeof input !== 'object') {
    throw new TypeError('openfeature-otel-tracking: limits must be an object { maxStringLength, maxDepth, maxCollectionSize, maxRecordBytes }');
  }
  const limits = {} as Limits;
  for (const name of Object.keys(LIMIT_RULES) as (keyof Limits)[]) {
    limits[name] = numberOption('limits', name, input[name], LIMIT_RULES[name], warn);
  }
  return limits;
}
