import { InMemoryProvider, OpenFeature } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationEventHook, withTracking } from '../../src/index.js';
import { useGlobalTestLogs } from '../fixtures/otel.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const otel = useGlobalTestLogs();
afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

describe('withTracking on the web SDK (static context)', () => {
  it('records client.track(name, details) with the static context and keeps evaluation working', async () => {
    await OpenFeature.setContext({ targetingKey: 'shopper-1', anonymous: true });
    await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
    OpenFeature.addHooks(new EvaluationEventHook());
    const client = OpenFeature.getClient();
    expect(client.getStringValue('button-color', 'x')).toBe('blue');
    client.track('clicked-checkout', { value: 12.5, currencyCode: 'EUR' });
    const tracking = otel.byEvent('openfeature.tracking');
    expect(tracking).toHaveLength(1);
    expect(tracking[0]!.attributes).toEqual({
      'log.record.uid': expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      'openfeature.tracking.name': 'clicked-checkout',
      'openfeature.tracking.value': 12.5,
      'openfeature.tracking.details': { currencyCode: 'EUR' },
      'feature_flag.context.id': 'shopper-1',
      'feature_flag.provider.name': 'in-memory',
      'openfeature.context': { anonymous: true },
    });
    expect(otel.byEvent('feature_flag.evaluation')[0]!.attributes['feature_flag.context.id']).toBe('shopper-1');
  });

  it('forwards onContextChange so a context change reconciles and tracking uses the new context', async () => {
    await OpenFeature.setContext({ targetingKey: 'before' });
    const inner = new InMemoryProvider(IN_MEMORY_FLAGS);
    let changes = 0;
    const original = (inner as { onContextChange?: (o: object, n: object) => unknown }).onContextChange?.bind(inner);
    Object.assign(inner, {
      onContextChange: (oldContext: object, newContext: object) => {
        changes++;
        return Promise.resolve(original?.(oldContext, newContext));
      },
    });
    await OpenFeature.setProviderAndWait(withTracking(inner));
    await OpenFeature.setContext({ targetingKey: 'after' });
    OpenFeature.getClient().track('seen');
    expect(changes).toBe(1);
    expect(otel.records()[0]!.attributes['feature_flag.context.id']).toBe('after');
  });
});
