/**
 * Multiple-comparison corrections over the p-values of metrics × variants, as adjusted p-values in the
 * input order (statsmodels `multipletests` methods 'holm' and 'fdr_bh').
 *
 * @module
 */

/** An entry that is not a probability counts as 1: it can never look more significant than it is. */
function clean(pValues: readonly number[]): number[] {
  return pValues.map((p) => (typeof p === 'number' && p >= 0 && p <= 1 ? p : 1));
}

function order(p: number[]): number[] {
  return p.map((_, i) => i).sort((i, j) => p[i]! - p[j]! || i - j);
}

/**
 * Holm–Bonferroni step-down (Holm 1979; statsmodels 'holm'): with p sorted ascending,
 * p̃_(i) = min(1, max_{j ≤ i} (m − j + 1)·p_(j)). Controls the family-wise error rate.
 *
 * @example
 * ```ts
 * holmBonferroni([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function holmBonferroni(pValues: readonly number[]): number[] {
  const p = clean(pValues);
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  order(p).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]!));
    out[index] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up (1995; statsmodels 'fdr_bh'): with p sorted ascending,
 * p̃_(i) = min(1, min_{j ≥ i} m·p_(j)/j). Controls the false discovery rate.
 *
 * @example
 * ```ts
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 * ```
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const p = clean(pValues);
  const m = p.length;
  const out = new Array<number>(m);
  const sorted = order(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = sorted[rank]!;
    running = Math.min(running, (m * p[index]!) / (rank + 1));
    out[index] = running;
  }
  return out;
}

/**
 * Adjusts p-values by name; 'none' returns a copy. Entries that are not probabilities count as 1.
 *
 * @example
 * ```ts
 * adjustPValues([0.01, 0.02], 'holm'); // [0.02, 0.02]
 * ```
 */
export function adjustPValues(pValues: readonly number[], method: 'holm' | 'benjamini-hochberg' | 'none'): number[] {
  if (method === 'holm') return holmBonferroni(pValues);
  if (method === 'benjamini-hochberg') return benjaminiHochberg(pValues);
  return clean(pValues);
}
