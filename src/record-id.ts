/**
 * `log.record.uid` values: monotonic ULIDs (https://github.com/ulid/spec), so a backend can drop
 * the duplicates an at-least-once pipeline produces (an exporter retry after a collector crash).
 *
 * A ULID is 26 Crockford base32 characters: 48 bits of Unix milliseconds, then 80 random bits.
 * Within one millisecond the generator adds 1 to the previous random part instead of drawing a new
 * one (the spec's monotonic mode), so ids from one process sort in emission order and the common
 * case costs one `Date.now()`, two table look-ups and a string concatenation. Random bytes come from
 * `globalThis.crypto.getRandomValues` (browsers, Node >= 20, no `node:crypto` import), drawn in
 * blocks into a pool. Measured against 128 random bits in hex and `crypto.randomUUID()` with
 * `bench/workers/record-id-micro.mjs`; see docs/wire-contract.md.
 *
 * @module
 */
import { report } from './diag-reporter.js';

/** Crockford's base32 alphabet (no I, L, O, U), as the ULID spec uses it. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** All 1024 two-character strings: one look-up encodes 10 bits. */
const PAIRS: readonly string[] = Array.from({ length: 1024 }, (_, i) => ALPHABET[i >> 5]! + ALPHABET[i & 31]!);

const TWO_POW_20 = 0x100000;
const TWO_POW_30 = 0x40000000;

/** 20-bit random words drawn from the random source at once; each new millisecond uses 4. */
const POOL_WORDS = 1024;

/** Fills `words` with random values. */
export type RandomFill = (words: Uint32Array) => void;

/** Returns the next id. */
export type RecordIdGenerator = () => string;

/**
 * The platform's cryptographic random source, or `undefined` when there is none (a very old
 * runtime or a sandbox that removed `crypto`).
 */
function platformRandom(): RandomFill | undefined {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (words: Uint32Array) => Uint32Array } }).crypto;
  const getRandomValues = crypto?.getRandomValues;
  if (typeof getRandomValues !== 'function') return undefined;
  return (words) => {
    getRandomValues.call(crypto, words);
  };
}

/** Fallback when there is no `crypto`: not cryptographic, but unique enough for deduplication. */
function mathRandom(words: Uint32Array): void {
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(Math.random() * 0x100000000);
}

/** Base32 of a 20-bit integer: 4 characters. */
function encode20(value: number): string {
  return PAIRS[value >>> 10]! + PAIRS[value & 1023]!;
}

/** Base32 of a 48-bit millisecond time: 10 characters (50 bits, the top 2 always 0). */
function encodeTime(time: number): string {
  const low = time % TWO_POW_30;
  const high = (time - low) / TWO_POW_30;
  return PAIRS[high >>> 10]! + PAIRS[high & 1023]! + PAIRS[low >>> 20]! + PAIRS[(low >>> 10) & 1023]! + PAIRS[low & 1023]!;
}

/**
 * Creates a monotonic ULID generator. `random` defaults to `globalThis.crypto.getRandomValues`;
 * without it, `Math.random` is used and diag warns once. `now` is for tests.
 *
 * @example
 * ```ts
 * const next = createRecordIdGenerator();
 * next(); // '01JE2Y8V3K7Q9M2X4T6R8B0C1D'
 * ```
 */
export function createRecordIdGenerator(random?: RandomFill, now: () => number = Date.now): RecordIdGenerator {
  let fill = random;
  const pool = new Uint32Array(POOL_WORDS);
  let poolPos = POOL_WORDS;
  let lastTime = -1;
  // The 80-bit random part as four 20-bit words, r0 the most significant.
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  let r3 = 0;
  // Everything before the last 4 characters, rebuilt only when the time or r0..r2 change.
  let head = '';

  const refill = (): void => {
    if (fill === undefined) {
      fill = platformRandom();
      if (fill === undefined) {
        fill = mathRandom;
        report('warn', 'record-id-no-crypto', 'no crypto.getRandomValues: log.record.uid uses Math.random');
      }
    }
    fill(pool);
    poolPos = 0;
  };

  return () => {
    const time = now();
    if (time > lastTime) {
      lastTime = time;
      if (poolPos + 4 > POOL_WORDS) refill();
      r0 = pool[poolPos++]! & 0xfffff;
      r1 = pool[poolPos++]! & 0xfffff;
      r2 = pool[poolPos++]! & 0xfffff;
      r3 = pool[poolPos++]! & 0xfffff;
      head = encodeTime(time) + encode20(r0) + encode20(r1) + encode20(r2);
    } else if (++r3 === TWO_POW_20) {
      // Same millisecond (or the clock went back): add 1 to the random part, carrying upwards.
      // Past 2^80 ids in one millisecond it wraps (not reachable in practice).
      r3 = 0;
      if (++r2 === TWO_POW_20) {
        r2 = 0;
        if (++r1 === TWO_POW_20) {
          r1 = 0;
          r0 = (r0 + 1) % TWO_POW_20;
        }
      }
      head = encodeTime(lastTime) + encode20(r0) + encode20(r1) + encode20(r2);
    }
    return head + encode20(r3);
  };
}

/** The process-wide generator used by the hook and `withTracking`. */
export const nextRecordId: RecordIdGenerator = /* @__PURE__ */ createRecordIdGenerator();

/** The format of every id {@link nextRecordId} returns. */
export const RECORD_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
