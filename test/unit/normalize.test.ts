import { describe, expect, it } from 'vitest';
import { Budget, DEFAULT_LIMITS, type Limits, normalize, resolveLimits } from '../../src/normalize.js';

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
