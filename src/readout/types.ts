/**
 * The readout's inputs and outputs, shared by the SQL builders, the engines, the analysis and the
 * reports. Engines return only {@link VariantRow}s (per-variant sufficient statistics, per time
 * bucket), so nothing that reaches JavaScript grows with the number of records.
 *
 * @module
 */

/**
 * How a unit's outcomes of one tracking event become one number.
 *
 * @example
 * ```ts
 * const kind: MetricKind = 'ratio'; // revenue per order
 * ```
 */
export type MetricKind = 'conversion' | 'mean' | 'count' | 'ratio';

/**
 * One metric: a tracking event name (`openfeature.tracking.name`) and how to aggregate it per unit.
 *
 * @example
 * ```ts
 * const revenue: MetricSpec = { event: 'checkout-completed', kind: 'mean', capPercentile: 0.99 };
 * ```
 */
export interface MetricSpec {
  /** `openfeature.tracking.name` of the outcome records. */
  event: string;
  /**
   * `conversion`: the unit tracked the event at least once (0/1). `mean`: sum of
   * `openfeature.tracking.value` per unit (e.g. revenue per exposed unit). `count`: events per unit.
   * `ratio`: sum of value / number of events (e.g. revenue per order), delta method.
   */
  kind: MetricKind;
  /** Caps the per-unit value at this percentile (0 < p < 1) of all exposed units' values. */
  capPercentile?: number;
  /** Left out of the readout when no unit has a value (a plain event name asks for value "where values exist"). */
  optional?: boolean;
}

/**
 * Which records make up the experiment, and when an outcome counts.
 *
 * @example
 * ```ts
 * const spec: ReadoutSpec = {
 *   flag: 'checkout-button',
 *   metrics: [{ event: 'checkout-completed', kind: 'conversion' }],
 *   delaySeconds: 0,
 *   windowSeconds: 7 * 86_400,
 * };
 * ```
 */
export interface ReadoutSpec {
  /** `feature_flag.key` of the experiment's flag. */
  flag: string;
  metrics: MetricSpec[];
  /** Outcomes count from first exposure + delay (default 0). */
  delaySeconds?: number;
  /** ...up to first exposure + delay + window (default: no end). */
  windowSeconds?: number;
  /** Only evaluations with one of these `feature_flag.result.reason` values are exposures (OTLP and ClickHouse sources). */
  reasons?: string[];
  /** Only evaluations served one of these variants are exposures (e.g. leave out a holdout or a fallback). */
  variants?: string[];
  /** CUPED: also aggregate each metric over this many seconds before first exposure (the covariate). */
  cupedLookbackSeconds?: number;
  /** Number of time buckets (by first exposure) for the cumulative view; default 24. */
  buckets?: number;
}

/**
 * The unit a file source gives a line it could not read (so such lines are counted apart).
 *
 * @example
 * ```ts
 * // a file source maps an unreadable line to unit UNREADABLE_UNIT, counted as PSEUDO_VARIANT.unreadable
 * ```
 */
export const UNREADABLE_UNIT = '__offt_unreadable_line__';

/**
 * Variant names the engines use for rows that are not a variant.
 *
 * @example
 * ```ts
 * const multiple = rows.find((r) => r.variant === PSEUDO_VARIANT.multiple)?.units ?? 0;
 * ```
 */
export const PSEUDO_VARIANT = {
  /** Units served more than one variant (excluded from the statistics). */
  multiple: '__multiple__',
  /** Exposure records of the flag without a unit (no `feature_flag.context.id`). */
  skipped: '__skipped__',
  /** Lines of the exposure files that could not be read. */
  unreadable: '__unreadable__',
  /** All outcome records of each metric's event, before any join (to tell "event not found"). */
  outcomes: '__outcomes__',
  /** Outcome lines that could not be read (file sources). */
  skippedOutcomes: '__skipped_outcomes__',
} as const;

/**
 * Per-metric sums over the units of one variant and bucket (y = post-exposure, x = CUPED pre-period).
 *
 * @example
 * ```ts
 * const rate = (sums: MetricSums, units: number) => sums.converted / units;
 * ```
 */
export interface MetricSums {
  /** Units with at least one counted event. */
  converted: number;
  /** Σ value, Σ value² over units (after capping). */
  valueSum: number;
  valueSumSquares: number;
  /** Σ count, Σ count² over units (after capping). */
  countSum: number;
  countSumSquares: number;
  /** Σ value·count over units (ratio metrics). */
  valueCountProduct: number;
  /** CUPED covariate sums (present when a lookback was asked for). */
  pre?: { converted: number; valueSum: number; valueSumSquares: number; countSum: number; countSumSquares: number; convertedProduct: number; valueProduct: number; countProduct: number };
}

/**
 * What an engine returns: one row per variant (or pseudo-variant) and time bucket.
 *
 * @example
 * ```ts
 * const row: VariantRow = { variant: 'green', bucket: 0, units: 300, exposures: 600, metrics: [] };
 * ```
 */
export interface VariantRow {
  variant: string;
  /** Index of the first-exposure time bucket (0-based), -1 for pseudo-variant rows. */
  bucket: number;
  units: number;
  /** Exposure records (evaluations) of these units. */
  exposures: number;
  metrics: MetricSums[];
  /** First and last first-exposure time in the data, Unix nanoseconds (as numbers, ms precision is enough). */
  firstExposureMin?: number;
  firstExposureMax?: number;
}
