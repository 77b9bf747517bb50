import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetReports } from '../../src/diag-reporter.js';
import { RECORD_ID_PATTERN, createRecordIdGenerator, nextRecordId } from '../../src/record-id.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Decodes the 10-character time prefix of a ULID to Unix milliseconds. */
function decodeTime(id: string): number {
  let time = 0;
  for (const char of id.slice(0, 10)) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}

afterEach(() => {
  vi.unstubAllGlobals();
  diag.disable();
  resetReports();
});

describe('log.record.uid generator (monotonic ULID)', () => {
  it('returns 26 Crockford base32 characters whose first 10 encode the current millisecond', () => {
    const before = Date.now();
    const id = nextRecordId();
    const after = Date.now();
    expect(id).toMatch(RECORD_ID_PATTERN);
    expect(id).toHaveLength(26);
    expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
    expect(decodeTime(id)).toBeLessThanOrEqual(after);
  });

  it('never repeats an id over one million ids', () => {
    const next = createRecordIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(next());
    expect(seen.size).toBe(1_000_000);
  });

  it('sorts in emission order, within one millisecond and across milliseconds', () => {
    const next = createRecordIdGenerator();
    const ids = Array.from({ length: 100_000 }, () => next());
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
  });

  it('adds 1 to the random part within a millisecond and carries across all four words', () => {
    // Random words 1, 0xfffff, 0xfffff, 0xfffff: the first increment carries from r3 through r2 and r1 into r0.
    const fill = (words: Uint32Array) => words.forEach((_, i) => (words[i] = i % 4 === 0 ? 1 : 0xfffff));
    const next = createRecordIdGenerator(fill, () => 1_700_000_000_000);
    const first = next();
    const second = next();
    const third = next();
    expect(first.slice(10)).toBe('0001ZZZZZZZZZZZZ');
    expect(second.slice(10)).toBe('0002000000000000');
    expect(third.slice(10)).toBe('0002000000000001');
    expect(first < second && second < third).toBe(true);
    expect(decodeTime(first)).toBe(1_700_000_000_000);
    expect(decodeTime(second)).toBe(1_700_000_000_000);
  });

  it('stays increasing when the clock goes back', () => {
    let time = 2_000_000_000_000;
    const next = createRecordIdGenerator(undefined, () => time);
    const a = next();
    time -= 5_000;
    const b = next();
    const c = next();
    expect(a < b && b < c).toBe(true);
    expect(decodeTime(b)).toBe(2_000_000_000_000);
  });

  it('draws 80 fresh random bits for each new millisecond, so two processes rarely meet', () => {
    let time = 1_000;
    const next = createRecordIdGenerator(undefined, () => time++);
    const randomParts = new Set(Array.from({ length: 10_000 }, () => next().slice(10)));
    expect(randomParts.size).toBe(10_000);
  });

  it('works without globalThis.crypto: falls back to Math.random and warns once through diag', () => {
    const warnings: string[] = [];
    const logger: DiagLogger = {
      error: () => {},
      warn: (message: string) => warnings.push(message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    vi.stubGlobal('crypto', undefined);
    let time = 5_000;
    const next = createRecordIdGenerator(undefined, () => (time += 1));
    const ids = new Set(Array.from({ length: 5_000 }, () => next()));
    expect(ids.size).toBe(5_000);
    for (const id of ids) expect(id).toMatch(RECORD_ID_PATTERN);
    expect(warnings.filter((w) => w.includes('Math.random'))).toHaveLength(1);
  });

  it('uses globalThis.crypto.getRandomValues in blocks, not once per id', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    let time = 0;
    const next = createRecordIdGenerator(undefined, () => ++time);
    for (let i = 0; i < 1_000; i++) next();
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(4);
    spy.mockRestore();
  });
});
