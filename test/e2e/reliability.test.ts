/**
 * Faults caused for real against the real collector: an outage under load, a restart with data in
 * the collector's persistent queue, a collector that refuses, resets or hangs, and process exit.
 * The guarantee each time: every record emitted is delivered or counted as dropped (lost and
 * unaccounted = 0), and the application never waits on telemetry I/O.
 * Under CI=true the outage is shortened (it still spans many retry rounds and fills the queue).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, CONFIG_DIR, MAIN_CONFIG, ROOT, killAndRemove, readLines, startCollector } from '../fixtures/collector.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { startFaultProxy } from '../fixtures/fault-proxy.js';
import { startHttpSink } from '../fixtures/http-sink.js';
import { type Pacer, liveHeap, sleep, startPacedLoad, subjectsWritten, useServerSdk } from '../fixtures/load.js';

const CI = process.env['CI'] === 'true';
const OUTAGE_MS = CI ? 15_000 : 30_000;
const RATE = 5_000;

const defer = useCleanups();

async function restartOnSamePorts(collector: Collector): Promise<Collector> {
  return startCollector({ outDir: collector.outDir, storageDir: collector.storageDir, ports: collector.ports });
}

/**
 * Takes `load` through a collector outage: `upMs` with the collector up, `downMs` with it stopped
 * (sampling the peak live heap every second), then `recoverMs` after a restart on the same ports.
 * Stops the load, flushes the pipeline, and stops the restarted collector cleanly.
 */
async function throughOutage(
  collector: Collector,
  telemetry: ReturnType<typeof setupFlagTelemetry>,
  load: Pacer,
  phases: { upMs: number; downMs: number; recoverMs: number },
): Promise<{ collector: Collector; emitted: number; heapAtStop: number; peakHeap: number; queuedAtRestart: number }> {
  await sleep(phases.upMs);
  expect(await collector.stop()).toBe(0);
  const heapAtStop = liveHeap();
  let peakHeap = 0;
  const outageEnd = Date.now() + phases.downMs;
  while (Date.now() < outageEnd) {
    await sleep(1_000);
    peakHeap = Math.max(peakHeap, liveHeap());
  }
  const queuedAtRestart = telemetry.stats().pending;
  const restarted = await restartOnSamePorts(collector);
  defer(() => restarted.kill());
  await sleep(phases.recoverMs);
  const emitted = await load.stop();
  await telemetry.shutdown();
  expect(await restarted.stop()).toBe(0);
  return { collector: restarted, emitted, heapAtStop, peakHeap, queuedAtRestart };
}

describe('collector outage under load', () => {
  it(`absorbs a ${OUTAGE_MS / 1000} s outage at ${RATE} evaluations/s with the setupFlagTelemetry defaults: 0 dropped, 0 lost`, async () => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const telemetry = setupFlagTelemetry({ url: `${collector.otlpHttpUrl}/v1/logs` });
    const client = await useServerSdk(telemetry.hook);
    const heapBefore = liveHeap();
    const load = startPacedLoad(client, RATE, 'outage-');
    const outage = await throughOutage(collector, telemetry, load, { upMs: 3_000, downMs: OUTAGE_MS, recoverMs: 5_000 });
    const { emitted, peakHeap, queuedAtRestart: emittedDuringOutage } = outage;

    const stats = telemetry.stats();
    const written = subjectsWritten(outage.collector.outDir);
    expect(stats.emitted).toBe(emitted);
    expect(stats.dropped).toBe(0);
    expect(stats.pending).toBe(0);
    expect(written.unique.size).toBe(emitted);
    // The outage really queued a lot: at least 80% of the outage's worth of records waited.
    expect(emittedDuringOutage).toBeGreaterThan(RATE * (OUTAGE_MS / 1000) * 0.8);
    // Bounded by the queue: about 400 bytes a queued record; allow 1 KB plus 32 MB of slack.
    expect(peakHeap - heapBefore).toBeLessThan(emittedDuringOutage * 1024 + 32 * 1024 * 1024);
    console.log(`outage: ${emitted} evaluations at ${RATE}/s, ${emittedDuringOutage} queued during the ${OUTAGE_MS / 1000} s outage, ${written.unique.size} written, 0 dropped; peak heap +${Math.round((peakHeap - heapBefore) / 1e6)} MB`);
  });

  it('with a queue too small for the outage, drops are counted exactly and memory stays bounded by the queue', async () => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const maxQueueSize = 5_000;
    const telemetry = setupFlagTelemetry({ url: `${collector.otlpHttpUrl}/v1/logs`, batch: { maxQueueSize } });
    const client = await useServerSdk(telemetry.hook);
    const load = startPacedLoad(client, RATE, 'small-');
    const outage = await throughOutage(collector, telemetry, load, { upMs: 2_000, downMs: OUTAGE_MS / 2, recoverMs: 3_000 });
    const { emitted, heapAtStop, peakHeap } = outage;

    const stats = telemetry.stats();
    const written = subjectsWritten(outage.collector.outDir);
    expect(stats.droppedQueueFull).toBeGreaterThan(0);
    expect(stats.pending).toBe(0);
    expect(written.unique.size + stats.dropped).toBe(emitted);
    expect(written.lines).toBe(written.unique.size);
    expect(peakHeap - heapAtStop).toBeLessThan(maxQueueSize * 1024 + 32 * 1024 * 1024);
  });
});

describe('collector restart with data in its persistent queue', () => {
  it('delivers everything the collector accepted while the destination was down, across a SIGTERM restart', async () => {
    const sink = await startHttpSink();
    defer(() => sink.close());
    sink.respond(503);
    const configs = [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', 'webhook.yaml')];
    const env = { GOFF_WEBHOOK_URL: `${sink.url}/hook`, GOFF_WEBHOOK_AUTHORIZATION: 'Bearer t', OFFT_WEBHOOK_FLUSH_INTERVAL: '200ms' };
    let collector = await startCollector({ configs, env });
    defer(() => killAndRemove(collector));
    const telemetry = setupFlagTelemetry({ url: `${collector.otlpHttpUrl}/v1/logs` });
    const client = await useServerSdk(telemetry.hook);
    const n = 300;
    for (let i = 0; i < n; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `queued-${i}` });
    await telemetry.shutdown();
    expect(telemetry.stats()).toMatchObject({ emitted: n, exported: n, dropped: 0 });
    await sleep(1_000);
    expect(await collector.stop()).toBe(0);
    const refusedBefore = sink.requests.length;
    collector = await startCollector({ configs, env, outDir: collector.outDir, storageDir: collector.storageDir, ports: collector.ports });
    sink.respond(200);
    const deadline = Date.now() + 90_000;
    const delivered = () =>
      new Set(
        sink.requests
          .slice(refusedBefore)
          .filter((r) => r.body.length > 0)
          .flatMap((r) => [...r.body.toString('utf8').matchAll(/queued-\d+/g)].map((m) => m[0])),
      );
    while (delivered().size < n && Date.now() < deadline) await sleep(250);
    expect(await collector.stop()).toBe(0);
    expect(refusedBefore).toBeGreaterThan(0);
    expect(delivered().size).toBe(n);
  });
});

describe('a slow or refusing collector', () => {
  it.each([
    ['503 with Retry-After', { kind: 'status', status: 503, headers: { 'retry-after': '1' } }],
    ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
    ['connection resets', { kind: 'reset' }],
  ] as const)('%s: nothing is lost within the retry window', async (_name, fault) => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const proxy = await startFaultProxy(collector.ports.http);
    defer(() => proxy.close());
    proxy.inject(fault, 4);
    const telemetry = setupFlagTelemetry({ url: `${proxy.url}/v1/logs`, batch: { scheduledDelayMillis: 100, maxExportBatchSize: 100 } });
    const client = await useServerSdk(telemetry.hook);
    const n = 1_000;
    for (let i = 0; i < n; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `fault-${i}` });
    await telemetry.shutdown();
    expect(await collector.stop()).toBe(0);
    expect(proxy.bodies.length).toBeGreaterThan(4);
    expect(telemetry.stats()).toMatchObject({ emitted: n, exported: n, dropped: 0, pending: 0 });
    expect(subjectsWritten(collector.outDir).unique.size).toBe(n);
  });

  it('a hanging collector: evaluations never wait on export I/O, and records arrive once it answers', async () => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const proxy = await startFaultProxy(collector.ports.http);
    defer(() => proxy.close());
    proxy.inject({ kind: 'hang' }, Number.POSITIVE_INFINITY);
    const telemetry = setupFlagTelemetry({
      url: `${proxy.url}/v1/logs`,
      batch: { scheduledDelayMillis: 50, maxExportBatchSize: 100 },
      exporterOptions: { timeoutMillis: 1_000 },
    });
    const client = await useServerSdk(telemetry.hook);
    for (let i = 0; i < 100; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `hang-${i}` });
    while (proxy.inFlight() === 0) await sleep(20);
    // An export request is stuck in the collector stand-in; evaluations go on regardless.
    for (let i = 100; i < 2_000; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `hang-${i}` });
    expect(proxy.inFlight()).toBeGreaterThan(0);
    expect(proxy.forwardedOk()).toBe(0);
    proxy.clear();
    await telemetry.shutdown();
    expect(await collector.stop()).toBe(0);
    expect(telemetry.stats()).toMatchObject({ emitted: 2_000, exported: 2_000, dropped: 0 });
    expect(subjectsWritten(collector.outDir).unique.size).toBe(2_000);
  });
});

describe('process exit', () => {
  it('the documented SIGTERM recipe flushes everything emitted before it', async () => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const child = spawn(process.execPath, [join(ROOT, 'test', 'fixtures', 'exit-app.mjs')], {
      cwd: ROOT,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, EXIT_APP_N: '2500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('emitted 2500')) {
      if (child.exitCode !== null) throw new Error(`exit-app died: ${out}`);
      await sleep(20);
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(await collector.stop()).toBe(0);
    expect(subjectsWritten(collector.outDir).unique.size).toBe(2500);
    expect(readLines(join(collector.outDir, 'tracking-events.ndjson'))).toHaveLength(1);
  });
});
