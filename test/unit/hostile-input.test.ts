import { OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationEventHook, withTracking } from '../../src/index.js';
import { useGlobalTestLogs } from '../fixtures/otel.js';
import { ScriptedProvider } from '../fixtures/providers.js';

const otel = useGlobalTestLogs();
afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

const cyclic: Record<string, unknown> = { label: 'cyclic' };
cyclic['self'] = cyclic;
let deep: Record<string, unknown> = { leaf: true };
for (let i = 0; i < 1000; i++) deep = { d: deep };
const huge = 'x'.repeat(10 * 1024 * 1024);

/** Each hostile value goes into a flag value, a context attribute and a tracking detail. */
const HOSTILE: [string, unknown][] = [
  ['a cycle', cyclic],
  ['a BigInt', 10n ** 30n],
  ['a Symbol', Symbol('s')],
  ['a function', () => 'f'],
  ['a Date', new Date(0)],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['a 10 MB string', huge],
  ['depth 1000', deep],
  ['null', null],
  ['1e21 (an integer OTLP/JSON cannot carry as intValue)', 1e21],
  ['-2^63', -(2 ** 63)],
  ['a Float64Array holding 1e21 and NaN', new Float64Array([1e21, Number.NaN])],
  ['a lone UTF-16 surrogate', 'bad\uD800'],
];

describe('hostile input never throws and never costs the valid fields', () => {
  it.each(HOSTILE)('evaluation with %s in the value and the context', async (_name, bad) => {
    await OpenFeature.setProviderAndWait(new ScriptedProvider({ f: { value: { bad, good: 'kept' } as never, variant: 'v', flagMetadata: { version: '1' } } }));
    OpenFeature.addHooks(new EvaluationEventHook({ includeValue: 'always', contextAttributes: ['bad', 'good'] }));
    const value = await OpenFeature.getClient().getObjectValue('f', {}, { targetingKey: 'u', bad: bad as never, good: 'ctx-kept' });
    expect(value).toHaveProperty('good', 'kept');
    const records = otel.records();
    expect(records).toHaveLength(1);
    const attributes = records[0]!.attributes;
    expect(attributes).toMatchObject({
      'feature_flag.key': 'f',
      'feature_flag.result.variant': 'v',
      'feature_flag.context.id': 'u',
      'feature_flag.version': '1',
    });
    expect(attributes['feature_flag.result.value']).toMatchObject({ good: 'kept' });
    expect(attributes['openfeature.context']).toMatchObject({ good: 'ctx-kept' });
    expect(JSON.stringify(attributes).length).toBeLessThan(20_000);
  });

  it.each(HOSTILE)('track() with %s in the details and the context', async (_name, bad) => {
    const wrapped = withTracking(new ScriptedProvider({}), { contextAttributes: ['bad', 'good'] });
    await OpenFeature.setProviderAndWait(wrapped);
    expect(() =>
      OpenFeature.getClient().track('evt', { targetingKey: 'u', bad: bad as never, good: 'ctx-kept' }, { value: 3, bad: bad as never, good: 'kept' }),
    ).not.toThrow();
    const records = otel.records();
    expect(records).toHaveLength(1);
    const attributes = records[0]!.attributes;
    expect(attributes).toMatchObject({
      'openfeature.tracking.name': 'evt',
      'openfeature.tracking.value': 3,
      'feature_flag.context.id': 'u',
    });
    expect(attributes['openfeature.tracking.details']).toMatchObject({ good: 'kept' });
    expect(attributes['openfeature.context']).toMatchObject({ good: 'ctx-kept' });
    expect(JSON.stringify(attributes).length).toBeLessThan(20_000);
  });

  it.each([
    ['an empty string', ''],
    ['whitespace', '   '],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { name: 'x' }],
  ])('track() with %s as the name records nothing and does not throw', (_name, badName) => {
    const wrapped = withTracking(new ScriptedProvider({}));
    expect(() => wrapped.track(badName as never, { targetingKey: 'u' }, {})).not.toThrow();
    expect(otel.records()).toHaveLength(0);
  });

  it.each([
    ['constructor', '{"constructor": "x", "good": "kept"}'],
    ['__proto__', '{"__proto__": {"constructor": "x"}, "good": "kept"}'],
  ])('a map key %s (which the OTel SDK cannot carry) costs only itself, not the whole map', async (_key, json) => {
    await OpenFeature.setProviderAndWait(new ScriptedProvider({ f: { value: JSON.parse(json) as never, variant: 'v', flagMetadata: JSON.parse(json) as never } }));
    OpenFeature.addHooks(new EvaluationEventHook({ includeValue: 'always', includeFlagMetadata: true, contextAttributes: '*' }));
    await OpenFeature.getClient().getObjectValue('f', {}, { targetingKey: 'u', ...(JSON.parse(json) as object) });
    const wrapped = withTracking(new ScriptedProvider({}));
    wrapped.track('evt', { targetingKey: 'u' }, { value: 1, ...(JSON.parse(json) as object) });
    const [evaluation, tracking] = otel.records();
    expect(evaluation!.attributes['feature_flag.result.value']).toEqual({ good: 'kept' });
    expect(evaluation!.attributes['openfeature.flag.metadata']).toEqual({ good: 'kept' });
    expect(evaluation!.attributes['openfeature.context']).toMatchObject({ good: 'kept' });
    expect(tracking!.attributes['openfeature.tracking.details']).toEqual({ good: 'kept' });
  });

  it('a null context, a non-object context and a non-finite tracking value keep the rest of the record', () => {
    const wrapped = withTracking(new ScriptedProvider({}));
    wrapped.track('a', null as never, { value: Number.NaN, note: 'kept' });
    wrapped.track('b', 'not-a-context' as never, 'not-details' as never);
    const [a, b] = otel.records();
    expect(a!.attributes).toEqual({ 'log.record.uid': expect.any(String), 'openfeature.tracking.name': 'a', 'openfeature.tracking.details': { note: 'kept' }, 'feature_flag.provider.name': 'scripted' });
    expect(b!.attributes).toEqual({ 'log.record.uid': expect.any(String), 'openfeature.tracking.name': 'b', 'feature_flag.provider.name': 'scripted' });
  });

  it('the hook survives a null context and garbage details passed directly', () => {
    const hook = new EvaluationEventHook();
    expect(() => hook.finally({ flagKey: 'k', context: null } as never, { flagKey: 'k', value: 1, flagMetadata: null } as never)).not.toThrow();
    expect(() => hook.finally(null as never, null as never)).not.toThrow();
    expect(otel.records().map((r) => r.attributes['feature_flag.key'])).toEqual(['k']);
  });

  it('non-string targeting keys: numbers are written as strings, objects are left out', () => {
    const wrapped = withTracking(new ScriptedProvider({}));
    wrapped.track('n', { targetingKey: 12345 as never }, {});
    wrapped.track('o', { targetingKey: { id: 1 } as never }, {});
    const [n, o] = otel.records();
    expect(n!.attributes['feature_flag.context.id']).toBe('12345');
    expect(o!.attributes).not.toHaveProperty('feature_flag.context.id');
  });

  it('a tracking value OTLP/JSON cannot carry as an int arrives as its String(n); ordinary values stay numbers', () => {
    const wrapped = withTracking(new ScriptedProvider({}));
    wrapped.track('huge', { targetingKey: 'u' }, { value: 1e21, nested: { big: -(2 ** 63), ok: 7 } });
    wrapped.track('int', { targetingKey: 'u' }, { value: 100 });
    wrapped.track('max-safe', { targetingKey: 'u' }, { value: 2 ** 53 - 1 });
    wrapped.track('double', { targetingKey: 'u' }, { value: 99.77 });
    const [huge, int, maxSafe, double] = otel.records();
    expect(huge!.attributes['openfeature.tracking.value']).toBe('1e+21');
    expect(huge!.attributes['openfeature.tracking.details']).toEqual({ nested: { big: '-9223372036854776000', ok: 7 } });
    expect(int!.attributes['openfeature.tracking.value']).toBe(100);
    expect(maxSafe!.attributes['openfeature.tracking.value']).toBe(2 ** 53 - 1);
    expect(double!.attributes['openfeature.tracking.value']).toBe(99.77);
  });

  it('a lone surrogate in the targeting key, flag key or provider name is repaired, the record kept', async () => {
    await OpenFeature.setProviderAndWait(new ScriptedProvider({ ['f\uD800']: { value: true, variant: 'on' } }, 'p\uDC00'));
    OpenFeature.addHooks(new EvaluationEventHook());
    await OpenFeature.getClient().getBooleanValue('f\uD800', false, { targetingKey: 'u\uD83D' });
    const [record] = otel.records();
    expect(record!.attributes).toMatchObject({
      'feature_flag.key': 'f\uFFFD',
      'feature_flag.context.id': 'u\uFFFD',
      'feature_flag.provider.name': 'p\uFFFD',
      'feature_flag.result.variant': 'on',
    });
  });
});
