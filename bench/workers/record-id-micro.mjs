#!/usr/bin/env node
/**
 * Micro-benchmark behind the choice of the `log.record.uid` format (src/record-id.ts): ns per id
 * for the shipped monotonic ULID and three alternatives, in one process, interleaved rounds, medians.
 * Not part of `npm run bench` (the per-evaluation cost of the id is measured there, in the eval
 * and track scenarios); run it by hand when changing the generator:
 *
 *   node bench/workers/record-id-micro.mjs [ids-per-round=200000] [rounds=15]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 15);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'offt-record-id-'));
const out = join(dir, 'record-id.mjs');
await build({
  entryPoints: [join(root, 'src/record-id.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: out,
  logLevel: 'error',
});
const { createRecordIdGenerator } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex128() {
  const pool = new Uint8Array(4096);
  let pos = pool.length;
  return () => {
    if (pos + 16 > pool.length) {
      crypto.getRandomValues(pool);
      pos = 0;
    }
    let s = '';
    for (let i = 0; i < 16; i++) s += HEX[pool[pos++]];
    return s;
  };
}
/** A ULID drawing 80 fresh random bits per id (the spec's non-monotonic mode), same encoder. */
function ulidRandomEachId() {
  let t = 0;
  return createRecordIdGenerator(undefined, () => ++t);
}

const candidates = {
  'ulid-monotonic (shipped)': createRecordIdGenerator(),
  'ulid-fresh-random-per-id': ulidRandomEachId(),
  'hex128-pooled': hex128(),
  'crypto.randomUUID': () => crypto.randomUUID(),
};
const samples = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, next] of Object.entries(candidates)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) sink += next().length;
    samples[name].push(Number(process.hrtime.bigint() - t0) / N);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`Node ${process.version}, ${N} ids x ${ROUNDS} rounds (first 3 rounds dropped as warm-up), sink ${sink}`);
for (const [name, xs] of Object.entries(samples)) console.log(`${name.padEnd(28)} ${median(xs.slice(3)).toFixed(1)} ns/id`);
