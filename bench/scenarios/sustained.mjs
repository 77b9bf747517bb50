/**
 * Scenario "sustained" (3): the highest zero-loss rate into the real collector, JSON and protobuf,
 * setupFlagTelemetry defaults and raw SDK defaults; the app and the collector profiled at the first
 * rate that was not held.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { countOutput, removeDir, startCollector } from '../lib/collector.mjs';
import { summarizeCpuProfile, summarizePprof } from '../lib/cpuprofile.mjs';
import { P, PROFILE_DIR, log, round } from '../lib/options.mjs';
import { BENCH_DIR, runWorker, sleep } from '../lib/orchestrate.mjs';

export const PIPELINE = join(BENCH_DIR, 'workers', 'pipeline.mjs');

const SUSTAINED_CONFIGS = [
  { id: 'setup defaults, OTLP/HTTP protobuf', pipeline: 'setup', protocol: 'proto', driver: 'hook' },
  { id: 'setup defaults, OTLP/HTTP JSON', pipeline: 'setup', protocol: 'json', driver: 'hook' },
  { id: 'raw SDK defaults, OTLP/HTTP protobuf', pipeline: 'raw', protocol: 'proto', driver: 'hook' },
  { id: 'raw SDK defaults, OTLP/HTTP JSON', pipeline: 'raw', protocol: 'json', driver: 'hook' },
  { id: 'setup defaults, protobuf, real server-SDK evaluations', pipeline: 'setup', protocol: 'proto', driver: 'sdk' },
];

/**
 * One step: fresh collector, one worker emitting `rate` records/s for `durationS`, flush, collector
 * stopped with SIGTERM (its file exporters flush), records counted in its files.
 * held = zero loss (collector wrote exactly what was emitted, nothing dropped) AND the process kept
 * pace (emission finished within 2% of the duration, and the export backlog left at the end drained
 * within 2 s, i.e. the pipeline kept up instead of buffering the excess in its queue).
 */
export async function sustainedStep(node, bin, config, rate, durationS, profile = false) {
  const collector = await startCollector({ bin, pprof: profile, config: config.collectorConfig });
  const cpu0 = collector.cpuSeconds();
  let pprofPromise;
  let appProfileDir;
  const nodeArgs = [];
  if (profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
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
    lost: result.emitted - written.raw,
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

/** Up the ladder until the first loss; if even the first rate is not held, down the fallback ladder. */
async function ladder(node, bin, config) {
  const steps = [];
  let maxHeld = 0;
  let maxZeroLoss = 0;
  const step = async (rate) => {
    log(`sustained: ${config.id} at ${rate}/s for ${P.sustainedS} s`);
    const s = await sustainedStep(node, bin, config, rate, P.sustainedS);
    log(`  emitted ${s.emitted}, written ${s.writtenRaw}, dropped ${s.droppedCounted}, flush ${s.flushMs} ms, app ${s.app.cpuPctOfOneCore}% collector ${s.collector.cpuPctOfOneCore}% -> ${s.held ? 'held' : 'NOT held'}`);
    steps.push(s);
    if (s.zeroLoss) maxZeroLoss = Math.max(maxZeroLoss, rate);
    if (s.held) maxHeld = Math.max(maxHeld, rate);
    return s;
  };
  let firstLoss = null;
  for (const rate of P.rates) {
    if (!(await step(rate)).zeroLoss) {
      firstLoss = rate;
      break;
    }
  }
  if (!steps[0].held) {
    for (const rate of P.fallbackRates) if ((await step(rate)).held) break;
  }
  const firstNotHeld = steps.filter((x) => !x.held && x.rate > maxHeld).map((x) => x.rate).sort((a, b) => a - b)[0] ?? null;
  return { ...config, maxHeldRate: maxHeld, maxZeroLossRate: maxZeroLoss, firstLossRate: firstLoss, firstNotHeldRate: firstNotHeld, steps };
}

export async function run({ node, bin }) {
  const out = {
    method:
      'records emitted by hook.finally() (driver "hook") or real server-SDK evaluations (driver "sdk"), paced in 10 ms ticks; collector: slim build, shipped config, file output; counted in raw-otlp.json and feature-events.ndjson',
    configs: {},
  };
  for (const config of SUSTAINED_CONFIGS) out.configs[config.id] = await ladder(node, bin, config);
  const main = out.configs[SUSTAINED_CONFIGS[0].id];
  const profileRate = main.firstNotHeldRate ?? P.rates.at(-1);
  log(`sustained: profiling app (--cpu-prof) and collector (pprof) at ${profileRate}/s for ${P.profileS} s`);
  const step = await sustainedStep(node, bin, SUSTAINED_CONFIGS[0], profileRate, P.profileS, true);
  out.profile = { config: SUSTAINED_CONFIGS[0].id, ...step, bottleneck: nameBottleneck(step) };
  return out;
}

/** Names the bottleneck of a profiled step from CPU shares and the top profile frames. */
export function nameBottleneck(step) {
  const app = step.app.cpuPctOfOneCore;
  const col = step.collector.cpuPctOfOneCore;
  const cores = cpus().length;
  const appTop = step.profiles?.app?.byArea?.[0];
  const ottl = step.profiles?.collector?.byCum?.rows?.find((r) => /ottl\.\(\*StatementSequence/.test(r.func));
  const gc = step.profiles?.collector?.byCum?.rows?.find((r) => r.func === 'runtime.gcBgMarkWorker');
  const appWhere = appTop ? `; top: ${appTop.where} ${appTop.selfPct}% of its samples` : '';
  const colWhere = ottl ? `; OTTL transform statements ${ottl.cumPct} of its CPU${gc ? `, GC ${gc.cumPct}` : ''}` : gc ? `; GC ${gc.cumPct} of its CPU` : '';
  const facts = `app ${app}% of one core (${step.app.cpuUsPerRecord} µs CPU/record${appWhere}), collector ${col}% (${step.collector.cpuUsPerRecord} µs CPU/record${colWhere}), ${cores} cores`;
  let verdict;
  if (app >= 85) verdict = 'the app process (its JS thread is saturated)';
  else if (col + app >= cores * 100 * 0.65) {
    verdict = `the collector: with the app it uses ${Math.round(col + app)}% of the ${cores} shared cores, and it spends ${round(step.collector.cpuUsPerRecord / step.app.cpuUsPerRecord, 1)}× the app's CPU per record`;
  } else if (col >= 85) verdict = 'the collector';
  else verdict = 'neither process saturated: export round trips';
  return `${verdict}. ${facts}`;
}

export function rows(sustained, add) {
  for (const [id, c] of Object.entries(sustained.configs)) {
    const top = c.steps.find((s) => s.rate === c.maxHeldRate);
    const fail = c.steps.find((s) => s.rate === c.firstNotHeldRate);
    const detail = top ? `app ${top.app.cpuPctOfOneCore}% / collector ${top.collector.cpuPctOfOneCore}% CPU at ${c.maxHeldRate}/s` : '';
    const failDetail = fail ? `; at ${fail.rate}/s: lost ${fail.lost} (counted dropped ${fail.droppedCounted}), backlog drained in ${fail.flushMs} ms, collector ${fail.collector.cpuPctOfOneCore}%` : '';
    const targeted = c.driver === 'hook' && c.pipeline === 'setup';
    add(
      `3 sustained ${c.steps[0]?.durationS} s (Node ${c.steps[0]?.node})`,
      id,
      `${c.maxHeldRate.toLocaleString('en')}/s held (zero loss up to ${c.maxZeroLossRate.toLocaleString('en')}/s)`,
      detail + failDetail,
      targeted ? '≥ 50,000/s (stretch 100,000/s)' : '',
      targeted ? c.maxHeldRate >= 50_000 : undefined,
    );
  }
  if (sustained.profile) add('3 sustained: bottleneck', `profiled at ${sustained.profile.rate}/s`, sustained.profile.bottleneck, '', '', undefined);
}
