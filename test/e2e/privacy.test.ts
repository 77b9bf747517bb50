/**
 * Privacy by default, checked on the wire: a proxy in front of the real collector keeps every byte
 * the collector receives, and the test scans them for secrets planted in the evaluation context.
 * Across every option that does not explicitly export them, they never leave the process.
 */
import { createHmac } from 'node:crypto';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { describe, expect, it } from 'vitest';
import type { EvaluationEventHookOptions } from '../../src/index.js';
import { type OtlpProtocol, setupFlagTelemetry } from '../../src/setup.js';
import { killAndRemove, startCollector } from '../fixtures/collector.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { startFaultProxy } from '../fixtures/fault-proxy.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const EMAIL = 'jane.secret.doe@example.com';
const TOKEN = 'tok_SECRET_5f2a9c';
const RAW_KEY = 'raw-targeting-key-7731';
const HASH_KEY = 'a-32-byte-secret-for-hmac-hashing';

const defer = useCleanups();

/** Runs evaluations and track calls with a context full of secrets; returns every byte received. */
async function wireBytes(hook: EvaluationEventHookOptions, protocol: OtlpProtocol): Promise<Buffer> {
  const collector = await startCollector();
  defer(() => killAndRemove(collector));
  const proxy = await startFaultProxy(collector.ports.http);
  defer(() => proxy.close());
  const { mapRecord: _unused, ...contextOptions } = hook;
  const telemetry = setupFlagTelemetry({ url: `${proxy.url}/v1/logs`, protocol, hook, tracking: contextOptions });
  await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();
  const context = { targetingKey: RAW_KEY, email: EMAIL, apiToken: TOKEN, profile: { contact: EMAIL }, anonymous: false, plan: 'pro' };
  for (const flag of ['new-checkout', 'button-color', 'checkout-config']) {
    await client.getObjectValue(flag, {}, context);
    await client.getObjectValue(flag, {}, context);
  }
  client.track('purchased', context, { value: 10, currencyCode: 'EUR' });
  await telemetry.shutdown();
  expect(telemetry.stats()).toMatchObject({ dropped: 0, pending: 0 });
  expect(await collector.stop()).toBe(0);
  const bytes = Buffer.concat(proxy.bodies);
  expect(bytes.length).toBeGreaterThan(0);
  return bytes;
}

const SAFE_OPTIONS: [string, EvaluationEventHookOptions][] = [
  ['defaults', {}],
  ['includeValue always', { includeValue: 'always' }],
  ['includeFlagMetadata', { includeFlagMetadata: true }],
  ['dedupe', { dedupe: true }],
  ['an allow-list without the secret fields', { contextAttributes: ['anonymous', 'plan'] }],
  ['mapRecord adding an attribute', { mapRecord: (r) => ({ ...r, attributes: { ...r.attributes, 'app.region': 'eu' } }) }],
];

describe('privacy on the wire', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it.each(SAFE_OPTIONS)(`%s (${protocol}): no context attribute but the targeting key reaches the collector`, async (_name, options) => {
      const bytes = await wireBytes(options, protocol);
      expect(bytes.includes(EMAIL)).toBe(false);
      expect(bytes.includes(TOKEN)).toBe(false);
      expect(bytes.includes(RAW_KEY)).toBe(true);
    });
  }

  it("contextAttributes '*' is the explicit opt-in that does export them (the scan is real)", async () => {
    const bytes = await wireBytes({ contextAttributes: '*' }, 'http/protobuf');
    expect(bytes.includes(EMAIL)).toBe(true);
    expect(bytes.includes(TOKEN)).toBe(true);
  });

  it("contextId 'hash': the raw targeting key never leaves; the id is the keyed HMAC, stable and salted", async () => {
    const bytes = await wireBytes({ contextId: 'hash', hashKey: HASH_KEY }, 'http/protobuf');
    expect(bytes.includes(RAW_KEY)).toBe(false);
    expect(bytes.includes(EMAIL)).toBe(false);
    const expected = createHmac('sha256', HASH_KEY).update(RAW_KEY).digest('hex');
    expect(bytes.includes(expected)).toBe(true);
    const otherSalt = createHmac('sha256', `${HASH_KEY}-other`).update(RAW_KEY).digest('hex');
    expect(bytes.includes(otherSalt)).toBe(false);
  });

  it("contextId 'none': not even the targeting key leaves", async () => {
    const bytes = await wireBytes({ contextId: 'none' }, 'http/protobuf');
    expect(bytes.includes(RAW_KEY)).toBe(false);
    expect(bytes.includes(EMAIL)).toBe(false);
  });
});
