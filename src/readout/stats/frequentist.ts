/**
 * Frequentist tests on an effect estimate: gbstats `frequentist/tests.py` TwoSidedTTest (Welch) and
 * SequentialTwoSidedTTest (asymptotic confidence sequence of Waudby-Smith et al., arXiv 2103.06476v7).
 *
 * @module
 */
import { studentTCdf, studentTQuantile } from './distributions.js';

/**
 * A test's interval and p-value for H0: Δ = 0. @internal
 *
 * @example
 * ```ts
 * const t: TestOutcome = twoSidedTTest(0.3, 0.15, 1000, 0.05);
 * ```
 */
export interface TestOutcome {
  ci: [number, number];
  pValue: number;
}

/**
 * gbstats TwoSidedTTest: t = Δ̂/se, p = 2·F_t(−|t|, ν) (the same as 2(1 − F_t(|t|, ν)) without
 * cancellation), CI = Δ̂ ± t_{1−α/2, ν}·se. @internal
 *
 * @example
 * ```ts
 * twoSidedTTest(0.3, 0.15, 1000, 0.05); // { ci: [0.00565, 0.59435], pValue: 0.04577 }
 * ```
 */
export function twoSidedTTest(estimate: number, se: number, df: number, alpha: number): TestOutcome {
  const pValue = 2 * studentTCdf(-Math.abs(estimate / se), df);
  const width = studentTQuantile(1 - alpha / 2, df) * se;
  return { ci: [estimate - width, estimate + width], pValue: Math.min(1, pValue) };
}

/**
 * gbstats SequentialTwoSidedTTest.rho (eq. 161): ρ = sqrt((−2 ln α + ln(−2 ln α + 1))/N*). @internal
 *
 * @example
 * ```ts
 * sequentialRho(0.05, 5000); // 0.03984
 * ```
 */
export function sequentialRho(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * gbstats SequentialTwoSidedTTest. With N = n_A + n_B and s² = se²·N:
 * half-width (eq. 9) = s·sqrt(2(Nρ² + 1)·ln(sqrt(Nρ² + 1)/α)/(N²ρ²));
 * p (eq. 155) = min(1, 1/E), E = exp(ρ²·S/(2(Nρ² + 1)))/sqrt(Nρ² + 1), S = Δ̂²·N/se².
 * E is formed in log space so a huge statistic gives p = 0, not Infinity/NaN. @internal
 *
 * @example
 * ```ts
 * sequentialTwoSidedTest(0.3, 0.15, 2000, 0.05, 5000); // { ci: [-0.16857, 0.76857], pValue: 0.44646 }
 * ```
 */
export function sequentialTwoSidedTest(estimate: number, se: number, totalN: number, alpha: number, tuning: number): TestOutcome {
  const rho = sequentialRho(alpha, tuning);
  const N = totalN;
  const tr2p1 = N * rho * rho + 1;
  const s = se * Math.sqrt(N);
  const width = s * Math.sqrt((2 * tr2p1 * Math.log(Math.sqrt(tr2p1) / alpha)) / (N * rho) ** 2);
  const st2 = (estimate * estimate * N) / (se * se);
  const logE = (rho * rho * st2) / (2 * tr2p1) - 0.5 * Math.log(tr2p1);
  return { ci: [estimate - width, estimate + width], pValue: Math.min(1, Math.exp(-logE)) };
}
