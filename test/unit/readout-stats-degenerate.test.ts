import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  benjaminiHochberg,
  compareVariants,
  holmBonferroni,
  sampleRatioMismatch,
  type ComparisonResult,
  type SampleStats,
} from '../../src/readout/stats/index.js';

const p = (n: number, conversions: number) => ({ type: 'proportion' as const, n, conversions });
const m = (n: number, sum: number, sumSquares: number) => ({ type: 'mean' as const, n, sum, sumSquares });

function numbersOf(r: ComparisonResult): number[] {
  return [r.estimate, r.standardError, ...r.ci, r.pValue, r.chanceToWin, r.controlMean, r.treatmentMean, r.controlN, r.treatmentN, r.degreesOfFreedom, r.posteriorMean, ...r.credibleInterval];
}

function expectNeutral(r: ComparisonResult, warning: ComparisonResult['warning']): void {
  expect(r.ok).toBe(false);
  expect(r.warning).toBe(warning);
  expect(r.message).toEqual(expect.any(String));
  expect([r.estimate, r.standardError, r.ci, r.pValue, r.chanceToWin]).toEqual([0, 0, [0, 0], 1, 0.5]);
  expect(numbersOf(r).every(Number.isFinite)).toBe(true);
}

describe('compareVariants says why it cannot compare, instead of NaN or a throw', () => {
  it.each([
    ['an empty treatment arm (one variant only)', p(100, 10), p(0, 0), 'missing-variant'],
    ['an empty control arm', p(0, 0), p(100, 10), 'missing-variant'],
    ['one unit in an arm (n < 2)', m(1, 5, 25), m(50, 250, 1500), 'not-enough-units'],
    ['no conversions anywhere (zero variance)', p(500, 0), p(500, 0), 'zero-variance'],
    ['every unit converted in an arm', p(500, 500), p(500, 400), 'zero-variance'],
    ['every unit with the same value', m(50, 500, 5000), m(50, 600, 7300), 'zero-variance'],
    ['a zero control mean with a relative lift', m(50, 0, 100), m(50, 20, 120), 'zero-control-mean'],
    ['a proportion against a mean', p(100, 10), m(100, 10, 20), 'mismatched-types'],
    ['NaN in the input', m(100, Number.NaN, 20), m(100, 10, 20), 'invalid-input'],
    ['Infinity in the input', p(Number.POSITIVE_INFINITY, 10), p(100, 10), 'invalid-input'],
    ['more conversions than units', p(100, 101), p(100, 10), 'invalid-input'],
    ['a negative unit count', p(-5, 0), p(100, 10), 'invalid-input'],
    ['a missing field', { type: 'mean', n: 10, sum: 5 } as unknown as SampleStats, m(10, 5, 9), 'invalid-input'],
    ['an unknown type', { type: 'median', n: 10 } as unknown as SampleStats, m(10, 5, 9), 'invalid-input'],
    ['null instead of statistics', null as unknown as SampleStats, m(10, 5, 9), 'invalid-input'],
  ] as const)('%s', (_name, control, treatment, warning) => {
    expectNeutral(compareVariants(control, treatment), warning);
  });

  it('computes the absolute difference when the control mean is 0', () => {
    const r = compareVariants(m(50, 0, 100), m(50, 20, 120), { difference: 'absolute' });
    expect(r.ok).toBe(true);
    expect(r.estimate).toBeCloseTo(0.4, 12);
  });

  it.each([
    ['alpha outside (0, 1)', { alpha: 1.5 }],
    ['alpha 0', { alpha: 0 }],
    ['a non-positive sequential tuning', { sequential: { tuning: 0 } }],
    ['a zero prior stddev', { prior: { mean: 0, stddev: 0 } }],
    ['an unknown difference type', { difference: 'scaled' as 'absolute' }],
  ])('reports %s as invalid input, naming the option', (_name, options) => {
    const r = compareVariants(p(1000, 100), p(1000, 120), options);
    expectNeutral(r, 'invalid-input');
    expect(r.message).toMatch(/options\./);
  });

  it('says when CUPED was not applied and why, and still compares', () => {
    const cov = { sum: 10, sumSquares: 10, productSum: 5 };
    const oneArm = compareVariants({ ...p(1000, 100), covariate: cov }, p(1000, 120));
    expect([oneArm.ok, oneArm.cuped?.applied, oneArm.cuped?.reason]).toEqual([true, false, 'only one arm carries a covariate']);
    const off = compareVariants({ ...p(1000, 100), covariate: cov }, { ...p(1000, 120), covariate: cov }, { cuped: false });
    expect(off.cuped?.reason).toBe('disabled by options.cuped');
    const flat = { sum: 0, sumSquares: 0, productSum: 0 };
    const noPre = compareVariants({ ...m(100, 50, 80), covariate: flat }, { ...m(100, 60, 90), covariate: flat });
    expect([noPre.ok, noPre.cuped?.applied, noPre.cuped?.theta]).toEqual([true, false, 0]);
    expect(noPre.pValue).toBe(compareVariants(m(100, 50, 80), m(100, 60, 90)).pValue);
  });

  it('gives p = 0, not NaN, for an overwhelming effect', () => {
    const r = compareVariants(p(10_000_000, 100_000), p(10_000_000, 300_000), { sequential: { tuning: 5000 } });
    expect(r.ok).toBe(true);
    expect(r.pValue).toBe(0);
    expect(r.chanceToWin).toBe(1);
  });
});

const finite = fc.double({ min: -1e12, max: 1e12, noNaN: true });
const anyNumber = fc.oneof(finite, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1, 2, 1e308));
const covariate = fc.option(fc.record({ sum: anyNumber, sumSquares: anyNumber, productSum: anyNumber }), { nil: undefined });
const sample: fc.Arbitrary<SampleStats> = fc.oneof(
  fc.record({ type: fc.constant('proportion' as const), n: anyNumber, conversions: anyNumber, covariate }),
  fc.record({ type: fc.constant('mean' as const), n: anyNumber, sum: anyNumber, sumSquares: anyNumber, covariate }),
  fc.record({
    type: fc.constant('ratio' as const),
    n: anyNumber,
    numeratorSum: anyNumber,
    numeratorSumSquares: anyNumber,
    denominatorSum: anyNumber,
    denominatorSumSquares: anyNumber,
    productSum: anyNumber,
  }),
);
const options = fc.record(
  {
    difference: fc.constantFrom('relative' as const, 'absolute' as const),
    alpha: fc.oneof(fc.double({ min: 1e-6, max: 0.5, noNaN: true }), anyNumber),
    sequential: fc.oneof(fc.constant(false as const), fc.record({ tuning: anyNumber })),
    prior: fc.record({ mean: anyNumber, stddev: anyNumber }),
  },
  { requiredKeys: [] },
);

describe('no input makes the stats core throw or return NaN (property)', () => {
  it('compareVariants: every number finite, ok exactly when there is no warning', () => {
    fc.assert(
      fc.property(sample, sample, options, (a, b, o) => {
        const r = compareVariants(a, b, o);
        expect(numbersOf(r).every(Number.isFinite)).toBe(true);
        expect(r.ok).toBe(r.warning === undefined);
        expect(r.pValue >= 0 && r.pValue <= 1 && r.chanceToWin >= 0 && r.chanceToWin <= 1).toBe(true);
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });

  it('sampleRatioMismatch and the corrections: finite p-values within [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(anyNumber, { maxLength: 6 }), fc.option(fc.array(anyNumber, { maxLength: 6 }), { nil: undefined }), (counts, weights) => {
        const r = sampleRatioMismatch(counts, weights);
        expect(Number.isFinite(r.pValue) && r.pValue >= 0 && r.pValue <= 1).toBe(true);
        for (const adjusted of [holmBonferroni(counts), benjaminiHochberg(counts), adjustPValues(counts, 'none')]) {
          expect(adjusted.every((x) => x >= 0 && x <= 1)).toBe(true);
        }
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });

  it('sampleRatioMismatch: one variant or under 8 units a variant is "not enough data"', () => {
    expect(sampleRatioMismatch([5000]).status).toBe('not-enough-data');
    expect(sampleRatioMismatch([7, 500]).status).toBe('not-enough-data');
    expect(sampleRatioMismatch([500, 0], [1, 0]).status).toBe('not-enough-data');
    expect(sampleRatioMismatch([10, 10], [1]).status).toBe('invalid-input');
    expect(sampleRatioMismatch([8, 8]).status).toBe('ok');
  });
});
