import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationEventHook, withTracking } from '../../src/index.js';
import { type TestLogs, createTestLogs } from '../fixtures/otel.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

let otel: TestLogs;
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  otel = createTestLogs({ register: true });
});
afterAll(async () => {
  await otel.shutdown();
  context.disable();
  await OpenFeature.clearProviders();
});

describe('trace correlation', () => {
  it('records emitted inside an active span carry its trace and span ids; outside, none', async () => {
    const tracer = new TracerProvider().getTracer('test');
    await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
    OpenFeature.addHooks(new EvaluationEventHook());
    const client = OpenFeature.getClient();
    const ids = await tracer.startActiveSpan('request', async (span) => {
      await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
      client.track('converted', { targetingKey: 'user-1' });
      span.end();
      return span.spanContext();
    });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    const [inside, tracked, outside] = otel.records();
    expect(inside!.traceId).toBe(ids.traceId);
    expect(inside!.spanId).toBe(ids.spanId);
    expect(tracked!.traceId).toBe(ids.traceId);
    expect(outside!.traceId).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
