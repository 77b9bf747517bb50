/**
 * Normal–normal Bayesian model on the effect: gbstats `bayesian/tests.py` EffectBayesianABTest.
 *
 * @module
 */
import { normalCdf, normalQuantile } from './distributions.js';

/**
 * Posterior of the effect and what is read off it. @internal
 *
 * @example
 * ```ts
 * const p: Posterior = effectPosterior(0.3, 0.15, null, 0.05);
 * ```
 */
export interface Posterior {
  mean: number;
  stddev: number;
  chanceToWin: number;
  credibleInterval: [number, number];
}

/**
 * EffectBayesianABTest.compute_result. Data: Δ̂ with variance se². Prior N(m, s²) on the same scale
 * (`null` = improper flat prior, GrowthBook's default). Posterior precision 1/se² + 1/s², mean
 * (Δ̂/se² + m/s²)/precision. chanceToWin = P(Δ > 0) = norm.sf(0, μ, σ) = Φ(μ/σ);
 * credible interval = normal quantiles α/2 and 1 − α/2. @internal
 *
 * @example
 * ```ts
 * effectPosterior(0.3, 0.15, null, 0.05).chanceToWin;                        // 0.97725 (flat prior)
 * effectPosterior(0.3, 0.15, { mean: 0, variance: 0.01 }, 0.05).chanceToWin; // 0.86637 (shrunk)
 * ```
 */
export function effectPosterior(estimate: number, se: number, prior: { mean: number; variance: number } | null, alpha: number): Posterior {
  const dataVariance = se * se;
  let mean = estimate;
  let variance = dataVariance;
  if (prior !== null) {
    const precision = 1 / dataVariance + 1 / prior.variance;
    mean = (estimate / dataVariance + prior.mean / prior.variance) / precision;
    variance = 1 / precision;
  }
  const stddev = Math.sqrt(variance);
  const z = normalQuantile(1 - alpha / 2);
  return { mean, stddev, chanceToWin: normalCdf(mean / stddev), credibleInterval: [mean - z * stddev, mean + z * stddev] };
}

/**
 * gbstats EffectBayesianABTest rescales a prior on the relative lift to an absolute effect:
 * mean·|ȳ_A|, variance·ȳ_A². A flat prior stays flat. @internal
 *
 * @example
 * ```ts
 * priorOnScale({ mean: 0.1, stddev: 0.3 }, false, 20); // { mean: 2, variance: 36 }
 * ```
 */
export function priorOnScale(prior: { mean: number; stddev: number } | undefined, relative: boolean, controlMean: number): { mean: number; variance: number } | null {
  if (prior === undefined) return null;
  const variance = prior.stddev * prior.stddev;
  if (relative) return { mean: prior.mean, variance };
  return { mean: prior.mean * Math.abs(controlMean), variance: variance * controlMean * controlMean };
}
