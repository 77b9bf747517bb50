#!/usr/bin/env node
/**
 * The figures in docs/guarantees.md: what the crash-consistency settings of the file exporters
 * cost and what they buy, old settings against new, on the same collector binary.
 *
 *   node scripts/measure-collector-crash.mjs cpu  [records=100000] [batch=512] [rounds=3]
 *   node scripts/measure-collector-crash.mjs tear [kills=40]
 *
 * "new" is collector-config/otelcol.yaml as shipped (write-through file exporters + torn_tail_repair);
 * "old" is the same file with the file exporters back on the buffered writer (`append: true`,
 * `flush_interval: 1s`, no `rotation:`) and without torn_tail_repair.
 * cpu:  sends `records` evaluations through setupFlagTelemetry (dist/, run `npm run build` first)
 *       in batches of `batch`, and reads the collector's utime+stime from /proc before and after;
 *       old and new alternate, `rounds` each; prints µs of collector CPU per record and medians.
 * tear: three senders post one 1,024-record OTLP/JSON request back to back; the collector is
 *       SIGKILLed 0.3-1.3 s after it is healthy; the last byte of every output file is checked
 *       before any restart (so the start-up repair cannot hide a tear). Prints how many kills
 *       left a torn last line, per config.
 * Linux only (/proc). The binary: OFFT_COLLECTOR_BIN or scripts/build-collector.sh.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectorBinary, collectorEnv, freePort, launchCollector, procCpuSeconds } from './collector-process.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'cpu', ...args] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The shipped config ("new") and the same config with the old file exporter settings ("old"). */
function configs() {
  const shipped = readFileSync(join(ROOT, 'collector-config', 'otelcol.yaml'), 'utf8');
  const settings = '    append: false\n    rotation: { max_megabytes: 1048576 }\n    create_directory: true\n';
  if (!shipped.includes(settings) || !shipped.includes('extensions: [torn_tail_repair, ')) throw new Error('otelcol.yaml no longer has the settings this script swaps');
  const old = shipped.replaceAll(settings, '    append: true\n    create_directory: true\n    flush_interval: 1s\n').replace('extensions: [torn_tail_repair, ', 'extensions: [');
  const dir = mkdtempSync(join(tmpdir(), 'offt-crash-cfg-'));
  writeFileSync(join(dir, 'old.yaml'), old);
  return { old: join(dir, 'old.yaml'), new: join(ROOT, 'collector-config', 'otelcol.yaml') };
}

async function start(bin, config) {
  const outDir = mkdtempSync(join(tmpdir(), 'offt-crash-out-'));
  const ports = { grpc: await freePort(), http: await freePort(), health: await freePort() };
  const collector = await launchCollector({ bin, configs: [config], env: collectorEnv({ ports, outDir }), healthPort: ports.health, outputLimit: 5_000 });
  return { ...collector, outDir, url: `http://127.0.0.1:${ports.http}/v1/logs` };
}

async function measureCpu(bin, paths, records, batch, rounds) {
  const { OpenFeature, InMemoryProvider } = await import('@openfeature/server-sdk');
  const { setupFlagTelemetry } = await import(join(ROOT, 'dist', 'setup.js'));
  await OpenFeature.setProviderAndWait(new InMemoryProvider({ f: { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false } }));
  const perRecord = { old: [], new: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of ['old', 'new']) {
      const collector = await start(bin, paths[name]);
      await sleep(1_000);
      const telemetry = setupFlagTelemetry({ url: collector.url, batch: { maxExportBatchSize: batch, scheduledDelayMillis: 50 } });
      OpenFeature.clearHooks();
      OpenFeature.addHooks(telemetry.hook);
      const client = OpenFeature.getClient();
      const before = procCpuSeconds(collector.pid);
      for (let i = 0; i < records; i++) {
        await client.getBooleanValue('f', false, { targetingKey: `u-${round}-${i}` });
        if (i % 500 === 0) while (telemetry.stats().pending > 20_000) await sleep(5);
      }
      await telemetry.shutdown();
      await sleep(300);
      const used = procCpuSeconds(collector.pid) - before;
      const { exported, dropped } = telemetry.stats();
      await collector.stop();
      rmSync(collector.outDir, { recursive: true, force: true });
      perRecord[name].push((used / records) * 1e6);
      console.log(`${name} round ${round}: ${used.toFixed(2)} CPU-s for ${records} records (exported ${exported}, dropped ${dropped}): ${((used / records) * 1e6).toFixed(1)} µs/record`);
    }
  }
  for (const [name, xs] of Object.entries(perRecord)) console.log(`${name}: median ${median(xs).toFixed(1)} µs/record, batch ${batch} [${xs.map((x) => x.toFixed(1)).join(', ')}]`);
}

/** One OTLP/JSON request of 1,024 evaluation records, as the library sends them. */
function bigRequest() {
  const record = (i) => ({
    timeUnixNano: `${Date.now()}000000`,
    observedTimeUnixNano: `${Date.now()}000000`,
    eventName: 'feature_flag.evaluation',
    attributes: [
      { key: 'feature_flag.key', value: { stringValue: 'new-checkout' } },
      { key: 'feature_flag.context.id', value: { stringValue: `tear-${i}` } },
      { key: 'feature_flag.result.variant', value: { stringValue: 'on' } },
      { key: 'feature_flag.result.value', value: { boolValue: true } },
      { key: 'log.record.uid', value: { stringValue: `01JTEAR${String(i).padStart(19, '0')}` } },
    ],
  });
  const logRecords = Array.from({ length: 1024 }, (_, i) => record(i));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tear' } }] }, scopeLogs: [{ scope: { name: 'openfeature-otel-tracking' }, logRecords }] }] });
}

function lastByte(path) {
  const fd = openSync(path, 'r');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, statSync(path).size - 1);
  closeSync(fd);
  return byte[0];
}

async function measureTears(bin, paths, kills) {
  const body = bigRequest();
  for (const name of ['old', 'new']) {
    let tornKills = 0;
    const tornFiles = {};
    for (let k = 0; k < kills; k++) {
      const collector = await start(bin, paths[name]);
      let running = true;
      const send = async () => {
        while (running) await fetch(collector.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => sleep(5));
      };
      const senders = [send(), send(), send()];
      await sleep(300 + Math.random() * 1_000);
      await collector.kill();
      running = false;
      await Promise.all(senders);
      const files = readdirSync(collector.outDir).map((f) => join(collector.outDir, f));
      const torn = files.filter((f) => statSync(f).isFile() && statSync(f).size > 0 && lastByte(f) !== 0x0a);
      if (torn.length > 0) tornKills++;
      for (const f of torn) tornFiles[f.slice(collector.outDir.length + 1)] = (tornFiles[f.slice(collector.outDir.length + 1)] ?? 0) + 1;
      rmSync(collector.outDir, { recursive: true, force: true });
    }
    console.log(`${name}: ${tornKills} of ${kills} SIGKILLs left a torn last line ${JSON.stringify(tornFiles)}`);
  }
}

const bin = collectorBinary();
const paths = configs();
if (mode === 'cpu') await measureCpu(bin, paths, Number(args[0] ?? 100_000), Number(args[1] ?? 512), Number(args[2] ?? 3));
else if (mode === 'tear') await measureTears(bin, paths, Number(args[0] ?? 40));
else throw new Error(`unknown mode ${mode}: cpu or tear`);
process.exit(0);
