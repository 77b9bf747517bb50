import { InMemoryProvider, OpenFeature } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationEventHook } from '../../src/index.js';
import { useGlobalTestLogs } from '../fixtures/otel.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const otel = useGlobalTestLogs();
afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

describe('EvaluationEventHook on the web SDK (static context)', () => {
  it('emits one record per synchronous evaluation with the static context id', async () => {
    await OpenFeature.setContext({ targetingKey: 'user-1', anonymous: false, email: 'hidden@example.com' });
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(new EvaluationEventHook());
    const client = OpenFeature.getClient();
    expect(client.getBooleanValue('new-checkout', false)).toBe(true);
    expect(client.getStringValue('button-color', 'x')).toBe('blue');
    const records = otel.records();
    expect(records).toHaveLength(2);
    expect(records[0]!.attributes).toEqual({
      'log.record.uid': expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      'feature_flag.key': 'new-checkout',
      'feature_flag.result.variant': 'on',
      'feature_flag.result.reason': 'targeting_match',
      'feature_flag.provider.name': 'in-memory',
      'feature_flag.context.id': 'user-1',
      'openfeature.context': { anonymous: false },
    });
    expect(records[1]!.attributes['feature_flag.result.reason']).toBe('static');
  });

  it('records errors with lower-case error.type and WARN severity', async () => {
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(new EvaluationEventHook());
    expect(OpenFeature.getClient().getNumberValue('does-not-exist', 42)).toBe(42);
    const record = otel.records()[0]!;
    expect(record.severityText).toBe('WARN');
    expect(record.attributes['error.type']).toBe('flag_not_found');
    expect(record.attributes['feature_flag.result.value']).toBe(42);
    expect(typeof record.attributes['feature_flag.error.message']).toBe('string');
  });

  it('picks up a context change: new exposures carry the new context id', async () => {
    await OpenFeature.setContext({ targetingKey: 'user-1' });
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(new EvaluationEventHook());
    const client = OpenFeature.getClient();
    client.getBooleanValue('new-checkout', false);
    await OpenFeature.setContext({ targetingKey: 'user-2' });
    expect(client.getBooleanValue('new-checkout', true)).toBe(false);
    expect(otel.records().map((r) => [r.attributes['feature_flag.context.id'], r.attributes['feature_flag.result.variant']])).toEqual([
      ['user-1', 'on'],
      ['user-2', 'off'],
    ]);
  });

  it("hashes the context id identically to Node's crypto (contextId: 'hash')", async () => {
    const { createHmac } = await import('node:crypto');
    const key = new Uint8Array(32).fill(7);
    await OpenFeature.setContext({ targetingKey: 'ünïcødé-ключ-🔑' });
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(new EvaluationEventHook({ contextId: 'hash', hashKey: key }));
    OpenFeature.getClient().getBooleanValue('new-checkout', false);
    expect(otel.records()[0]!.attributes['feature_flag.context.id']).toBe(
      createHmac('sha256', key).update('ünïcødé-ключ-🔑').digest('hex'),
    );
  });
});
