/**
 * Opt-in deduplication of repeated exposures: the same (flag, outcome, subject) within `ttlMs` is
 * recorded once; a changed outcome (another variant, an error) is recorded at once.
 *
 * The cache is keyed subject → flag key → last outcome, with nested Maps: the key strings are the
 * ones the SDK already holds, whose hashes V8 has cached, so a hit builds no string at all. A hit
 * is checked before anything else; an exposure is remembered only once it is emitted.
 *
 * At most `maxEntries` (subject, flag) pairs are held, in least-recently-used order of subjects: a
 * hit or a new record moves its subject to the back (a Map keeps insertion order, so that is a
 * delete and a set, skipped when the subject already is the newest), and the subject used longest
 * ago is forgotten first. A subject still being evaluated keeps its entries while traffic from new
 * subjects passes through, so memory stays bounded without re-recording active subjects. (A single
 * subject holding more flags than `maxEntries` loses its flag recorded longest ago.)
 *
 * @module
 */
import { type NumberRule, numberOption } from './option-normalizer.js';

/**
 * Deduplication settings.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({ dedupe: { ttlMs: 5 * 60_000, maxEntries: 50_000 } });
 * ```
 */
export interface DedupeOptions {
  /** How long an exposure suppresses identical ones, in milliseconds. Default 60000, range 1 to 86400000 (a day). */
  ttlMs?: number;
  /** Most (subject, flag) pairs remembered; the subject used longest ago goes first (LRU). Default 10000, range 1 to 1000000. */
  maxEntries?: number;
}

/** Defaults for {@link DedupeOptions}. */
export const DEDUPE_DEFAULTS = Object.freeze({ ttlMs: 60_000, maxEntries: 10_000 });

/** Ranges of {@link DedupeOptions} (docs/setup.md lists them). */
const DEDUPE_RULES: Readonly<Record<keyof DedupeOptions, NumberRule>> = Object.freeze({
  ttlMs: { default: DEDUPE_DEFAULTS.ttlMs, min: 1, max: 86_400_000, unit: 'ms' },
  // About 150 bytes per entry: the ceiling keeps the cache under a few hundred MB.
  maxEntries: { default: DEDUPE_DEFAULTS.maxEntries, min: 1, max: 1_000_000, unit: 'entries' },
});

interface Seen {
  outcome: string;
  at: number;
}

/** A bounded time-to-live cache of exposures, least-recently-used subjects evicted first. */
export class DedupeCache {
  private readonly subjects = new Map<string, Map<string, Seen>>();
  /** The subject at the back of the LRU order: touching it again costs nothing. */
  private newest: string | undefined = undefined;
  private entries = 0;
  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /**
   * True when this exposure was recorded less than `ttlMs` ago; a hit marks its subject as the most
   * recently used. Nothing else changes.
   */
  isDuplicate(subject: string, flagKey: string, outcome: string, now: number): boolean {
    const flags = this.subjects.get(subject);
    if (flags === undefined) return false;
    const seen = flags.get(flagKey);
    if (seen === undefined || seen.outcome !== outcome || now - seen.at >= this.ttlMs) return false;
    if (subject !== this.newest) this.touch(subject, flags);
    return true;
  }

  /** Remembers an exposure as recorded at `now`; its subject becomes the most recently used. */
  remember(subject: string, flagKey: string, outcome: string, now: number): void {
    let flags = this.subjects.get(subject);
    if (flags === undefined) {
      flags = new Map();
      this.subjects.set(subject, flags);
      this.newest = subject;
    } else if (subject !== this.newest) {
      this.touch(subject, flags);
    }
    const seen = flags.get(flagKey);
    if (seen !== undefined) {
      seen.outcome = outcome;
      seen.at = now;
      return;
    }
    flags.set(flagKey, { outcome, at: now });
    this.entries++;
    while (this.entries > this.maxEntries) this.evictLeastRecent(subject);
  }

  /** Moves `subject` to the back of the LRU order. */
  private touch(subject: string, flags: Map<string, Seen>): void {
    this.subjects.delete(subject);
    this.subjects.set(subject, flags);
    this.newest = subject;
  }

  private evictLeastRecent(keep: string): void {
    const first = this.subjects.entries().next();
    if (first.done === true) return;
    const [subject, flags] = first.value;
    if (subject !== keep) {
      this.subjects.delete(subject);
      this.entries -= flags.size;
      return;
    }
    // Only `keep` is left and it holds more flags than maxEntries: forget its oldest flag.
    const oldest = flags.keys().next();
    if (oldest.done !== true) {
      flags.delete(oldest.value);
      this.entries--;
    }
  }

  /** Number of remembered (subject, flag) pairs. */
  get size(): number {
    return this.entries;
  }
}

/**
 * Validates dedupe options with the one option normaliser: wrong types and NaN throw, values out
 * of range are clamped to the nearest bound with a warning.
 */
export function resolveDedupe(input: DedupeOptions | boolean | undefined, warn?: (message: string) => void): DedupeCache | undefined {
  if (input === undefined || input === false) return undefined;
  const options: DedupeOptions = input === true ? {} : input;
  if (options === null || typeof options !== 'object') {
    throw new TypeError('openfeature-otel-tracking: dedupe must be true or an object { ttlMs, maxEntries }');
  }
  const ttlMs = numberOption('dedupe', 'ttlMs', options.ttlMs, DEDUPE_RULES.ttlMs, warn);
  const maxEntries = numberOption('dedupe', 'maxEntries', options.maxEntries, DEDUPE_RULES.maxEntries, warn);
  return new DedupeCache(ttlMs, maxEntries);
}
