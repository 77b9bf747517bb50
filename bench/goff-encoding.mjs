#!/usr/bin/env node
/**
 * Collector CPU per record for the GOFF file pipelines, three ways, at one fixed rate:
 *   raw        only the raw OTLP copy (otlp -> file/raw_otlp): the floor;
 *   ottl       collector-config/otelcol-contrib.yaml: GOFF lines built by OTTL (contrib image);
 *   goff       collector-config/otelcol.yaml: GOFF lines written by the goff_encoding extension.
 * ottl and goff also write the raw copy, so each is compared with raw as a whole.
 *
 *   node bench/goff-encoding.mjs [--rate=20000] [--seconds=10] [--rounds=3] [--batch=500] [--only=raw,ottl,goff]
 *
 * The app side is taken out: prebuilt OTLP/JSON requests (the library's record shapes, 80%
 * evaluations, 20% track calls) are POSTed at the fixed rate, and the collector's CPU time
 * (user + system, /proc) from the first request to the last line flushed is divided by the
 * records sent. Configs alternate round by round; medians are printed. Never asserted: the
 * machine is shared.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/orchestrate.mjs';
import { countOutput, removeDir, startCollector } from './lib/collector.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const RATE = Number(args.rate ?? 20000);
const SECONDS = Number(args.seconds ?? 10);
const ROUNDS = Number(args.rounds ?? 3);
const BATCH = Number(args.batch ?? 500);
const ONLY = args.only ? args.only.split(',') : ['raw', 'ottl', 'goff'];

const RAW_CONFIG = join(mkdtempSync(join(tmpdir(), 'offt-goff-bench-')), 'raw.yaml');
writeFileSync(
  RAW_CONFIG,
  `receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:OTLP_HTTP_ENDPOINT}
      grpc:
        endpoint: \${env:OTLP_GRPC_ENDPOINT}
extensions:
  health_check:
    endpoint: \${env:HEALTH_ENDPOINT}
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 512
    spike_limit_mib: 128
exporters:
  file/raw_otlp:
    path: \${env:OFFT_OUT_DIR}/raw-otlp.json
    format: json
    create_directory: true
    flush_interval: 1s
service:
  extensions: [health_check]
  pipelines:
    logs/raw:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [file/raw_otlp]
  telemetry:
    metrics:
      level: none
`,
);
const CONFIGS = {
  raw: RAW_CONFIG,
  ottl: join(ROOT, 'collector-config', 'otelcol-contrib.yaml'),
  goff: join(ROOT, 'collector-config', 'otelcol.yaml'),
};

const str = (key, value) => ({ key, value: { stringValue: value } });
/** One request body of BATCH records in the library's shapes (src/evaluation-record.ts, src/tracking-record.ts). */
function requestBody(seq) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = [];
  for (let i = 0; i < BATCH; i++) {
    const user = `user-${(seq * BATCH + i) % 100_000}`;
    const context = { key: 'openfeature.context', value: { kvlistValue: { values: [{ key: 'anonymous', value: { boolValue: i % 7 === 0 } }] } } };
    if (i % 5 === 4) {
      logRecords.push({
        timeUnixNano: String(now),
        observedTimeUnixNano: String(now),
        eventName: 'openfeature.tracking',
        severityNumber: 9,
        attributes: [
          str('openfeature.tracking.name', 'checkout-completed'),
          str('feature_flag.context.id', user),
          str('feature_flag.provider.name', 'flagd'),
          { key: 'openfeature.tracking.value', value: { doubleValue: 42.5 } },
          { key: 'openfeature.tracking.details', value: { kvlistValue: { values: [str('currency', 'EUR'), { key: 'items', value: { intValue: '3' } }] } } },
          context,
        ],
      });
    } else {
      logRecords.push({
        timeUnixNano: String(now),
        observedTimeUnixNano: String(now),
        eventName: 'feature_flag.evaluation',
        severityNumber: 9,
        attributes: [
          str('feature_flag.key', 'checkout-button'),
          str('feature_flag.result.variant', i % 2 ? 'blue' : 'green'),
          str('feature_flag.result.reason', 'targeting_match'),
          str('feature_flag.provider.name', 'flagd'),
          str('feature_flag.context.id', user),
          str('feature_flag.version', 'v7'),
          context,
        ],
      });
    }
  }
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [str('service.name', 'bench')] }, scopeLogs: [{ scope: { name: 'openfeature-otel-tracking' }, logRecords }] }] });
}

async function runOnce(name) {
  const collector = await startCollector({ config: CONFIGS[name] });
  const bodies = Array.from({ length: 20 }, (_, i) => requestBody(i));
  const total = Math.round((RATE * SECONDS) / BATCH);
  const cpu0 = collector.cpuSeconds();
  const started = performance.now();
  let sent = 0;
  let failed = 0;
  const inFlight = new Set();
  for (let n = 0; n < total; n++) {
    const due = started + (n * BATCH * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = fetch(collector.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[n % bodies.length] })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.ok) sent += BATCH;
        else failed += BATCH;
      })
      .catch(() => {
        failed += BATCH;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1500)); // the file exporters' 1 s flush
  const cpu = collector.cpuSeconds() - cpu0;
  await collector.stop();
  const counted = countOutput(collector.outDir);
  removeDir(collector.outDir);
  return { name, sent, failed, elapsed, usPerRecord: (cpu * 1e6) / sent, achievedRate: sent / elapsed, counted };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { raw: [], ottl: [], goff: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const name of ONLY) {
    const r = await runOnce(name);
    results[name].push(r);
    process.stderr.write(`round ${round + 1} ${name}: ${r.usPerRecord.toFixed(1)} us/record, ${r.sent} sent, ${r.failed} failed, ${Math.round(r.achievedRate)} rec/s, out ${JSON.stringify(r.counted)}\n`);
  }
}
const raw = results.raw.length > 0 ? median(results.raw.map((r) => r.usPerRecord)) : NaN;
console.log(`collector CPU per record at ${RATE} records/s for ${SECONDS} s, OTLP/JSON, batches of ${BATCH}, ${ROUNDS} rounds (median):`);
for (const name of ONLY) {
  const us = median(results[name].map((r) => r.usPerRecord));
  console.log(`  ${name.padEnd(5)} ${us.toFixed(1).padStart(6)} us/record  ${(us / raw).toFixed(2)}x raw   (rounds: ${results[name].map((r) => r.usPerRecord.toFixed(1)).join(', ')})`);
}
