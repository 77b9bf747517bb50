/**
 * Scenario "outage" (5b): the collector down for 60 s at 20k evaluations/s: memory bounded by the
 * configured queue, and emitted = delivered + counted drops, exactly.
 */
import { countOutput, removeDir, startCollector } from '../lib/collector.mjs';
import { P, log, round } from '../lib/options.mjs';
import { runWorker } from '../lib/orchestrate.mjs';
import { PIPELINE } from './sustained.mjs';

/**
 * The outage memory bound: once the queue is full the retained heap stops growing (≤ 8 MB), and
 * no more than the queue plus one batch per export in flight is held.
 */
function bounded(heapPlateauGrowth, pendingMax, queue, setupDefaults) {
  const inFlight = (setupDefaults?.exportConcurrency ?? 1) * (setupDefaults?.batch?.maxExportBatchSize ?? 1024);
  return heapPlateauGrowth !== null && heapPlateauGrowth <= 8 && pendingMax <= (queue ?? Infinity) + inFlight;
}

/** Runs the worker through up / down / up phases, stopping and restarting the collector on its cue. */
async function throughOutage(node, bin) {
  const { upS, downS, recoverS } = P.outage;
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
  return { r, written, events };
}

export async function run({ node, bin }) {
  const { upS, downS } = P.outage;
  log(`outage: ${P.outageRate}/s, collector up ${upS} s, down ${downS} s, back ${P.outage.recoverS} s`);
  const { r, written, events } = await throughOutage(node, bin);
  const s = r.samples;
  const pre = s.filter((x) => x.phase === 'up' && x.s >= upS / 2);
  const down = s.filter((x) => x.phase === 'down');
  const rssPre = Math.max(...pre.map((x) => x.rssMB));
  const rssDownMax = Math.max(...down.map((x) => x.rssMB));
  const firstHalfMax = Math.max(...down.filter((x) => x.s < upS + downS / 2).map((x) => x.rssMB));
  const secondHalfMax = Math.max(...down.filter((x) => x.s >= upS + downS / 2).map((x) => x.rssMB));
  const accounted = written.raw + r.stats.dropped;
  const queue = r.setupDefaults?.batch?.maxQueueSize;
  const gcUp = s.filter((x) => x.phase === 'up' && x.heapAfterGcMB !== undefined);
  const gcDown = down.filter((x) => x.heapAfterGcMB !== undefined);
  const heapPre = gcUp.length ? gcUp.at(-1).heapAfterGcMB : NaN;
  const heapDownMax = Math.max(...gcDown.map((x) => x.heapAfterGcMB));
  // Plateau: once the queue is full, the retained heap must stop growing.
  const full = gcDown.filter((x) => queue !== undefined && x.pending >= queue);
  const heapPlateauGrowth = full.length >= 2 ? round(Math.max(...full.map((x) => x.heapAfterGcMB)) - full[0].heapAfterGcMB, 1) : null;
  const pendingMax = Math.max(...down.map((x) => x.pending));
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
    rssGrowthSecondHalfOfOutageMB: round(secondHalfMax - firstHalfMax, 1),
    pendingMaxDuringOutage: pendingMax,
    maxQueueSize: queue,
    heapAfterGcMBBeforeOutage: heapPre,
    heapAfterGcMBMaxDuringOutage: heapDownMax,
    heapAfterGcGrowthWhileQueueFullMB: heapPlateauGrowth,
    retainedBytesPerQueuedRecord: queue ? Math.round(((heapDownMax - heapPre) * 1048576) / queue) : null,
    bounded: bounded(heapPlateauGrowth, pendingMax, queue, r.setupDefaults),
    samples: s,
    events: events.map(({ at, ...e }) => ({ ...e, orchestratorS: round((at - events[0].at) / 1000 + upS, 1) })),
    setupDefaults: r.setupDefaults,
    node: r.node,
  };
}

export function rows(o, add) {
  const growth = o.heapAfterGcGrowthWhileQueueFullMB;
  add(
    `5 outage (Node ${o.node})`,
    `collector down ${o.phases.downS} s at ${o.rate}/s, setup defaults`,
    `RSS ${o.rssMBBeforeOutage} → max ${o.rssMBMaxDuringOutage} MB; heap after GC ${o.heapAfterGcMBBeforeOutage} → ${o.heapAfterGcMBMaxDuringOutage} MB (${growth >= 0 ? '+' : ''}${growth} MB while the queue stayed full); queued max ${o.pendingMaxDuringOutage} of ${o.maxQueueSize} (${o.retainedBytesPerQueuedRecord} B/record)`,
    '',
    'memory bounded by the configured queue (heap after GC flat, ≤ 8 MB, once the queue is full; queued ≤ maxQueueSize + one batch per export in flight)',
    o.bounded ?? bounded(growth, o.pendingMaxDuringOutage, o.maxQueueSize, o.setupDefaults),
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
