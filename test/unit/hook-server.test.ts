import { InMemoryProvider, MultiProvider, OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationEventHook, type EvaluationEventHookOptions } from '../../src/index.js';
import { createTestLogs, useGlobalTestLogs } from '../fixtures/otel.js';
import { IN_MEMORY_FLAGS, ScriptedProvider } from '../fixtures/providers.js';

const EVAL = 'feature_flag.evaluation';

const otel = useGlobalTestLogs();
afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

async function withProvider(provider: object, hookOptions?: EvaluationEventHookOptions) {
  await OpenFeature.setProviderAndWait(provider as never);
  OpenFeature.addHooks(new EvaluationEventHook(hookOptions));
  return OpenFeature.getClient();
}

describe('EvaluationEventHook on the server SDK', () => {
  it('emits exactly one feature_flag.evaluation record per evaluation with the semconv attributes', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS));
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1', email: 'a@b.c' });
    const records = otel.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ eventName: EVAL, severityNumber: 9, severityText: 'INFO', body: undefined, scope: 'openfeature-otel-tracking' });
    expect(records[0]!.attributes).toEqual({
      'log.record.uid': expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      'feature_flag.key': 'new-checkout',
      'feature_flag.result.variant': 'on',
      'feature_flag.result.reason': 'targeting_match',
      'feature_flag.provider.name': 'in-memory',
      'feature_flag.context.id': 'user-1',
    });
  });

  it('writes the value only when there is no variant under the default semconv mode', async () => {
    const provider = new ScriptedProvider({
      novariant: { value: 'plain', reason: 'STATIC' },
      withvariant: { value: 'x', variant: 'x-var', reason: 'STATIC' },
    });
    const client = await withProvider(provider);
    await client.getStringValue('novariant', 'd');
    await client.getStringValue('withvariant', 'd');
    const [noVariant, withVariant] = otel.byEvent(EVAL);
    expect(noVariant!.attributes['feature_flag.result.value']).toBe('plain');
    expect(withVariant!.attributes).not.toHaveProperty('feature_flag.result.value');
    expect(withVariant!.attributes['feature_flag.result.variant']).toBe('x-var');
  });

  it.each([
    ['always', true, true],
    ['never', false, false],
    ['semconv', false, true],
  ] as const)('includeValue %s: value with variant=%s, without variant=%s', async (mode, withVariant, withoutVariant) => {
    const client = await withProvider(
      new ScriptedProvider({ a: { value: 1, variant: 'one' }, b: { value: 2 } }),
      { includeValue: mode },
    );
    await client.getNumberValue('a', 0);
    await client.getNumberValue('b', 0);
    const [a, b] = otel.byEvent(EVAL);
    expect('feature_flag.result.value' in a!.attributes).toBe(withVariant);
    expect('feature_flag.result.value' in b!.attributes).toBe(withoutVariant);
    if (withVariant) expect(a!.attributes['feature_flag.result.value']).toBe(1);
  });

  it('keeps object values structured (AnyValue map and arrays), never a JSON string', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { includeValue: 'always' });
    await client.getObjectValue('checkout-config', {});
    const value = otel.records()[0]!.attributes['feature_flag.result.value'];
    expect(typeof value).toBe('object');
    expect(value).toEqual({ steps: 3, layout: { columns: [1, 2] } });
  });

  it('records a provider-returned errorCode with lower-case error.type, feature_flag.error.message and WARN severity', async () => {
    const client = await withProvider(new ScriptedProvider({}));
    await client.getBooleanValue('missing', true, { targetingKey: 'u' });
    const record = otel.records()[0]!;
    expect(record.severityNumber).toBe(13);
    expect(record.severityText).toBe('WARN');
    expect(record.attributes).toMatchObject({
      'feature_flag.key': 'missing',
      'error.type': 'flag_not_found',
      'feature_flag.error.message': "flag 'missing' not found",
      'feature_flag.result.reason': 'error',
      'feature_flag.result.value': true,
    });
    expect(record.attributes).not.toHaveProperty('error.message');
  });

  it('records a throwing provider as an error (general) with the SDK default value', async () => {
    const client = await withProvider(new ScriptedProvider({ boom: { throws: new Error('backend down') } }));
    const value = await client.getStringValue('boom', 'fallback');
    expect(value).toBe('fallback');
    const record = otel.records()[0]!;
    expect(record.severityText).toBe('WARN');
    expect(record.attributes).toMatchObject({
      'error.type': 'general',
      'feature_flag.error.message': 'backend down',
      'feature_flag.result.reason': 'error',
      'feature_flag.result.value': 'fallback',
    });
  });

  it('maps flag metadata contextId, flagSetId and version, and the context id falls back to the targeting key', async () => {
    const client = await withProvider(
      new ScriptedProvider({
        meta: { value: true, variant: 'on', flagMetadata: { contextId: 'ctx-from-meta', flagSetId: 'set-1', version: 7 } },
        plain: { value: true, variant: 'on', flagMetadata: {} },
      }),
    );
    await client.getBooleanValue('meta', false, { targetingKey: 'user-9' });
    await client.getBooleanValue('plain', false, { targetingKey: 'user-9' });
    const [meta, plain] = otel.byEvent(EVAL);
    expect(meta!.attributes).toMatchObject({
      'feature_flag.context.id': 'ctx-from-meta',
      'feature_flag.set.id': 'set-1',
      'feature_flag.version': '7',
    });
    expect(meta!.attributes).not.toHaveProperty('openfeature.flag.metadata');
    expect(plain!.attributes['feature_flag.context.id']).toBe('user-9');
  });

  it('exports flag metadata as a map only with includeFlagMetadata', async () => {
    const client = await withProvider(
      new ScriptedProvider({ meta: { value: 1, variant: 'a', flagMetadata: { owner: 'team-a', rollout: 50, beta: true } } }),
      { includeFlagMetadata: true },
    );
    await client.getNumberValue('meta', 0);
    expect(otel.records()[0]!.attributes['openfeature.flag.metadata']).toEqual({ owner: 'team-a', rollout: 50, beta: true });
  });

  it('emits nothing for flags whose metadata says trackEvents: false', async () => {
    const client = await withProvider(
      new ScriptedProvider({ quiet: { value: true, variant: 'on', flagMetadata: { trackEvents: false } }, loud: { value: true, variant: 'on', flagMetadata: { trackEvents: true } } }),
    );
    await client.getBooleanValue('quiet', false);
    await client.getBooleanValue('loud', false);
    expect(otel.records().map((r) => r.attributes['feature_flag.key'])).toEqual(['loud']);
  });

  it('exports only the targeting key and the anonymous flag by default (privacy)', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS));
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'anon-7', anonymous: true, email: 'secret@example.com', token: 'tok' });
    const attributes = otel.records()[0]!.attributes;
    expect(attributes['openfeature.context']).toEqual({ anonymous: true });
    expect(JSON.stringify(attributes)).not.toMatch(/secret@example\.com|tok"/);
  });

  it('exports the allow-listed context attributes, or all of them with "*"', async () => {
    const ctx = { targetingKey: 'u1', plan: 'pro', country: 'FR', nested: { a: [1, 2] }, email: 'x@y.z' };
    let client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { contextAttributes: ['plan', 'nested', 'absent'] });
    await client.getBooleanValue('new-checkout', false, ctx);
    expect(otel.records()[0]!.attributes['openfeature.context']).toEqual({ plan: 'pro', nested: { a: [1, 2] } });
    OpenFeature.clearHooks();
    otel.reset();
    client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { contextAttributes: '*' });
    await client.getBooleanValue('new-checkout', false, ctx);
    expect(otel.records()[0]!.attributes['openfeature.context']).toEqual({ plan: 'pro', country: 'FR', nested: { a: [1, 2] }, email: 'x@y.z' });
  });

  it("contextId 'hash' writes a keyed HMAC and 'none' writes nothing", async () => {
    const { createHmac } = await import('node:crypto');
    let client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { contextId: 'hash', hashKey: 'k'.repeat(32) });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    expect(otel.records()[0]!.attributes['feature_flag.context.id']).toBe(createHmac('sha256', 'k'.repeat(32)).update('user-1').digest('hex'));
    OpenFeature.clearHooks();
    otel.reset();
    client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { contextId: 'none' });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    expect(otel.records()[0]!.attributes).not.toHaveProperty('feature_flag.context.id');
  });

  it('filter decides per evaluation; a throwing filter skips the record and never reaches the caller', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), {
      filter: (hookContext) => {
        if (hookContext.flagKey === 'checkout-config') throw new Error('bad filter');
        return hookContext.flagKey !== 'button-color';
      },
    });
    await client.getBooleanValue('new-checkout', false);
    await client.getStringValue('button-color', 'x');
    await expect(client.getObjectValue('checkout-config', {})).resolves.toEqual({ steps: 3, layout: { columns: [1, 2] } });
    expect(otel.records().map((r) => r.attributes['feature_flag.key'])).toEqual(['new-checkout']);
  });

  it('dedupe records each (flag, variant, subject) once per TTL in a bounded LRU', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { dedupe: { ttlMs: 60_000, maxEntries: 2 } });
    for (let i = 0; i < 3; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-2' });
    expect(otel.records()).toHaveLength(2);
    // A third subject evicts user-1 (maxEntries 2), so user-1 is recorded again.
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-3' });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    expect(otel.records().map((r) => r.attributes['feature_flag.context.id'])).toEqual(['user-1', 'user-2', 'user-3', 'user-1']);
  });

  it('dedupe forgets an exposure after its TTL', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { dedupe: { ttlMs: 30 } });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    expect(otel.records()).toHaveLength(2);
  });

  it('mapRecord may add attributes or drop the record; a throwing one drops it without reaching the caller', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), {
      mapRecord: (record, details) => {
        if (details.flagKey === 'button-color') return undefined;
        if (details.flagKey === 'checkout-config') throw new Error('mapper bug');
        record.attributes = { ...record.attributes, 'app.region': 'eu', 'app.when': new Date(0) as never };
        return record;
      },
    });
    await client.getBooleanValue('new-checkout', false);
    await client.getStringValue('button-color', 'x');
    await client.getObjectValue('checkout-config', {});
    const records = otel.records();
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes).toMatchObject({ 'app.region': 'eu', 'app.when': '1970-01-01T00:00:00.000Z' });
  });

  it('every record carries its own log.record.uid, which mapRecord may replace but not remove', async () => {
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), {
      mapRecord: (record, details) => {
        if (details.flagKey === 'button-color') return { ...record, attributes: { 'feature_flag.key': 'button-color' } };
        if (details.flagKey === 'checkout-config') record.attributes!['log.record.uid'] = 'order-17';
        return record;
      },
    });
    await client.getBooleanValue('new-checkout', false);
    await client.getBooleanValue('new-checkout', false);
    await client.getStringValue('button-color', 'x');
    await client.getObjectValue('checkout-config', {});
    const uids = otel.records().map((r) => r.attributes['log.record.uid']);
    expect(uids).toHaveLength(4);
    expect(uids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(uids[1]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(uids[0]).not.toBe(uids[1]);
    expect(uids[2]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/); // removed by mapRecord, put back
    expect(uids[3]).toBe('order-17'); // replaced by mapRecord, kept
  });

  it('works with the SDK MultiProvider and reports the MultiProvider as the provider', async () => {
    const multi = new MultiProvider([
      { provider: new ScriptedProvider({ a: { value: 'A', variant: 'va', reason: 'STATIC' } }, 'first') },
      { provider: new InMemoryProvider(IN_MEMORY_FLAGS) },
    ]);
    const client = await withProvider(multi);
    await client.getStringValue('a', 'd', { targetingKey: 'u' });
    await client.getStringValue('button-color', 'd', { targetingKey: 'u' });
    const records = otel.byEvent(EVAL);
    expect(records).toHaveLength(2);
    expect(records[0]!.attributes).toMatchObject({ 'feature_flag.key': 'a', 'feature_flag.result.variant': 'va', 'feature_flag.context.id': 'u' });
    expect(records[1]!.attributes).toMatchObject({ 'feature_flag.key': 'button-color', 'feature_flag.result.variant': 'blue' });
    expect(records[0]!.attributes['feature_flag.provider.name']).toBe(multi.metadata.name);
  });

  it('finds a LoggerProvider registered after the hook was built (lazy resolution)', async () => {
    await otel.unregister();
    const hook = new EvaluationEventHook();
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(hook);
    const client = OpenFeature.getClient();
    await client.getBooleanValue('new-checkout', false);
    otel.register();
    await client.getBooleanValue('new-checkout', false);
    expect(otel.records()).toHaveLength(1);
  });

  it('emits to an injected loggerProvider instead of the global one', async () => {
    const own = createTestLogs();
    const client = await withProvider(new InMemoryProvider(IN_MEMORY_FLAGS), { loggerProvider: own.provider });
    await client.getBooleanValue('new-checkout', false);
    expect(own.records()).toHaveLength(1);
    expect(otel.records()).toHaveLength(0);
    await own.shutdown();
  });
});
