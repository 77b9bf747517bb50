/**
 * The readout's statistics core: pure functions from per-variant sufficient statistics to lift,
 * confidence interval, p-value and chance to win, plus SRM and multiple-comparison corrections. The
 * formulas follow GrowthBook's gbstats; docs/readout-statistics.md lists each with its source.
 *
 * @module
 */
export { compareVariants, DEFAULT_ALPHA, DEFAULT_SEQUENTIAL_TUNING } from './compare-variants.js';
export type { CompareOptions, ComparisonResult, ComparisonWarning } from './compare-variants.js';
export { sampleMean } from './sample-statistics.js';
export type { CovariateStats, Moments, SampleStats } from './sample-statistics.js';
export { sampleRatioMismatch, SRM_MIN_UNITS, SRM_P_THRESHOLD } from './srm.js';
export type { SrmResult } from './srm.js';
export { adjustPValues, benjaminiHochberg, holmBonferroni } from './multiple-comparisons.js';
export { chiSquareSurvival, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';
