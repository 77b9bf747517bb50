#!/usr/bin/env node
/**
 * `npm run bench`: the performance suite. Runs the scenarios in bench/scenarios/, writes the summary
 * to bench/results.json (committed) and the bulk detail (profiles, per-second samples, events) to
 * bench/results.detail.json (ignored), and prints a markdown table (scenario, configuration,
 * median, ratio vs reference/floor, target, pass/fail).
 *
 *   node bench/run.mjs [--quick] [--only=size,eval,track,profile,sustained,burst,memory,outage,goff,readout] [--build|--no-build] [--out=file] [--table-only]
 *
 * dist/ is rebuilt (npm run build) when it is missing or older than src/; --build forces it.
 * --quick: fewer cycles, 5 s sustained steps, short outage, small readout data (a smoke run; the
 * figures are not the committed ones). CI does not run the bench.
 *
 * Every measuring process runs on Node 22 (sdk-logs 3.x declares Node >= 22.15): BENCH_NODE, or this
 * Node when it is new enough, else `npx -y node@22`. This script itself only orchestrates.
 * Scenarios (bench/README.md has the method):
 *   size       browser entry (hook + provider, no OTel SDK), esbuild min + gzip
 *   eval       1. added CPU per evaluation, server and web SDKs, against the floor and the reference
 *   track      2. track() through withTracking with nested details
 *   profile    --cpu-prof of our default hook and withTracking, top frames
 *   sustained  3. highest zero-loss rate into the real collector, JSON and protobuf
 *   burst      4. 200k evaluations in a tight loop: delivered / counted dropped / lost unaccounted
 *   memory     5a. RSS over 1M evaluations, dedupe off and on
 *   outage     5b. collector down for 60 s at 20k evaluations/s: bounded memory, exact drop count
 *   goff       7. collector CPU per record at 50k records/s: raw copy only, OTTL (contrib), goff_encoding
 *   readout    6. the experiment readout over NDJSON files (bench/scenarios/readout.mjs)
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import { collectorBinary } from './lib/collector.mjs';
import { summarizePprof } from './lib/cpuprofile.mjs';
import { DETAIL_OUT, ONLY, OUT, P, QUICK, argv, log, round, startedAt, want } from './lib/options.mjs';
import { nodeVersion, workerNode } from './lib/orchestrate.mjs';
import { build, distHash, ensureReference, git } from './lib/prepare.mjs';
import { markdown, rowCollector } from './lib/table.mjs';
import * as burst from './scenarios/burst.mjs';
import * as evaluation from './scenarios/eval.mjs';
import * as goff from './scenarios/goff-encoding.mjs';
import * as memory from './scenarios/memory.mjs';
import * as outage from './scenarios/outage.mjs';
import * as profile from './scenarios/profile.mjs';
import * as size from './scenarios/size.mjs';
import * as sustained from './scenarios/sustained.mjs';

/** The readout scenario lives in its own module and may be absent in an older checkout. */
async function readoutScenario() {
  const file = new URL('./scenarios/readout.mjs', import.meta.url);
  return existsSync(file) ? import(file.href) : undefined;
}

/** Scenario name -> how to run it, the key it fills in results.json, and its table rows. */
const SCENARIOS = [
  { name: 'size', run: size.run, rows: size.rows },
  { name: 'eval', run: evaluation.run, rows: evaluation.rows },
  { name: 'track', key: 'track', run: evaluation.runTrack, rows: evaluation.trackRows },
  { name: 'profile', key: 'profiles', run: profile.run },
  { name: 'sustained', run: sustained.run, rows: sustained.rows, collector: true },
  { name: 'burst', run: burst.run, rows: burst.rows, collector: true },
  { name: 'memory', run: memory.run, rows: memory.rows },
  { name: 'outage', run: outage.run, rows: outage.rows, collector: true },
  { name: 'goff', run: goff.run, rows: goff.rows, collector: true },
  { name: 'readout', lazy: readoutScenario },
];

function tableRows(results, readout) {
  const { rows, add } = rowCollector();
  for (const s of SCENARIOS) {
    const rowsOf = s.rows ?? (s.name === 'readout' ? readout?.rows : undefined);
    const result = results[s.key ?? s.name];
    if (rowsOf && result) rowsOf(result, add, { quick: QUICK });
  }
  return rows;
}

/** Bulk detail that stays out of the committed summary. */
const DETAIL_KEYS = new Set(['samples', 'events', 'profiles', 'emits']);

/** A copy of `value` without the detail keys (at any depth). */
function summaryOf(value) {
  if (Array.isArray(value)) return value.map(summaryOf);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (!DETAIL_KEYS.has(k)) out[k] = summaryOf(v);
  return out;
}

function writeJson(file, value) {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** --table-only: rebuild the table of an existing results file and print it. */
async function tableOnly() {
  const results = JSON.parse(readFileSync(existsSync(DETAIL_OUT) ? DETAIL_OUT : OUT, 'utf8'));
  const prof = results.sustained?.profile;
  if (prof?.profiles?.collector?.file && existsSync(prof.profiles.collector.file)) {
    prof.profiles.collector = summarizePprof(prof.profiles.collector.file);
    prof.bottleneck = sustained.nameBottleneck(prof);
  }
  results.table = tableRows(results, await readoutScenario());
  writeJson(OUT, summaryOf(results));
  console.log(markdown(results.table));
}

async function main() {
  if (argv.includes('--table-only')) return tableOnly();
  const buildStatus = build();
  const node = workerNode();
  const results = {
    meta: {
      startedAt: new Date(startedAt).toISOString(),
      quick: QUICK,
      only: ONLY,
      command: `node bench/run.mjs ${argv.join(' ')}`.trim(),
      git: { commit: git(['rev-parse', 'HEAD']), dirtyFiles: (git(['status', '--porcelain', '--', 'src', 'package.json']) ?? '').split('\n').filter(Boolean) },
      build: buildStatus,
      distSha256: distHash(),
      orchestratorNode: process.version,
      workerNode: nodeVersion(node),
      workerNodePath: node,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), loadavgAtStart: loadavg().map((x) => round(x, 2)) },
      referenceVersions: want('eval') ? ensureReference() : undefined,
      parameters: P,
      method:
        'CPU time (process.cpuUsage, all threads) for N operations plus forceFlush of every record they produced, divided by N. One process per configuration (reference on its own node_modules and OTel line), warmed up, then measured one round at a time in rotating interleaved cycles; added cost = per-cycle difference to the baseline process, median over all cycles, bootstrap 95% interval in brackets. BatchLogRecordProcessor with SDK defaults and a no-op exporter on both lines, flushed every 512 operations.',
    },
  };
  const readout = await readoutScenario();
  const save = () => {
    results.meta.runtimeS = Math.round((Date.now() - startedAt) / 1000);
    results.meta.loadavgAtEnd = loadavg().map((x) => round(x, 2));
    results.table = tableRows(results, readout);
    writeJson(DETAIL_OUT, results);
    writeJson(OUT, summaryOf(results));
  };
  const bin = SCENARIOS.some((s) => s.collector && want(s.name)) ? collectorBinary() : undefined;
  for (const s of SCENARIOS) {
    if (!want(s.name)) continue;
    const runIt = s.run ?? readout?.run;
    if (!runIt) {
      log(`${s.name}: no scenario module; skipped`);
      continue;
    }
    log(`scenario ${s.name}`);
    results[s.key ?? s.name] = await runIt({ node, bin, quick: QUICK, log });
    save();
  }
  save();
  console.log(markdown(results.table));
  console.log(`\n${OUT} written (detail: ${DETAIL_OUT}); runtime ${results.meta.runtimeS} s; workers on Node ${results.meta.workerNode}${QUICK ? ' (--quick: smoke figures)' : ''}`);
}

if (argv.includes('--help') || argv.includes('-h')) {
  // The usage is this file's header comment.
  const text = readFileSync(new URL(import.meta.url), 'utf8');
  console.log(text.slice(text.indexOf('/**') + 3, text.indexOf('*/')).replace(/^ \* ?/gm, '').trim());
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
