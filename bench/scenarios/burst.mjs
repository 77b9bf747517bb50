/** Scenario "burst" (4): 200k evaluations in a tight loop: delivered / counted dropped / lost unaccounted. */
import { countOutput, removeDir, startCollector } from '../lib/collector.mjs';
import { P, log } from '../lib/options.mjs';
import { runWorker } from '../lib/orchestrate.mjs';
import { PIPELINE } from './sustained.mjs';

export async function run({ node, bin }) {
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

export function rows(burst, add) {
  for (const b of burst) {
    const setup = b.pipeline.startsWith('setup');
    add(
      `4 burst (Node ${b.node})`,
      `${b.evaluations.toLocaleString('en')} evaluations, ${b.pipeline.split(' (')[0]}`,
      `delivered ${b.delivered}, counted dropped ${b.countedDropped}, lost unaccounted ${b.lostUnaccounted}`,
      '',
      setup ? 'lost unaccounted = 0' : '',
      setup ? b.lostUnaccounted === 0 : undefined,
    );
  }
}
