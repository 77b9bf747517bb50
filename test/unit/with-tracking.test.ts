import { InMemoryProvider, MultiProvider, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationEventHook, withTracking } from '../../src/index.js';
import { useGlobalTestLogs } from '../fixtures/otel.js';
import { IN_MEMORY_FLAGS, ScriptedProvider } from '../fixtures/providers.js';

const TRACK = 'openfeature.tracking';

const otel = useGlobalTestLogs();
afterEach(async () => {
  OpenFeature.clearHooks();
  OpenFeature.setContext({});
  await OpenFeature.clearProviders();
});

describe('withTracking on the server SDK (dynamic context)', () => {
  it('emits one openfeature.tracking record per track() with name, value, nested details, context id and provider name (spec 6.2)', async () => {
    await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
    const client = OpenFeature.getClient();
    client.track('clicked-checkout', { targetingKey: 'user-1' }, { value: 99.77, currencyCode: 'USD', cart: { items: [{ sku: 'a', qty: 2 }], coupon: null } });
    const records = otel.byEvent(TRACK);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ severityNumber: 9, severityText: 'INFO', body: undefined });
    expect(records[0]!.attributes).toEqual({
      'log.record.uid': expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      'openfeature.tracking.name': 'clicked-checkout',
      'openfeature.tracking.value': 99.77,
      'openfeature.tracking.details': { currencyCode: 'USD', cart: { items: [{ sku: 'a', qty: 2 }], coupon: null } },
      'feature_flag.context.id': 'user-1',
      'feature_flag.provider.name': 'in-memory',
    });
  });

  it('omits value and details when the call has none', async () => {
    await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
    OpenFeature.getClient().track('visited-promo-page', { targetingKey: 'u' });
    expect(otel.records()[0]!.attributes).toEqual({
      'log.record.uid': expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      'openfeature.tracking.name': 'visited-promo-page',
      'feature_flag.context.id': 'u',
      'feature_flag.provider.name': 'in-memory',
    });
  });

  it('receives the merged context: API, then transaction, then client, then invocation (spec 6.1.3)', async () => {
    const { AsyncLocalStorageTransactionContextPropagator } = await import('@openfeature/server-sdk');
    OpenFeature.setTransactionContextPropagator(new AsyncLocalStorageTransactionContextPropagator());
    const inner = new ScriptedProvider({});
    await OpenFeature.setProviderAndWait(withTracking(inner, { contextAttributes: '*' }));
    OpenFeature.setContext({ targetingKey: 'api', level: 'api', apiOnly: 1 });
    const client = OpenFeature.getClient();
    client.setContext({ level: 'client', clientOnly: 2 });
    await new Promise<void>((resolve) => {
      OpenFeature.setTransactionContext({ level: 'transaction', txOnly: 3, targetingKey: 'tx-user' }, () => {
        client.track('purchase', { level: 'invocation', invocationOnly: 4 }, { value: 1 });
        resolve();
      });
    });
    const record = otel.records()[0]!;
    expect(record.attributes['feature_flag.context.id']).toBe('tx-user');
    expect(record.attributes['openfeature.context']).toEqual({ level: 'invocation', apiOnly: 1, clientOnly: 2, txOnly: 3, invocationOnly: 4 });
    expect(inner.tracked[0]!.context).toMatchObject({ targetingKey: 'tx-user', level: 'invocation' });
  });

  it("forwards each call to the inner provider's own track, unless forwardTrack is false", async () => {
    const inner = new ScriptedProvider({});
    await OpenFeature.setProviderAndWait(withTracking(inner));
    OpenFeature.getClient().track('a', { targetingKey: 'u' }, { value: 2, k: 'v' });
    expect(inner.tracked).toEqual([{ name: 'a', context: { targetingKey: 'u' }, details: { value: 2, k: 'v' } }]);
    await OpenFeature.clearProviders();
    const silent = new ScriptedProvider({});
    await OpenFeature.setProviderAndWait(withTracking(silent, { forwardTrack: false }));
    OpenFeature.getClient().track('b', { targetingKey: 'u' });
    expect(silent.tracked).toEqual([]);
    expect(otel.byEvent(TRACK)).toHaveLength(2);
  });

  it("keeps the inner provider's metadata, hooks, events, lifecycle and custom methods", async () => {
    const inner = new InMemoryProvider(IN_MEMORY_FLAGS);
    const wrapped = withTracking(inner);
    expect(wrapped.metadata).toBe(inner.metadata);
    expect(wrapped.events).toBe(inner.events);
    expect(wrapped.runsOn).toBe('server');
    expect(wrapped).toBeInstanceOf(InMemoryProvider);
    await OpenFeature.setProviderAndWait(wrapped);
    OpenFeature.addHooks(new EvaluationEventHook());
    const client = OpenFeature.getClient();
    let changed = 0;
    client.addHandler(ProviderEvents.ConfigurationChanged, () => changed++);
    // putConfiguration returns nothing; the SDK emits ConfigurationChanged from a microtask.
    wrapped.putConfiguration({ ...IN_MEMORY_FLAGS, 'button-color': { ...IN_MEMORY_FLAGS['button-color'], defaultVariant: 'green' } });
    await Promise.resolve();
    expect(changed).toBe(1);
    expect(await client.getStringValue('button-color', 'x')).toBe('green');
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    const evaluation = otel.byEvent('feature_flag.evaluation')[0]!;
    expect(evaluation.attributes['feature_flag.provider.name']).toBe('in-memory');
  });

  it('forwards initialize and onClose, and the SDK tracks the inner status', async () => {
    const calls: string[] = [];
    const inner = Object.assign(new ScriptedProvider({}), {
      initialize: () => {
        calls.push('init');
        return Promise.reject(new Error('init failed'));
      },
      onClose: () => {
        calls.push('close');
        return Promise.resolve();
      },
    });
    await expect(OpenFeature.setProviderAndWait(withTracking(inner))).rejects.toBeTruthy();
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.ERROR);
    await OpenFeature.clearProviders();
    expect(calls).toEqual(['init', 'close']);
  });

  it('works as a child of the SDK MultiProvider: the fan-out reaches it exactly once', async () => {
    const plain = new ScriptedProvider({}, 'plain');
    const tracked = new ScriptedProvider({}, 'tracked');
    await OpenFeature.setProviderAndWait(new MultiProvider([{ provider: plain }, { provider: withTracking(tracked) }]));
    OpenFeature.getClient().track('signup', { targetingKey: 'u' }, { plan: 'pro' });
    const records = otel.byEvent(TRACK);
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes['feature_flag.provider.name']).toBe('tracked');
    expect(plain.tracked).toHaveLength(1);
    expect(tracked.tracked).toHaveLength(1);
  });

  it('wraps a MultiProvider: one record, then the fan-out to every child', async () => {
    const a = new ScriptedProvider({ f: { value: 'A', variant: 'a' } }, 'a');
    const b = new ScriptedProvider({}, 'b');
    const multi = new MultiProvider([{ provider: a }, { provider: b }]);
    await OpenFeature.setProviderAndWait(withTracking(multi));
    const client = OpenFeature.getClient();
    client.track('signup', { targetingKey: 'u' });
    expect(await client.getStringValue('f', 'd')).toBe('A');
    expect(otel.byEvent(TRACK)).toHaveLength(1);
    expect(otel.byEvent(TRACK)[0]!.attributes['feature_flag.provider.name']).toBe(multi.metadata.name);
    expect(a.tracked).toHaveLength(1);
    expect(b.tracked).toHaveLength(1);
  });

  it('never throws: an invalid name gets no record, a throwing inner track is contained', () => {
    const inner = new ScriptedProvider({});
    inner.track = () => {
      throw new Error('inner broke');
    };
    const wrapped = withTracking(inner);
    expect(() => wrapped.track('', {}, {})).not.toThrow();
    expect(() => wrapped.track(42 as never, {}, {})).not.toThrow();
    expect(() => wrapped.track('ok', null as never, undefined as never)).not.toThrow();
    expect(otel.byEvent(TRACK).map((r) => r.attributes['openfeature.tracking.name'])).toEqual(['ok']);
  });

  it('hashes the context id the same way as the hook, so exposures join outcomes', async () => {
    const options = { contextId: 'hash', hashKey: 'a-secret-of-32-bytes-0123456789ab' } as const;
    await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(IN_MEMORY_FLAGS), options));
    OpenFeature.addHooks(new EvaluationEventHook(options));
    const client = OpenFeature.getClient();
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    client.track('converted', { targetingKey: 'user-1' });
    const [evaluation] = otel.byEvent('feature_flag.evaluation');
    const [tracking] = otel.byEvent(TRACK);
    expect(tracking!.attributes['feature_flag.context.id']).toBe(evaluation!.attributes['feature_flag.context.id']);
    expect(tracking!.attributes['feature_flag.context.id']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('every tracking record carries a distinct log.record.uid, kept when mapRecord drops it', async () => {
    await OpenFeature.setProviderAndWait(
      withTracking(new InMemoryProvider(IN_MEMORY_FLAGS), { mapRecord: (record) => ({ ...record, attributes: {} }) }),
    );
    const client = OpenFeature.getClient();
    client.track('purchase', { targetingKey: 'u' }, { value: 1 });
    client.track('purchase', { targetingKey: 'u' }, { value: 1 });
    const uids = otel.byEvent(TRACK).map((r) => r.attributes['log.record.uid']);
    expect(uids).toHaveLength(2);
    for (const uid of uids) expect(uid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(uids[0]).not.toBe(uids[1]);
  });

  it('throws an actionable error at construction for programmer errors', () => {
    expect(() => withTracking(null as never)).toThrow(/needs an OpenFeature provider/);
    expect(() => withTracking(new InMemoryProvider(), { contextId: 'hash' })).toThrow(/needs hashKey/);
    expect(() => withTracking(new InMemoryProvider(), { contextId: 'sha1' as never })).toThrow(/contextId must be/);
    expect(() => new EvaluationEventHook({ includeValue: 'sometimes' as never })).toThrow(/includeValue must be one of/);
    expect(() => new EvaluationEventHook({ contextAttributes: 'email' as never })).toThrow(/contextAttributes must be/);
    expect(() => new EvaluationEventHook({ dedupe: { ttlMs: 'long' as never } })).toThrow(/ttlMs must be a number/);
  });
});
