/**
 * Statistics of the bench: medians, quantiles, bootstrap intervals of paired per-cycle values,
 * ratios of medians. Pure functions over arrays of numbers.
 */
import { seededRandom } from '../../scripts/seeded-random.mjs';

export const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/** Median of the finite values, NaN when there are none. */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Linear-interpolated quantile (type 7) of the finite values. */
export function quantile(values, q) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

const BOOTSTRAP_SAMPLES = 1000;

/** Median of paired per-cycle values with a bootstrap 95% interval (cycles resampled). */
export function pairedStat(values) {
  const random = seededRandom(42);
  const boot = [];
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) boot.push(median(values.map(() => values[Math.floor(random() * values.length)])));
  return { median: round(median(values), 3), ci95: [round(quantile(boot, 0.025), 3), round(quantile(boot, 0.975), 3)], samples: values.length };
}

/** Ratio of medians with a bootstrap 95% interval (cycles resampled in pairs). */
export function ratioStat(num, den) {
  const random = seededRandom(7);
  const boot = [];
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    const idx = num.map(() => Math.floor(random() * num.length));
    boot.push(median(idx.map((i) => num[i])) / median(idx.map((i) => den[i])));
  }
  return { ratio: round(median(num) / median(den), 3), ci95: [round(quantile(boot, 0.025), 3), round(quantile(boot, 0.975), 3)] };
}

/** CPU µs per operation of one configuration, one value per measured round. */
export function cpuSeries(pooled, id) {
  return pooled[id].map((r) => r.cpuUsPerOp);
}

/** Per-round difference of two configurations measured in the same cycles. */
export function diffSeries(pooled, a, b) {
  const x = cpuSeries(pooled, a);
  const y = cpuSeries(pooled, b);
  return x.map((v, i) => v - y[i]);
}
