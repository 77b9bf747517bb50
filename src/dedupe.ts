/**
 * Opt-in deduplication of repeated exposures: the same (flag, variant, subject) within `ttlMs` is
 * recorded once. A bounded LRU (a `Map` in insertion order) holds at most `maxEntries` keys, so
 * memory is bounded whatever the traffic.
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
  /** Most exposures remembered; the least recently recorded is forgotten first. Default 10000. */
  maxEntries?: number;
}

/** Defaults for {@link DedupeOptions}. */
export const DEDUPE_DEFAULTS = Object.freeze({ ttlMs: 60_000, maxEntries: 10_000 });

/** A bounded time-to-live set of exposure keys. */
export class DedupeCache {
  private readonly entries = new Map<string, number>();
  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /**
   * Returns true when `key` was recorded less than `ttlMs` ago (a duplicate); otherwise remembers
   * it as recorded now and returns false.
   */
  isDuplicate(key: string, now: number): boolean {
    const entries = this.entries;
    const seenAt = entries.get(key);
    if (seenAt !== undefined) {
      if (now - seenAt < this.ttlMs) return true;
      entries.delete(key);
    } else if (entries.size >= this.maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, now);
    return false;
  }

  /** Number of remembered exposures. */
  get size(): number {
    return this.entries.size;
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
