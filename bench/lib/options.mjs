/**
 * Command line and parameters of `npm run bench`, read once and shared by every scenario module.
 *
 *   node bench/run.mjs [--quick] [--only=size,eval,...] [--build|--no-build] [--out=file] [--table-only]
 */
import { join } from 'node:path';
import { BENCH_DIR } from './orchestrate.mjs';

export const argv = process.argv.slice(2);
export const QUICK = argv.includes('--quick');
export const NO_BUILD = argv.includes('--no-build');
export const FORCE_BUILD = argv.includes('--build');
export const ALL_SCENARIOS = ['size', 'eval', 'track', 'profile', 'sustained', 'burst', 'memory', 'outage', 'goff', 'readout'];
export const ONLY = (argv.find((a) => a.startsWith('--only='))?.slice(7) ?? ALL_SCENARIOS.join(',')).split(',');
export const want = (name) => ONLY.includes(name);
export const OUT = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? join(BENCH_DIR, 'results.json');
/** Profiles, per-second samples and other bulk detail: written beside the summary, never committed. */
export const DETAIL_OUT = OUT.replace(/\.json$/, '') + '.detail.json';
export const PROFILE_DIR = join(BENCH_DIR, '.profiles');

// Shared by the quick and the full run; only phase lengths and repetitions differ.
const COMMON = {
  rates: [25_000, 30_000, 35_000, 50_000, 60_000, 75_000, 100_000, 150_000],
  fallbackRates: [15_000, 10_000, 5_000],
  burst: 200_000,
  memoryRate: 20_000,
  outageRate: 20_000,
};

/** The parameters in effect (recorded in results.json). */
export const P = QUICK
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
export const startedAt = started;
export const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
export { round } from './stats.mjs'; // one definition; re-exported for the scenarios that read it here
