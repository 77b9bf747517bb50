#!/usr/bin/env node
/**
 * `npm run bench`: the performance suite of issue 4. Writes bench/results.json and prints a
 * markdown table (scenario, configuration, median, ratio vs reference/floor, target, pass/fail).
 *
 *   node bench/run.mjs [--quick] [--only=size,eval,track,profile,sustained,burst,memory,outage] [--build|--no-build] [--out=file] [--table-only]
 *
 * dist/ is rebuilt (npm run build) when it is missing or older than src/; --build forces it.
 *
 * --quick: fewer cycles, 5 s sustained steps, short outage (a smoke run; the figures are not the
 * committed ones). CI does not run the bench.
 *
 * Every measuring process runs on Node 22 (sdk-logs 3.x declares Node >= 22.15): BENCH_NODE, or this
 * Node when it is new enough, else `npx -y node@22`. This script itself only orchestrates.
 * Scenarios (see bench/README.md for the method):
 *   size       browser entry (hook + provider, no OTel SDK), esbuild min + gzip
 *   eval       1. added CPU per evaluation, server and web SDKs: no hook, empty hook, floor, ours
 *              (default, full options, dedupe hit, no SDK), reference EventHook 1.0.0 on its own line
 *   track      2. track() through withTracking with nested details
 *   profile    --cpu-prof of our default hook (server), top frames
 *   sustained  3. highest zero-loss rate into the real collector for 30 s, JSON and protobuf,
 *              setupFlagTelemetry defaults and raw SDK defaults; app and collector profiled
 *   burst      4. 200k evaluations in a tight loop: delivered / counted dropped / lost unaccounted
 *   memory     5a. RSS over 1M evaluations, dedupe off and on
 *   outage     5b. collector down for 60 s at 20k evaluations/s: bounded memory, exact drop count
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BROWSER_ENTRY_EXPORTS, ESBUILD_VERSION, bundleForBrowser } from '../scripts/browser-bundle.mjs';
import { countOutput, collectorBinary, removeDir, startCollector } from './lib/collector.mjs';
import { summarizeCpuProfile, summarizePprof } from './lib/cpuprofile.mjs';
import { BENCH_DIR, ROOT, median, nodeVersion, quantile, runInterleaved, runWorker, sleep, workerNode } from './lib/orchestrate.mjs';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const NO_BUILD = argv.includes('--no-build');
const FORCE_BUILD = argv.includes('--build');
const ONLY = (argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'size,eval,track,profile,sustained,burst,memory,outage').split(',');
const want = (name) => ONLY.includes(name);
const OUT = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? join(BENCH_DIR, 'results.json');

// Shared by the quick and the full run; only phase lengths and repetitions differ.
const COMMON = {
  rates: [25_000, 30_000, 35_000, 50_000, 60_000, 75_000, 100_000, 150_000],
  fallbackRates: [15_000, 10_000, 5_000],
  burst: 200_000,
  memoryRate: 20_000,
  outageRate: 20_000,
};
const P = QUICK
  ? {
      ...COMMON,
      sets: 1,
      cycles: 8,
      n: { server: 2048, web: 8192, track: 8192 },
      warmup: { server: 20_000, web: 60_000, track: 60_000 },
      profileRounds: 10,
      sustainedS: 5,
      profileS: 6,
      memoryTotal: 200_000,
      outage: { upS: 4, downS: 20, recoverS: 8 },
    }
  : {
      ...COMMON,
      sets: 3,
      cycles: 40,
      n: { server: 4096, web: 8192, track: 8192 },
      warmup: { server: 40_000, web: 150_000, track: 150_000 },
      profileRounds: 40,
      sustainedS: 30,
      profileS: 20,
      memoryTotal: 1_000_000,
      outage: { upS: 10, downS: 60, recoverS: 20 },
    };

const started = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const PROFILE_DIR = join(BENCH_DIR, '.profiles');

// ---------------------------------------------------------------------------------------------
// Preparation
// ---------------------------------------------------------------------------------------------

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function distHash() {
  const dir = join(ROOT, 'dist');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** True when dist/ is missing or older than a file under src/ (then `npm run build` runs). */
function distStale() {
  const dist = join(ROOT, 'dist', 'index.js');
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  return readdirSync(join(ROOT, 'src')).some((f) => statSync(join(ROOT, 'src', f)).mtimeMs > built);
}

function build() {
  if (NO_BUILD && existsSync(join(ROOT, 'dist', 'index.js'))) return 'skipped (--no-build)';
  if (!FORCE_BUILD && !distStale()) return 'dist/ up to date with src/ (not rebuilt; --build forces it)';
  log('npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
    log('npm run build failed; measuring the existing dist/');
    return 'failed; existing dist/ measured';
  }
  return 'ok';
}

/** bench/reference has its own node_modules (the 0.205 OTel line); installed when missing or stale. */
function ensureReference() {
  const dir = join(BENCH_DIR, 'reference');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const stale = Object.entries(pkg.dependencies).some(([name, version]) => {
    const file = join(dir, 'node_modules', name, 'package.json');
    return !existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== version;
  });
  if (stale) {
    log('installing bench/reference (npm install --no-package-lock)');
    execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return Object.fromEntries(
    Object.keys(pkg.dependencies).map((name) => [name, JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version]),
  );
}

// ---------------------------------------------------------------------------------------------
// Browser entry size
// ---------------------------------------------------------------------------------------------

async function measureSize() {
  const size = await bundleForBrowser(`export { ${BROWSER_ENTRY_EXPORTS} } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};`, ROOT);
  return { minBytes: size.minBytes, gzipBytes: size.gzipBytes, nodeBuiltins: size.inputs.filter((p) => p.startsWith('node:')), esbuild: ESBUILD_VERSION };
}

// ---------------------------------------------------------------------------------------------
// Scenarios 1 and 2: CPU per evaluation / track(), interleaved across processes
// ---------------------------------------------------------------------------------------------

const OURS = join(BENCH_DIR, 'workers', 'eval.mjs');
const REF = join(BENCH_DIR, 'reference', 'eval-ref.mjs');

function evalConfigs(sdk) {
  const n = P.n[sdk];
  const warmup = P.warmup[sdk];
  const ours = (config) => ({ id: config, script: OURS, cwd: ROOT, arg: { sdk, config, n, warmup, rounds: 0 } });
  const ref = (config) => ({ id: config, script: REF, cwd: join(BENCH_DIR, 'reference'), arg: { sdk, config, n, warmup, rounds: 0 } });
  // Reference processes interleaved with ours.
  return [
    ours('none'),
    ref('ref-none'),
    ours('empty'),
    ref('ref'),
    ours('floor'),
    ours('ours-default'),
    ours('ours-dedupe'),
    ours('ours-nosdk'),
    ours('none-meta'),
    ours('ours-full'),
    ref('ref-3x'),
  ];
}

function trackConfigs() {
  const n = P.n.track;
  const warmup = P.warmup.track;
  return ['server', 'web'].flatMap((sdk) =>
    ['track-none', 'track-floor', 'track-ours'].map((config) => ({ id: `${sdk}/${config}`, script: OURS, cwd: ROOT, arg: { sdk, config, n, warmup, rounds: 0 } })),
  );
}

/** Runs `sets` fresh sets of processes, `cycles` interleaved cycles each; pools the cycles. */
async function interleavedSets(node, makeConfigs, label) {
  const pooled = {};
  const facts = {};
  for (let s = 0; s < P.sets; s++) {
    const configs = makeConfigs();
    log(`${label}: process set ${s + 1}/${P.sets} (${configs.length} processes, ${P.cycles} cycles)`);
    const r = await runInterleaved(node, configs, P.cycles);
    for (const [id, rounds] of Object.entries(r.rounds)) (pooled[id] ??= []).push(...rounds);
    for (const [id, f] of Object.entries(r.facts)) facts[id] ??= f;
  }
  return { pooled, facts };
}

/** Median of paired per-cycle values with a bootstrap 95% interval (cycles resampled). */
function pairedStat(values) {
  const m = median(values);
  const boot = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let b = 0; b < 1000; b++) {
    const sample = values.map(() => values[Math.floor(rand() * values.length)]);
    boot.push(median(sample));
  }
  return { median: round(m, 3), ci95: [round(quantile(boot, 0.025), 3), round(quantile(boot, 0.975), 3)], samples: values.length };
}

function ratioStat(num, den) {
  const r = median(num) / median(den);
  const boot = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let b = 0; b < 1000; b++) {
    const idx = num.map(() => Math.floor(rand() * num.length));
    boot.push(median(idx.map((i) => num[i])) / median(idx.map((i) => den[i])));
  }
  return { ratio: round(r, 3), ci95: [round(quantile(boot, 0.025), 3), round(quantile(boot, 0.975), 3)] };
}

function cpuSeries(pooled, id) {
  return pooled[id].map((r) => r.cpuUsPerOp);
}

function diffSeries(pooled, a, b) {
  const x = cpuSeries(pooled, a);
  const y = cpuSeries(pooled, b);
  return x.map((v, i) => v - y[i]);
}

function describeConfigs(pooled, facts) {
  return Object.fromEntries(
    Object.keys(pooled).map((id) => {
      const cpu = cpuSeries(pooled, id);
      return [
        id,
        {
          node: facts[id]?.node,
          side: facts[id]?.side,
          opsPerRound: facts[id]?.n,
          rounds: cpu.length,
          medianCpuUsPerOp: round(median(cpu), 3),
          p25: round(quantile(cpu, 0.25), 3),
          p75: round(quantile(cpu, 0.75), 3),
          medianWallUsPerOp: round(median(pooled[id].map((r) => r.wallUsPerOp)), 3),
          everyRecordExported: pooled[id].every((r) => r.complete),
          emits: facts[id]?.sampleRecord ?? null,
        },
      ];
    }),
  );
}

async function scenarioEval(node, sdk) {
  const { pooled, facts } = await interleavedSets(node, () => evalConfigs(sdk), `eval ${sdk}`);
  const added = (id, base) => diffSeries(pooled, id, base);
  const a = {
    empty: added('empty', 'none'),
    floor: added('floor', 'none'),
    ours: added('ours-default', 'none'),
    ref: added('ref', 'ref-none'),
    full: added('ours-full', 'none-meta'),
    ref3x: added('ref-3x', 'ref-none'),
  };
  return {
    configs: describeConfigs(pooled, facts),
    addedUsPerEval: {
      emptyHook: pairedStat(a.empty),
      floor: pairedStat(a.floor),
      oursDefault: pairedStat(a.ours),
      referenceEventHook: pairedStat(a.ref),
      oursFullOptions: pairedStat(a.full),
      referenceEventHookOnSdkLogs3x: pairedStat(a.ref3x),
    },
    comparisons: {
      oursDefaultVsReference: ratioStat(a.ours, a.ref),
      oursFullVsReference: ratioStat(a.full, a.ref),
      floorVsReference: ratioStat(a.floor, a.ref),
      oursDefaultVsReferenceOnSdkLogs3x: ratioStat(a.ours, a.ref3x),
      oursDefaultMinusFloorUs: pairedStat(diffSeries(pooled, 'ours-default', 'floor')),
      dedupeHitMinusEmptyHookUs: pairedStat(diffSeries(pooled, 'ours-dedupe', 'empty')),
      noSdkMinusEmptyHookUs: pairedStat(diffSeries(pooled, 'ours-nosdk', 'empty')),
    },
  };
}

async function scenarioTrack(node) {
  const { pooled, facts } = await interleavedSets(node, trackConfigs, 'track');
  const out = { configs: describeConfigs(pooled, facts) };
  for (const sdk of ['server', 'web']) {
    out[sdk] = {
      perCallUs: pairedStat(cpuSeries(pooled, `${sdk}/track-ours`)),
      addedOverProviderWithoutWrapperUs: pairedStat(diffSeries(pooled, `${sdk}/track-ours`, `${sdk}/track-none`)),
      floorPerCallUs: pairedStat(cpuSeries(pooled, `${sdk}/track-floor`)),
      oursMinusFloorUs: pairedStat(diffSeries(pooled, `${sdk}/track-ours`, `${sdk}/track-floor`)),
    };
  }
  return out;
}

/** Our code in the built library (dist/, not node_modules). */
const ourFrame = (names) => (callFrame) => names.includes(callFrame.functionName) && callFrame.url.includes('/dist/') && !callFrame.url.includes('node_modules');

async function profileWorker(node, arg, focusNames, label) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const dir = join(PROFILE_DIR, `${label}-${Date.now()}`);
  const result = await runWorker(node, OURS, arg, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return {
    command: `${node} --cpu-prof --cpu-prof-dir bench/.profiles bench/workers/eval.mjs '${JSON.stringify(arg)}'`,
    node: result.node,
    medianCpuUsPerOp: round(result.medianCpuUsPerOp, 3),
    focusFrames: focusNames,
    ...summarizeCpuProfile(join(dir, file), 15, ourFrame(focusNames)),
  };
}

async function profileEval(node) {
  return {
    evalOursDefaultWeb: await profileWorker(node, { sdk: 'web', config: 'ours-default', n: P.n.web, warmup: P.warmup.web, rounds: P.profileRounds }, ['finally'], 'eval-web'),
    evalOursDefaultServer: await profileWorker(node, { sdk: 'server', config: 'ours-default', n: P.n.server, warmup: P.warmup.server, rounds: P.profileRounds }, ['finally'], 'eval-server'),
    evalOursDedupeWeb: await profileWorker(node, { sdk: 'web', config: 'ours-dedupe', n: P.n.web, warmup: P.warmup.web, rounds: P.profileRounds }, ['finally'], 'dedupe-web'),
    trackOursWeb: await profileWorker(node, { sdk: 'web', config: 'track-ours', n: P.n.track, warmup: P.warmup.track, rounds: P.profileRounds }, ['track'], 'track-web'),
  };
}

// ---------------------------------------------------------------------------------------------
// Scenario 3: sustained export into the real collector
// ---------------------------------------------------------------------------------------------

const PIPELINE = join(BENCH_DIR, 'workers', 'pipeline.mjs');

const SUSTAINED_CONFIGS = [
  { id: 'setup defaults, OTLP/HTTP protobuf', pipeline: 'setup', protocol: 'proto', driver: 'hook' },
  { id: 'setup defaults, OTLP/HTTP JSON', pipeline: 'setup', protocol: 'json', driver: 'hook' },
  { id: 'raw SDK defaults, OTLP/HTTP protobuf', pipeline: 'raw', protocol: 'proto', driver: 'hook' },
  { id: 'raw SDK defaults, OTLP/HTTP JSON', pipeline: 'raw', protocol: 'json', driver: 'hook' },
  { id: 'setup defaults, protobuf, real server-SDK evaluations', pipeline: 'setup', protocol: 'proto', driver: 'sdk' },
  { id: 'experiment: setup batch settings split over 2 batch processors (2 exports in flight), protobuf', pipeline: 'parallel', parallel: 2, protocol: 'proto', driver: 'hook' },
];

/**
 * One step: fresh collector, one worker emitting `rate` records/s for `durationS`, flush, collector
 * stopped with SIGTERM (its file exporters flush), records counted in its files.
 * held = zero loss (collector wrote exactly what was emitted, nothing dropped) AND the process kept
 * pace (emission finished within 2% of the duration, and the export backlog left at the end drained
 * within 2 s, i.e. the pipeline kept up instead of buffering the excess in its queue).
 */
async function sustainedStep(node, bin, config, rate, durationS, profile = false) {
  const collector = await startCollector({ bin, pprof: profile });
  const cpu0 = collector.cpuSeconds();
  let pprofPromise;
  let appProfileDir;
  const nodeArgs = [];
  if (profile) {
    appProfileDir = join(PROFILE_DIR, `sustained-app-${Date.now()}`);
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', appProfileDir);
    const seconds = Math.max(2, durationS - 4);
    pprofPromise = (async () => {
      await sleep(2000);
      const response = await fetch(`${collector.pprofUrl}/debug/pprof/profile?seconds=${seconds}`);
      const file = join(PROFILE_DIR, `sustained-collector-${Date.now()}.pb.gz`);
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      return file;
    })();
  }
  let collectorRssMax = 0;
  const rssTimer = setInterval(() => (collectorRssMax = Math.max(collectorRssMax, collector.rssMB() || 0)), 500);
  let result;
  try {
    result = await runWorker(
      node,
      PIPELINE,
      { mode: 'sustained', pipeline: config.pipeline, parallel: config.parallel, protocol: config.protocol, driver: config.driver, url: collector.url, rate, durationS },
      { nodeArgs },
    );
  } finally {
    clearInterval(rssTimer);
  }
  const collectorCpu = collector.cpuSeconds() - cpu0;
  const pprofFile = pprofPromise ? await pprofPromise : undefined;
  await collector.stop();
  const written = countOutput(collector.outDir);
  removeDir(collector.outDir);
  const wallS = (result.elapsedMs + result.flushMs) / 1000;
  const lost = result.emitted - written.raw;
  const zeroLoss = written.raw === result.emitted && written.feature === result.emitted && result.stats.dropped === 0;
  const keptPace = result.elapsedMs <= durationS * 1000 * 1.02 + 100 && result.flushMs <= 2000;
  const step = {
    rate,
    durationS,
    emitted: result.emitted,
    achievedRate: Math.round(result.achievedRate),
    writtenRaw: written.raw,
    writtenFeatureEvents: written.feature,
    droppedCounted: result.stats.dropped,
    lostUnaccounted: result.emitted - written.raw - result.stats.dropped,
    lost,
    flushMs: Math.round(result.flushMs),
    pendingMax: result.pendingMax,
    zeroLoss,
    keptPace,
    held: zeroLoss && keptPace,
    app: { cpuPctOfOneCore: round(result.cpuPctOfOneCore, 1), cpuUsPerRecord: round(result.cpuUsPerRecord, 2), rssMaxMB: result.rssMaxMB },
    collector: { cpuPctOfOneCore: round((collectorCpu / wallS) * 100, 1), cpuUsPerRecord: round((collectorCpu * 1e6) / Math.max(1, written.raw), 2), rssMaxMB: collectorRssMax },
    node: result.node,
    setupDefaults: result.setupDefaults,
  };
  if (profile) {
    const file = readdirSync(appProfileDir).find((f) => f.endsWith('.cpuprofile'));
    step.profiles = { app: summarizeCpuProfile(join(appProfileDir, file)), collector: summarizePprof(pprofFile) };
  }
  return step;
}

async function scenarioSustained(node, bin) {
  const out = { method: 'records emitted by hook.finally() (driver "hook") or real server-SDK evaluations (driver "sdk"), paced in 10 ms ticks; collector: slim build, shipped config, file output; counted in raw-otlp.json and feature-events.ndjson', configs: {} };
  for (const config of SUSTAINED_CONFIGS) {
    const steps = [];
    let maxHeld = 0;
    let maxZeroLoss = 0;
    const run = async (rate) => {
      log(`sustained: ${config.id} at ${rate}/s for ${P.sustainedS} s`);
      const step = await sustainedStep(node, bin, config, rate, P.sustainedS);
      log(
        `  emitted ${step.emitted}, written ${step.writtenRaw}, dropped ${step.droppedCounted}, flush ${step.flushMs} ms, app ${step.app.cpuPctOfOneCore}% collector ${step.collector.cpuPctOfOneCore}% -> ${step.held ? 'held' : 'NOT held'}`,
      );
      steps.push(step);
      if (step.zeroLoss) maxZeroLoss = Math.max(maxZeroLoss, rate);
      if (step.held) maxHeld = Math.max(maxHeld, rate);
      return step.held;
    };
    // Up the ladder until the first loss (the brief's stopping rule); if even the first rate is not
    // held, down the fallback ladder until one is.
    let firstLoss = null;
    for (const rate of P.rates) {
      await run(rate);
      if (!steps.at(-1).zeroLoss) {
        firstLoss = rate;
        break;
      }
    }
    if (!steps[0].held) {
      for (const rate of P.fallbackRates) if (await run(rate)) break;
    }
    const firstNotHeld = steps.filter((x) => !x.held && x.rate > maxHeld).map((x) => x.rate).sort((a, b) => a - b)[0] ?? null;
    out.configs[config.id] = { ...config, maxHeldRate: maxHeld, maxZeroLossRate: maxZeroLoss, firstLossRate: firstLoss, firstNotHeldRate: firstNotHeld, steps };
  }
  // Profile app and collector at the first rate that was not held (or the top step) with setup/protobuf.
  const main = out.configs[SUSTAINED_CONFIGS[0].id];
  const profileRate = main.firstNotHeldRate ?? P.rates.at(-1);
  log(`sustained: profiling app (--cpu-prof) and collector (pprof) at ${profileRate}/s for ${P.profileS} s`);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const step = await sustainedStep(node, bin, SUSTAINED_CONFIGS[0], profileRate, P.profileS, true);
  out.profile = { config: SUSTAINED_CONFIGS[0].id, ...step, bottleneck: nameBottleneck(step, Object.values(out.configs).find((c) => c.pipeline === 'parallel')) };
  return out;
}

function nameBottleneck(step, experiment) {
  const app = step.app.cpuPctOfOneCore;
  const col = step.collector.cpuPctOfOneCore;
  const cores = cpus().length;
  const ceiling = Math.round(1e6 / step.collector.cpuUsPerRecord / 1000);
  const appTop = step.profiles?.app?.byArea?.[0];
  const ottl = step.profiles?.collector?.byCum?.rows?.find((r) => /ottl\.\(\*StatementSequence/.test(r.func));
  const gc = step.profiles?.collector?.byCum?.rows?.find((r) => r.func === 'runtime.gcBgMarkWorker');
  const appWhere = appTop ? `; top: ${appTop.where} ${appTop.selfPct}% of its samples` : '';
  const colWhere = ottl ? `; OTTL transform statements ${ottl.cumPct} of its CPU${gc ? `, GC ${gc.cumPct}` : ''}` : '';
  const facts = `app ${app}% of one core (${step.app.cpuUsPerRecord} µs CPU/record${appWhere}), collector ${col}% (${step.collector.cpuUsPerRecord} µs CPU/record${colWhere}), ${cores} cores`;
  let verdict;
  if (app >= 85) verdict = 'the app process (its JS thread is saturated)';
  else if (col + app >= cores * 100 * 0.65) {
    verdict = `the collector: with the app it uses ${Math.round(col + app)}% of the ${cores} shared cores, and it spends ${round(step.collector.cpuUsPerRecord / step.app.cpuUsPerRecord, 1)}× the app's CPU per record, so its ceiling here is near ${cores} × 1 s / ${step.collector.cpuUsPerRecord} µs minus the app`;
  } else if (col >= 85) verdict = 'the collector';
  else verdict = 'neither process saturated: export round trips';
  const exp = experiment ? `; with 2 exports in flight (experiment row) ${experiment.maxHeldRate.toLocaleString('en')}/s was held` : '';
  return `${verdict}. ${facts}${exp}`;
}

// ---------------------------------------------------------------------------------------------
// Scenarios 4 and 5
// ---------------------------------------------------------------------------------------------

async function scenarioBurst(node, bin) {
  const out = [];
  for (const pipeline of ['setup', 'raw']) {
    log(`burst: ${P.burst} evaluations, ${pipeline}, protobuf`);
    const collector = await startCollector({ bin });
    const r = await runWorker(node, PIPELINE, { mode: 'burst', pipeline, protocol: 'proto', url: collector.url, total: P.burst });
    await collector.stop();
    const written = countOutput(collector.outDir);
    removeDir(collector.outDir);
    const dropped = pipeline === 'setup' ? r.stats.dropped : 0; // the raw SDK counts nothing itself
    out.push({
      pipeline: pipeline === 'setup' ? 'setup defaults' : 'raw SDK defaults (drops not counted by the SDK; the bench counted them through the processor metric)',
      evaluations: P.burst,
      emitted: r.stats.emitted,
      delivered: written.raw,
      countedDropped: dropped,
      benchCountedDropped: r.stats.dropped,
      lostUnaccounted: r.stats.emitted - written.raw - dropped,
      loopMs: Math.round(r.loopMs),
      setupDefaults: r.setupDefaults,
      node: r.node,
    });
  }
  return out;
}

/** A fast OTLP/HTTP endpoint: answers 200 with an empty ExportLogsServiceResponse, counts requests. */
async function startSink() {
  const { createServer } = await import('node:http');
  const state = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (d) => (state.bytes += d.length));
    req.on('end', () => {
      state.requests++;
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/v1/logs`, state, close: () => new Promise((r) => server.close(r)) };
}

async function scenarioMemory(node) {
  const out = [];
  for (const dedupe of [false, true]) {
    log(`memory: ${P.memoryTotal} evaluations, dedupe ${dedupe ? 'on' : 'off'} (OTLP/protobuf into a fast sink)`);
    const sink = await startSink();
    const r = await runWorker(
      node,
      PIPELINE,
      { mode: 'memory', pipeline: 'setup', protocol: 'proto', url: sink.url, total: P.memoryTotal, dedupe },
      { nodeArgs: ['--expose-gc'] },
    );
    await sink.close();
    const s = r.samples;
    const ref = s.find((x) => x.evaluations >= P.memoryTotal * 0.2) ?? s.at(-1);
    const tail = s.filter((x) => x.evaluations >= ref.evaluations);
    const rssMax = Math.max(...tail.map((x) => x.rssMB));
    out.push({
      dedupe,
      evaluations: P.memoryTotal,
      records: r.stats.emitted,
      exported: r.stats.exported,
      dropped: r.stats.dropped,
      sinkRequests: sink.state.requests,
      evaluationsPerS: Math.round(P.memoryTotal / (r.loopMs / 1000)),
      rssMBAt20pct: ref.rssMB,
      rssMBEnd: s.at(-1).rssMB,
      rssMBMaxAfter20pct: rssMax,
      rssGrowthMBAfter20pct: round(s.at(-1).rssMB - ref.rssMB, 1),
      pendingMax: Math.max(...s.map((x) => x.pending)),
      heapMBAfterGcAt10pct: r.heapAfterGcAt10,
      heapMBAfterGcEnd: r.heapAfterGcEnd,
      flat: rssMax - ref.rssMB <= 20 && r.heapAfterGcEnd - r.heapAfterGcAt10 <= 5,
      samples: s,
      node: r.node,
    });
  }
  return out;
}

async function scenarioOutage(node, bin) {
  const { upS, downS, recoverS } = P.outage;
  log(`outage: ${P.outageRate}/s, collector up ${upS} s, down ${downS} s, back ${recoverS} s`);
  let collector = await startCollector({ bin });
  const { outDir, ports } = collector;
  const events = [];
  let transition = Promise.resolve();
  const r = await runWorker(
    node,
    PIPELINE,
    { mode: 'outage', pipeline: 'setup', protocol: 'proto', url: collector.url, rate: P.outageRate, phases: { upS, downS, recoverS } },
    {
      nodeArgs: ['--expose-gc'],
      onLine: (e) => {
        events.push({ ...e, at: Date.now() });
        if (e.phase === 'down') {
          transition = transition.then(async () => {
            await collector.stop();
            events.push({ collector: 'stopped', at: Date.now() });
          });
        } else if (e.phase === 'up') {
          transition = transition.then(async () => {
            collector = await startCollector({ bin, outDir, ports });
            events.push({ collector: 'started', at: Date.now() });
          });
        }
      },
    },
  );
  await transition;
  await collector.stop();
  const written = countOutput(outDir);
  removeDir(outDir);
  const s = r.samples;
  const pre = s.filter((x) => x.phase === 'up' && x.s >= upS / 2);
  const down = s.filter((x) => x.phase === 'down');
  const rssPre = Math.max(...pre.map((x) => x.rssMB));
  const rssDownMax = Math.max(...down.map((x) => x.rssMB));
  const half = down.filter((x) => x.s >= upS + downS / 2);
  const firstHalfMax = Math.max(...down.filter((x) => x.s < upS + downS / 2).map((x) => x.rssMB));
  const secondHalfGrowth = round(Math.max(...half.map((x) => x.rssMB)) - firstHalfMax, 1);
  const accounted = written.raw + r.stats.dropped;
  const queue = r.setupDefaults?.batch?.maxQueueSize;
  const gcUp = s.filter((x) => x.phase === 'up' && x.heapAfterGcMB !== undefined);
  const gcDown = down.filter((x) => x.heapAfterGcMB !== undefined);
  const heapPre = gcUp.length ? gcUp.at(-1).heapAfterGcMB : NaN;
  const heapDownMax = Math.max(...gcDown.map((x) => x.heapAfterGcMB));
  // Plateau: once the queue is full, the retained heap must stop growing.
  const full = gcDown.filter((x) => queue !== undefined && x.pending >= queue);
  const heapPlateauGrowth = full.length >= 2 ? round(Math.max(...full.map((x) => x.heapAfterGcMB)) - full[0].heapAfterGcMB, 1) : null;
  return {
    rate: P.outageRate,
    phases: P.outage,
    pipeline: 'setup defaults, OTLP/HTTP protobuf',
    emitted: r.stats.emitted,
    delivered: written.raw,
    droppedQueueFull: r.stats.droppedQueueFull,
    droppedExportFailed: r.stats.droppedExportFailed,
    lostUnaccounted: r.stats.emitted - accounted,
    dropsCountedExactly: r.stats.emitted === accounted && r.stats.pending === 0,
    rssMBBeforeOutage: rssPre,
    rssMBMaxDuringOutage: rssDownMax,
    rssGrowthMB: round(rssDownMax - rssPre, 1),
    rssGrowthSecondHalfOfOutageMB: secondHalfGrowth,
    pendingMaxDuringOutage: Math.max(...down.map((x) => x.pending)),
    maxQueueSize: queue,
    heapAfterGcMBBeforeOutage: heapPre,
    heapAfterGcMBMaxDuringOutage: heapDownMax,
    heapAfterGcGrowthWhileQueueFullMB: heapPlateauGrowth,
    retainedBytesPerQueuedRecord: queue ? Math.round(((heapDownMax - heapPre) * 1048576) / queue) : null,
    bounded: outageBounded(heapPlateauGrowth, Math.max(...down.map((x) => x.pending)), queue, r.setupDefaults),
    samples: s,
    events: events.map(({ at, ...e }) => ({ ...e, orchestratorS: round((at - events[0].at) / 1000 + upS, 1) })),
    setupDefaults: r.setupDefaults,
    node: r.node,
  };
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

const us = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(2)} µs`);
const signed = (x) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(2)} µs`);
const ci = (s) => (s?.ci95 ? ` [${s.ci95[0]}, ${s.ci95[1]}]` : '');
const pf = (ok) => (ok === undefined ? 'info' : ok ? 'PASS' : 'FAIL');

function tableRows(results) {
  const rows = [];
  const add = (scenario, configuration, med, ratio, target, pass) => rows.push({ scenario, configuration, median: med, ratio, target, result: pf(pass) });
  for (const sdk of ['server', 'web']) {
    const e = results.eval?.[sdk];
    if (!e) continue;
    const A = e.addedUsPerEval;
    const C = e.comparisons;
    const S = `1 eval (${sdk} SDK, Node ${e.configs.none.node})`;
    add(S, 'no hook (baseline)', `${us(e.configs.none.medianCpuUsPerOp)}/eval`, '', '', undefined);
    add(S, 'empty finally hook', `${signed(A.emptyHook.median)}${ci(A.emptyHook)}`, '', '', undefined);
    add(S, 'floor (hand-written hook, same 5 attributes, same BLRP + no-op exporter)', `${signed(A.floor.median)}${ci(A.floor)}`, `${C.floorVsReference.ratio}× ref${ci(C.floorVsReference)}`, '', undefined);
    add(S, 'reference EventHook 1.0.0 (api-logs/sdk-logs 0.205)', `${signed(A.referenceEventHook.median)}${ci(A.referenceEventHook)}`, '1.00× ref', '', undefined);
    add(S, 'reference EventHook 1.0.0 emitting into sdk-logs 3.x (extra: same SDK as ours)', `${signed(A.referenceEventHookOnSdkLogs3x.median)}${ci(A.referenceEventHookOnSdkLogs3x)}`, `ours = ${C.oursDefaultVsReferenceOnSdkLogs3x.ratio}× this`, '', undefined);
    const ok1 = C.oursDefaultVsReference.ratio !== null && C.oursDefaultVsReference.ratio <= 0.5;
    add(S, 'ours, default options', `${signed(A.oursDefault.median)}${ci(A.oursDefault)}`, `${C.oursDefaultVsReference.ratio}× ref${ci(C.oursDefaultVsReference)}`, '≤ 0.5× reference added cost', ok1);
    add(S, 'ours, default options vs floor', `${signed(C.oursDefaultMinusFloorUs.median)}${ci(C.oursDefaultMinusFloorUs)} over floor`, `floor ${signed(A.floor.median)}`, '≤ floor + 1 µs', C.oursDefaultMinusFloorUs.median <= 1);
    add(S, 'ours, full options (value always, context allow-list, flag metadata)', `${signed(A.oursFullOptions.median)}${ci(A.oursFullOptions)}`, `${C.oursFullVsReference.ratio}× ref`, '', undefined);
    add(S, 'ours, dedupe hit', `${signed(C.dedupeHitMinusEmptyHookUs.median)}${ci(C.dedupeHitMinusEmptyHookUs)} over empty hook`, '', '≤ empty hook + 0.5 µs', C.dedupeHitMinusEmptyHookUs.median <= 0.5);
    add(S, 'ours, no OTel SDK registered', `${signed(C.noSdkMinusEmptyHookUs.median)}${ci(C.noSdkMinusEmptyHookUs)} over empty hook`, '', '≤ empty hook + 0.2 µs', C.noSdkMinusEmptyHookUs.median <= 0.2);
    const allExported = Object.values(e.configs).every((c) => c.everyRecordExported);
    add(S, 'every record emitted reached the exporter (all configurations, all rounds)', allExported ? 'yes' : 'NO', '', 'measurement valid', allExported);
  }
  if (results.track) {
    for (const sdk of ['server', 'web']) {
      const t = results.track[sdk];
      add(
        `2 track() (${sdk} SDK, Node ${results.track.configs[`${sdk}/track-ours`].node})`,
        'withTracking, nested details, incl. emit + flush',
        `${us(t.perCallUs.median)}/call${ci(t.perCallUs)}`,
        `wrapper adds ${signed(t.addedOverProviderWithoutWrapperUs.median)}; floor ${us(t.floorPerCallUs.median)}/call (ours ${signed(t.oursMinusFloorUs.median)})`,
        '≤ 5 µs per call',
        t.perCallUs.median <= 5,
      );
    }
  }
  if (results.sustained) {
    for (const [id, c] of Object.entries(results.sustained.configs)) {
      const top = c.steps.find((s) => s.rate === c.maxHeldRate);
      const fail = c.steps.find((s) => s.rate === c.firstNotHeldRate);
      const detail = top ? `app ${top.app.cpuPctOfOneCore}% / collector ${top.collector.cpuPctOfOneCore}% CPU at ${c.maxHeldRate}/s` : '';
      const failDetail = fail ? `; at ${fail.rate}/s: lost ${fail.lost} (counted dropped ${fail.droppedCounted}), backlog drained in ${fail.flushMs} ms, collector ${fail.collector.cpuPctOfOneCore}%` : '';
      add(
        `3 sustained ${P.sustainedS} s (Node ${c.steps[0]?.node})`,
        id,
        `${c.maxHeldRate.toLocaleString('en')}/s held (zero loss up to ${c.maxZeroLossRate.toLocaleString('en')}/s)`,
        detail + failDetail,
        c.driver === 'hook' && c.pipeline !== 'parallel' ? '≥ 50,000/s (stretch 100,000/s)' : '',
        c.driver === 'hook' && c.pipeline !== 'parallel' ? c.maxHeldRate >= 50_000 : undefined,
      );
    }
    if (results.sustained.profile) add('3 sustained: bottleneck', `profiled at ${results.sustained.profile.rate}/s`, results.sustained.profile.bottleneck, '', '', undefined);
  }
  if (results.burst) {
    for (const b of results.burst) {
      add(
        `4 burst (Node ${b.node})`,
        `${b.evaluations.toLocaleString('en')} evaluations, ${b.pipeline.split(' (')[0]}`,
        `delivered ${b.delivered}, counted dropped ${b.countedDropped}, lost unaccounted ${b.lostUnaccounted}`,
        '',
        b.pipeline.startsWith('setup') ? 'lost unaccounted = 0' : '',
        b.pipeline.startsWith('setup') ? b.lostUnaccounted === 0 : undefined,
      );
    }
  }
  if (results.memory) {
    for (const m of results.memory) {
      add(
        `5 memory (Node ${m.node})`,
        `${m.evaluations.toLocaleString('en')} evaluations, dedupe ${m.dedupe ? 'on' : 'off'}`,
        `RSS ${m.rssMBAt20pct} → ${m.rssMBEnd} MB (max ${m.rssMBMaxAfter20pct}); heap after GC ${m.heapMBAfterGcAt10pct} → ${m.heapMBAfterGcEnd} MB`,
        '',
        'flat (RSS ≤ +20 MB after 20%, heap after GC ± 5 MB)',
        m.flat,
      );
    }
  }
  if (results.outage) {
    const o = results.outage;
    add(
      `5 outage (Node ${o.node})`,
      `collector down ${o.phases.downS} s at ${o.rate}/s, setup defaults`,
      `RSS ${o.rssMBBeforeOutage} → max ${o.rssMBMaxDuringOutage} MB; heap after GC ${o.heapAfterGcMBBeforeOutage} → ${o.heapAfterGcMBMaxDuringOutage} MB (${o.heapAfterGcGrowthWhileQueueFullMB >= 0 ? '+' : ''}${o.heapAfterGcGrowthWhileQueueFullMB} MB while the queue stayed full); queued max ${o.pendingMaxDuringOutage} of ${o.maxQueueSize} (${o.retainedBytesPerQueuedRecord} B/record)`,
      '',
      'memory bounded by the configured queue (heap after GC flat, ≤ 8 MB, once the queue is full; queued ≤ maxQueueSize + one batch per export in flight)',
      outageBounded(o.heapAfterGcGrowthWhileQueueFullMB, o.pendingMaxDuringOutage, o.maxQueueSize, o.setupDefaults),
    );
    add(
      `5 outage (Node ${o.node})`,
      'drop accounting',
      `emitted ${o.emitted} = delivered ${o.delivered} + dropped ${o.droppedQueueFull + o.droppedExportFailed} (queue full ${o.droppedQueueFull}, export failed ${o.droppedExportFailed}); unaccounted ${o.lostUnaccounted}`,
      '',
      'drops counted exactly',
      o.dropsCountedExactly,
    );
  }
  if (results.size) {
    add(`browser entry (esbuild ${results.size.esbuild}, Node ${process.version})`, 'EvaluationEventHook + withTracking, min + gzip, OTel/OpenFeature external', `${(results.size.gzipBytes / 1024).toFixed(2)} KB gz (${(results.size.minBytes / 1024).toFixed(1)} KB min)`, '', '≤ 8 KB', results.size.gzipBytes <= 8 * 1024 && results.size.nodeBuiltins.length === 0);
  }
  return rows;
}

function markdown(rows) {
  const head = '| Scenario | Configuration | Median | Ratio vs reference / floor | Target | Result |\n| --- | --- | --- | --- | --- | --- |';
  const esc = (s) => String(s).replaceAll('|', '\\|');
  return [head, ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.configuration)} | ${esc(r.median)} | ${esc(r.ratio)} | ${esc(r.target)} | ${r.result} |`)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/**
 * The outage memory bound: once the queue is full the retained heap stops growing (≤ 8 MB), and
 * no more than the queue plus one batch per export in flight is held.
 */
function outageBounded(heapPlateauGrowth, pendingMax, queue, setupDefaults) {
  const inFlight = (setupDefaults?.exportConcurrency ?? 1) * (setupDefaults?.batch?.maxExportBatchSize ?? 1024);
  return heapPlateauGrowth !== null && heapPlateauGrowth <= 8 && pendingMax <= (queue ?? Infinity) + inFlight;
}

/** --table-only: rebuild the table (and profile summaries) of an existing results file and print it. */
function tableOnly() {
  const results = JSON.parse(readFileSync(OUT, 'utf8'));
  const prof = results.sustained?.profile;
  if (prof) {
    if (prof.profiles?.collector?.file && existsSync(prof.profiles.collector.file)) prof.profiles.collector = summarizePprof(prof.profiles.collector.file);
    prof.bottleneck = nameBottleneck(prof, Object.values(results.sustained.configs).find((c) => c.pipeline === 'parallel'));
  }
  results.table = tableRows(results);
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(markdown(results.table));
}

async function main() {
  if (argv.includes('--table-only')) return tableOnly();
  const buildStatus = build();
  const node = workerNode();
  const referenceVersions = want('eval') ? ensureReference() : undefined;
  const results = {
    meta: {
      issue: 4,
      startedAt: new Date(started).toISOString(),
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
      referenceVersions,
      parameters: P,
      method:
        'CPU time (process.cpuUsage, all threads) for N operations plus forceFlush of every record they produced, divided by N. One process per configuration (reference on its own node_modules and OTel line), warmed up, then measured one round at a time in rotating interleaved cycles; added cost = per-cycle difference to the baseline process, median over all cycles, bootstrap 95% interval in brackets. BatchLogRecordProcessor with SDK defaults and a no-op exporter on both lines, flushed every 512 operations.',
    },
  };
  const save = () => {
    results.meta.runtimeS = Math.round((Date.now() - started) / 1000);
    results.meta.loadavgAtEnd = loadavg().map((x) => round(x, 2));
    results.table = tableRows(results);
    const file = OUT;
    writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  };

  if (want('size')) {
    log('browser entry size');
    results.size = await measureSize();
    save();
  }
  if (want('eval')) {
    results.eval = {};
    for (const sdk of ['server', 'web']) {
      results.eval[sdk] = await scenarioEval(node, sdk);
      save();
    }
  }
  if (want('track')) {
    results.track = await scenarioTrack(node);
    save();
  }
  if (want('profile')) {
    log('profiling our hook and withTracking with --cpu-prof');
    results.profiles = await profileEval(node);
    save();
  }
  const needCollector = ['sustained', 'burst', 'outage'].some(want);
  const bin = needCollector ? collectorBinary() : undefined;
  if (want('sustained')) {
    results.sustained = await scenarioSustained(node, bin);
    save();
  }
  if (want('burst')) {
    results.burst = await scenarioBurst(node, bin);
    save();
  }
  if (want('memory')) {
    results.memory = await scenarioMemory(node);
    save();
  }
  if (want('outage')) {
    results.outage = await scenarioOutage(node, bin);
    save();
  }
  save();
  console.log(markdown(results.table));
  console.log(`\n${OUT} written; runtime ${results.meta.runtimeS} s; workers on Node ${results.meta.workerNode}${QUICK ? ' (--quick: smoke figures)' : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
