/**
 * Hostile input at scale, property-based: 10,000 generated contexts, flag values and tracking
 * details, well-formed and malformed (BigInt, Date, NaN, Infinity, symbols, functions, cycles,
 * Maps, Sets, typed arrays, null prototypes, deep nesting, huge strings, throwing getters), through
 * the real SDK, the library and the real collector. For every case: no exception reaches the caller,
 * the collector accepts every batch, the record arrives with its valid fields, and sizes are bounded.
 */
import * as fc from 'fast-check';
import { OpenFeature } from '@openfeature/server-sdk';
import type { EvaluationContext, JsonValue } from '@openfeature/core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, killAndRemove, otlpAttributes, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';

const CASES = 10_000;
const MAX_RECORD_BYTES = 16_384;

const cyclic: Record<string, unknown> = { name: 'cycle' };
cyclic['self'] = cyclic;
const throwing = Object.defineProperty({ fine: 1 }, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });

const hostileLeaf = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withUnicodeString: true, maxDepth: 4 }),
  fc.constantFrom<unknown>(Symbol('s'), () => 1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, cyclic, throwing, new Date(Number.NaN), 'x'.repeat(200_000)),
  fc.integer({ min: 0, max: 2000 }).map((depth) => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < depth; i++) nested = { d: nested };
    return nested;
  }),
);

const caseArb = fc.record({
  targetingKey: fc.oneof(fc.string(), fc.constant(undefined), fc.integer(), hostileLeaf),
  context: fc.dictionary(fc.string({ maxLength: 20 }), hostileLeaf, { maxKeys: 6 }),
  value: hostileLeaf,
  trackingValue: fc.oneof(fc.double(), fc.constant(undefined), hostileLeaf),
  details: fc.dictionary(fc.string({ maxLength: 20 }), hostileLeaf, { maxKeys: 6 }),
  eventName: fc.oneof(fc.constantFrom('purchase', 'signup'), fc.string(), hostileLeaf),
});

/** A provider that answers whatever value the current case carries. */
class CaseProvider {
  readonly metadata = { name: 'case-provider' };
  readonly runsOn = 'server' as const;
  current: unknown = undefined;
  private answer<T>(): Promise<{ value: T; variant: string; reason: string }> {
    return Promise.resolve({ value: this.current as T, variant: 'v', reason: 'STATIC' });
  }
  resolveBooleanEvaluation() { return this.answer<boolean>(); }
  resolveStringEvaluation() { return this.answer<string>(); }
  resolveNumberEvaluation() { return this.answer<number>(); }
  resolveObjectEvaluation<T extends JsonValue>() { return this.answer<T>(); }
}

let collector: Collector;
const validNames = new Map<string, string>();
let stats: ReturnType<ReturnType<typeof setupFlagTelemetry>['stats']>;
const thrown: unknown[] = [];

beforeAll(async () => {
  collector = await startCollector();
  const telemetry = setupFlagTelemetry({
    url: `${collector.otlpHttpUrl}/v1/logs`,
    hook: { includeValue: 'always', contextAttributes: ['caseId', 'extra', 'anonymous'] },
    tracking: { contextAttributes: ['caseId', 'extra'] },
  });
  const provider = new CaseProvider();
  await OpenFeature.setProviderAndWait(telemetry.withTracking(provider));
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();
  let i = 0;
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const caseId = `case-${i++}`;
      provider.current = c.value;
      const context = { ...c.context, targetingKey: c.targetingKey, caseId, extra: c.context['x'] } as unknown as EvaluationContext;
      const details = { ...c.details, value: c.trackingValue, caseMarker: caseId } as never;
      try {
        await client.getObjectValue('hostile-flag', {}, context);
        client.track(c.eventName as string, context, details);
        client.track('valid-event', { caseId }, { caseMarker: caseId, value: 1 });
      } catch (err) {
        thrown.push(err);
      }
      if (typeof c.eventName === 'string' && c.eventName.trim().length > 0) validNames.set(caseId, c.eventName);
    }),
    { numRuns: CASES, seed: 20261121 },
  );
  await telemetry.shutdown();
  stats = telemetry.stats();
  await OpenFeature.close();
  expect(await collector.stop()).toBe(0);
}, 600_000);

afterAll(async () => {
  await killAndRemove(collector);
});

describe(`hostile input at scale (${CASES} generated cases, real collector)`, () => {
  it('no exception reaches the caller', () => {
    expect(thrown).toEqual([]);
  });

  it('the collector accepts every batch: nothing dropped, nothing failed', () => {
    expect(stats.dropped).toBe(0);
    expect(stats.pending).toBe(0);
    expect(stats.exported).toBe(stats.emitted);
  });

  it('every evaluation and every valid tracking call arrives with its valid fields, and sizes are bounded', () => {
    const records = readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'));
    expect(records.length).toBe(stats.emitted);
    const evaluations = new Set<string>();
    const tracked = new Map<string, string[]>();
    let largest = 0;
    for (const record of records) {
      const attributes = otlpAttributes(record);
      largest = Math.max(largest, JSON.stringify(record.attributes).length);
      if (record.eventName === 'feature_flag.evaluation') {
        expect(attributes['feature_flag.key']).toBe('hostile-flag');
        expect(attributes['feature_flag.result.variant']).toBe('v');
        expect(attributes['feature_flag.provider.name']).toBe('case-provider');
        const caseId = (attributes['openfeature.context'] as Record<string, unknown>)['caseId'] as string;
        evaluations.add(caseId);
      } else {
        const caseId = (attributes['openfeature.tracking.details'] as Record<string, unknown>)['caseMarker'] as string;
        const names = tracked.get(caseId) ?? [];
        names.push(attributes['openfeature.tracking.name'] as string);
        tracked.set(caseId, names);
      }
    }
    expect(evaluations.size).toBe(CASES);
    for (let i = 0; i < CASES; i++) {
      const caseId = `case-${i}`;
      const expected = ['valid-event', ...(validNames.has(caseId) ? [validNames.get(caseId)!.slice(0, 1024)] : [])].sort();
      expect((tracked.get(caseId) ?? []).map((n) => (n.endsWith('…') ? n.slice(0, -1) : n)).sort()).toEqual(expected);
    }
    // OTLP/JSON of the attributes, with its per-value wrappers, stays within twice the byte budget.
    expect(largest).toBeLessThan(2 * MAX_RECORD_BYTES);
    console.log(`hostile input: ${CASES} cases, ${records.length} records delivered, largest attributes ${largest} bytes of OTLP/JSON`);
  });
});
