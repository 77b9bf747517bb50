#!/usr/bin/env node
/**
 * Scenario "readout" (6): the experiment readout (DuckDB over GOFF NDJSON, the CLI's default
 * engine) on generated collector output: 10 M exposures (feature-events.ndjson) and ~1 M outcomes
 * (tracking-events.ndjson), plus smaller sizes to show how time grows. Each size is read by a
 * fresh Node process (dist/readout.js), which reports its wall time and peak RSS (getrusage
 * maxRSS: DuckDB's native memory included). Data goes to the OS temp dir and is deleted after.
 *
 *   node bench/scenarios/readout.mjs [--quick]      standalone (needs `npm run build` first)
 *   node bench/run.mjs --only=readout               as part of the suite
 *
 * Target (issue 10): <= 20 s and <= 1 GB for 10 M exposures + 1 M outcomes on 2 cores.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seededRandom } from '../../scripts/seeded-random.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FLAG = 'checkout-button';
const EVENT = 'checkout-completed';
const EVALUATIONS_PER_UNIT = 5;
const TARGET = { seconds: 20, rssMB: 1024 };

/**
 * Writes GOFF feature and tracking events: `exposures` evaluations over exposures/5 units (each
 * unit evaluated 5 times, interleaved), blue converts at 30%, green at 33%, a converting unit
 * buys once or twice (value 5..100): ~1 outcome per 10 exposures.
 */
export function generate(dir, exposures) {
  const units = Math.floor(exposures / EVALUATIONS_PER_UNIT);
  const base = 1_764_000_000;
  const variant = (u) => (((u * 2654435761) >>> 0) % 2 === 0 ? 'blue' : 'green');
  const write = (file, produce) => {
    const fd = openSync(join(dir, file), 'w');
    let chunk = '';
    let lines = 0;
    produce((line) => {
      chunk += line;
      lines++;
      if (chunk.length > 1 << 22) {
        writeSync(fd, chunk);
        chunk = '';
      }
    });
    writeSync(fd, chunk);
    closeSync(fd);
    return lines;
  };
  const exposureLines = write('feature-events.ndjson', (push) => {
    for (let e = 0; e < exposures; e++) {
      const u = e % units;
      const v = variant(u);
      push(`{"kind":"feature","contextKind":"user","userKey":"user-${u}","creationDate":${base + Math.floor(e / 200)},"key":"${FLAG}","variation":"${v}","value":"${v}","default":false,"version":"","source":"SERVER"}\n`);
    }
  });
  const random = seededRandom(42); // the same files on every run
  const outcomeLines = write('tracking-events.ndjson', (push) => {
    for (let u = 0; u < units; u++) {
      if (random() >= (variant(u) === 'blue' ? 0.3 : 0.33)) continue;
      const buys = random() < 0.5 ? 2 : 1;
      for (let b = 0; b < buys; b++) {
        const value = (5 + random() * 95).toFixed(2);
        push(`{"kind":"tracking","contextKind":"user","userKey":"user-${u}","creationDate":${base + Math.floor(u / 200) + 60 + b},"key":"${EVENT}","evaluationContext":{"targetingKey":"user-${u}"},"trackingEventDetails":{"value":${value},"currencyCode":"EUR"}}\n`);
      }
    }
  });
  return { exposureLines, outcomeLines, units, bytes: statSync(join(dir, 'feature-events.ndjson')).size + statSync(join(dir, 'tracking-events.ndjson')).size };
}

/** The measured part, in a child process: the readout of `dir`, wall time and peak RSS. */
const CHILD = `
const started = performance.now();
const { runReadout } = await import(process.env.READOUT_MODULE);
const spec = { flag: ${JSON.stringify(FLAG)}, metrics: [{ event: ${JSON.stringify(EVENT)}, kind: 'conversion' }, { event: ${JSON.stringify(EVENT)}, kind: 'mean' }] };
const { readout } = await runReadout({ kind: 'files', dir: process.env.READOUT_DIR, format: 'goff', ...(process.env.READOUT_MEMORY ? { memoryLimit: process.env.READOUT_MEMORY } : {}) }, spec, { control: 'blue' });
const seconds = (performance.now() - started) / 1000;
const green = readout.metrics[0].variants.find((v) => v.variant === 'green');
const cpu = process.cpuUsage();
console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, units: readout.health.units, pValue: green.comparison.pValue, lift: green.comparison.estimate }));
`;

function measure(node, dir, memoryLimit) {
  const module = pathToFileURL(join(ROOT, 'dist', 'readout.js')).href;
  const out = execFileSync(node, ['--input-type=module', '-e', CHILD], {
    cwd: ROOT,
    env: { ...process.env, READOUT_MODULE: module, READOUT_DIR: dir, READOUT_MEMORY: memoryLimit ?? '' },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** Runs every size; `quick` uses small files (a smoke run). */
export async function run({ node = process.execPath, quick = false, log = (m) => console.error(m) } = {}) {
  if (!existsSync(join(ROOT, 'dist', 'readout.js'))) throw new Error('dist/readout.js is missing: run npm run build first');
  const sizes = quick ? [100_000, 300_000, 1_000_000] : [1_000_000, 3_000_000, 10_000_000];
  // DuckDB's own bound on its buffers (it spills beyond); the process RSS is what the target bounds.
  // 512MB: measured peak RSS 639 MB at 10 M exposures (768MB gave 907 MB).
  const memoryLimit = process.env.READOUT_MEMORY ?? '512MB';
  const results = [];
  for (const exposures of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'offt-bench-readout-'));
    try {
      const t0 = performance.now();
      const data = generate(dir, exposures);
      const generateS = (performance.now() - t0) / 1000;
      log(`readout: ${exposures.toLocaleString('en')} exposures, ${data.outcomeLines.toLocaleString('en')} outcomes, ${(data.bytes / 2 ** 20).toFixed(0)} MiB generated in ${generateS.toFixed(1)} s; reading (DuckDB memory_limit ${memoryLimit})`);
      const m = measure(node, dir, memoryLimit);
      log(`readout: ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(1)} s, load average ${loadavg()[0].toFixed(1)}), peak RSS ${m.maxRssMB.toFixed(0)} MB, ${m.units} units, green lift ${(100 * m.lift).toFixed(1)}% (p = ${m.pValue.toExponential(2)})`);
      results.push({ exposures, outcomes: data.outcomeLines, units: data.units, mib: Math.round(data.bytes / 2 ** 20), generateS: Math.round(generateS * 10) / 10, loadAverage: loadavg()[0], ...m });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const first = results[0];
  const last = results.at(-1);
  return {
    engine: 'DuckDB (@duckdb/node-api) over GOFF NDJSON',
    memoryLimit,
    cores: cpus().length,
    sizes: results,
    timeRatio: Math.round((last.seconds / first.seconds) * 100) / 100,
    sizeRatio: last.exposures / first.exposures,
    // A --quick run does not reach 10 M exposures: no verdict.
    pass: quick ? undefined : last.seconds <= TARGET.seconds && last.maxRssMB <= TARGET.rssMB,
  };
}

/** Table rows for bench/run.mjs. */
export function rows(result, add) {
  const first = result.sizes[0];
  for (const s of result.sizes) {
    const isLast = s === result.sizes.at(-1);
    add(
      '6 readout',
      `${(s.exposures / 1e6).toLocaleString('en')} M exposures + ${(s.outcomes / 1e6).toFixed(2)} M outcomes, GOFF NDJSON (${s.mib} MiB), DuckDB ${result.memoryLimit}`,
      `${s.seconds.toFixed(1)} s (CPU ${s.cpuSeconds.toFixed(1)} s, load ${s.loadAverage.toFixed(1)}), peak RSS ${Math.round(s.maxRssMB)} MB`,
      s === first ? 'time base' : `time x${(s.seconds / first.seconds).toFixed(2)} for data x${s.exposures / first.exposures}`,
      isLast ? `<= ${TARGET.seconds} s, <= ${TARGET.rssMB} MB` : '',
      isLast ? result.pass : undefined,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const result = await run({ quick });
  console.log(JSON.stringify(result, null, 2));
}
