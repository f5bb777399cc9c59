/**
 * The statistics the figures report: Pearson's r with its two-sided p-value (as
 * `scipy.stats.pearsonr`), Student's two-sample t-test with equal variances (as
 * `scipy.stats.ttest_ind`), scikit-learn's `train_test_split(test_size, random_state)` (NumPy's
 * legacy permutation), a linear SVM equal to `SVC(kernel="linear", C=1)` (libsvm, the library
 * scikit-learn wraps, via libsvm-js), and confidence intervals for survival rates and means.
 * Distributions come from jStat.
 *
 * @module
 */
import jstat from "jstat";
import { NumpyRandomState } from "../rng/numpy.ts";
import { MT19937 } from "../rng/mt19937.ts";
import { AnalysisError } from "./fourier.ts";

// deno-lint-ignore no-explicit-any
const J = jstat as any;

function finite(name: string, a: ArrayLike<number>, min: number): void {
  if (a.length < min) {
    throw new AnalysisError(`${name}: ${a.length} values, at least ${min} are needed`);
  }
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new AnalysisError(`${name}[${i}] is ${a[i]}; allowed are finite numbers`);
    }
  }
}

/**
 * The mean of a sample (NaN when it is empty).
 *
 * @example
 * ```ts
 * import { mean } from "./stats.ts";
 * if (mean([1, 2, 6]) !== 3) throw new Error(`mean ${mean([1, 2, 6])}`);
 * ```
 */
export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/**
 * The median of a sample: the middle value, or the mean of the two middle ones (NaN when it is
 * empty).
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * if (median([5, 1, 3]) !== 3 || median([4, 1, 3, 2]) !== 2.5) throw new Error("median");
 * ```
 */
export function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  const m = s.length >> 1;
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** n, mean and the sum of squared deviations of a sample. */
function moments(a: ArrayLike<number>): { n: number; m: number; ss: number } {
  const m = mean(a);
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += (a[i] - m) ** 2;
  return { n: a.length, m, ss };
}

/**
 * Pearson's correlation and its two-sided p-value under H₀: r = 0 (t = r√((n−2)/(1−r²)) with
 * n − 2 degrees of freedom, which is scipy's exact beta-distribution form).
 *
 * @example
 * ```ts
 * import { pearson } from "./stats.ts";
 * console.log(pearson([1, 2, 3, 4], [2, 4, 6, 8.5]).r.toFixed(4)); // 0.9989
 * ```
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): { r: number; p: number } {
  finite("x", x, 3);
  finite("y", y, 3);
  if (x.length !== y.length) throw new AnalysisError(`x has ${x.length} values and y ${y.length}`);
  const n = x.length, mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return { r: NaN, p: NaN };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (Math.abs(r) === 1) return { r, p: 0 };
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return { r, p: 2 * J.studentt.cdf(-Math.abs(t), n - 2) };
}

/**
 * The 95 % (or `level`) confidence interval of Pearson's r from n points by Fisher's z
 * transform: tanh(atanh r ± z_{1−(1−level)/2} / √(n − 3)) (scipy's
 * `pearsonr(x, y).confidence_interval()`).
 *
 * @example
 * ```ts
 * import { pearsonInterval } from "./stats.ts";
 * const ci = pearsonInterval(0.5, 30);
 * console.log(ci.low.toFixed(4), ci.high.toFixed(4)); // 0.1704 0.7290
 * ```
 */
export function pearsonInterval(
  r: number,
  n: number,
  level = 0.95,
): { low: number; high: number } {
  if (!Number.isInteger(n) || n < 4) {
    throw new AnalysisError(`n ${n}: allowed is an integer >= 4 (Fisher's z needs n - 3 > 0)`);
  }
  if (!(r >= -1 && r <= 1)) throw new AnalysisError(`r ${r}: allowed is a number in [-1, 1]`);
  const z = Math.atanh(r), h = J.normal.inv(1 - (1 - level) / 2, 0, 1) / Math.sqrt(n - 3);
  return { low: Math.tanh(z - h), high: Math.tanh(z + h) };
}

/**
 * Student's two-sample t-test with pooled variance (scipy's `ttest_ind`, equal_var=True).
 *
 * @example
 * ```ts
 * import { tTest } from "./stats.ts";
 * console.log(tTest([1, 2, 3], [4, 5, 6]).t.toFixed(4)); // -3.6742
 * ```
 */
export function tTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { t: number; p: number; df: number } {
  finite("a", a, 2);
  finite("b", b, 2);
  const { n: na, m: ma, ss: va } = moments(a), { n: nb, m: mb, ss: vb } = moments(b);
  const df = na + nb - 2;
  const pooled = (va + vb) / df;
  const t = (ma - mb) / Math.sqrt(pooled * (1 / na + 1 / nb));
  return { t, p: 2 * J.studentt.cdf(-Math.abs(t), df), df };
}

/**
 * scikit-learn's `train_test_split(..., test_size, random_state)` indices (ShuffleSplit:
 * n_test = ⌈test_size·n⌉, a legacy NumPy permutation; test first, then train).
 *
 * @example
 * ```ts
 * import { trainTestSplit } from "./stats.ts";
 * const { train, test } = trainTestSplit(10, 0.2, 42);
 * console.log(train.length, test.length); // 8 2
 * ```
 */
export function trainTestSplit(
  n: number,
  testSize: number,
  randomState: number,
): { train: Int32Array; test: Int32Array } {
  if (!Number.isInteger(n) || n < 2) throw new AnalysisError(`n ${n}: allowed is an integer >= 2`);
  if (!(testSize > 0 && testSize < 1)) {
    throw new AnalysisError(`test size ${testSize}: allowed is a number in (0, 1)`);
  }
  const nTest = Math.ceil(testSize * n), nTrain = n - nTest;
  if (nTrain < 1) {
    throw new AnalysisError(`test size ${testSize} leaves no training sample of ${n}`);
  }
  const perm = new NumpyRandomState(randomState).permutation(n);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
}

// libsvm-js's loader picks its browser branch when `self` exists, as it does in Deno, and then
// reads `window`: hide `self` while it loads (a documented workaround, nothing else changes).
// deno-lint-ignore no-explicit-any
let SVMClass: any;
async function libsvm() {
  if (SVMClass) return SVMClass;
  const g = globalThis as Record<string, unknown>;
  const desc = Object.getOwnPropertyDescriptor(g, "self");
  delete g.self;
  try {
    SVMClass = (await import("libsvm-js/asm.js")).default;
  } finally {
    if (desc) Object.defineProperty(g, "self", desc);
  }
  return SVMClass;
}

/** A fitted linear SVM. */
export interface LinearSvm {
  /** The predicted label of each row of `x`. */
  predict(x: number[][]): number[];
}

/**
 * `SVC(kernel="linear", C=1)`: libsvm's C-SVC with a linear kernel (tolerance 1e-3, shrinking),
 * the solver scikit-learn wraps. Labels are integers.
 *
 * @example
 * ```ts ignore
 * import { linearSvc } from "./stats.ts";
 * const svm = await linearSvc([[0, 0], [1, 1], [0, 1], [1, 0.2]], [0, 1, 1, 0]);
 * console.log(svm.predict([[0.9, 0.9]])); // [1]
 * ```
 */
export async function linearSvc(
  x: number[][],
  y: number[],
  { C = 1 }: { C?: number } = {},
): Promise<LinearSvm> {
  if (x.length !== y.length || x.length < 2) {
    throw new AnalysisError(
      `SVM: ${x.length} samples and ${y.length} labels (at least 2 of each, equal counts)`,
    );
  }
  for (const row of x) finite("SVM sample", row, 1);
  const SVM = await libsvm();
  const svm = new SVM({
    kernel: SVM.KERNEL_TYPES.LINEAR,
    cost: C,
    quiet: true,
    tolerance: 1e-3,
    shrinking: true,
  });
  svm.train(x, y);
  return { predict: (q: number[][]) => svm.predict(q) as number[] };
}

/**
 * A 95 % (or `level`) confidence interval for a rate k/n: exact Clopper–Pearson.
 *
 * @example
 * ```ts
 * import { rateInterval } from "./stats.ts";
 * const ci = rateInterval(5, 10);
 * console.log(ci.low.toFixed(4), ci.high.toFixed(4)); // 0.1871 0.8129
 * ```
 */
export function rateInterval(
  k: number,
  n: number,
  level = 0.95,
): { rate: number; low: number; high: number } {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new AnalysisError(`rate ${k}/${n}: allowed are integers 0 <= k <= n, n >= 1`);
  }
  const a = 1 - level;
  const low = k === 0 ? 0 : J.beta.inv(a / 2, k, n - k + 1);
  const high = k === n ? 1 : J.beta.inv(1 - a / 2, k + 1, n - k);
  return { rate: k / n, low, high };
}

/**
 * A confidence interval for a mean: Student's t interval, and a seeded percentile bootstrap.
 *
 * @example
 * ```ts
 * import { meanInterval } from "./stats.ts";
 * const ci = meanInterval([1, 2, 3, 4, 5]);
 * console.log(ci.mean, ci.low.toFixed(3), ci.high.toFixed(3)); // 3 1.037 4.963
 * ```
 */
export function meanInterval(
  x: ArrayLike<number>,
  { level = 0.95, bootstrap = 0, seed = 0 }: { level?: number; bootstrap?: number; seed?: number } =
    {},
): { mean: number; low: number; high: number; bootLow?: number; bootHigh?: number } {
  finite("sample", x, 2);
  const n = x.length, m = mean(x);
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  const se = Math.sqrt(v / (n - 1) / n);
  const q = J.studentt.inv(1 - (1 - level) / 2, n - 1);
  const out: { mean: number; low: number; high: number; bootLow?: number; bootHigh?: number } = {
    mean: m,
    low: m - q * se,
    high: m + q * se,
  };
  if (bootstrap > 0) {
    const mt = new MT19937(seed);
    const means = new Float64Array(bootstrap);
    for (let b = 0; b < bootstrap; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[Math.floor((mt.nextU32() / 4294967296) * n)];
      means[b] = s / n;
    }
    means.sort();
    out.bootLow = means[Math.floor(((1 - level) / 2) * bootstrap)];
    out.bootHigh = means[Math.min(bootstrap - 1, Math.floor((1 - (1 - level) / 2) * bootstrap))];
  }
  return out;
}

/**
 * A distribution-free confidence interval for a median: the order statistics x₍k₎ and x₍n+1−k₎
 * with the largest k whose coverage 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½), is at least `level`
 * (the sign-test interval). Values may be +∞ (a censored observation, e.g. a run that never
 * grokked): ranks stay defined, and the median or a bound is then +∞. With n too small for
 * `level` (n ≤ 5 at 95 %) the interval is [min, max] and `coverage` says what it reaches.
 *
 * @example
 * ```ts
 * import { medianInterval } from "./stats.ts";
 * const ci = medianInterval([7, 1, 9, 3, 5, 2, 8, 4, 6, 10]);
 * console.log(ci.median, ci.low, ci.high, ci.coverage.toFixed(4)); // 5.5 2 9 0.9785
 * ```
 */
export function medianInterval(
  x: ArrayLike<number>,
  level = 0.95,
): { median: number; low: number; high: number; coverage: number } {
  const s = Array.from(x);
  if (s.length < 1) throw new AnalysisError(`sample: 0 values, at least 1 is needed`);
  const bad = s.findIndex((v) => Number.isNaN(v) || v === -Infinity);
  if (bad >= 0) throw new AnalysisError(`sample[${bad}] is ${s[bad]}; allowed are numbers or +∞`);
  s.sort((a, b) => a - b);
  const n = s.length, h = Math.floor(n / 2);
  // P(B ≤ j) for B ~ Bin(n, ½), summed exactly in log space for large n
  const logHalfN = -n * Math.LN2;
  let cdf = 0, logC = 0, k = 1, coverage = 1 - 2 * Math.exp(logHalfN);
  for (let j = 0; j < h; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    cdf += Math.exp(logC + logHalfN);
    const cov = 1 - 2 * cdf; // coverage of [x₍j+1₎, x₍n−j₎]
    if (cov < level) break;
    [k, coverage] = [j + 1, cov];
  }
  return { median: median(s), low: s[k - 1], high: s[n - k], coverage };
}

/**
 * Welch's confidence interval for the difference of two means, mean(a) − mean(b), with
 * Welch–Satterthwaite degrees of freedom (the interval of scipy's `ttest_ind(equal_var=False)`).
 * Two constant samples give the difference itself as both bounds.
 *
 * @example
 * ```ts
 * import { welchInterval } from "./stats.ts";
 * const ci = welchInterval([3, 4, 4, 5, 2, 6, 3, 4], [5, 6, 4, 7, 6, 5, 8, 6, 7]);
 * console.log(ci.diff, ci.low.toFixed(4), ci.high.toFixed(4)); // -2.125 -3.4077 -0.8423
 * ```
 */
export function welchInterval(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  level = 0.95,
): { diff: number; low: number; high: number; df: number } {
  finite("a", a, 2);
  finite("b", b, 2);
  const { n: na, m: ma, ss: va } = moments(a), { n: nb, m: mb, ss: vb } = moments(b);
  const sa = va / (na - 1) / na, sb = vb / (nb - 1) / nb;
  const diff = ma - mb, se = Math.sqrt(sa + sb);
  if (se === 0) return { diff, low: diff, high: diff, df: NaN };
  const df = (sa + sb) ** 2 / (sa ** 2 / (na - 1) + sb ** 2 / (nb - 1));
  const q = J.studentt.inv(1 - (1 - level) / 2, df);
  return { diff, low: diff - q * se, high: diff + q * se, df };
}
