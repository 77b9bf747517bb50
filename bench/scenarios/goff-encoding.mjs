#!/usr/bin/env node
/**
 * Scenario "goff" (issue 11): collector CPU per record for the GOFF file pipelines, three ways,
 * at one fixed rate (default 50,000 records/s, the issue's rate; target: goff <= 2x raw):
 *   raw        only the raw OTLP copy (otlp -> file/raw_otlp): the floor;
 *   ottl       collector-config/otelcol-contrib.yaml: GOFF lines built by OTTL (contrib image);
 *   goff       collector-config/otelcol.yaml: GOFF lines written by the goff_encoding extension.
 * ottl and goff also write the raw copy, so each is compared with raw as a whole.
 *
 *   node bench/run.mjs --only=goff            (in the suite; --quick: 5 s, 1 round)
 *   node bench/scenarios/goff-encoding.mjs [--rate=50000] [--seconds=10] [--rounds=3] [--batch=500] [--only=raw,ottl,goff]
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
import { pathToFileURL } from 'node:url';
import { countOutput, removeDir, startCollector } from '../lib/collector.mjs';
import { ROOT } from '../lib/orchestrate.mjs';
import { median } from '../lib/stats.mjs';

const BATCH = 500;
const NAMES = ['raw', 'ottl', 'goff'];

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
function requestBody(seq, BATCH) {
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

async function runOnce(name, { bin, RATE, SECONDS, BATCH }) {
  const collector = await startCollector({ bin, config: CONFIGS[name] });
  const bodies = Array.from({ length: 20 }, (_, i) => requestBody(i, BATCH));
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

/**
 * Runs every configuration `rounds` times, alternating, and returns medians and ratios to raw.
 * Options: rate (records/s), seconds, rounds, batch, only (names).
 */
export async function run({ bin, quick = false, log = (m) => console.error(m), rate = 50_000, seconds = quick ? 5 : 10, rounds = quick ? 1 : 3, batch = BATCH, only = NAMES } = {}) {
  const results = Object.fromEntries(only.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of only) {
      const r = await runOnce(name, { bin, RATE: rate, SECONDS: seconds, BATCH: batch });
      results[name].push(r);
      log(`goff: round ${round + 1} ${name}: ${r.usPerRecord.toFixed(1)} us/record, ${r.sent} sent, ${r.failed} failed, ${Math.round(r.achievedRate)} rec/s`);
    }
  }
  const us = (name) => median(results[name].map((r) => r.usPerRecord));
  const raw = results.raw ? us('raw') : NaN;
  return {
    method: 'prebuilt OTLP/JSON requests (80% evaluations, 20% track calls) POSTed at a fixed rate; collector user+system CPU (/proc) from the first request to the flush, divided by records accepted; configurations alternate round by round; medians',
    rate,
    seconds,
    rounds,
    batch,
    configs: Object.fromEntries(
      only.map((name) => [
        name,
        {
          config: name === 'raw' ? 'raw OTLP copy only (the floor)' : name === 'ottl' ? 'collector-config/otelcol-contrib.yaml (OTTL)' : 'collector-config/otelcol.yaml (goff_encoding)',
          medianUsPerRecord: Math.round(us(name) * 100) / 100,
          ratioToRaw: Math.round((us(name) / raw) * 100) / 100,
          failedRecords: results[name].reduce((n, r) => n + r.failed, 0),
          roundsUsPerRecord: results[name].map((r) => Math.round(r.usPerRecord * 10) / 10),
        },
      ]),
    ),
  };
}

export function rows(result, add) {
  for (const [name, c] of Object.entries(result.configs)) {
    const targeted = name === 'goff';
    add(
      `goff: collector CPU at ${result.rate.toLocaleString('en')} records/s`,
      c.config,
      `${c.medianUsPerRecord} µs/record${c.failedRecords > 0 ? ` (${c.failedRecords} records refused)` : ''}`,
      `${c.ratioToRaw}× raw`,
      targeted ? '≤ 2× raw' : '',
      targeted ? c.ratioToRaw <= 2 && c.failedRecords === 0 : undefined,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
  const result = await run({
    rate: Number(args.rate ?? 50_000),
    seconds: Number(args.seconds ?? 10),
    rounds: Number(args.rounds ?? 3),
    batch: Number(args.batch ?? BATCH),
    only: args.only ? args.only.split(',') : NAMES,
  });
  console.log(`collector CPU per record at ${result.rate} records/s for ${result.seconds} s, OTLP/JSON, batches of ${result.batch}, ${result.rounds} rounds (median):`);
  for (const [name, c] of Object.entries(result.configs)) {
    console.log(`  ${name.padEnd(5)} ${String(c.medianUsPerRecord).padStart(6)} us/record  ${c.ratioToRaw}x raw   (rounds: ${c.roundsUsPerRecord.join(', ')})`);
  }
}
