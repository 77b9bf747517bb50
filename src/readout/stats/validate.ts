/**
 * Input checks for compareVariants: each returns the first problem as a warning and a sentence, so the
 * caller's loop over metrics and variants gets a result that says why instead of an exception or NaN.
 *
 * @module
 */
import type { ComparisonWarning, CompareOptions } from './compare-variants.js';
import type { SampleStats } from './sample-statistics.js';

/**
 * A problem found in the input. @internal
 *
 * @example
 * ```ts
 * const p: Problem = { warning: 'zero-variance', message: 'an arm has zero variance' };
 * ```
 */
export interface Problem {
  warning: ComparisonWarning;
  message: string;
}

const FIELDS: Record<SampleStats['type'], string[]> = {
  proportion: ['n', 'conversions'],
  mean: ['n', 'sum', 'sumSquares'],
  ratio: ['n', 'numeratorSum', 'numeratorSumSquares', 'denominatorSum', 'denominatorSumSquares', 'productSum'],
};

function checkSample(s: SampleStats, arm: string): Problem | undefined {
  if (s === null || typeof s !== 'object' || !(s.type in FIELDS)) {
    return { warning: 'invalid-input', message: `${arm}: expected { type: 'proportion' | 'mean' | 'ratio', ... }` };
  }
  const record = s as unknown as Record<string, unknown>;
  for (const field of FIELDS[s.type]) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { warning: 'invalid-input', message: `${arm}.${field} must be a finite number, got ${String(value)}` };
    }
  }
  if (s.n < 0) return { warning: 'invalid-input', message: `${arm}.n must be >= 0, got ${s.n}` };
  if (s.type === 'proportion' && (s.conversions < 0 || s.conversions > s.n)) {
    return { warning: 'invalid-input', message: `${arm}.conversions must be within [0, n], got ${s.conversions} of ${s.n}` };
  }
  if (s.type !== 'ratio' && s.covariate !== undefined) {
    const c = s.covariate as unknown as Record<string, unknown>;
    for (const field of ['sum', 'sumSquares', 'productSum']) {
      if (typeof c?.[field] !== 'number' || !Number.isFinite(c[field])) {
        return { warning: 'invalid-input', message: `${arm}.covariate.${field} must be a finite number, got ${String(c?.[field])}` };
      }
    }
  }
  return undefined;
}

/**
 * Checks both arms: valid shapes, the same metric type, units in both, at least 2 units each. @internal
 *
 * @example
 * ```ts
 * validatePair({ type: 'proportion', n: 1, conversions: 0 }, { type: 'proportion', n: 100, conversions: 5 });
 * // { warning: 'not-enough-units', message: 'each arm needs at least 2 units for a variance' }
 * ```
 */
export function validatePair(control: SampleStats, treatment: SampleStats): Problem | undefined {
  const bad = checkSample(control, 'control') ?? checkSample(treatment, 'treatment');
  if (bad) return bad;
  if (control.type !== treatment.type) {
    return { warning: 'mismatched-types', message: `control is a ${control.type} metric but treatment is a ${treatment.type} metric` };
  }
  if (control.n === 0 || treatment.n === 0) {
    return { warning: 'missing-variant', message: `no units in the ${control.n === 0 ? 'control' : 'treatment'} arm` };
  }
  if (control.n < 2 || treatment.n < 2) {
    return { warning: 'not-enough-units', message: 'each arm needs at least 2 units for a variance' };
  }
  return undefined;
}

/**
 * Checks the options; bad tuning is reported like bad data, never thrown into a loop. @internal
 *
 * @example
 * ```ts
 * validateOptions({ alpha: 2 }); // { warning: 'invalid-input', message: 'options.alpha must be within (0, 1), got 2' }
 * ```
 */
export function validateOptions(options: CompareOptions | undefined): Problem | undefined {
  if (options === undefined) return undefined;
  const { alpha, sequential, prior, difference } = options;
  if (difference !== undefined && difference !== 'relative' && difference !== 'absolute') {
    return { warning: 'invalid-input', message: `options.difference must be 'relative' or 'absolute', got ${String(difference)}` };
  }
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) {
    return { warning: 'invalid-input', message: `options.alpha must be within (0, 1), got ${String(alpha)}` };
  }
  if (sequential && !(sequential.tuning > 0 && Number.isFinite(sequential.tuning))) {
    return { warning: 'invalid-input', message: `options.sequential.tuning must be a positive number, got ${String(sequential.tuning)}` };
  }
  if (prior !== undefined && !(Number.isFinite(prior.mean) && prior.stddev > 0 && Number.isFinite(prior.stddev))) {
    return { warning: 'invalid-input', message: 'options.prior needs a finite mean and a positive, finite stddev' };
  }
  return undefined;
}
