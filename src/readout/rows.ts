/**
 * Decoding the engines' result rows (column name → value, from any engine) into
 * {@link VariantRow}s. Numbers may arrive as number, bigint or numeric string.
 *
 * @module
 */
import { resultColumns } from './sql-core.js';
import type { MetricSums, ReadoutSpec, VariantRow } from './types.js';

const toNumber = (value: unknown): number => {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') return Number(value);
  return 0;
};

/**
 * One engine row (an object keyed by {@link resultColumns}) as a {@link VariantRow}.
 *
 * @example
 * ```ts
 * const rows = objects.map((o) => decodeRow(o, spec));
 * ```
 */
export function decodeRow(row: Record<string, unknown>, spec: ReadoutSpec): VariantRow {
  const n = (column: string) => toNumber(row[column]);
  const metrics: MetricSums[] = spec.metrics.map((_, i) => {
    const sums: MetricSums = {
      converted: n(`m${i}_conv`),
      valueSum: n(`m${i}_vsum`),
      valueSumSquares: n(`m${i}_vss`),
      countSum: n(`m${i}_csum`),
      countSumSquares: n(`m${i}_css`),
      valueCountProduct: n(`m${i}_vc`),
    };
    if (spec.cupedLookbackSeconds !== undefined) {
      sums.pre = {
        converted: n(`m${i}_pconv`),
        valueSum: n(`m${i}_pvsum`),
        valueSumSquares: n(`m${i}_pvss`),
        countSum: n(`m${i}_pcsum`),
        countSumSquares: n(`m${i}_pcss`),
        convertedProduct: n(`m${i}_pconvp`),
        valueProduct: n(`m${i}_pvp`),
        countProduct: n(`m${i}_pcp`),
      };
    }
    return sums;
  });
  const result: VariantRow = { variant: typeof row['variant'] === 'string' ? row['variant'] : '', bucket: n('bucket'), units: n('units'), exposures: n('exposures'), metrics };
  if (row['first_min'] !== null && row['first_min'] !== undefined) result.firstExposureMin = n('first_min');
  if (row['first_max'] !== null && row['first_max'] !== undefined) result.firstExposureMax = n('first_max');
  return result;
}

/**
 * Sorted, so that rows from two engines compare equal.
 *
 * @example
 * ```ts
 * expect(sortRows(chdbRows)).toEqual(sortRows(duckdbRows));
 * ```
 */
export function sortRows(rows: VariantRow[]): VariantRow[] {
  return [...rows].sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : a.bucket - b.bucket));
}

export { resultColumns };
