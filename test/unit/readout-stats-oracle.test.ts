import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  chiSquareSurvival,
  compareVariants,
  holmBonferroni,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
  studentTCdf,
  studentTQuantile,
  type CompareOptions,
  type SampleStats,
} from '../../src/readout/stats/index.js';

// Expected values from scripts/readout-oracle.py: gbstats (GrowthBook's engine), scipy, statsmodels.
// npm test re-runs the script and fails if this file is stale (scripts/test.mjs).
interface Comparison {
  name: string;
  control: SampleStats;
  treatment: SampleStats;
  options: CompareOptions;
  source: string;
  expected: Record<string, number | number[]>;
}
const oracle = JSON.parse(readFileSync(new URL('../fixtures/readout-oracle.json', import.meta.url), 'utf8')) as {
  comparisons: Comparison[];
  rawRowChecks: Comparison[];
  srm: { counts: number[]; weights: number[] | null; expected: { pValue: number; chiSquare: number; df: number } }[];
  multipleComparisons: { pValues: number[]; holm: number[]; benjaminiHochberg: number[] }[];
  distributions: { fn: string; args: number[]; expected: number }[];
};

const TOLERANCE = 1e-6;
/** |got − want| <= tol·max(1, |want|): absolute near 0 (p-values), relative for large values. */
function expectClose(got: number, want: number, what: string, tol = TOLERANCE): void {
  const error = Math.abs(got - want) / Math.max(1, Math.abs(want));
  expect(error, `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

const label = (c: Comparison) => `${c.name} ${JSON.stringify(c.options)} [${c.source.split(' (')[0]}]`;

describe('compareVariants matches gbstats and the scipy reference to 1e-6', () => {
  it('covers every metric type, option set and source', () => {
    expect(oracle.comparisons.length).toBe(70);
    expect(new Set(oracle.comparisons.map((c) => c.control.type))).toEqual(new Set(['proportion', 'mean', 'ratio']));
    expect(oracle.comparisons.filter((c) => c.source.startsWith('gbstats')).length).toBeGreaterThanOrEqual(50);
  });

  it.each(oracle.comparisons.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const result = compareVariants(c.control, c.treatment, c.options);
    expect(result.ok, result.message).toBe(true);
    for (const [key, want] of Object.entries(c.expected)) {
      const got = key === 'theta' ? result.cuped?.theta : (result as unknown as Record<string, number | number[]>)[key];
      if (Array.isArray(want)) {
        want.forEach((w, i) => expectClose((got as number[])[i]!, w, `${key}[${i}]`));
      } else {
        expectClose(got as number, want, key);
      }
    }
    expect(result.cuped?.applied ?? false).toBe('covariate' in c.control);
  });

  it.each(oracle.rawRowChecks.map((c) => [c.name, c] as const))('absolute test on sums equals %s', (_name, c) => {
    const result = compareVariants(c.control, c.treatment, c.options);
    expectClose(result.estimate, c.expected.estimate as number, 'estimate');
    expectClose(result.pValue, c.expected.pValue as number, 'pValue');
  });
});

describe('sampleRatioMismatch matches scipy.stats.chisquare', () => {
  it.each(oracle.srm.map((c) => [JSON.stringify([c.counts, c.weights]), c] as const))('%s', (_name, c) => {
    const result = sampleRatioMismatch(c.counts, c.weights ?? undefined);
    expectClose(result.pValue, c.expected.pValue, 'pValue');
    expectClose(result.chiSquare, c.expected.chiSquare, 'chiSquare');
    expect(result.df).toBe(c.expected.df);
    const tooSmall = c.counts.some((n) => n < 8);
    expect(result.status).toBe(tooSmall ? 'not-enough-data' : c.expected.pValue < 0.001 ? 'mismatch' : 'ok');
  });
});

describe('multiple-comparison corrections match statsmodels multipletests', () => {
  it.each(oracle.multipleComparisons.map((c) => [JSON.stringify(c.pValues.map((p) => +p.toPrecision(3))), c] as const))('%s', (_name, c) => {
    holmBonferroni(c.pValues).forEach((p, i) => expectClose(p, c.holm[i]!, `holm[${i}]`));
    benjaminiHochberg(c.pValues).forEach((p, i) => expectClose(p, c.benjaminiHochberg[i]!, `fdr_bh[${i}]`));
  });
});

describe('distribution functions match scipy.stats', () => {
  const fns: Record<string, (...args: number[]) => number> = {
    normalCdf: (z) => normalCdf(z),
    normalQuantile: (p) => normalQuantile(p),
    studentTCdf: (t, df) => studentTCdf(t, df),
    studentTQuantile: (p, df) => studentTQuantile(p, df),
    chiSquareSurvival: (x, df) => chiSquareSurvival(x, df),
  };
  it.each(Object.keys(fns))('%s to 1e-9 on its grid', (fn) => {
    const rows = oracle.distributions.filter((d) => d.fn === fn);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expectClose(fns[fn]!(...row.args), row.expected, `${fn}(${row.args.join(', ')})`, 1e-9);
  });

  it('keeps relative precision in the far tails (p-values of huge effects are not rounded to 0)', () => {
    const tail = oracle.distributions.find((d) => d.fn === 'normalCdf' && d.args[0] === -20)!;
    expect(Math.abs(normalCdf(-20) - tail.expected) / tail.expected).toBeLessThan(1e-12);
    const q = oracle.distributions.find((d) => d.fn === 'normalQuantile' && d.args[0] === 1e-300)!;
    expect(Math.abs(normalQuantile(1e-300) - q.expected) / Math.abs(q.expected)).toBeLessThan(1e-12);
  });
});
