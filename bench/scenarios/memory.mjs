/** Scenario "memory" (5a): RSS and heap after GC over 1M evaluations into a fast OTLP sink, dedupe off and on. */
import { createServer } from 'node:http';
import { P, log, round } from '../lib/options.mjs';
import { runWorker } from '../lib/orchestrate.mjs';
import { PIPELINE } from './sustained.mjs';

/** A fast OTLP/HTTP endpoint: answers 200 with an empty ExportLogsServiceResponse, counts requests. */
async function startSink() {
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

export async function run({ node }) {
  const out = [];
  for (const dedupe of [false, true]) {
    log(`memory: ${P.memoryTotal} evaluations, dedupe ${dedupe ? 'on' : 'off'} (OTLP/protobuf into a fast sink)`);
    const sink = await startSink();
    const r = await runWorker(node, PIPELINE, { mode: 'memory', pipeline: 'setup', protocol: 'proto', url: sink.url, total: P.memoryTotal, dedupe }, { nodeArgs: ['--expose-gc'] });
    await sink.close();
    const s = r.samples;
    const ref = s.find((x) => x.evaluations >= P.memoryTotal * 0.2) ?? s.at(-1);
    const rssMax = Math.max(...s.filter((x) => x.evaluations >= ref.evaluations).map((x) => x.rssMB));
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

export function rows(memory, add) {
  for (const m of memory) {
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
