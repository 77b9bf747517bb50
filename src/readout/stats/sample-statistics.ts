/**
 * Per-variant sufficient statistics and the per-unit mean and variance each kind implies. Mirrors
 * gbstats `models/statistics.py` (SampleMeanStatistic, ProportionStatistic, RatioStatistic,
 * RegressionAdjustedStatistic, compute_theta).
 *
 * @module
 */

/**
 * Pre-exposure value of the same metric per unit (the CUPED covariate), summed over an arm's units:
 * x_i is the unit's metric value in the pre-period window (0 without rows), y_i its post-exposure value.
 *
 * @example
 * ```ts
 * const covariate: CovariateStats = { sum: 410, sumSquares: 2_050, productSum: 1_630 }; // Σx, Σx², Σx·y
 * ```
 */
export interface CovariateStats {
  /** Σ x_i */
  sum: number;
  /** Σ x_i² (ignored for a proportion, whose covariate is 0/1 like the metric) */
  sumSquares: number;
  /** Σ x_i·y_i */
  productSum: number;
}

/**
 * One variant's sufficient statistics over its `n` exposed units (units without outcomes count as 0).
 * A ratio metric carries per-unit numerator m_i and denominator d_i: Σm, Σm², Σd, Σd², Σm·d.
 *
 * @example
 * ```ts
 * const conversion: SampleStats = { type: 'proportion', n: 1_000, conversions: 130 };
 * const revenue: SampleStats = { type: 'mean', n: 1_000, sum: 5_200, sumSquares: 91_000 };
 * ```
 */
export type SampleStats =
  | { type: 'proportion'; n: number; conversions: number; covariate?: CovariateStats }
  | { type: 'mean'; n: number; sum: number; sumSquares: number; covariate?: CovariateStats }
  | {
      type: 'ratio';
      n: number;
      numeratorSum: number;
      numeratorSumSquares: number;
      denominatorSum: number;
      denominatorSumSquares: number;
      productSum: number;
    };

/**
 * Per-unit mean and variance of one arm (gbstats `Statistic.mean` / `.variance`). For a ratio metric
 * `mean` is Σm/Σd and `variance` the delta-method variance of the ratio per unit.
 *
 * @example
 * ```ts
 * const m: Moments = { n: 1_000, mean: 0.13, variance: 0.1131 };
 * ```
 */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * A moment summary that also keeps Σ, needed for covariances (gbstats SampleMean/ProportionStatistic).
 *
 * @example
 * ```ts
 * const s: SummedMoments = { n: 4, sum: 10, mean: 2.5, variance: 1.6667 };
 * ```
 */
export interface SummedMoments extends Moments {
  sum: number;
}

/**
 * gbstats SampleMeanStatistic: mean = Σ/n, variance = (Σ² − Σ²/n)/(n − 1). @internal
 *
 * @example
 * ```ts
 * meanStatistic(4, 10, 30); // { n: 4, sum: 10, mean: 2.5, variance: 1.6667 }
 * ```
 */
export function meanStatistic(n: number, sum: number, sumSquares: number): SummedMoments {
  const mean = n === 0 ? 0 : sum / n;
  const variance = n <= 1 ? 0 : (sumSquares - (sum * sum) / n) / (n - 1);
  return { n, sum, mean, variance };
}

/**
 * gbstats ProportionStatistic: mean = p = Σ/n, variance = p(1 − p) (no n − 1 correction). @internal
 *
 * @example
 * ```ts
 * proportionStatistic(200, 50); // { n: 200, sum: 50, mean: 0.25, variance: 0.1875 }
 * ```
 */
export function proportionStatistic(n: number, conversions: number): SummedMoments {
  const mean = n === 0 ? 0 : conversions / n;
  return { n, sum: conversions, mean, variance: mean * (1 - mean) };
}

/**
 * gbstats utils.compute_covariance: (Σxy − Σx·Σy/n)/(n − 1). @internal
 *
 * @example
 * ```ts
 * computeCovariance(4, 10, 8, 24); // 1.3333 = (24 - 10·8/4)/3
 * ```
 */
export function computeCovariance(n: number, sumX: number, sumY: number, productSum: number): number {
  return n <= 1 ? 0 : (productSum - (sumX * sumY) / n) / (n - 1);
}

/**
 * gbstats utils.variance_of_ratios (delta method): Var(M/D) for means μm, μd, variances σ²m, σ²d and
 * covariance c: σ²m/μd² + σ²d·μm²/μd⁴ − 2c·μm/μd³. @internal
 *
 * @example
 * ```ts
 * varianceOfRatios(2, 0.5, 4, 1, 0.2); // 0.034375
 * ```
 */
export function varianceOfRatios(meanM: number, varM: number, meanD: number, varD: number, cov: number): number {
  return varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * cov * meanM) / meanD ** 3;
}

/**
 * gbstats RatioStatistic: mean Σm/Σd, per-unit variance by the delta method with the m–d covariance. @internal
 *
 * @example
 * ```ts
 * ratioStatistic({ type: 'ratio', n: 3, numeratorSum: 65, numeratorSumSquares: 1625,
 *   denominatorSum: 6, denominatorSumSquares: 14, productSum: 150 }); // { n: 3, mean: 10.833, variance: 2.2569 }
 * ```
 */
export function ratioStatistic(s: Extract<SampleStats, { type: 'ratio' }>): Moments {
  const m = meanStatistic(s.n, s.numeratorSum, s.numeratorSumSquares);
  const d = meanStatistic(s.n, s.denominatorSum, s.denominatorSumSquares);
  const mean = s.denominatorSum === 0 ? 0 : s.numeratorSum / s.denominatorSum;
  if (d.mean === 0 || s.n <= 1) return { n: s.n, mean, variance: 0 };
  const cov = computeCovariance(s.n, s.numeratorSum, s.denominatorSum, s.productSum);
  return { n: s.n, mean, variance: varianceOfRatios(m.mean, m.variance, d.mean, d.variance, cov) };
}

/**
 * The post-exposure statistic of a proportion or mean arm. @internal
 *
 * @example
 * ```ts
 * postStatistic({ type: 'mean', n: 4, sum: 10, sumSquares: 30 }); // { n: 4, sum: 10, mean: 2.5, variance: 1.6667 }
 * ```
 */
export function postStatistic(s: Extract<SampleStats, { type: 'proportion' | 'mean' }>): SummedMoments {
  return s.type === 'proportion' ? proportionStatistic(s.n, s.conversions) : meanStatistic(s.n, s.sum, s.sumSquares);
}

/**
 * The covariate (pre-exposure) statistic: a proportion when the metric is one, as in gbstats. @internal
 *
 * @example
 * ```ts
 * preStatistic('proportion', 100, { sum: 20, sumSquares: 20, productSum: 10 }); // { n: 100, sum: 20, mean: 0.2, variance: 0.16 }
 * ```
 */
export function preStatistic(type: 'proportion' | 'mean', n: number, c: CovariateStats): SummedMoments {
  return type === 'proportion' ? proportionStatistic(n, c.sum) : meanStatistic(n, c.sum, c.sumSquares);
}

/**
 * Per-unit mean and variance of any {@link SampleStats} (unadjusted). Handy for report tables.
 *
 * @example
 * ```ts
 * sampleMean({ type: 'proportion', n: 200, conversions: 50 }); // { n: 200, mean: 0.25, variance: 0.1875 }
 * ```
 */
export function sampleMean(s: SampleStats): Moments {
  if (s.type === 'ratio') return ratioStatistic(s);
  const { n, mean, variance } = postStatistic(s);
  return { n, mean, variance };
}

/**
 * One arm under regression adjustment: post and pre statistics and their covariance. @internal
 *
 * @example
 * ```ts
 * const arm: AdjustedArm = adjustedArm({ type: 'mean', n: 4, sum: 10, sumSquares: 30 }, { sum: 8, sumSquares: 20, productSum: 24 });
 * ```
 */
export interface AdjustedArm {
  type: 'proportion' | 'mean';
  post: SummedMoments;
  pre: SummedMoments;
  /** Σy², Σx², Σxy: the pooled θ needs them */
  postSumSquares: number;
  preSumSquares: number;
  productSum: number;
  covariance: number;
}

/**
 * Builds an {@link AdjustedArm} from an arm that carries a covariate. @internal
 *
 * @example
 * ```ts
 * adjustedArm({ type: 'mean', n: 4, sum: 10, sumSquares: 30 }, { sum: 8, sumSquares: 20, productSum: 24 }).covariance; // 1.3333
 * ```
 */
export function adjustedArm(s: Extract<SampleStats, { type: 'proportion' | 'mean' }>, c: CovariateStats): AdjustedArm {
  const post = postStatistic(s);
  const pre = preStatistic(s.type, s.n, c);
  return {
    type: s.type,
    post,
    pre,
    postSumSquares: s.type === 'proportion' ? s.conversions : s.sumSquares,
    preSumSquares: s.type === 'proportion' ? c.sum : c.sumSquares,
    productSum: c.productSum,
    covariance: computeCovariance(s.n, post.sum, pre.sum, c.productSum),
  };
}

/**
 * gbstats compute_theta: θ = cov(y, x)/var(x) on the two arms pooled (joint statistics), 0 when the
 * pooled pre- or post-period variance is 0 (then gbstats falls back to the unadjusted test). @internal
 *
 * @example
 * ```ts
 * const a = adjustedArm({ type: 'mean', n: 4, sum: 10, sumSquares: 30 }, { sum: 8, sumSquares: 20, productSum: 24 });
 * const b = adjustedArm({ type: 'mean', n: 4, sum: 12, sumSquares: 42 }, { sum: 9, sumSquares: 25, productSum: 31 });
 * computeTheta(a, b); // 0.9296
 * ```
 */
export function computeTheta(a: AdjustedArm, b: AdjustedArm): number {
  const n = a.post.n + b.post.n;
  // gbstats create_joint_statistic: the same statistic type over the union of both arms
  const joint = (sum: number, sumSquares: number): SummedMoments =>
    a.type === 'proportion' ? proportionStatistic(n, sum) : meanStatistic(n, sum, sumSquares);
  const post = joint(a.post.sum + b.post.sum, a.postSumSquares + b.postSumSquares);
  const pre = joint(a.pre.sum + b.pre.sum, a.preSumSquares + b.preSumSquares);
  if (pre.variance === 0 || post.variance === 0) return 0;
  return computeCovariance(n, post.sum, pre.sum, a.productSum + b.productSum) / pre.variance;
}

/**
 * gbstats RegressionAdjustedStatistic: mean = ȳ − θx̄, variance = σ²y + θ²σ²x − 2θ·cov(y, x). @internal
 *
 * @example
 * ```ts
 * regressionAdjusted(a, 0.9296); // { n: 4, mean: 0.6408, variance: 0.3399 } (a as in computeTheta's example)
 * ```
 */
export function regressionAdjusted(arm: AdjustedArm, theta: number): Moments {
  const { post, pre, covariance } = arm;
  const variance = post.n <= 1 ? 0 : post.variance + theta * theta * pre.variance - 2 * theta * covariance;
  return { n: post.n, mean: post.mean - theta * pre.mean, variance };
}
