/**
 * Opt-in deduplication of repeated exposures: the same (flag, outcome, subject) within `ttlMs` is
 * recorded once; a changed outcome (another variant, an error) is recorded at once.
 *
 * The cache is keyed subject → flag key → last outcome, with nested Maps: the key strings are the
 * ones the SDK already holds, whose hashes V8 has cached, so a hit builds no string at all. A hit
 * is checked before anything else; an exposure is remembered only once it is emitted.
 *
 * At most `maxEntries` (subject, flag) pairs are held, in least-recently-used order of subjects: a
 * hit or a new record moves its subject to the back of a linked list (a few pointer writes,
 * skipped when it already is the newest), and the subject used longest ago is forgotten first. A subject still being evaluated keeps its entries while traffic from new
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

/** One subject's entries, linked in least-recently-used order (head: used longest ago). */
interface SubjectNode {
  readonly subject: string;
  readonly flags: Map<string, Seen>;
  prev: SubjectNode | undefined;
  next: SubjectNode | undefined;
}

/**
 * A bounded time-to-live cache of exposures, least-recently-used subjects evicted first.
 *
 * The LRU order is a doubly linked list beside the Map, not the Map's insertion order: V8 leaves a
 * deleted Map entry as a hole until the table is rebuilt, so taking "the first entry" after many
 * evictions skips up to a table's worth of holes (measured: about 10x the cost of an insert at
 * 10,000 entries). Moving a node and dropping the head are a few pointer writes.
 */
export class DedupeCache {
  private readonly subjects = new Map<string, SubjectNode>();
  /** Used longest ago: evicted first. */
  private head: SubjectNode | undefined = undefined;
  /** Used most recently: touching it again costs nothing. */
  private tail: SubjectNode | undefined = undefined;
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
    const node = this.subjects.get(subject);
    if (node === undefined) return false;
    const seen = node.flags.get(flagKey);
    if (seen === undefined || seen.outcome !== outcome || now - seen.at >= this.ttlMs) return false;
    if (node !== this.tail) this.moveToTail(node);
    return true;
  }

  /** Remembers an exposure as recorded at `now`; its subject becomes the most recently used. */
  remember(subject: string, flagKey: string, outcome: string, now: number): void {
    let node = this.subjects.get(subject);
    if (node === undefined) {
      node = { subject, flags: new Map(), prev: this.tail, next: undefined };
      if (this.tail === undefined) this.head = node;
      else this.tail.next = node;
      this.tail = node;
      this.subjects.set(subject, node);
    } else if (node !== this.tail) {
      this.moveToTail(node);
    }
    const seen = node.flags.get(flagKey);
    if (seen !== undefined) {
      seen.outcome = outcome;
      seen.at = now;
      return;
    }
    node.flags.set(flagKey, { outcome, at: now });
    this.entries++;
    while (this.entries > this.maxEntries) this.evictLeastRecent();
  }

  /** Moves a node that is not the tail to the tail. */
  private moveToTail(node: SubjectNode): void {
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    node.next!.prev = node.prev;
    node.prev = this.tail;
    node.next = undefined;
    this.tail!.next = node;
    this.tail = node;
  }

  private evictLeastRecent(): void {
    const oldest = this.head!;
    if (oldest.next === undefined) {
      // Only one subject is left and it holds more flags than maxEntries: forget its oldest flag.
      const flag = oldest.flags.keys().next();
      if (flag.done !== true) {
        oldest.flags.delete(flag.value);
        this.entries--;
      }
      return;
    }
    this.head = oldest.next;
    this.head.prev = undefined;
    this.subjects.delete(oldest.subject);
    this.entries -= oldest.flags.size;
  }

  /** Number of remembered (subject, flag) pairs. */
  get size(): number {
    return this.entries;
  }
}

/** Longest outcome kept as is in the cache; a longer one is kept as a 64-bit hash. */
const MAX_OUTCOME_LENGTH = 64;

/**
 * The outcome as the cache stores it: as is up to {@link MAX_OUTCOME_LENGTH} characters, else
 * `#`, a 64-bit hash of its UTF-16 units (cyrb53's two 32-bit multiply-xor lanes, seeded with
 * the length, without the final mix) and its length. Without it, an entry holds the whole JSON of an object flag value,
 * and maxEntries such entries bound nothing (a 100 KB remote-config flag seen by 10,000 subjects
 * is 1 GB). A hash, not a cut: two values that share a prefix must not suppress each other's
 * exposure; a false match needs two consecutive outcomes of one (subject, flag) to collide in 64
 * bits. The cache only compares hashes for equality, and a final mix (a bijection of the 64 bits)
 * changes no equality, so it is left out. It reads the string once and allocates only the result.
 */
export function compactOutcome(outcome: string): string {
  const length = outcome.length;
  if (length <= MAX_OUTCOME_LENGTH) return outcome;
  let h1 = length;
  let h2 = length;
  for (let i = 0; i < length; i++) {
    const unit = outcome.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  return `#${h1}.${h2}.${length}`;
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
