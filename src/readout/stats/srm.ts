/**
 * Sample ratio mismatch: Pearson's chi-square goodness of fit of the units per variant against the
 * planned split (gbstats `utils.check_srm`; GrowthBook and Eppo flag p < 0.001).
 *
 * @module
 */
import { chiSquareSurvival } from './distributions.js';

/**
 * p-value below which the split is flagged as a mismatch (GrowthBook, Eppo, Statsig "red").
 *
 * @example
 * ```ts
 * sampleRatioMismatch([1_000, 1_200]).pValue < SRM_P_THRESHOLD; // true
 * ```
 */
export const SRM_P_THRESHOLD = 0.001;
/**
 * Fewer units than this in a variant: the check reports "not enough data".
 *
 * @example
 * ```ts
 * sampleRatioMismatch([SRM_MIN_UNITS - 1, 500]).status; // 'not-enough-data'
 * ```
 */
export const SRM_MIN_UNITS = 8;

/**
 * Result of {@link sampleRatioMismatch}. `pValue` is computed whenever two or more variants have a
 * positive weight, but only `status` says whether it is meaningful.
 *
 * @example
 * ```ts
 * const r: SrmResult = sampleRatioMismatch([5_000, 5_300]);
 * if (r.status === 'mismatch') console.warn(`SRM: p = ${r.pValue}`);
 * ```
 */
export interface SrmResult {
  pValue: number;
  chiSquare: number;
  df: number;
  /** Expected units per variant under the planned split (0 for a zero-weight variant). */
  expected: number[];
  status: 'ok' | 'mismatch' | 'not-enough-data' | 'invalid-input';
  message?: string;
}

function invalid(counts: unknown[], message: string): SrmResult {
  return { pValue: 1, chiSquare: 0, df: 0, expected: counts.map(() => 0), status: 'invalid-input', message };
}

/**
 * Chi-square goodness-of-fit test of observed units per variant against `weights` (default: an equal
 * split). X² = Σ (O − E)²/E over variants with a positive weight, df = their number − 1,
 * p = P(χ²_df > X²). Status: 'not-enough-data' with fewer than 2 weighted variants or fewer than
 * {@link SRM_MIN_UNITS} units in one; 'mismatch' when p < {@link SRM_P_THRESHOLD}. Never throws.
 *
 * @example
 * ```ts
 * sampleRatioMismatch([1_000, 1_000]).status;             // 'ok'
 * sampleRatioMismatch([1_000, 1_200]).status;             // 'mismatch' (p ≈ 2.0e-5)
 * sampleRatioMismatch([900, 100], [0.9, 0.1]).pValue;     // 1
 * ```
 */
export function sampleRatioMismatch(counts: number[], weights?: number[]): SrmResult {
  if (!Array.isArray(counts)) return invalid([], 'counts must be an array of units per variant');
  if (!counts.every((c) => typeof c === 'number' && Number.isFinite(c) && c >= 0)) {
    return invalid(counts, 'counts must be finite numbers >= 0');
  }
  const w = weights ?? counts.map(() => 1);
  if (!Array.isArray(w) || w.length !== counts.length) {
    return invalid(counts, `weights must have one entry per variant (${counts.length}), got ${Array.isArray(w) ? w.length : String(w)}`);
  }
  if (!w.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) return invalid(counts, 'weights must be finite numbers >= 0');
  const totalWeight = w.reduce((s, x) => s + x, 0);
  const totalObserved = counts.reduce((s, x, i) => s + (w[i]! > 0 ? x : 0), 0);
  if (!Number.isFinite(totalWeight) || !Number.isFinite(totalObserved)) return invalid(counts, 'counts or weights too large to add up');
  const active = w.filter((x) => x > 0).length;
  const expected = w.map((x) => (totalWeight > 0 ? (x / totalWeight) * totalObserved : 0));
  let chiSquare = 0;
  counts.forEach((o, i) => {
    const e = expected[i]!;
    if (w[i]! > 0 && e > 0) chiSquare += (o - e) ** 2 / e;
  });
  const df = Math.max(0, active - 1);
  if (active < 2 || totalObserved === 0) {
    return { pValue: 1, chiSquare, df, expected, status: 'not-enough-data', message: 'the check needs at least 2 variants with units' };
  }
  const pValue = chiSquareSurvival(chiSquare, df);
  if (counts.some((c, i) => w[i]! > 0 && c < SRM_MIN_UNITS)) {
    return { pValue, chiSquare, df, expected, status: 'not-enough-data', message: `a variant has fewer than ${SRM_MIN_UNITS} units` };
  }
  return pValue < SRM_P_THRESHOLD
    ? { pValue, chiSquare, df, expected, status: 'mismatch', message: `units per variant differ from the planned split (p = ${pValue.toPrecision(3)})` }
    : { pValue, chiSquare, df, expected, status: 'ok' };
}
