/**
 * Pearson's r against survival rates estimated from a finite number of trials is attenuated by
 * the rates' binomial noise: E[r_obs] ≈ r_true·√ρ_m, with ρ_m the reliability of rates from m
 * trials (Spearman's correction for attenuation; the other variable, an initial signal, is
 * measured exactly). So r from 8 trials per rate and r from the paper's 50 estimate different
 * numbers. {@linkcode projectPearson} carries an r measured with m trials per rate to what the
 * same points would give with M trials per rate:
 *
 *   noise  = mean p̂(1 − p̂)/(m − 1)   (unbiased for the mean binomial variance p(1 − p)/m),
 *   V_true = var(p̂) − noise,          ρ_m = V_true / var(p̂),
 *   ρ_M    = V_true / (V_true + mean p(1 − p)/M), mean p(1 − p) ≈ mean p̂(1 − p̂)·m/(m − 1),
 *   r_M    = r_obs·√(ρ_M / ρ_m),
 *
 * and its interval is Fisher's z interval of r_obs scaled by the same factor (the factor's own
 * noise is left out; `attenuation_test.ts` measures the coverage this gives by simulation).
 *
 * @module
 */
import { pearson, pearsonInterval } from "./stats.ts";
import { AnalysisError } from "./fourier.ts";

/** What {@linkcode projectPearson} returns. */
export interface ProjectedPearson {
  /** r over the points as measured (rates from `trials`). */
  observed: number;
  /** Reliability of the rates as measured, and at `target` trials. */
  reliability: number;
  targetReliability: number;
  /** r carried to `target` trials per rate, and its (1 − α) interval. */
  r: number;
  low: number;
  high: number;
  /** The p-value of the observed r (H₀: r = 0; the attenuation does not change the sign). */
  p: number;
  n: number;
}

/**
 * Pearson's r between an exact x and survival rates `hits[i]/trials[i]`, carried from the trials
 * each rate had to `target` trials per rate.
 *
 * @example
 * ```ts
 * import { projectPearson } from "./attenuation.ts";
 * const x = [1, 2, 3, 4, 5, 6, 7, 8], hits = [0, 1, 1, 3, 4, 6, 7, 8];
 * const r = projectPearson({ x, hits, trials: x.map(() => 8), target: 50 });
 * // fewer noisy trials attenuate: the projection to 50 trials is larger than the observed r
 * if (!(r.r > r.observed && r.targetReliability > r.reliability)) throw new Error(JSON.stringify(r));
 * ```
 */
export function projectPearson(
  { x, hits, trials, target, level = 0.95 }: {
    x: ArrayLike<number>;
    hits: ArrayLike<number>;
    trials: ArrayLike<number>;
    target: number;
    level?: number;
  },
): ProjectedPearson {
  const n = x.length;
  if (hits.length !== n || trials.length !== n) {
    throw new AnalysisError(`x, hits, trials: ${n}, ${hits.length}, ${trials.length} values`);
  }
  for (let i = 0; i < n; i++) {
    if (!(trials[i] >= 2 && hits[i] >= 0 && hits[i] <= trials[i])) {
      throw new AnalysisError(
        `point ${i}: ${hits[i]} of ${trials[i]}; allowed 0 <= k <= m, m >= 2`,
      );
    }
  }
  if (!(target >= 1)) throw new AnalysisError(`target ${target}: allowed is >= 1 trial`);
  const rate = Array.from({ length: n }, (_, i) => hits[i] / trials[i]);
  const { r, p } = pearson(x, rate);
  const mean = rate.reduce((s, v) => s + v, 0) / n;
  const varObs = rate.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  let noise = 0, pq = 0;
  for (let i = 0; i < n; i++) {
    const v = rate[i] * (1 - rate[i]);
    noise += v / (trials[i] - 1) / n;
    pq += (v * trials[i]) / (trials[i] - 1) / n;
  }
  const varTrue = varObs - noise;
  const nan = { observed: r, reliability: NaN, targetReliability: NaN, r: NaN, p, n };
  if (!(varTrue > 0) || Number.isNaN(r)) return { ...nan, low: NaN, high: NaN };
  const rel = varTrue / varObs, relT = varTrue / (varTrue + pq / target);
  const f = Math.sqrt(relT / rel);
  const ci = pearsonInterval(r, n, level);
  const clip = (v: number) => Math.max(-1, Math.min(1, v));
  return {
    observed: r,
    reliability: rel,
    targetReliability: relT,
    r: clip(r * f),
    low: clip(ci.low * f),
    high: clip(ci.high * f),
    p,
    n,
  };
}
