/**
 * The dedupe cache is a bounded LRU of subjects: memory never exceeds maxEntries (subject, flag)
 * pairs, the subject used least recently is forgotten first, and a subject still being evaluated
 * keeps its entries while new subjects pass through.
 */
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { DedupeCache, compactOutcome, resolveDedupe } from '../../src/dedupe.js';
import { EvaluationEventHook } from '../../src/evaluation-event-hook.js';

describe('DedupeCache', () => {
  it('suppresses the same (subject, flag, outcome) within the TTL only', () => {
    const cache = new DedupeCache(1_000, 10);
    cache.remember('u1', 'f', 'on', 0);
    expect(cache.isDuplicate('u1', 'f', 'on', 999)).toBe(true);
    expect(cache.isDuplicate('u1', 'f', 'on', 1_000)).toBe(false);
    expect(cache.isDuplicate('u1', 'f', 'off', 10)).toBe(false); // a changed outcome is recorded at once
    expect(cache.isDuplicate('u1', 'g', 'on', 10)).toBe(false);
    expect(cache.isDuplicate('u2', 'f', 'on', 10)).toBe(false);
  });

  it('evicts the subject used least recently: a hit keeps a subject', () => {
    const cache = new DedupeCache(60_000, 2);
    cache.remember('a', 'f', 'on', 0);
    cache.remember('b', 'f', 'on', 1);
    expect(cache.isDuplicate('a', 'f', 'on', 2)).toBe(true); // a is now the most recent
    cache.remember('c', 'f', 'on', 3); // over maxEntries: b goes, not a
    expect(cache.isDuplicate('a', 'f', 'on', 4)).toBe(true);
    expect(cache.isDuplicate('b', 'f', 'on', 4)).toBe(false);
    expect(cache.isDuplicate('c', 'f', 'on', 4)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('evicts the subject recorded least recently when nothing is hit (a new record counts as use)', () => {
    const cache = new DedupeCache(60_000, 3);
    cache.remember('a', 'f', 'on', 0);
    cache.remember('b', 'f', 'on', 1);
    cache.remember('c', 'f', 'on', 2);
    cache.remember('a', 'g', 'on', 3); // a used again: b is now the least recent
    expect(cache.size).toBe(3); // a's second flag made 4 pairs: b went
    expect(cache.isDuplicate('b', 'f', 'on', 4)).toBe(false);
    expect(cache.isDuplicate('a', 'f', 'on', 4)).toBe(true);
    expect(cache.isDuplicate('a', 'g', 'on', 4)).toBe(true);
  });

  it('drops whole subjects, and the oldest flag of a subject that alone exceeds maxEntries', () => {
    const cache = new DedupeCache(60_000, 3);
    for (const flag of ['f1', 'f2', 'f3', 'f4', 'f5']) cache.remember('only', flag, 'on', 0);
    expect(cache.size).toBe(3);
    expect(['f1', 'f2', 'f3', 'f4', 'f5'].map((f) => cache.isDuplicate('only', f, 'on', 1))).toEqual([false, false, true, true, true]);
  });

  it('stays within maxEntries under a stream of new subjects while an active subject keeps its entry', () => {
    const cache = new DedupeCache(60_000, 100);
    cache.remember('active', 'f', 'on', 0);
    for (let i = 0; i < 10_000; i++) {
      cache.remember(`visitor-${i}`, 'f', 'on', i);
      if (i % 50 === 0) expect(cache.isDuplicate('active', 'f', 'on', i)).toBe(true);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.isDuplicate('active', 'f', 'on', 10_000)).toBe(true);
    expect(cache.isDuplicate('visitor-0', 'f', 'on', 10_000)).toBe(false);
  });
});

describe('resolveDedupe', () => {
  it('is off by default, takes true for the defaults, and checks numbers with the one normaliser', () => {
    const warnings: string[] = [];
    expect(resolveDedupe(undefined)).toBeUndefined();
    expect(resolveDedupe(false)).toBeUndefined();
    expect(resolveDedupe(true)).toMatchObject({ ttlMs: 60_000, maxEntries: 10_000 });
    expect(resolveDedupe({ ttlMs: 0, maxEntries: Number.POSITIVE_INFINITY }, (m) => warnings.push(m))).toMatchObject({ ttlMs: 1, maxEntries: 1_000_000 });
    expect(warnings).toEqual([
      'dedupe.ttlMs = 0 is outside [1, 86400000] ms; using 1',
      'dedupe.maxEntries = Infinity is outside [1, 1000000] entries; using 1000000',
    ]);
    expect(() => resolveDedupe({ ttlMs: Number.NaN })).toThrow(/dedupe\.ttlMs must be a number of ms, got NaN/);
    expect(() => resolveDedupe(5 as never)).toThrow(/dedupe must be true or an object/);
  });
});

describe('dedupe memory per entry', () => {
  it('keeps an outcome of any length as at most 64 characters, distinct for values that share a long prefix', () => {
    expect(compactOutcome('on')).toBe('on');
    const big = `=${JSON.stringify({ config: 'x'.repeat(100_000) })}`;
    const other = `${big.slice(0, -2)}y"}`;
    expect(compactOutcome(big).length).toBeLessThanOrEqual(64);
    expect(compactOutcome('é'.repeat(65))).not.toBe(compactOutcome('e'.repeat(65)));
    expect(compactOutcome(big)).toBe(compactOutcome(`${big}`));
    expect(compactOutcome(big)).not.toBe(compactOutcome(other));
    expect(compactOutcome('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('the hook dedupes a large object value without holding its JSON, and still records a changed one', () => {
    const exporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    const hook = new EvaluationEventHook({ loggerProvider, dedupe: true, includeValue: 'never' });
    const evaluate = (value: object) =>
      hook.finally({ flagKey: 'remote-config', context: { targetingKey: 'u1' } } as never, { flagKey: 'remote-config', value, flagMetadata: {} } as never);
    const big = { payload: 'x'.repeat(100_000), version: 1 };
    evaluate(big);
    evaluate({ ...big });
    evaluate({ ...big, version: 2 });
    expect(exporter.getFinishedLogRecords()).toHaveLength(2);
    const cache = (hook as unknown as { dedupe: { subjects: Map<string, { flags: Map<string, { outcome: string }> }> } }).dedupe;
    expect(cache.subjects.get('u1')!.flags.get('remote-config')!.outcome.length).toBeLessThanOrEqual(64);
  });
});
