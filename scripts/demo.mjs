#!/usr/bin/env node
// `npm run demo`: the whole path on this machine, no Docker.
//   1. builds the library and builds (or reuses) the slim collector (scripts/build-collector.sh);
//   2. starts the collector with collector-config/otelcol.yaml, writing into ./out;
//   3. starts examples/demo/service.mjs and drives it with a load generator in which the green
//      button truly converts better (30% vs 15%);
//   4. stops both (each flushes), then prints what landed where: counts per stream and variant;
//   5. reads its own output with the experiment readout (the package's `openfeature-otel-tracking
//      readout` command, DuckDB over the files): green wins, with its CI and p-value, and an HTML
//      report next to the data.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectorBinary, collectorEnv, freePort, launchCollector } from './collector-process.mjs';
import { seededRandom } from './seeded-random.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.env.OFFT_OUT_DIR ?? join(root, 'out'));
const users = Number(process.env.DEMO_USERS ?? 600);
const conversion = { blue: 0.15, green: 0.3 };
const children = [];
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

const say = (message) => process.stdout.write(`${message}\n`);

async function waitFor(url, child, name) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become healthy`);
}

function start(command, args, env, name) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  child.log = () => log;
  child.done = new Promise((r) => child.once('exit', r));
  children.push(child);
  child.name = name;
  return child;
}

async function stop(child) {
  child.kill('SIGTERM');
  const code = await child.done;
  if (code !== 0) throw new Error(`${child.name} exited with ${code}:\n${child.log()}`);
}

say('1/5 building the library and the slim collector (first run: several minutes)');
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const bin = collectorBinary(); // OFFT_COLLECTOR_BIN when set, else built or reused from the cache

say(`2/5 starting the collector (${relative(root, bin) || bin}) writing into ${relative(root, outDir) || outDir}/`);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const ports = { grpc: await freePort(), http: await freePort(), health: await freePort() };
const servicePort = await freePort();
const http = ports.http;
const collector = await launchCollector({
  bin,
  configs: [join(root, 'collector-config', 'otelcol.yaml')],
  env: collectorEnv({ ports, outDir }),
  healthPort: ports.health,
});

say(`3/5 starting the demo service and sending ${users} shoppers through checkout`);
const service = start(process.execPath, [join(root, 'examples', 'demo', 'service.mjs')], {
  PORT: String(servicePort),
  HOST: '127.0.0.1',
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${http}`,
}, 'demo service');
const base = `http://127.0.0.1:${servicePort}`;
await waitFor(`${base}/healthz`, service, 'demo service');
const random = seededRandom(42);
const sent = { blue: 0, green: 0, purchases: 0 };
for (let i = 0; i < users; i++) {
  const user = `shopper-${i}`;
  for (let view = 0; view < 2; view++) {
    const { variant } = await (await fetch(`${base}/checkout?user=${user}`)).json();
    sent[variant] += view === 0 ? 1 : 0;
    if (view === 1 && random() < conversion[variant]) {
      await fetch(`${base}/purchase?user=${user}&amount=${(20 + random() * 80).toFixed(2)}`, { method: 'POST' });
      sent.purchases++;
    }
  }
}
await stop(service);
const collectorExit = await collector.stop(); // SIGTERM: the file exporters flush
if (collectorExit !== 0) throw new Error(`collector exited with ${collectorExit}:\n${collector.output()}`);
if (process.env.DEMO_VERBOSE) say(`${service.log()}\n${collector.output()}`);

say('4/5 what landed where\n');
const lines = (file) => (existsSync(join(outDir, file)) ? readFileSync(join(outDir, file), 'utf8').split('\n').filter(Boolean) : []);
const features = lines('feature-events.ndjson').map((l) => JSON.parse(l));
const trackings = lines('tracking-events.ndjson').map((l) => JSON.parse(l));
const rawRecords = lines('raw-otlp.json').reduce((n, l) => n + JSON.parse(l).resourceLogs.flatMap((r) => r.scopeLogs).flatMap((s) => s.logRecords).length, 0);
const rows = [
  ['feature-events.ndjson', 'GOFF feature events (JSON)', features.length],
  ['feature-events.csv', 'GOFF feature events (CSV)', lines('feature-events.csv').length],
  ['tracking-events.ndjson', 'GOFF tracking events (JSON)', trackings.length],
  ['raw-otlp.json', 'raw OTLP records (backend copy)', rawRecords],
  ['other.ndjson', 'other OTLP logs', lines('other.ndjson').length],
];
for (const [file, what, count] of rows) say(`  ${String(count).padStart(6)}  ${what.padEnd(32)} ${relative(process.cwd(), join(outDir, file))}`);

const variantOf = new Map(features.map((e) => [e.userKey, e.variation]));
say('\n  variant  exposures  subjects  converted  conversion');
for (const variant of ['blue', 'green']) {
  const exposures = features.filter((e) => e.variation === variant).length;
  const subjects = new Set(features.filter((e) => e.variation === variant).map((e) => e.userKey));
  const converted = new Set(trackings.filter((t) => variantOf.get(t.userKey) === variant).map((t) => t.userKey));
  say(`  ${variant.padEnd(7)}  ${String(exposures).padStart(9)}  ${String(subjects.size).padStart(8)}  ${String(converted.size).padStart(9)}  ${((100 * converted.size) / Math.max(1, subjects.size)).toFixed(1).padStart(9)}%`);
}
const expected = users * 2;
say(`\n  sent: ${expected} evaluations, ${sent.purchases} purchases; written: ${features.length} feature events, ${trackings.length} tracking events`);
if (features.length !== expected || trackings.length !== sent.purchases) {
  say('  MISMATCH: something was lost or duplicated');
  process.exit(1);
}
say('  nothing lost, nothing duplicated');

const report = join(outDir, 'readout.html');
say(`\n5/5 the experiment readout of this data\n  $ npx openfeature-otel-tracking readout --source ${relative(process.cwd(), outDir) || '.'} --flag checkout-button --metric checkout-completed --html ${relative(process.cwd(), report)}\n`);
const readout = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'readout', '--source', outDir, '--flag', 'checkout-button', '--metric', 'checkout-completed', '--control', 'blue', '--html', report], { cwd: root, stdio: 'inherit' });
if (readout.status !== 0) {
  say(`  the readout failed (exit ${readout.status})`);
  process.exit(1);
}
