/**
 * GOFF exporter equivalents beyond files, each through the real collector with the shipped
 * overlay: the webhook route to a local HTTP server, the S3 route to a local S3-compatible
 * server (moto). The same calls must arrive as the same GOFF events, none lost or duplicated.
 */
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, CONFIG_DIR, MAIN_CONFIG, readLines, startCollector } from '../fixtures/collector.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { type HttpSink, startHttpSink } from '../fixtures/http-sink.js';
import { type S3Server, startS3Server } from '../fixtures/moto.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const defer = useCleanups();

/** Sends `users` evaluations and `users` tracking calls through the library to the collector. */
async function drive(collector: Collector, users: number): Promise<void> {
  const telemetry = setupFlagTelemetry({ protocol: 'http/protobuf', url: `${collector.otlpHttpUrl}/v1/logs`, hook: { includeValue: 'always' } });
  await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();
  for (let i = 0; i < users; i++) {
    await client.getBooleanValue('new-checkout', false, { targetingKey: `user-${i}` });
    client.track('purchased', { targetingKey: `user-${i}` }, { value: i, sku: `sku-${i}` });
  }
  await telemetry.shutdown();
  expect(telemetry.stats()).toMatchObject({ emitted: users * 2, exported: users * 2, dropped: 0 });
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, explain: () => string = () => '', timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${explain().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface OtlpBodyRequest {
  resourceLogs: { scopeLogs: { logRecords: { eventName?: string; body?: { stringValue?: string } }[] }[] }[];
}

describe('collector routes to GOFF exporter destinations', () => {
  it('webhook route: every event reaches the HTTP endpoint once, as the GOFF JSON line, with the Authorization header', async () => {
    const sink: HttpSink = await startHttpSink();
    defer(() => sink.close());
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'webhook.yaml')],
      env: { GOFF_WEBHOOK_URL: `${sink.url}/goff-hook`, GOFF_WEBHOOK_AUTHORIZATION: 'Bearer webhook-secret', OFFT_WEBHOOK_FLUSH_INTERVAL: '200ms' },
    });
    defer(() => collector.kill());
    const users = 25;
    await drive(collector, users);
    const bodies = await waitUntil(async () => {
      const all = sink.requests.flatMap((request) =>
        (JSON.parse(request.body.toString('utf8')) as OtlpBodyRequest).resourceLogs.flatMap((rl) =>
          rl.scopeLogs.flatMap((sl) => sl.logRecords.map((lr) => lr.body?.stringValue ?? '')),
        ),
      );
      return all.length >= users * 2 ? all : undefined;
    }, 'webhook deliveries', () => collector.output());
    expect(await collector.stop()).toBe(0);
    expect(sink.requests.every((r) => r.url === '/goff-hook' && r.headers['authorization'] === 'Bearer webhook-secret')).toBe(true);
    expect(bodies).toHaveLength(users * 2);
    const events = bodies.map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(events.filter((e) => e['kind'] === 'feature').map((e) => e['userKey']).sort()).toEqual(
      Array.from({ length: users }, (_, i) => `user-${i}`).sort(),
    );
    expect(events.filter((e) => e['kind'] === 'tracking')).toHaveLength(users);
    // The webhook gets the same bytes as the file pipeline.
    const fileLines = readLines(join(collector.outDir, 'feature-events.ndjson')).sort();
    expect(bodies.filter((b) => b.startsWith('{"kind":"feature"')).sort()).toEqual(fileLines);
  });

  it('S3 route: GOFF NDJSON objects land in the bucket of an S3-compatible server, one line per event', async () => {
    const s3: S3Server = await startS3Server();
    defer(() => s3.stop());
    await s3.createBucket('goff-events');
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 's3.yaml')],
      env: {
        OFFT_S3_ENDPOINT: s3.endpoint,
        OFFT_S3_FORCE_PATH_STYLE: 'true',
        OFFT_S3_FLUSH_INTERVAL: '500ms',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    defer(() => collector.kill());
    const users = 30;
    await drive(collector, users);
    const objectLines = async (prefix: string) =>
      Object.values(s3.objects('goff-events', prefix)).flatMap((text) => text.split('\n').filter(Boolean));
    const feature = await waitUntil(async () => {
      const lines = await objectLines('goff/feature');
      return lines.length >= users ? lines : undefined;
    }, 'feature objects in S3', () => collector.output());
    const tracking = await waitUntil(async () => {
      const lines = await objectLines('goff/tracking');
      return lines.length >= users ? lines : undefined;
    }, 'tracking objects in S3', () => collector.output());
    expect(await collector.stop()).toBe(0);
    expect(feature).toHaveLength(users);
    expect(tracking).toHaveLength(users);
    expect(feature.sort()).toEqual(readLines(join(collector.outDir, 'feature-events.ndjson')).sort());
    expect(tracking.sort()).toEqual(readLines(join(collector.outDir, 'tracking-events.ndjson')).sort());
    const first = JSON.parse(tracking[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ kind: 'tracking', key: 'purchased' });
  });
});
