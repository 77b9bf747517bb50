/**
 * Scenarios "eval" (1: added CPU per evaluation, server and web SDKs: no hook, empty hook, floor,
 * ours with default options, full options, a dedupe hit and no SDK, the reference EventHook on its
 * own OTel line) and "track" (2: track() through withTracking with nested details). One process per
 * configuration, interleaved cycles (bench/lib/orchestrate.mjs).
 */
import { join } from 'node:path';
import { P, log, round } from '../lib/options.mjs';
import { BENCH_DIR, ROOT, runInterleaved } from '../lib/orchestrate.mjs';
import { cpuSeries, diffSeries, median, pairedStat, quantile, ratioStat } from '../lib/stats.mjs';
import { ci, signed, us } from '../lib/table.mjs';

export const OURS = join(BENCH_DIR, 'workers', 'eval.mjs');
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

async function runSdk(node, sdk) {
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

/** Scenario "eval": both SDKs. */
export async function run({ node }) {
  const out = {};
  for (const sdk of ['server', 'web']) out[sdk] = await runSdk(node, sdk);
  return out;
}

/** Scenario "track". */
export async function runTrack({ node }) {
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

export function rows(evalResults, add) {
  for (const sdk of ['server', 'web']) {
    const e = evalResults[sdk];
    if (!e) continue;
    const A = e.addedUsPerEval;
    const C = e.comparisons;
    const S = `1 eval (${sdk} SDK, Node ${e.configs.none.node})`;
    add(S, 'no hook (baseline)', `${us(e.configs.none.medianCpuUsPerOp)}/eval`, '', '', undefined);
    add(S, 'empty finally hook', `${signed(A.emptyHook.median)}${ci(A.emptyHook)}`, '', '', undefined);
    add(S, 'floor (hand-written hook, same attributes, same BLRP + no-op exporter)', `${signed(A.floor.median)}${ci(A.floor)}`, `${C.floorVsReference.ratio}× ref${ci(C.floorVsReference)}`, '', undefined);
    add(S, 'reference EventHook 1.0.0 (api-logs/sdk-logs 0.205)', `${signed(A.referenceEventHook.median)}${ci(A.referenceEventHook)}`, '1.00× ref', '', undefined);
    add(S, 'reference EventHook 1.0.0 emitting into sdk-logs 3.x (extra: same SDK as ours)', `${signed(A.referenceEventHookOnSdkLogs3x.median)}${ci(A.referenceEventHookOnSdkLogs3x)}`, `ours = ${C.oursDefaultVsReferenceOnSdkLogs3x.ratio}× this`, '', undefined);
    const half = C.oursDefaultVsReference.ratio !== null && C.oursDefaultVsReference.ratio <= 0.5;
    add(S, 'ours, default options', `${signed(A.oursDefault.median)}${ci(A.oursDefault)}`, `${C.oursDefaultVsReference.ratio}× ref${ci(C.oursDefaultVsReference)}`, '≤ 0.5× reference added cost', half);
    add(S, 'ours, default options vs floor', `${signed(C.oursDefaultMinusFloorUs.median)}${ci(C.oursDefaultMinusFloorUs)} over floor`, `floor ${signed(A.floor.median)}`, '≤ floor + 1 µs', C.oursDefaultMinusFloorUs.median <= 1);
    add(S, 'ours, full options (value always, context allow-list, flag metadata)', `${signed(A.oursFullOptions.median)}${ci(A.oursFullOptions)}`, `${C.oursFullVsReference.ratio}× ref`, '', undefined);
    add(S, 'ours, dedupe hit', `${signed(C.dedupeHitMinusEmptyHookUs.median)}${ci(C.dedupeHitMinusEmptyHookUs)} over empty hook`, '', '≤ empty hook + 0.5 µs', C.dedupeHitMinusEmptyHookUs.median <= 0.5);
    add(S, 'ours, no OTel SDK registered', `${signed(C.noSdkMinusEmptyHookUs.median)}${ci(C.noSdkMinusEmptyHookUs)} over empty hook`, '', '≤ empty hook + 0.2 µs', C.noSdkMinusEmptyHookUs.median <= 0.2);
    const allExported = Object.values(e.configs).every((c) => c.everyRecordExported);
    add(S, 'every record emitted reached the exporter (all configurations, all rounds)', allExported ? 'yes' : 'NO', '', 'measurement valid', allExported);
  }
}

export function trackRows(track, add) {
  for (const sdk of ['server', 'web']) {
    const t = track[sdk];
    add(
      `2 track() (${sdk} SDK, Node ${track.configs[`${sdk}/track-ours`].node})`,
      'withTracking, nested details, incl. emit + flush',
      `${us(t.perCallUs.median)}/call${ci(t.perCallUs)}`,
      `wrapper adds ${signed(t.addedOverProviderWithoutWrapperUs.median)}; floor ${us(t.floorPerCallUs.median)}/call (ours ${signed(t.oursMinusFloorUs.median)})`,
      '≤ 5 µs per call',
      t.perCallUs.median <= 5,
    );
  }
}
