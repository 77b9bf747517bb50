/**
 * Opt-in deduplication of repeated exposures: the same (flag, outcome, subject) within `ttlMs` is
 * recorded once; a changed outcome (another variant, an error) is recorded at once.
 *
 * The cache is keyed subject → flag key → last outcome, with nested Maps: the key strings are the
 * ones the SDK already holds, whose hashes V8 has cached, so a hit builds no string at all. A hit
 * is checked read-only before anything else; an exposure is remembered only once it is emitted.
 * At most `maxEntries` (subject, flag) pairs are held; the subject first seen longest ago is
 * forgotten first, so memory is bounded whatever the traffic.
 *
 * @module
 */

/**
 * Deduplication settings.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({ dedupe: { ttlMs: 5 * 60_000, maxEntries: 50_000 } });
 * ```
 */
export interface DedupeOptions {
  /** How long an exposure suppresses identical ones, in milliseconds. Default 60000. */
  ttlMs?: number;
  /** Most (subject, flag) pairs remembered; the subject first seen longest ago goes first. Default 10000. */
  maxEntries?: number;
}

/** Defaults for {@link DedupeOptions}. */
export const DEDUPE_DEFAULTS = Object.freeze({ ttlMs: 60_000, maxEntries: 10_000 });

interface Seen {
  outcome: string;
  at: number;
}

/** A bounded time-to-live cache of exposures. */
export class DedupeCache {
  private readonly subjects = new Map<string, Map<string, Seen>>();
  private entries = 0;
  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /** True when this exposure was recorded less than `ttlMs` ago. Changes nothing. */
  isDuplicate(subject: string, flagKey: string, outcome: string, now: number): boolean {
    const seen = this.subjects.get(subject)?.get(flagKey);
    return seen !== undefined && seen.outcome === outcome && now - seen.at < this.ttlMs;
  }

  /** Remembers an exposure as recorded at `now`. */
  remember(subject: string, flagKey: string, outcome: string, now: number): void {
    let flags = this.subjects.get(subject);
    if (flags === undefined) {
      flags = new Map();
      this.subjects.set(subject, flags);
    }
    const seen = flags.get(flagKey);
    if (seen !== undefined) {
      seen.outcome = outcome;
      seen.at = now;
      return;
    }
    flags.set(flagKey, { outcome, at: now });
    this.entries++;
    while (this.entries > this.maxEntries) this.evictOldestSubject(subject);
  }

  private evictOldestSubject(keep: string): void {
    for (const [subject, flags] of this.subjects) {
      if (subject === keep && this.subjects.size > 1) continue;
      if (subject === keep) {
        // One subject holds more flags than maxEntries: forget its oldest flag.
        const oldest = flags.keys().next();
        if (oldest.done !== true) flags.delete(oldest.value);
        this.entries--;
        return;
      }
      this.subjects.delete(subject);
      this.entries -= flags.size;
      return;
    }
  }

  /** Number of remembered (subject, flag) pairs. */
  get size(): number {
    return this.entries;
  }
}

/**
 * Validates dedupe options: throws on wrong types, warns and corrects out-of-range values.
 */
export function resolveDedupe(input: DedupeOptions | boolean | undefined, warn: (message: string) => void): DedupeCache | undefined {
  if (input === undefined || input === false) return undefined;
  const options: DedupeOptions = input === true ? {} : input;
  if (options === null || typeof options !== 'object') {
    throw new TypeError('openfeature-otel-tracking: dedupe must be true or an object { ttlMs, maxEntries }');
  }
  let ttlMs = options.ttlMs ?? DEDUPE_DEFAULTS.ttlMs;
  let maxEntries = options.maxEntries ?? DEDUPE_DEFAULTS.maxEntries;
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs)) throw new TypeError('openfeature-otel-tracking: dedupe.ttlMs must be a number of milliseconds');
  if (typeof maxEntries !== 'number' || Number.isNaN(maxEntries)) throw new TypeError('openfeature-otel-tracking: dedupe.maxEntries must be a number');
  if (ttlMs <= 0) {
    warn(`dedupe.ttlMs = ${ttlMs} would never deduplicate; using ${DEDUPE_DEFAULTS.ttlMs}`);
    ttlMs = DEDUPE_DEFAULTS.ttlMs;
  }
  if (maxEntries < 1 || !Number.isFinite(maxEntries)) {
    warn(`dedupe.maxEntries = ${maxEntries} must be a finite number >= 1; using ${DEDUPE_DEFAULTS.maxEntries}`);
    maxEntries = DEDUPE_DEFAULTS.maxEntries;
  }
  return new DedupeCache(ttlMs, Math.floor(maxEntries));
}
