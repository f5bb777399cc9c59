/**
 * The Wilcoxon–Mann–Whitney rank-sum test of two independent samples (scipy's `mannwhitneyu`,
 * two-sided): U of the first sample, and the p-value — exact (the permutation distribution of the
 * rank sum, counted) when both samples are small and untied, else the normal approximation with
 * the tie correction and a continuity correction, as scipy's `method="auto"` chooses.
 *
 * @module
 */
import jstat from "jstat";
import { AnalysisError } from "./fourier.ts";

// deno-lint-ignore no-explicit-any
const J = jstat as any;

/** Exact below this sample size (scipy's `auto` switches at 8 per side; counting stays cheap up
 * to far more, so the exact distribution is used while the total is at most this). */
const EXACT_MAX = 60;

/** The result of {@linkcode rankSum}. */
export interface RankSumResult {
  /** U of the first sample: pairs (a_i, b_j) with a_i > b_j, ties counting ½. */
  u: number;
  /** U / (n_a·n_b) − ½: > 0 where the first sample tends to be larger. */
  effect: number;
  /** Two-sided p-value. */
  p: number;
  exact: boolean;
}

/** Ranks 1..n of the pooled values, ties given their mean rank. */
function ranks(x: number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Counts of U = 0..m·n over all C(m+n, m) arrangements (the exact null distribution). */
function uCounts(m: number, n: number): Float64Array {
  // f[i][j][u]: arrangements of i a's and j b's with U = u; built by the last element
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const f = new Float64Array(i * j + 1);
      // last element an a: it beats all j b's
      const a = prev[j];
      for (let u = 0; u < a.length; u++) f[u + j] += a[u];
      // last element a b
      if (j > 0) {
        const b = cur[j - 1];
        for (let u = 0; u < b.length; u++) f[u] += b[u];
      }
      cur.push(f);
    }
    prev = cur;
  }
  return prev[n];
}

/**
 * Two-sided rank-sum test of `a` against `b`.
 *
 * @example
 * ```ts
 * import { rankSum } from "./rank_sum.ts";
 * const t = rankSum([1.1, 2.3, 0.7], [5.2, 6.1, 4.4, 7.9]);
 * // every a below every b: U = 0, exact p = 2/35
 * if (t.u !== 0 || Math.abs(t.p - 2 / 35) > 1e-12) throw new Error(`${t.u} ${t.p}`);
 * ```
 */
export function rankSum(a: ArrayLike<number>, b: ArrayLike<number>): RankSumResult {
  const xa = Array.from(a), xb = Array.from(b);
  for (const [name, x] of [["a", xa], ["b", xb]] as const) {
    if (x.length < 1) throw new AnalysisError(`${name}: 0 values, at least 1 is needed`);
    const bad = x.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) throw new AnalysisError(`${name}[${bad}] is NaN; allowed are numbers or ±∞`);
  }
  const m = xa.length, n = xb.length, N = m + n;
  const r = ranks([...xa, ...xb]);
  const ra = r.slice(0, m).reduce((s, v) => s + v, 0);
  const u = ra - (m * (m + 1)) / 2;
  const effect = u / (m * n) - 0.5;
  const tied = new Set(r).size < N;
  if (!tied && N <= EXACT_MAX) {
    const counts = uCounts(m, n);
    const total = counts.reduce((s, v) => s + v, 0);
    const lo = Math.min(u, m * n - u);
    let tail = 0;
    for (let k = 0; k <= lo; k++) tail += counts[k];
    return { u, effect, p: Math.min(1, (2 * tail) / total), exact: true };
  }
  // normal approximation: tie-corrected variance, continuity correction ½
  const tieSum = (() => {
    const seen = new Map<number, number>();
    for (const v of r) seen.set(v, (seen.get(v) ?? 0) + 1);
    let s = 0;
    for (const t of seen.values()) s += t ** 3 - t;
    return s;
  })();
  const mu = (m * n) / 2;
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieSum / (N * (N - 1))));
  if (sigma === 0) return { u, effect, p: 1, exact: false };
  const z = Math.max(0, Math.abs(u - mu) - 0.5) / sigma;
  return { u, effect, p: Math.min(1, 2 * J.normal.cdf(-z, 0, 1)), exact: false };
}
