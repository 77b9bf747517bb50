import { describe, expect, it } from 'vitest';
import { Budget, DEFAULT_LIMITS, type Limits, normalize, normalizeNumber, resolveLimits, wellFormed } from '../../src/normalize.js';

const limits: Limits = { ...DEFAULT_LIMITS };
const run = (value: unknown, l: Limits = limits) => {
  const budget = new Budget(l.maxRecordBytes);
  return { value: normalize(value, l, budget), budget };
};

describe('normalize keeps values JSON-safe AnyValues', () => {
  it('passes primitives, null and plain structures through unchanged', () => {
    const input = { a: 1, b: 'x', c: true, d: null, e: [1, 'two', { f: false }] };
    expect(run(input).value).toEqual(input);
    expect(run(input).value).not.toBe(input);
  });

  it.each([
    ['Date', new Date('2024-01-02T03:04:05.006Z'), '2024-01-02T03:04:05.006Z'],
    ['invalid Date', new Date(Number.NaN), 'Invalid Date'],
    ['BigInt', 12345678901234567890n, '12345678901234567890'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['Map', new Map<unknown, unknown>([['k', 1], [2, 'two']]), { k: 1, '2': 'two' }],
    ['Set', new Set([1, 2]), [1, 2]],
    ['Uint8Array', new Uint8Array([1, 2, 3]), [1, 2, 3]],
    ['Error', new TypeError('boom'), { name: 'TypeError', message: 'boom' }],
    ['toJSON', { toJSON: () => ({ via: 'toJSON' }) }, { via: 'toJSON' }],
    ['class instance', new (class Point { x = 1; y = 2; })(), { x: 1, y: 2 }],
  ])('converts a %s', (_name, input, expected) => {
    expect(run(input).value).toEqual(expected);
  });

  it('drops functions, symbols and undefined from maps and writes null for them in arrays', () => {
    expect(run({ f: () => 1, s: Symbol('x'), u: undefined, keep: 1 }).value).toEqual({ keep: 1 });
    expect(run([() => 1, Symbol('x'), undefined, 2]).value).toEqual([null, null, null, 2]);
    expect(run(() => 1).value).toBeUndefined();
  });

  it('cuts cycles with a marker and keeps the rest', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    a['list'] = [a, 1];
    expect(run(a).value).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]', 1] });
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { v: 1 };
    expect(run({ x: shared, y: shared }).value).toEqual({ x: { v: 1 }, y: { v: 1 } });
  });

  it('bounds depth, string length, collection size and the record budget', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    const depthResult = JSON.stringify(run(deep).value);
    expect(depthResult).toContain('[MaxDepth]');
    expect(depthResult.length).toBeLessThan(200);

    const long = run('x'.repeat(10_000_000)).value as string;
    expect(long.length).toBe(limits.maxStringLength + 1);
    expect(long.endsWith('…')).toBe(true);

    const wide = run(Array.from({ length: 1000 }, (_, i) => i)).value as unknown[];
    expect(wide).toHaveLength(limits.maxCollectionSize + 1);
    expect(wide.at(-1)).toBe('[Truncated]');

    const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    const bounded = JSON.stringify(run(big).value);
    expect(bounded.length).toBeLessThan(limits.maxRecordBytes + 2 * limits.maxStringLength);
    expect(bounded).toContain('[Truncated]');
  });

  it('survives throwing getters and hostile proxies', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(run(getter).value).toEqual({ ok: 1 });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => run({ p: proxy, ok: 2 })).not.toThrow();
    expect(run({ p: proxy, ok: 2 }).value).toEqual({ ok: 2 });
  });

  it('notes the first problem for the diag report without values in it', () => {
    const { budget } = run({ secret: 'hunter2', when: 10n });
    expect(budget.problem).toBe('a BigInt was written as a string');
    expect(budget.problem).not.toContain('hunter2');
  });

  it('validates limits: throws on non-numbers, corrects values below the minimum', () => {
    const warnings: string[] = [];
    expect(() => resolveLimits({ maxDepth: 'deep' as never }, (m) => warnings.push(m))).toThrow(/maxDepth must be a number/);
    expect(resolveLimits({ maxDepth: 0, maxStringLength: 5000 }, (m) => warnings.push(m))).toMatchObject({ maxDepth: 1, maxStringLength: 5000 });
    expect(warnings).toHaveLength(1);
  });
});

/** True when every number in `value` is one both OTLP encodings carry exactly: a safe integer or a non-integer double. */
function everyNumberCarried(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) || (Number.isFinite(value) && !Number.isInteger(value));
  if (Array.isArray(value)) return value.every(everyNumberCarried);
  if (value !== null && typeof value === 'object') return Object.values(value).every(everyNumberCarried);
  return true;
}

describe('no value can poison a batch: normalize hands the SDK only numbers and strings both OTLP encodings carry', () => {
  it.each([
    ['1e21 (JSON intValue overflows int64: the collector rejects the request)', 1e21, '1e+21'],
    ['-1e21', -1e21, '-1e+21'],
    ['-2^63 (JSON prints -9223372036854776000, out of int64)', -(2 ** 63), '-9223372036854776000'],
    ['2^63', 2 ** 63, '9223372036854776000'],
    ['2^60 (JSON and protobuf would disagree)', 2 ** 60, '1152921504606847000'],
    ['2^53 (first integer JavaScript cannot tell from its neighbour)', 2 ** 53, '9007199254740992'],
    ['Number.MAX_VALUE (huge exponent)', Number.MAX_VALUE, '1.7976931348623157e+308'],
    ['1e300', 1e300, '1e+300'],
  ])('writes the integer %s as its String(n), which parses back to the same double', (_name, input, expected) => {
    const budget = new Budget(limits.maxRecordBytes);
    expect(normalizeNumber(input, budget)).toBe(expected);
    expect(Number(expected)).toBe(input);
    expect(budget.problem).toMatch(/beyond ±\(2\^53 − 1\)/);
  });

  it.each([
    ['2^53 - 1', 2 ** 53 - 1],
    ['-(2^53 - 1)', -(2 ** 53 - 1)],
    ['0.1', 0.1],
    ['99.77', 99.77],
    ['2^52 + 0.5 (largest doubles with a fraction)', 2 ** 52 + 0.5],
    ['5e-324 (smallest subnormal, huge negative exponent)', 5e-324],
    ['-1.5e-300', -1.5e-300],
  ])('keeps %s a number, without a diag note', (_name, input) => {
    const budget = new Budget(limits.maxRecordBytes);
    expect(normalizeNumber(input, budget)).toBe(input);
    expect(budget.problem).toBeUndefined();
  });

  it('writes -0 as 0 (an OTLP int has no negative zero; both encodings already sent 0)', () => {
    const budget = new Budget(limits.maxRecordBytes);
    expect(Object.is(normalizeNumber(-0, budget), 0)).toBe(true);
    expect(Object.is(run({ z: -0 }).value && (run({ z: -0 }).value as { z: number }).z, 0)).toBe(true);
  });

  it('applies the number rules inside maps, arrays, Map, Set and typed arrays', () => {
    const input = {
      nested: { deeper: [1e20, { x: 1e21 }] },
      map: new Map([['big', -(2 ** 63)]]),
      set: new Set([2 ** 60]),
      floats: new Float64Array([1e21, Number.NaN, 1.5, -0]),
      longs: new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n)]),
    };
    const { value, budget } = run(input);
    expect(value).toEqual({
      nested: { deeper: ['100000000000000000000', { x: '1e+21' }] },
      map: { big: '-9223372036854776000' },
      set: ['1152921504606847000'],
      floats: ['1e+21', 'NaN', 1.5, 0],
      longs: ['9223372036854775807', '-9223372036854775808'],
    });
    expect(everyNumberCarried(value)).toBe(true);
    expect(budget.problem).toBeDefined();
  });

  it.each([
    ['a lone high surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['a lone low surrogate', 'a\uDC00b', 'a\uFFFDb'],
    ['a high surrogate at the end', 'ab\uD83D', 'ab\uFFFD'],
    ['a reversed pair', '\uDE00\uD83D', '\uFFFD\uFFFD'],
  ])('repairs %s in a string to U+FFFD and notes it (proto3 strings must be UTF-8)', (_name, input, expected) => {
    const { value, budget } = run(input);
    expect(value).toBe(expected);
    expect(budget.problem).toMatch(/lone UTF-16 surrogate/);
  });

  it('keeps valid surrogate pairs (emoji) untouched and silent', () => {
    const { value, budget } = run({ '😀key': 'smile 😀 ok' });
    expect(value).toEqual({ '😀key': 'smile 😀 ok' });
    expect(budget.problem).toBeUndefined();
  });

  it('repairs lone surrogates in map keys, in Map keys and in nested values', () => {
    const { value } = run({ ['k\uD800']: 1, nested: new Map([['\uDFFFm', ['x\uDBFF']]]) });
    expect(value).toEqual({ 'k\uFFFD': 1, nested: { '\uFFFDm': ['x\uFFFD'] } });
  });

  it('never cuts a string or a key between the two halves of a surrogate pair', () => {
    const l: Limits = { ...limits, maxStringLength: 16 };
    const text = `${'a'.repeat(15)}😀tail`; // the pair sits at units 15 and 16
    const { value, budget } = run({ [text]: text }, l);
    const [key, cutValue] = Object.entries(value as Record<string, string>)[0]!;
    for (const s of [key, cutValue]) {
      expect(s).toBe(`${'a'.repeat(15)}…`);
      expect(wellFormed(s, new Budget(1024))).toBe(s);
    }
    expect(budget.problem).toMatch(/maxStringLength/);
  });
});
