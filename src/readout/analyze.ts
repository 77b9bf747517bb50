/**
 * From the engines' per-variant sufficient statistics to a readout: one comparison per metric
 * and treatment variant against the control, health checks (sample ratio mismatch, units served
 * several variants, skipped lines), multiple-comparison adjustment, and the cumulative lift over
 * first-exposure time.
 *
 * @module
 */
import { ReadoutError } from './errors.js';
import { benjaminiHochberg, type ComparisonResult, compareVariants, holmBonferroni, sampleMean, type SampleStats, sampleRatioMismatch, type SrmResult } from './stats/index.js';
import { type MetricSpec, type MetricSums, PSEUDO_VARIANT, type ReadoutSpec, type VariantRow } from './types.js';

/**
 * How the readout compares the variants.
 *
 * @example
 * ```ts
 * const options: AnalysisOptions = { control: 'blue', alpha: 0.05, sequential: { tuning: 5000 }, correction: 'holm' };
 * ```
 */
export interface AnalysisOptions {
  /** The baseline; default: the first variant in alphabetical order. */
  control?: string;
  alpha?: number;
  /** Always-valid confidence sequence with tuning N* (GrowthBook's default is 5000). */
  sequential?: false | { tuning: number };
  difference?: 'relative' | 'absolute';
  /** Adjust p-values over every metric x treatment: Holm-Bonferroni or Benjamini-Hochberg. */
  correction?: 'none' | 'holm' | 'bh';
  /** Expected traffic split, one weight per variant in alphabetical order (default equal). */
  weights?: number[];
}

/**
 * One variant's figures for one metric.
 *
 * @example
 * ```ts
 * const green = readout.metrics[0].variants.find((v: VariantResult) => v.variant === 'green');
 * ```
 */
export interface VariantResult {
  variant: string;
  units: number;
  /** Per-unit mean (conversion rate, value per unit, events per unit, or value per event for ratios). */
  mean: number;
  stats: SampleStats;
  /** Against the control; absent for the control itself. */
  comparison?: ComparisonResult & { pValue: number; adjustedPValue?: number };
}

/**
 * One point of the cumulative view.
 *
 * @example
 * ```ts
 * for (const point of readout.metrics[0].timeline) console.log(new Date(point.at), point.variants[0].estimate);
 * ```
 */
export interface TimelinePoint {
  /** End of the first-exposure bucket (ms since epoch). */
  at: number;
  variants: { variant: string; units: number; estimate: number; ci: [number, number]; ok: boolean }[];
}

/**
 * One metric's readout.
 *
 * @example
 * ```ts
 * const conversion: MetricResult | undefined = readout.metrics.find((m) => m.kind === 'conversion');
 * ```
 */
export interface MetricResult {
  event: string;
  kind: MetricSpec['kind'];
  label: string;
  variants: VariantResult[];
  timeline: TimelinePoint[];
}

/**
 * Data health, as GrowthBook reports it.
 *
 * @example
 * ```ts
 * if (readout.health.srm.status === 'mismatch') console.warn(readout.health.warnings.join('\n'));
 * ```
 */
export interface ReadoutHealth {
  units: number;
  multipleExposureUnits: number;
  /** Share of units served more than one variant (excluded); unhealthy at >= 1%. */
  multipleExposureShare: number;
  /** Evaluations of the flag without `feature_flag.context.id`. */
  skippedExposureRecords: number;
  /** Lines of the exposure files that could not be read. */
  unreadableExposureLines: number;
  skippedOutcomeLines: number;
  srm: SrmResult;
  warnings: string[];
}

/**
 * The whole readout, as printed by the CLI and written by `--json`.
 *
 * @example
 * ```ts
 * const readout = analyze(rows, spec, { control: 'blue' });
 * console.log(readout.metrics[0].variants[1].comparison?.pValue);
 * ```
 */
export interface Readout {
  flag: string;
  control: string;
  variants: { variant: string; units: number; exposures: number }[];
  metrics: MetricResult[];
  health: ReadoutHealth;
  options: { alpha: number; sequential: false | { tuning: number }; difference: 'relative' | 'absolute'; correction: 'none' | 'holm' | 'bh'; cuped: boolean };
}

const isPseudo = (variant: string) => (Object.values(PSEUDO_VARIANT) as string[]).includes(variant);

function zeroSums(withPre: boolean): MetricSums {
  const sums: MetricSums = { converted: 0, valueSum: 0, valueSumSquares: 0, countSum: 0, countSumSquares: 0, valueCountProduct: 0 };
  if (withPre) sums.pre = { converted: 0, valueSum: 0, valueSumSquares: 0, countSum: 0, countSumSquares: 0, convertedProduct: 0, valueProduct: 0, countProduct: 0 };
  return sums;
}

function addRow(into: { units: number; exposures: number; metrics: MetricSums[] }, row: VariantRow): void {
  into.units += row.units;
  into.exposures += row.exposures;
  row.metrics.forEach((m, i) => {
    const t = into.metrics[i]!;
    t.converted += m.converted;
    t.valueSum += m.valueSum;
    t.valueSumSquares += m.valueSumSquares;
    t.countSum += m.countSum;
    t.countSumSquares += m.countSumSquares;
    t.valueCountProduct += m.valueCountProduct;
    if (m.pre && t.pre) for (const k of Object.keys(m.pre) as (keyof NonNullable<MetricSums['pre']>)[]) t.pre[k] += m.pre[k];
  });
}

/**
 * The sufficient statistics of one metric for one variant, in the stats core's shape.
 *
 * @example
 * ```ts
 * const stats = sampleStats({ event: 'buy', kind: 'conversion' }, 300, sums); // { type: 'proportion', n: 300, conversions: 90 }
 * ```
 */
export function sampleStats(metric: MetricSpec, units: number, m: MetricSums): SampleStats {
  switch (metric.kind) {
    case 'conversion':
      return { type: 'proportion', n: units, conversions: m.converted, ...(m.pre ? { covariate: { sum: m.pre.converted, sumSquares: m.pre.converted, productSum: m.pre.convertedProduct } } : {}) };
    case 'mean':
      return { type: 'mean', n: units, sum: m.valueSum, sumSquares: m.valueSumSquares, ...(m.pre ? { covariate: { sum: m.pre.valueSum, sumSquares: m.pre.valueSumSquares, productSum: m.pre.valueProduct } } : {}) };
    case 'count':
      return { type: 'mean', n: units, sum: m.countSum, sumSquares: m.countSumSquares, ...(m.pre ? { covariate: { sum: m.pre.countSum, sumSquares: m.pre.countSumSquares, productSum: m.pre.countProduct } } : {}) };
    case 'ratio':
      return { type: 'ratio', n: units, numeratorSum: m.valueSum, numeratorSumSquares: m.valueSumSquares, denominatorSum: m.countSum, denominatorSumSquares: m.countSumSquares, productSum: m.valueCountProduct };
  }
}

const LABELS: Record<MetricSpec['kind'], string> = { conversion: 'conversion rate', mean: 'value per unit', count: 'events per unit', ratio: 'value per event' };

/**
 * Turns engine rows into a {@link Readout}. Throws a {@link ReadoutError} when there is nothing to
 * compare (no exposures, one variant, an event that never occurs).
 *
 * @example
 * ```ts
 * const readout = analyze((await readFiles('./out', spec)).rows, spec, { alpha: 0.05 });
 * ```
 */
export function analyze(rows: VariantRow[], spec: ReadoutSpec, options: AnalysisOptions = {}): Readout {
  const alpha = options.alpha ?? 0.05;
  const sequential = options.sequential ?? false;
  const difference = options.difference ?? 'relative';
  const correction = options.correction ?? 'none';
  const withPre = spec.cupedLookbackSeconds !== undefined;
  const pseudo = (name: string) => rows.filter((r) => r.variant === name);
  const sumUnits = (rs: VariantRow[]) => rs.reduce((n, r) => n + r.units, 0);

  const real = rows.filter((r) => !isPseudo(r.variant));
  const totals = new Map<string, { units: number; exposures: number; metrics: MetricSums[] }>();
  for (const row of real) {
    const t = totals.get(row.variant) ?? { units: 0, exposures: 0, metrics: spec.metrics.map(() => zeroSums(withPre)) };
    addRow(t, row);
    totals.set(row.variant, t);
  }
  const names = [...totals.keys()].sort();
  const skippedExposures = pseudo(PSEUDO_VARIANT.skipped).reduce((n, r) => n + r.exposures, 0);
  const unreadable = pseudo(PSEUDO_VARIANT.unreadable).reduce((n, r) => n + r.exposures, 0);
  if (names.length === 0) {
    const filtered = Boolean(spec.reasons?.length || spec.variants?.length);
    const note = unreadable ? ` (${unreadable} unreadable lines skipped)` : '';
    if (skippedExposures === 0 && !filtered) throw new ReadoutError('flag-not-found', `no evaluations of flag '${spec.flag}'${note}`);
    throw new ReadoutError('no-exposures', `no exposures of flag '${spec.flag}'${filtered ? ' that pass the reason/variant filter' : ''}${skippedExposures ? ` (${skippedExposures} evaluations without feature_flag.context.id)` : ''}${note}`);
  }
  if (names.length === 1) throw new ReadoutError('one-variant', `flag '${spec.flag}' served only one variant ('${names[0]}'): nothing to compare`);
  const control = options.control ?? names[0]!;
  if (!totals.has(control)) throw new ReadoutError('usage', `control variant '${control}' not served; variants: ${names.join(', ')}`);
  const outcomeRow = pseudo(PSEUDO_VARIANT.outcomes)[0];
  spec.metrics.forEach((m, i) => {
    if ((outcomeRow?.metrics[i]?.countSum ?? 0) === 0) throw new ReadoutError('event-not-found', `no tracking events named '${m.event}'`);
  });

  const units = names.reduce((n, v) => n + totals.get(v)!.units, 0);
  const multiple = sumUnits(pseudo(PSEUDO_VARIANT.multiple));
  const share = multiple / Math.max(1, units + multiple);
  const srm = sampleRatioMismatch(names.map((v) => totals.get(v)!.units), options.weights);
  const warnings: string[] = [];
  if (srm.status === 'mismatch') warnings.push(`sample ratio mismatch: p = ${srm.pValue.toExponential(2)} < 0.001; the split is not what was expected, do not trust the results`);
  if (units + multiple >= 10 && share >= 0.01) warnings.push(`${(100 * share).toFixed(1)}% of units were served more than one variant (excluded); unhealthy at >= 1%`);
  const skippedOutcomes = sumUnits(pseudo(PSEUDO_VARIANT.skippedOutcomes));
  if (skippedExposures > 0) warnings.push(`${skippedExposures} evaluations skipped: no feature_flag.context.id`);
  if (unreadable > 0) warnings.push(`${unreadable} unreadable exposure lines skipped`);
  if (skippedOutcomes > 0) warnings.push(`${skippedOutcomes} outcome lines skipped (unreadable, or no feature_flag.context.id)`);

  const compare = { alpha, sequential, difference, cuped: withPre } as const;
  const cumulative = cumulativeStats(real, spec, names);
  const hasValues = (i: number) => names.some((v) => totals.get(v)!.metrics[i]!.valueSumSquares > 0);
  const metrics: MetricResult[] = spec.metrics.flatMap((metric, i) => (metric.optional && !hasValues(i) ? [] : [i])).map((i) => {
    const metric = spec.metrics[i]!;
    const statsOf = (v: string) => sampleStats(metric, totals.get(v)!.units, totals.get(v)!.metrics[i]!);
    const controlStats = statsOf(control);
    const variants: VariantResult[] = names.map((v) => {
      const stats = statsOf(v);
      const result: VariantResult = { variant: v, units: totals.get(v)!.units, mean: sampleMean(stats).mean, stats };
      if (v !== control) result.comparison = compareVariants(controlStats, stats, compare);
      return result;
    });
    return { event: metric.event, kind: metric.kind, label: LABELS[metric.kind], variants, timeline: timeline(cumulative, i, names, control, compare) };
  });

  if (correction !== 'none') {
    const comparisons = metrics.flatMap((m) => m.variants.flatMap((v) => (v.comparison ? [v.comparison] : [])));
    const adjusted = (correction === 'holm' ? holmBonferroni : benjaminiHochberg)(comparisons.map((c) => c.pValue));
    comparisons.forEach((c, k) => (c.adjustedPValue = adjusted[k]!));
  }

  return {
    flag: spec.flag,
    control,
    variants: names.map((v) => ({ variant: v, units: totals.get(v)!.units, exposures: totals.get(v)!.exposures })),
    metrics,
    health: { units, multipleExposureUnits: multiple, multipleExposureShare: share, skippedExposureRecords: skippedExposures, unreadableExposureLines: unreadable, skippedOutcomeLines: skippedOutcomes, srm, warnings },
    options: { alpha, sequential, difference, correction, cuped: withPre },
  };
}

/**
 * Per first-exposure bucket, in order: its end and every variant's per-metric statistics over the
 * units first exposed up to then. Accumulated once for all metrics.
 */
function cumulativeStats(real: VariantRow[], spec: ReadoutSpec, names: string[]): { at: number; stats: Map<string, SampleStats[]> }[] {
  const first = real[0];
  if (!first || first.firstExposureMin === undefined || first.firstExposureMax === undefined) return [];
  const buckets = [...new Set(real.map((r) => r.bucket))].sort((a, b) => a - b);
  const width = (first.firstExposureMax - first.firstExposureMin + 1) / (spec.buckets ?? 24);
  const running = new Map(names.map((v) => [v, { units: 0, exposures: 0, metrics: spec.metrics.map(() => zeroSums(spec.cupedLookbackSeconds !== undefined)) }]));
  return buckets.map((bucket) => {
    for (const row of real.filter((r) => r.bucket === bucket)) addRow(running.get(row.variant)!, row);
    return {
      at: Math.round((first.firstExposureMin! + (bucket + 1) * width) / 1e6),
      stats: new Map(names.map((v) => [v, spec.metrics.map((metric, i) => sampleStats(metric, running.get(v)!.units, running.get(v)!.metrics[i]!))])),
    };
  });
}

/** Cumulative comparison of metric i by first-exposure bucket. */
function timeline(cumulative: ReturnType<typeof cumulativeStats>, i: number, names: string[], control: string, compare: Parameters<typeof compareVariants>[2]): TimelinePoint[] {
  return cumulative.map(({ at, stats }) => {
    const controlStats = stats.get(control)![i]!;
    return {
      at,
      variants: names
        .filter((v) => v !== control)
        .map((v) => {
          const variantStats = stats.get(v)![i]!;
          const c = compareVariants(controlStats, variantStats, compare);
          return { variant: v, units: variantStats.n, estimate: c.estimate, ci: c.ci, ok: c.ok };
        }),
    };
  });
}
