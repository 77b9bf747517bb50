/**
 * GOFF exporter routes beyond files, each through the real collector binary with the shipped
 * overlay under collector-config/exporters/ and a real destination on loopback: a webhook
 * receiver that verifies GOFF's HMAC signature, SQS, Kinesis and S3 on moto, a real Kafka broker,
 * and the log route (GOFF's log lines). The oracle for the bytes is the base pipeline's
 * GOFF files (feature-events.ndjson, tracking-events.ndjson), written in the same run by GOFF's
 * own code (goff_encoding, checked against GOFF in goff-file-pipelines.test.ts): every route
 * must carry exactly those bytes, every event once, none lost or duplicated.
 */
import { OpenFeature } from '@openfeature/server-sdk';
import { InMemoryProvider } from '@openfeature/server-sdk';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { type Collector, CONFIG_DIR, MAIN_CONFIG, killAndRemove, readLines, startCollector } from '../fixtures/collector.js';
import { type HttpSink, startHttpSink } from '../fixtures/http-sink.js';
import { startKafkaBroker } from '../fixtures/kafka.js';
import { type S3Server, startS3Server } from '../fixtures/moto.js';
import { createQueue, createStream, readStream, receiveMessages } from '../fixtures/moto-queues.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const defer = useCleanups();
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };

/**
 * Per user: a boolean, a string and an object flag, and a track() call whose details need JSON
 * escaping, unicode and a number GOFF prints with an exponent. Returns the event counts.
 */
async function drive(collector: Collector, users: number): Promise<{ feature: number; tracking: number }> {
  const telemetry = setupFlagTelemetry({ protocol: 'http/protobuf', url: `${collector.otlpHttpUrl}/v1/logs`, hook: { includeValue: 'always' } });
  await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();
  for (let i = 0; i < users; i++) {
    const context = { targetingKey: `user-${i}` };
    await client.getBooleanValue('new-checkout', false, context);
    await client.getStringValue('button-color', 'red', context);
    await client.getObjectValue('checkout-config', {}, context);
    client.track('purchased', context, { value: i * 1e6, sku: `<sku-${i}> & "é" \u0008`, tags: ['a', 'ü'] });
  }
  await telemetry.shutdown();
  expect(telemetry.stats()).toMatchObject({ emitted: users * 4, exported: users * 4, dropped: 0 });
  return { feature: users * 3, tracking: users };
}

async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, explain: () => string = () => '', timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${explain().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The GOFF lines the base pipeline wrote in this run: the bytes every route must carry. */
function goffLines(collector: Collector): { feature: string[]; tracking: string[] } {
  return {
    feature: readLines(join(collector.outDir, 'feature-events.ndjson')),
    tracking: readLines(join(collector.outDir, 'tracking-events.ndjson')),
  };
}

const sorted = (lines: string[]) => [...lines].sort();

/** Waits until the base pipeline's files hold every event, then returns them. */
async function oracle(collector: Collector, counts: { feature: number; tracking: number }) {
  return waitUntil(() => {
    const lines = goffLines(collector);
    return lines.feature.length >= counts.feature && lines.tracking.length >= counts.tracking ? lines : undefined;
  }, 'the GOFF files of the base pipeline', () => collector.output());
}

/** The base config plus the webhook overlay, posting to `sink` at /goff-hook. */
function webhookRoute(sink: HttpSink, secret: string, flushInterval: string) {
  return {
    configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'webhook.yaml')],
    env: { GOFF_WEBHOOK_URL: `${sink.url}/goff-hook`, GOFF_WEBHOOK_SECRET: secret, OFFT_WEBHOOK_FLUSH_INTERVAL: flushInterval },
  };
}

/** The GOFF events in the webhook bodies the sink received, from request `from` on. */
function webhookEvents(sink: HttpSink, from = 0): GoffEvent[] {
  return sink.requests.slice(from).flatMap((r) => (JSON.parse(r.body.toString('utf8')) as { events: GoffEvent[] }).events);
}

function verifySignature(body: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('collector routes to GOFF exporter destinations, byte for byte', () => {
  it('webhook: every batch is GOFF\'s {"meta","events"} body, signed with X-Hub-Signature-256 that verifies with the secret', async () => {
    const secret = 'webhook-s3cr3t';
    const sink: HttpSink = await startHttpSink();
    defer(() => sink.close());
    const collector = await startCollector(webhookRoute(sink, secret, '300ms'));
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 20);
    const bodies = await waitUntil(
      () => (webhookEvents(sink).length >= counts.feature + counts.tracking ? sink.requests : undefined),
      'webhook deliveries',
      () => collector.output(),
    );
    const lines = await oracle(collector, counts);
    expect(await collector.stop()).toBe(0);

    // Every request: POST to the URL, JSON, and a signature over the exact body bytes.
    for (const request of bodies) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/goff-hook');
      expect(request.headers['content-type']).toBe('application/json');
      expect(verifySignature(request.body, request.headers['x-hub-signature-256'], secret)).toBe(true);
    }
    // Every body is GOFF's: {"meta":{"hostname":...},"events":[<GOFF event JSON>,...]}, the events
    // byte-identical to the GOFF lines (json.Marshal of the same events), each event once.
    const byIdentity = new Map([...lines.feature, ...lines.tracking].map((line) => [identity(JSON.parse(line) as GoffEvent), line]));
    const sent: string[] = [];
    for (const request of bodies) {
      const body = JSON.parse(request.body.toString('utf8')) as { meta: unknown; events: GoffEvent[] };
      expect(body.meta).toEqual({ hostname: hostname() });
      const eventLines = body.events.map((event) => byIdentity.get(identity(event)) ?? `missing: ${JSON.stringify(event)}`);
      expect(request.body.toString('utf8')).toBe(`{"meta":{"hostname":${JSON.stringify(hostname())}},"events":[${eventLines.join(',')}]}`);
      sent.push(...eventLines);
    }
    expect(sorted(sent)).toEqual(sorted([...lines.feature, ...lines.tracking]));
  });

  it('webhook outage: batches refused with 503 are retried from the persistent queue and every event arrives once', async () => {
    const sink: HttpSink = await startHttpSink();
    defer(() => sink.close());
    sink.respond(503);
    const collector = await startCollector(webhookRoute(sink, 's', '200ms'));
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 10);
    await waitUntil(() => (sink.requests.length >= 2 ? true : undefined), 'refused webhook attempts', () => collector.output());
    const refused = sink.requests.length;
    sink.respond(200);
    const delivered = await waitUntil(() => {
      const events = webhookEvents(sink, refused);
      return events.length >= counts.feature + counts.tracking ? events : undefined;
    }, 'webhook deliveries after the outage', () => collector.output());
    expect(await collector.stop()).toBe(0);
    const ids = delivered.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(counts.feature + counts.tracking);
  });

  it('webhook: events queued during an outage survive a SIGKILL of the collector and arrive after the restart, each once', async () => {
    const sink: HttpSink = await startHttpSink();
    defer(() => sink.close());
    sink.respond(503);
    const config = webhookRoute(sink, 's', '200ms');
    const first = await startCollector(config);
    defer(() => killAndRemove(first)); // second shares its output directory
    const counts = await drive(first, 10);
    await waitUntil(() => (sink.requests.length >= 2 ? true : undefined), 'refused webhook attempts', () => first.output());
    await first.kill(); // SIGKILL: no shutdown, no flush; only the persistent queue on disk remains
    const refused = sink.requests.length;
    sink.respond(200);
    const second = await startCollector({ ...config, outDir: first.outDir, storageDir: first.storageDir });
    defer(() => second.kill());
    const delivered = await waitUntil(() => {
      const events = webhookEvents(sink, refused);
      return events.length >= counts.feature + counts.tracking ? events : undefined;
    }, 'webhook deliveries after the restart', () => second.output());
    expect(await second.stop()).toBe(0);
    const ids = delivered.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(counts.feature + counts.tracking);
  });

  it('SQS (moto): one message per event, its body the GOFF event JSON, attribute emitter="GO Feature Flag"', async () => {
    const moto: S3Server = await startS3Server();
    defer(() => moto.stop());
    const queueUrl = createQueue(moto.endpoint, 'goff-events');
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'sqs.yaml')],
      env: { OFFT_SQS_QUEUE_URL: queueUrl, OFFT_SQS_ENDPOINT: moto.endpoint, ...AWS_ENV },
    });
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 15);
    const lines = await oracle(collector, counts);
    const messages = receiveMessages(moto.endpoint, queueUrl, counts.feature + counts.tracking);
    expect(await collector.stop()).toBe(0);
    expect(sorted(messages.map((m) => m.body))).toEqual(sorted([...lines.feature, ...lines.tracking]));
    expect(messages.every((m) => m.attributes['emitter'] === 'GO Feature Flag')).toBe(true);
  });

  it('Kinesis (moto): one record per event, its data the GOFF event JSON, partition key "default"', async () => {
    const moto: S3Server = await startS3Server();
    defer(() => moto.stop());
    createStream(moto.endpoint, 'goff-events');
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'kinesis.yaml')],
      env: { OFFT_KINESIS_STREAM: 'goff-events', OFFT_KINESIS_ENDPOINT: moto.endpoint, ...AWS_ENV },
    });
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 15);
    const lines = await oracle(collector, counts);
    const records = readStream(moto.endpoint, 'goff-events', counts.feature + counts.tracking);
    expect(await collector.stop()).toBe(0);
    expect(sorted(records.map((r) => r.data.toString('utf8')))).toEqual(sorted([...lines.feature, ...lines.tracking]));
    expect(records.every((r) => r.partitionKey === 'default')).toBe(true);
  });

  it('S3 (moto): each object is the file GOFF uploads for its events: GOFF event JSON lines ending with a newline', async () => {
    const s3: S3Server = await startS3Server();
    defer(() => s3.stop());
    await s3.createBucket('goff-events');
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 's3.yaml')],
      env: { OFFT_S3_ENDPOINT: s3.endpoint, OFFT_S3_FORCE_PATH_STYLE: 'true', OFFT_S3_FLUSH_INTERVAL: '500ms', ...AWS_ENV },
    });
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 15);
    const objectsUnder = (prefix: string) => Object.entries(s3.objects('goff-events', prefix));
    const lineCount = (objects: [string, string][]) => objects.reduce((n, [, text]) => n + text.split('\n').length - 1, 0);
    const feature = await waitUntil(() => {
      const objects = objectsUnder('goff/feature');
      return lineCount(objects) >= counts.feature ? objects : undefined;
    }, 'feature objects in S3', () => collector.output());
    const tracking = await waitUntil(() => {
      const objects = objectsUnder('goff/tracking');
      return lineCount(objects) >= counts.tracking ? objects : undefined;
    }, 'tracking objects in S3', () => collector.output());
    const lines = await oracle(collector, counts);
    expect(await collector.stop()).toBe(0);
    for (const [name, text] of [...feature, ...tracking]) {
      expect(name).toMatch(/\.json$/);
      expect(text.endsWith('\n'), `${name} ends with a newline, as GOFF's files do`).toBe(true);
    }
    expect(sorted(feature.flatMap(([, text]) => text.split('\n').slice(0, -1)))).toEqual(sorted(lines.feature));
    expect(sorted(tracking.flatMap(([, text]) => text.split('\n').slice(0, -1)))).toEqual(sorted(lines.tracking));
  });

  it("Kafka (a real KRaft broker): one message per event, its value the GOFF event JSON, its key the event's userKey", async () => {
    const kafka = await startKafkaBroker();
    defer(() => kafka.stop());
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'kafka.yaml')],
      env: { OFFT_KAFKA_BROKERS: `[${kafka.bootstrap}]` },
    });
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 15);
    const lines = await oracle(collector, counts);
    const feature = await kafka.read('goff-feature-events', counts.feature);
    const tracking = await kafka.read('goff-tracking-events', counts.tracking);
    expect(await collector.stop()).toBe(0);
    expect(sorted(feature.map((r) => r.value.toString('utf8')))).toEqual(sorted(lines.feature));
    expect(sorted(tracking.map((r) => r.value.toString('utf8')))).toEqual(sorted(lines.tracking));
    for (const record of [...feature, ...tracking]) {
      expect(record.key?.toString('utf8')).toBe((JSON.parse(record.value.toString('utf8')) as GoffEvent).userKey);
    }
    console.log(`Kafka broker started in ${kafka.startupMs} ms`);
  });

  it("log: GOFF's log line for every evaluation, byte for byte", async () => {
    // The overlay prints to /dev/stdout, which cannot be opened when stdout is a socket, as it is
    // for a Node.js child process: the test sends the same lines to a file instead.
    const logDir = mkdtempSync(join(tmpdir(), 'offt-goff-log-'));
    defer(() => Promise.resolve(rmSync(logDir, { recursive: true, force: true })));
    const logPath = join(logDir, 'goff.log');
    const collector = await startCollector({
      configs: [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'log.yaml')],
      // GOFF prints FormattedDate in the local time zone; pin it so the expected line is known.
      env: { TZ: 'UTC', OFFT_LOG_EXPORTER_PATH: logPath },
    });
    defer(() => killAndRemove(collector));
    const counts = await drive(collector, 10);
    const lines = await oracle(collector, counts);
    const logLines = await waitUntil(() => {
      const found = readLines(logPath);
      return found.length >= counts.feature ? found : undefined;
    }, 'GOFF log lines', () => collector.output());
    expect(await collector.stop()).toBe(0);
    // GOFF's default logFormat over each feature event: [{{ .FormattedDate}}] user="{{ .UserKey}}",
    // flag="{{ .Key}}", value="{{ .Value}}" - FormattedDate RFC 3339, Value printed with Go's %v.
    const expected = lines.feature.map((line) => {
      const event = JSON.parse(line) as { userKey: string; key: string; value: unknown; creationDate: number };
      const date = new Date(event.creationDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return `[${date}] user="${event.userKey}", flag="${event.key}", value="${goPrint(event.value)}"`;
    });
    expect(sorted(logLines)).toEqual(sorted(expected));
  });
});

/** Go's %v of the values these runs produce (bool, string, and the object flag's map). */
function goPrint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    return `map[${Object.keys(value).sort().map((k) => `${k}:${goPrint((value as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(value);
}

interface GoffEvent {
  kind: string;
  key: string;
  userKey: string;
}

/** An event's identity in these runs: one event per kind, key and user. */
function identity(event: GoffEvent): string {
  return JSON.stringify([event.kind, event.key, event.userKey]);
}
