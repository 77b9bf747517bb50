/**
 * Distribution functions the readout needs: normal, Student t and chi-square. Small, dependency-free
 * implementations of textbook algorithms, each checked against scipy 1.17 (scripts/readout-oracle.py)
 * to 1e-10 in test/unit/readout-stats-distributions.test.ts.
 *
 * Why not a library: the five per-function `@stdlib/stats-base-dists-*` packages that cover this pull
 * in 239 packages (28 MB) for about 150 lines of arithmetic; jstat is unmaintained and untyped;
 * simple-statistics has no t or chi-square CDF.
 *
 * @module
 */

// The beta continued fraction needs O(√max(a, b)) terms: ~22,000 for ν = 1e9.
const MAX_ITERATIONS = 1_000_000;
const EPSILON = 1e-16;
const TINY = 1e-300;

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1 / Godfrey's coefficients).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 (Lanczos). @internal
 *
 * @example
 * ```ts
 * logGamma(5); // 3.1780538303479458 = ln 4!
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): the series for P when x < a + 1,
 * otherwise the continued fraction by modified Lentz (Numerical Recipes §6.2, gser/gcf). @internal
 *
 * @example
 * ```ts
 * gammaQ(1, 2); // 0.1353352832366127 = e^-2
 * ```
 */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefix) * h;
}

/** Continued fraction for the incomplete beta (Numerical Recipes §6.4, betacf, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/**
 * ln B(a, b). For a large a and b = 1/2 (Student t with many degrees of freedom) the three
 * lnΓ terms cancel to ~1e-9; there ln Γ(a + 1/2) − ln Γ(a) comes from the difference of Stirling
 * series (Abramowitz–Stegun 6.1.40), a·log1p(1/(2a)) + ln(a)/2 − 1/2 + Σ B₂ₖ/(2k(2k−1))·((a + ½)^(1−2k) − a^(1−2k)).
 */
function logBeta(a: number, b: number): number {
  if (b === 0.5 && a > 100) {
    const c = a + 0.5;
    const series = (1 / c - 1 / a) / 12 - (1 / c ** 3 - 1 / a ** 3) / 360 + (1 / c ** 5 - 1 / a ** 5) / 1260;
    const diff = a * Math.log1p(0.5 / a) + 0.5 * Math.log(a) - 0.5 + series;
    return logGamma(0.5) - diff;
  }
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * Regularised incomplete beta I_x(a, b) (Numerical Recipes §6.4, betai). `y` = 1 − x, passed in
 * when the caller knows it more precisely than 1 − x. @internal
 *
 * @example
 * ```ts
 * betaIncomplete(0.5, 2, 3); // 0.6875
 * ```
 */
export function betaIncomplete(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logFront = (x > 0.5 ? a * Math.log1p(-y) : a * Math.log(x)) + b * Math.log(y) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
}

/**
 * Standard normal CDF Φ(z), through erfc(x) = Q(1/2, x²), so both tails keep relative precision.
 *
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const half = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z < 0 ? half : 1 - half;
}

/**
 * Standard normal quantile Φ⁻¹(p): Abramowitz–Stegun 26.2.23 start, then Halley steps on
 * {@link normalCdf} to full double precision.
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 4; i++) {
    const u = ((normalCdf(x) - p) * Math.sqrt(2 * Math.PI)) / Math.exp((-x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

/**
 * Student t CDF with ν degrees of freedom (ν > 0, not necessarily an integer):
 * F(t) = I_{ν/(ν+t²)}(ν/2, 1/2)/2 for t < 0 (Abramowitz–Stegun 26.7.1 via 26.5.27).
 *
 * @example
 * ```ts
 * studentTCdf(2.228138851986273, 10); // 0.975
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Infinity) return normalCdf(t);
  // x = ν/(ν+t²) and 1 − x = t²/(ν+t²) each computed directly: for a large ν, x rounds near 1.
  const lower = 0.5 * betaIncomplete(df / (df + t * t), df / 2, 0.5, (t * t) / (df + t * t));
  return t < 0 ? lower : 1 - lower;
}

function studentTDensity(t: number, df: number): number {
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile: Cornish–Fisher start from the normal quantile, then safeguarded Newton steps
 * on {@link studentTCdf} inside a bracket (bisection when a step leaves it).
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 10); // 2.228138851986273
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (df === Infinity) return normalQuantile(p);
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return -1 / Math.tan(Math.PI * p); // Cauchy, tan(π(p − ½)) without cancellation
  const z = normalQuantile(p);
  let x = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  // Bracket [lo, hi] around the root (the quantile is negative here since p < 0.5).
  let lo = Math.min(x, -1);
  while (studentTCdf(lo, df) > p) lo *= 2;
  let hi = 0;
  if (!(x > lo && x < hi)) x = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    let next = x - f / studentTDensity(x, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/**
 * Chi-square survival function P(X > x) with k degrees of freedom: Q(k/2, x/2).
 *
 * @example
 * ```ts
 * chiSquareSurvival(3.841458820694124, 1); // 0.05
 * ```
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammaQ(df / 2, x / 2);
}
