/**
 * Crash consistency of the collector's output files (docs/guarantees.md): the real collector is
 * killed with SIGKILL (no flush, no shutdown) at several moments while an app sends 5,000
 * evaluations/s through setupFlagTelemetry, and restarted 2-3 s later on the same ports.
 * The guarantees protected here:
 *   - every line of every output file is complete (each NDJSON / OTLP-JSON line parses, each CSV
 *     line has GOFF's 9 fields), and every file ends with "\n";
 *   - every record the app counted as exported is in every file it belongs to (at least once:
 *     a batch written but not acknowledged before the kill is sent again, so duplicates are
 *     expected and counted; they share a log.record.uid).
 * Mechanism under test: the file exporters write each batch straight to the file before the
 * receiver acknowledges it (collector-config/otelcol.yaml, `rotation:`), and torn_tail_repair
 * cuts a torn last line at start-up. The second test causes the torn tail a kill inside a write
 * leaves, deterministically, since a random kill rarely lands inside a write(2).
 */
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, ROOT, killAndRemove, otlpAttributes, readLines, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { sleep } from '../fixtures/load.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

const defer = useCleanups();

/** Up time before each kill (ms): spread so the kills land at different points of the batch cycle. */
const UP_BEFORE_KILL_MS = [1_300, 2_150, 900, 1_750];
const GOFF_CSV_FIELDS = 9;
const REPAIR_WARNING = 'cut a torn last line';

interface AppReport {
  evaluations: number;
  tracks: number;
  stats: { emitted: number; exported: number; dropped: number; pending: number };
}

/** Problems with the lines of one output file: torn, unparsable or missing final "\n". */
function lineProblems(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (text.length === 0) return [];
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push(`${path}: does not end with "\\n" (torn last line)`);
  const lines = text.split('\n').slice(0, -1);
  const ext = extname(path);
  lines.forEach((line, i) => {
    const where = `${path}:${i + 1}`;
    if (ext === '.csv') {
      const fields = line.split(';');
      if (fields.length !== GOFF_CSV_FIELDS || fields[0] !== 'feature' || !/^\d+$/.test(fields[3]!)) problems.push(`${where}: not one GOFF CSV line: ${line.slice(0, 160)}`);
      return;
    }
    if (ext !== '.ndjson' && ext !== '.json') {
      problems.push(`${where}: no line check for ${ext} files; add one to this test`);
      return;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${where}: not a JSON object`);
    } catch {
      problems.push(`${where}: not one JSON value: ${line.slice(0, 160)}`);
    }
  });
  return problems;
}

/** Every regular output file of the collector (the persistent-queue directory is not output). */
function outputFiles(outDir: string): string[] {
  return readdirSync(outDir)
    .map((name) => join(outDir, name))
    .filter((path) => statSync(path).isFile());
}

function jsonLines(path: string): Record<string, unknown>[] {
  return readLines(path).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** How many lines carry each key, and how many keys appear more than once. */
function tally(keys: string[]): { unique: Set<string>; duplicates: number } {
  const unique = new Set(keys);
  return { unique, duplicates: keys.length - unique.size };
}

/** setupFlagTelemetry with its defaults, sending to `collector`, as the global provider and hook. */
async function sendTo(collector: Collector) {
  const telemetry = setupFlagTelemetry({ url: `${collector.otlpHttpUrl}/v1/logs` });
  await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
  OpenFeature.addHooks(telemetry.hook);
  return { telemetry, client: OpenFeature.getClient() };
}

/** Removes an output directory after the test (registered first, so it runs after the collector stopped). */
function removeAfterwards(dir: string): void {
  defer(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
}

function startApp(url: string): { child: ChildProcess; ready: Promise<void>; stop: () => Promise<AppReport> } {
  const child = spawn(process.execPath, [join(ROOT, 'test', 'fixtures', 'crash-app.mjs')], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: url, CRASH_APP_RATE: '5000' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: unknown[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message) => {
    messages.push(message);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) {
      if (child.exitCode !== null) throw new Error(`crash-app exited with ${child.exitCode}`);
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
    return messages.shift();
  };
  return {
    child,
    ready: next().then(() => undefined),
    stop: async () => {
      child.send('stop');
      return (await next()) as AppReport;
    },
  };
}

describe('collector killed with SIGKILL under load', () => {
  it(`after ${UP_BEFORE_KILL_MS.length} SIGKILLs at 5,000 evaluations/s every line of every output file is complete and every record the app counted as exported is there`, async () => {
    let collector: Collector = await startCollector();
    const first = collector;
    defer(() => killAndRemove(first)); // about 80 MB of output a run
    const app = startApp(collector.otlpHttpUrl);
    defer(() => {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
      return Promise.resolve();
    });
    await app.ready;

    let repairs = 0;
    for (const [i, upMs] of UP_BEFORE_KILL_MS.entries()) {
      await sleep(upMs);
      await collector.kill();
      repairs += collector.output().split(REPAIR_WARNING).length - 1;
      await sleep(2_000 + (i % 3) * 500); // restarted 2-3 s later
      collector = await startCollector({ outDir: first.outDir, storageDir: first.storageDir, ports: first.ports });
      const restarted = collector;
      defer(() => restarted.kill());
    }
    await sleep(2_000);
    const report = await app.stop();
    expect(await collector.stop()).toBe(0);
    repairs += collector.output().split(REPAIR_WARNING).length - 1;

    // 1. Only complete lines, in every file the collector wrote.
    const files = outputFiles(first.outDir);
    expect(files.map((f) => f.slice(first.outDir.length + 1)).sort()).toEqual(expect.arrayContaining(['feature-events.csv', 'feature-events.ndjson', 'raw-otlp.json', 'tracking-events.ndjson']));
    expect(files.flatMap(lineProblems)).toEqual([]);

    // 2. Everything the app counted as exported arrived (it dropped nothing: 2-3 s outages are
    //    well inside its retry window), in each file, at least once.
    const { evaluations, tracks, stats } = report;
    expect(stats).toMatchObject({ emitted: evaluations + tracks, exported: evaluations + tracks, dropped: 0, pending: 0 });
    const subjects = Array.from({ length: evaluations }, (_, i) => `crash-${i}`);
    const buyers = Array.from({ length: tracks }, (_, i) => `buyer-${i}`);

    const feature = tally(jsonLines(join(first.outDir, 'feature-events.ndjson')).map((e) => String(e['userKey'])));
    const csv = tally(readLines(join(first.outDir, 'feature-events.csv')).map((line) => line.split(';')[2]!));
    const tracking = tally(jsonLines(join(first.outDir, 'tracking-events.ndjson')).map((e) => String(e['userKey'])));
    const raw = readOtlpJsonRecords(join(first.outDir, 'raw-otlp.json')).map(otlpAttributes);
    const rawKeys = tally(raw.map((a) => String(a['feature_flag.context.id'])));
    const uids = tally(raw.map((a) => String(a['log.record.uid'])));

    expect(feature.unique).toEqual(new Set(subjects));
    expect(csv.unique).toEqual(new Set(subjects));
    expect(tracking.unique).toEqual(new Set(buyers));
    expect(rawKeys.unique).toEqual(new Set([...subjects, ...buyers]));
    // Every record has its own log.record.uid, and a re-sent record keeps it: as many distinct
    // uids as records emitted, whatever the duplicates.
    expect(raw.every((a) => typeof a['log.record.uid'] === 'string')).toBe(true);
    expect(uids.unique.size).toBe(evaluations + tracks);
    expect(uids.duplicates).toBe(rawKeys.duplicates);

    console.log(
      `collector crash: ${UP_BEFORE_KILL_MS.length} SIGKILLs, ${evaluations} evaluations + ${tracks} tracks exported, 0 lost; ` +
        `duplicates (re-sent, same uid): ndjson ${feature.duplicates}, csv ${csv.duplicates}, tracking ${tracking.duplicates}, raw ${uids.duplicates}; ` +
        `torn tails cut at start-up: ${repairs}`,
    );
  });

  it('a torn last line left by a write cut short is cut at start-up, so new lines never join it', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'offt-torn-'));
    removeAfterwards(outDir);
    // The state a SIGKILL inside a write leaves: complete lines, then a fragment with no "\n".
    const kept = {
      'feature-events.ndjson': '{"kind":"feature","contextKind":"user","userKey":"before-0","creationDate":1,"key":"new-checkout","variation":"off","value":false,"default":false,"version":"","source":"SERVER"}\n',
      'feature-events.csv': 'feature;user;before-0;1;new-checkout;off;false;false;SERVER\n',
      'tracking-events.ndjson': '{"kind":"tracking","contextKind":"user","userKey":"buyer-before","creationDate":1,"key":"purchase","evaluationContext":{"targetingKey":"buyer-before"},"trackingEventDetails":{}}\n',
      'raw-otlp.json': '{"resourceLogs":[]}\n',
    };
    const fragments = {
      'feature-events.ndjson': '{"kind":"feature","contextKind":"user","userKey":"torn-',
      'feature-events.csv': 'feature;user;torn-',
      'tracking-events.ndjson': '{"kind":"tracking","contextKind":"user","userKey":"torn-',
      'raw-otlp.json': '{"resourceLogs":[{"resource":{"attributes":[{"key":"torn-',
    };
    for (const [name, text] of Object.entries(kept)) writeFileSync(join(outDir, name), text);
    for (const [name, text] of Object.entries(fragments)) appendFileSync(join(outDir, name), text);

    const collector = await startCollector({ outDir });
    defer(() => collector.kill());
    const { telemetry, client } = await sendTo(collector);
    const n = 50;
    for (let i = 0; i < n; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `after-${i}` });
    client.track('purchase', { targetingKey: 'buyer-after' }, { value: 1 });
    await telemetry.shutdown();
    expect(telemetry.stats()).toMatchObject({ emitted: n + 1, exported: n + 1, dropped: 0 });
    expect(await collector.stop()).toBe(0);

    expect(outputFiles(outDir).flatMap(lineProblems)).toEqual([]);
    for (const [name, text] of Object.entries(kept)) {
      const content = readFileSync(join(outDir, name), 'utf8');
      expect(content.startsWith(text), `${name} keeps its complete lines`).toBe(true);
      expect(content.includes('torn-'), `${name} lost its fragment`).toBe(false);
    }
    const userKeys = (name: string) => jsonLines(join(outDir, name)).map((e) => String(e['userKey']));
    expect(userKeys('feature-events.ndjson').sort()).toEqual(['before-0', ...Array.from({ length: n }, (_, i) => `after-${i}`)].sort());
    expect(userKeys('tracking-events.ndjson').sort()).toEqual(['buyer-after', 'buyer-before']);
    expect(collector.output().split(REPAIR_WARNING).length - 1).toBe(Object.keys(fragments).length);
  });

  it('records acknowledged in small batches are in the files when the collector answers: a SIGKILL right after loses none', async () => {
    // A low-rate app (or a browser) sends batches of a few records. Each forceFlush() resolves
    // when the collector has answered 200; the collector is killed at once after the last one.
    const collector = await startCollector();
    defer(() => killAndRemove(collector));
    const { telemetry, client } = await sendTo(collector);
    const batches = 5;
    const perBatch = 3;
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < perBatch; i++) await client.getBooleanValue('new-checkout', false, { targetingKey: `small-${b}-${i}` });
      client.track('purchase', { targetingKey: `small-buyer-${b}` }, { value: b });
      await telemetry.forceFlush();
    }
    expect(telemetry.stats()).toMatchObject({ emitted: batches * (perBatch + 1), exported: batches * (perBatch + 1), dropped: 0, pending: 0 });
    await collector.kill();
    await telemetry.shutdown();

    expect(outputFiles(collector.outDir).flatMap(lineProblems)).toEqual([]);
    const userKeys = (name: string) => new Set(jsonLines(join(collector.outDir, name)).map((e) => String(e['userKey'])));
    const subjects = Array.from({ length: batches * perBatch }, (_, k) => `small-${Math.floor(k / perBatch)}-${k % perBatch}`);
    expect(userKeys('feature-events.ndjson')).toEqual(new Set(subjects));
    expect(userKeys('tracking-events.ndjson')).toEqual(new Set(Array.from({ length: batches }, (_, b) => `small-buyer-${b}`)));
    const csvKeys = readLines(join(collector.outDir, 'feature-events.csv')).map((line) => line.split(';')[2]);
    expect(new Set(csvKeys)).toEqual(new Set(subjects));
    expect(readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'))).toHaveLength(batches * (perBatch + 1));
  });
});
