/**
 * compareVariants: one treatment against the control, from sufficient statistics. The pipeline is
 * gbstats' `BaseABTest`: pick the statistic (plain, ratio, or regression-adjusted with a pooled θ),
 * compute the effect moments, then run the frequentist test and the Bayesian model on them.
 *
 * @module
 */
import { effectPosterior, priorOnScale } from './bayesian.js';
import { frequentistDiff, frequentistVariance, frequentistVarianceRelativeCuped, welchDegreesOfFreedom, type EffectMoments } from './effect.js';
import { sequentialTwoSidedTest, twoSidedTTest } from './frequentist.js';
import { adjustedArm, computeTheta, regressionAdjusted, sampleMean, type SampleStats } from './sample-statistics.js';
import { validateOptions, validatePair } from './validate.js';

/**
 * GrowthBook's default significance level.
 *
 * @example
 * ```ts
 * compareVariants(a, b, { alpha: DEFAULT_ALPHA / 2 }); // a stricter test
 * ```
 */
export const DEFAULT_ALPHA = 0.05;
/**
 * GrowthBook's default sequential tuning parameter N* (`sequential_tuning_parameter`).
 *
 * @example
 * ```ts
 * compareVariants(a, b, { sequential: { tuning: DEFAULT_SEQUENTIAL_TUNING } });
 * ```
 */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * Options of {@link compareVariants}.
 *
 * @example
 * ```ts
 * const options: CompareOptions = { difference: 'relative', alpha: 0.05, sequential: { tuning: 20_000 } };
 * ```
 */
export interface CompareOptions {
  /** 'relative' (default): (μ_B − μ_A)/|μ_A|; 'absolute': μ_B − μ_A. */
  difference?: 'relative' | 'absolute';
  /** Significance level, 0 < alpha < 1 (default 0.05). */
  alpha?: number;
  /** Always-valid confidence sequence with tuning N* (set it to the total units expected at the decision). */
  sequential?: false | { tuning: number };
  /** Gaussian prior on the relative lift; default flat (improper). Only chanceToWin/credibleInterval use it. */
  prior?: { mean: number; stddev: number };
  /** Use the arms' `covariate` (CUPED) when both carry one (default true). */
  cuped?: boolean;
}

/**
 * Why a comparison could not be computed. The result then holds the neutral values (estimate 0,
 * ci [0, 0], pValue 1, chanceToWin 0.5) and `ok: false`, like gbstats' `_default_output`.
 *
 * @example
 * ```ts
 * const w: ComparisonWarning = 'zero-variance';
 * ```
 */
export type ComparisonWarning =
  | 'invalid-input'
  | 'mismatched-types'
  | 'missing-variant'
  | 'not-enough-units'
  | 'zero-variance'
  | 'zero-control-mean'
  | 'non-finite-result';

/**
 * What {@link compareVariants} returns. `estimate`, `standardError`, `ci` and `pValue` are frequentist
 * (Welch t, or the sequential confidence sequence); `chanceToWin`, `posteriorMean` and
 * `credibleInterval` come from the Bayesian model on the same estimate.
 *
 * @example
 * ```ts
 * const r: ComparisonResult = compareVariants(
 *   { type: 'proportion', n: 1000, conversions: 100 }, { type: 'proportion', n: 1000, conversions: 130 });
 * if (r.ok && r.pValue < 0.05) console.log(`lift ${r.estimate} [${r.ci[0]}, ${r.ci[1]}]`);
 * ```
 */
export interface ComparisonResult {
  estimate: number;
  standardError: number;
  ci: [number, number];
  pValue: number;
  chanceToWin: number;
  ok: boolean;
  warning?: ComparisonWarning;
  message?: string;
  method: 'welch-t' | 'sequential';
  difference: 'relative' | 'absolute';
  /** Unadjusted per-arm means (ratio: Σm/Σd) and unit counts. */
  controlMean: number;
  treatmentMean: number;
  controlN: number;
  treatmentN: number;
  /** Welch–Satterthwaite ν (0 when not computed). */
  degreesOfFreedom: number;
  posteriorMean: number;
  credibleInterval: [number, number];
  /** Present when the arms carried covariates: whether CUPED was applied, θ, and why not. */
  cuped?: { applied: boolean; theta: number; reason?: string };
}

type Resolved = { relative: boolean; alpha: number; tuning: number | null; prior: CompareOptions['prior']; cuped: boolean };

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function neutral(control: SampleStats, treatment: SampleStats, o: Resolved, warning: ComparisonWarning, message: string): ComparisonResult {
  const meanOf = (s: SampleStats): number => {
    try {
      return finite(sampleMean(s).mean);
    } catch {
      return 0; // malformed input
    }
  };
  const controlMean = meanOf(control);
  const treatmentMean = meanOf(treatment);
  return {
    estimate: 0,
    standardError: 0,
    ci: [0, 0],
    pValue: 1,
    chanceToWin: 0.5,
    ok: false,
    warning,
    message,
    method: o.tuning === null ? 'welch-t' : 'sequential',
    difference: o.relative ? 'relative' : 'absolute',
    controlMean,
    treatmentMean,
    controlN: finite(Number(control?.n)),
    treatmentN: finite(Number(treatment?.n)),
    degreesOfFreedom: 0,
    posteriorMean: 0,
    credibleInterval: [0, 0],
  };
}

type CupedInfo = NonNullable<ComparisonResult['cuped']>;

/** gbstats EffectMoments: the statistic per arm (CUPED with a pooled θ when possible), Δ̂ and Var(Δ̂). */
function effectMoments(control: SampleStats, treatment: SampleStats, o: Resolved): { moments: EffectMoments; cuped?: CupedInfo } {
  const a = sampleMean(control);
  const b = sampleMean(treatment);
  const plain = { estimate: frequentistDiff(a.mean, b.mean, o.relative), variance: frequentistVariance(a, b, o.relative), a, b };
  const hasA = control.type !== 'ratio' && control.covariate !== undefined;
  const hasB = treatment.type !== 'ratio' && treatment.covariate !== undefined;
  if (control.type === 'ratio' || treatment.type === 'ratio') {
    const given = (control as { covariate?: unknown }).covariate !== undefined || (treatment as { covariate?: unknown }).covariate !== undefined;
    return { moments: plain, ...(given ? { cuped: { applied: false, theta: 0, reason: 'CUPED is not supported for ratio metrics' } } : {}) };
  }
  if (!hasA && !hasB) return { moments: plain };
  if (!o.cuped) return { moments: plain, cuped: { applied: false, theta: 0, reason: 'disabled by options.cuped' } };
  if (!hasA || !hasB) return { moments: plain, cuped: { applied: false, theta: 0, reason: 'only one arm carries a covariate' } };
  const armA = adjustedArm(control, control.covariate!);
  const armB = adjustedArm(treatment, treatment.covariate!);
  const theta = computeTheta(armA, armB);
  // gbstats BaseABTest: θ = 0 (no pre- or post-period variance) reverts to the unadjusted test
  if (theta === 0) return { moments: plain, cuped: { applied: false, theta: 0, reason: 'zero pooled variance: theta is 0' } };
  const adjA = regressionAdjusted(armA, theta);
  const adjB = regressionAdjusted(armB, theta);
  const estimate = frequentistDiff(adjA.mean, adjB.mean, o.relative, a.mean);
  const variance = o.relative ? frequentistVarianceRelativeCuped(armA, armB, theta) : frequentistVariance(adjA, adjB, false);
  return { moments: { estimate, variance, a: adjA, b: adjB }, cuped: { applied: true, theta } };
}

function resolve(options: CompareOptions | undefined): Resolved {
  const sequential = options?.sequential;
  return {
    relative: options?.difference !== 'absolute',
    alpha: options?.alpha ?? DEFAULT_ALPHA,
    tuning: sequential ? sequential.tuning : null,
    prior: options?.prior,
    cuped: options?.cuped !== false,
  };
}

/**
 * Compares a treatment with the control on one metric. Never throws and never returns NaN: input that
 * cannot be analysed gives `ok: false` with a `warning` and a `message` saying why.
 *
 * @example
 * ```ts
 * const r = compareVariants(
 *   { type: 'proportion', n: 1000, conversions: 100 },
 *   { type: 'proportion', n: 1000, conversions: 130 },
 * );
 * r.estimate;    // 0.3 (a +30 % relative lift)
 * r.ci;          // ≈ [-0.019, 0.619]
 * r.pValue;      // ≈ 0.066 (Welch t, two-sided)
 * r.chanceToWin; // ≈ 0.967
 * ```
 */
export function compareVariants(control: SampleStats, treatment: SampleStats, options?: CompareOptions): ComparisonResult {
  const o = resolve(options);
  try {
    const bad = validateOptions(options) ?? validatePair(control, treatment);
    if (bad) return neutral(control, treatment, o, bad.warning, bad.message);
    const { moments, cuped } = effectMoments(control, treatment, o);
    const { estimate, variance, a, b } = moments;
    const withCuped = (r: ComparisonResult): ComparisonResult => (cuped ? { ...r, cuped } : r);
    const zeroVariance = (): ComparisonResult =>
      withCuped(neutral(control, treatment, o, 'zero-variance', 'an arm has zero variance: every unit has the same value'));
    // gbstats EffectMoments.compute_result: zero variance first, then a zero baseline
    if (!(a.variance > 0) || !(b.variance > 0)) return zeroVariance();
    const controlMean = sampleMean(control).mean;
    if (o.relative && controlMean === 0) {
      return withCuped(neutral(control, treatment, o, 'zero-control-mean', 'the control mean is 0, so a relative lift is undefined; use difference: "absolute"'));
    }
    if (!(variance > 0)) return zeroVariance();
    const se = Math.sqrt(variance);
    const df = welchDegreesOfFreedom(a, b);
    const test = o.tuning === null ? twoSidedTTest(estimate, se, df, o.alpha) : sequentialTwoSidedTest(estimate, se, a.n + b.n, o.alpha, o.tuning);
    const prior = controlMean === 0 ? null : priorOnScale(o.prior, o.relative, controlMean);
    const posterior = effectPosterior(estimate, se, prior, o.alpha);
    const result: ComparisonResult = {
      estimate,
      standardError: se,
      ci: test.ci,
      pValue: test.pValue,
      chanceToWin: posterior.chanceToWin,
      ok: true,
      method: o.tuning === null ? 'welch-t' : 'sequential',
      difference: o.relative ? 'relative' : 'absolute',
      controlMean,
      treatmentMean: sampleMean(treatment).mean,
      controlN: control.n,
      treatmentN: treatment.n,
      degreesOfFreedom: df,
      posteriorMean: posterior.mean,
      credibleInterval: posterior.credibleInterval,
    };
    const numbers = [estimate, se, ...test.ci, test.pValue, posterior.chanceToWin, df, posterior.mean, ...posterior.credibleInterval];
    if (!numbers.every(Number.isFinite)) {
      return withCuped(neutral(control, treatment, o, 'non-finite-result', 'the statistics overflowed double precision'));
    }
    return withCuped(result);
  } catch (error) {
    return neutral(control, treatment, o, 'invalid-input', `input could not be analysed: ${String(error)}`);
  }
}
