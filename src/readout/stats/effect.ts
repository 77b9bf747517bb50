/**
 * The effect of treatment B over control A and its variance: gbstats `EffectMoments`
 * (`models/tests.py`) with `utils.frequentist_diff`, `utils.frequentist_variance` and
 * `frequentist_variance_relative_cuped`.
 *
 * @module
 */
import { type AdjustedArm, type Moments, varianceOfRatios } from './sample-statistics.js';

/**
 * Estimate Δ̂ and its variance; the per-arm moments feed the Welch–Satterthwaite df. @internal
 *
 * @example
 * ```ts
 * const e: EffectMoments = { estimate: 0.3, variance: 0.02652, a: { n: 1000, mean: 0.1, variance: 0.09 }, b: { n: 1000, mean: 0.13, variance: 0.1131 } };
 * ```
 */
export interface EffectMoments {
  estimate: number;
  variance: number;
  a: Moments;
  b: Moments;
}

/**
 * gbstats frequentist_diff: absolute Δ̂ = μ̂_B − μ̂_A; relative Δ̂ = (μ̂_B − μ̂_A)/|ȳ_A| where ȳ_A is the
 * unadjusted control mean (with CUPED the numerator uses adjusted means). The absolute value keeps the
 * sign meaningful for a negative baseline (GrowthBook docs/statistics/details.mdx). @internal
 *
 * @example
 * ```ts
 * frequentistDiff(0.1, 0.13, true); // 0.3
 * frequentistDiff(-2, -1, true);   // 0.5: the treatment is higher, so the lift is positive
 * ```
 */
export function frequentistDiff(meanA: number, meanB: number, relative: boolean, unadjustedMeanA = meanA): number {
  return relative ? (meanB - meanA) / Math.abs(unadjustedMeanA) : meanB - meanA;
}

/**
 * gbstats frequentist_variance. Absolute: σ²_A/n_A + σ²_B/n_B. Relative (delta method, details.mdx eq. 2):
 * variance_of_ratios(μ_B, σ²_B/n_B, μ_A, σ²_A/n_A, 0) = σ²_B/(n_B μ_A²) + σ²_A μ_B²/(n_A μ_A⁴). @internal
 *
 * @example
 * ```ts
 * frequentistVariance({ n: 1000, mean: 0.1, variance: 0.09 }, { n: 1000, mean: 0.13, variance: 0.1131 }, true); // 0.02652
 * ```
 */
export function frequentistVariance(a: Moments, b: Moments, relative: boolean): number {
  if (!relative) return b.variance / b.n + a.variance / a.n;
  return varianceOfRatios(b.mean, b.variance / b.n, a.mean, a.variance / a.n, 0);
}

/**
 * gbstats frequentist_variance_relative_cuped (docs/statistics/cuped-technical.mdx): delta method for
 * (μ̃_B − μ̃_A)/ȳ_A with μ̃ = ȳ − θx̄. Treatment: (σ²y + θ²σ²x − 2θ·cov)/(n_B ȳ_A²). Control, with the
 * gradient's ȳ_B standing for μ̃_B + θx̄_A: (σ²y·ȳ_B²/ȳ_A² − 2θ·cov·ȳ_B/ȳ_A + θ²σ²x)/(n_A ȳ_A²). @internal
 *
 * @example
 * ```ts
 * frequentistVarianceRelativeCuped(a, b, computeTheta(a, b)); // 0.05867 (a, b as in computeTheta's example)
 * ```
 */
export function frequentistVarianceRelativeCuped(a: AdjustedArm, b: AdjustedArm, theta: number): number {
  const meanA = a.post.mean;
  const denTreatment = b.post.n * meanA * meanA;
  const denControl = a.post.n * meanA * meanA;
  if (denTreatment === 0 || denControl === 0) return 0;
  const vTreatment = (b.post.variance + theta * theta * b.pre.variance - 2 * theta * b.covariance) / denTreatment;
  const c = -b.post.mean;
  const numA = (a.post.variance * c * c) / (meanA * meanA);
  const numB = (2 * theta * a.covariance * c) / meanA;
  const numC = theta * theta * a.pre.variance;
  return vTreatment + (numA + numB + numC) / denControl;
}

/**
 * Welch–Satterthwaite degrees of freedom from the per-arm variances (gbstats TTest.dof):
 * ν = (σ²_B/n_B + σ²_A/n_A)² / (σ⁴_B/(n_B²(n_B − 1)) + σ⁴_A/(n_A²(n_A − 1))). @internal
 *
 * @example
 * ```ts
 * welchDegreesOfFreedom({ n: 10, mean: 0, variance: 4 }, { n: 20, mean: 0, variance: 9 }); // 25.408
 * ```
 */
export function welchDegreesOfFreedom(a: Moments, b: Moments): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  return (va + vb) ** 2 / ((vb * vb) / (b.n - 1) + (va * va) / (a.n - 1));
}
