/**
 * Synthetic trial results for the figure analyses' tests: a `TrialResult` built from signal,
 * loss and parameter arrays designed by the test (no training), so that a figure's claims can be
 * fed results built to pass and results built to fail.
 *
 * @module
 */
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import { paramLayout } from "../protocol/layout.ts";
import type { TrialResult } from "../store/requests.ts";

/** What a synthetic trial is made of; everything but the signals has a default. */
export interface SyntheticTrial {
  /** Partial configuration (makeConfig fills the rest); `steps` defaults to the last logged step. */
  config?: Partial<TrialConfig>;
  /** Signal rows (row 0 at init, row i after update `loggedAt[i−1]`), each of p values. */
  signals: ArrayLike<number>[];
  /** The updates of rows 1.. (default 1, 2, …). */
  loggedAt?: number[];
  /** Per logged row (default: 0 loss, accuracy 1). */
  testLoss?: ArrayLike<number>;
  testAcc?: ArrayLike<number>;
  /** The fused parameters (default zeros). */
  finalParams?: Float64Array;
  paramSnapshots?: { steps: number[]; data: Float64Array };
  gradSignals?: Float64Array;
  divergedAt?: number | null;
}

/**
 * A `TrialResult` from designed arrays.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { syntheticTrial, symmetric } from "./synthetic.ts";
 * const p = 7;
 * const r = syntheticTrial({ config: { p, d: 2 }, signals: [symmetric(p, () => 5), symmetric(p, (k) => k)] });
 * assertEquals([r.config.steps, r.finalSignals()], [1, [0, 1, 2, 3, 3, 2, 1]]);
 * ```
 */
export function syntheticTrial(t: SyntheticTrial): TrialResult {
  const rows = t.signals.length - 1;
  const loggedAt = Int32Array.from(t.loggedAt ?? Array.from({ length: rows }, (_, i) => i + 1));
  if (loggedAt.length !== rows) {
    throw new Error(`${rows} signal rows after init but ${loggedAt.length} logged steps`);
  }
  const config = makeConfig({ steps: loggedAt.at(-1) ?? 0, ...t.config });
  const { p, d } = config;
  if (t.signals.some((s) => s.length !== p)) throw new Error(`every signal row needs p = ${p}`);
  const signals = new Float64Array((rows + 1) * p);
  t.signals.forEach((s, i) => signals.set(Array.from(s), i * p));
  const L = paramLayout(p, d, config.hidden);
  const finalParams = t.finalParams ?? new Float64Array(L.total);
  const scalar = (a: ArrayLike<number> | undefined, v: number) =>
    a ? Float64Array.from(a) : new Float64Array(rows).fill(v);
  const rowOf = new Map<number, number>([[0, 0]]);
  loggedAt.forEach((u, i) => rowOf.set(u, i + 1));
  return {
    key: "synthetic",
    config,
    summary: {},
    backend: "synthetic",
    loggedAt,
    trainLoss: scalar(undefined, 0),
    testLoss: scalar(t.testLoss, 0),
    trainAcc: scalar(undefined, 1),
    testAcc: scalar(t.testAcc, 1),
    signals,
    finalParams,
    gradSignals: t.gradSignals,
    paramSnapshots: t.paramSnapshots,
    stepsDone: loggedAt.at(-1) ?? 0,
    divergedAt: t.divergedAt ?? null,
    decidedAt: null,
    finalEmbedding: () => finalParams.slice(0, p * d),
    signalsAt: (step) => {
      const row = rowOf.get(step);
      if (row === undefined) throw new Error(`synthetic trial: step ${step} is not logged`);
      return signals.slice(row * p, (row + 1) * p);
    },
    finalSignals: () => signals.slice(rows * p),
  };
}

/**
 * A signal row of a real embedding's shape: s_0 = 0 and s_k = s_{p−k} = f(k) for k = 1..(p−1)/2.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { symmetric } from "./synthetic.ts";
 * assertEquals(Array.from(symmetric(5, (k) => 10 * k)), [0, 10, 20, 20, 10]);
 * ```
 */
export function symmetric(p: number, f: (k: number) => number): Float64Array {
  const s = new Float64Array(p);
  for (let k = 1; k <= Math.floor((p - 1) / 2); k++) s[k] = s[p - k] = f(k);
  return s;
}

/**
 * Final signals in which exactly the frequencies `ks` survive by the code's counter (each
 * survivor a little apart from the others, as real signals are), the rest at `rest`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { survivors } from "./synthetic.ts";
 * import { survivingCircles } from "../analysis/fourier.ts";
 * assertEquals(survivingCircles(survivors(59, [3, 8])).sort((a, b) => a - b), [3, 8]);
 * ```
 */
export function survivors(p: number, ks: number[], rest = 1): Float64Array {
  return symmetric(p, (k) => (ks.includes(k) ? 100 + k / 10 : rest));
}

/**
 * A (p, d) embedding made of circles: token n sits at a_k·(cos 2πkn/p, sin 2πkn/p) in the plane of
 * dimensions 2(k−1), 2k−1, for k = 1..(p−1)/2 (d ≥ p − 1), plus `noise`·a fixed pseudo-random
 * (p, d) array.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "./assert.ts";
 * import { circleEmbedding } from "./synthetic.ts";
 * import { fourierNorms } from "../analysis/fourier.ts";
 * const E = circleEmbedding(5, 4, (k) => (k === 2 ? 1 : 0));
 * assertAlmostEquals(fourierNorms(E, 5, 4), [0, 0, 3.54, 3.54, 0], 0.005);
 * ```
 */
export function circleEmbedding(
  p: number,
  d: number,
  amplitude: (k: number) => number,
  noise = 0,
): Float64Array {
  const half = Math.floor((p - 1) / 2);
  if (d < 2 * half) throw new Error(`d ${d}: at least ${2 * half} are needed for ${half} circles`);
  const E = new Float64Array(p * d);
  for (let n = 0; n < p; n++) {
    for (let k = 1; k <= half; k++) {
      const a = (2 * Math.PI * k * n) / p;
      E[n * d + 2 * (k - 1)] = amplitude(k) * Math.cos(a);
      E[n * d + 2 * k - 1] = amplitude(k) * Math.sin(a);
    }
    for (let i = 0; i < d; i++) E[n * d + i] += noise * Math.sin(12.9898 * (n * d + i) + 78.233);
  }
  return E;
}

/** A fixed pseudo-random number in [−1, 1) for each integer (a hash of it, no state). */
export function noise(i: number): number {
  return (Math.sin(12.9898 * i + 78.233) * 43758.5453) % 1;
}

/**
 * A fix-MLP run of p = 59 whose signals of k = 1..29 are `x[t]` for t = 0..n (mirrored to p − k),
 * for the ODE figures.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { exactOde, odeTrial } from "./synthetic.ts";
 * const r = odeTrial(exactOde(10));
 * assertEquals([r.config.steps, r.signals[1], r.signals[58]], [10, 90, 90]);
 * ```
 */
export function odeTrial(x: Float64Array[], d = 128): TrialResult {
  const p = 59;
  return syntheticTrial({
    config: { p, d, mode: "fix-mlp", steps: x.length - 1 },
    signals: x.map((xt) => {
      const s = new Float64Array(p);
      xt.forEach((v, j) => (s[j + 1] = s[p - j - 1] = v));
      return s;
    }),
  });
}

/**
 * 29 signals following an exact linear ODE x_{t+1} = x_t + A x_t + b for n steps: 14 pairs
 * turning about 80 at distinct angles per step (2×2 blocks of A, so the signals are
 * near-orthogonal oscillations), and one frequency (the last) that only drifts — A is sparse
 * (57 of 841 entries) with a zero row, singular, as the paper's Lasso matrices are.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { exactOde } from "./synthetic.ts";
 * const x = exactOde(2);
 * assertEquals([x.length, (x[1][28] - x[0][28]).toFixed(2)], [3, "0.05"]);
 * ```
 */
export function exactOde(n: number): Float64Array[] {
  const m = 29, mu = 80, rho = 0.999;
  const x = [Float64Array.from({ length: m }, (_, j) => mu + (j % 2 ? 0 : 10))];
  for (let t = 0; t < n; t++) {
    const next = new Float64Array(m);
    for (let b = 0; b < 14; b++) {
      const th = 0.3 + 0.15 * b, u = x[t][2 * b] - mu, v = x[t][2 * b + 1] - mu;
      next[2 * b] = mu + rho * (Math.cos(th) * u - Math.sin(th) * v);
      next[2 * b + 1] = mu + rho * (Math.sin(th) * u + Math.cos(th) * v);
    }
    next[m - 1] = x[t][m - 1] + 0.05;
    x.push(next);
  }
  return x;
}

/**
 * 29 signals x_{t+1} = μ + M(x_t − μ) + ε_t for n steps, with M dense (every entry nonzero,
 * ‖M‖ < 1) and noise ε as large as the signal: about half the variance of Δx is noise.
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { noisyOde } from "./synthetic.ts";
 * assertEquals(noisyOde(5).length, 6);
 * ```
 */
export function noisyOde(n: number): Float64Array[] {
  const m = 29;
  const G = Array.from({ length: m * m }, (_, i) => noise(i + 1));
  const norm = Math.hypot(...G);
  const x = [Float64Array.from({ length: m }, () => 50)];
  for (let t = 0; t < n; t++) {
    x.push(Float64Array.from({ length: m }, (_, i) => {
      let s = 50;
      for (let j = 0; j < m; j++) s += ((0.9 * G[i * m + j]) / norm) * (x[t][j] - 50);
      return s + 5 * noise(1000 + t * m + i);
    }));
  }
  return x;
}

/** A Fig. 6 trial (p = 59, d = 128) of `steps` (default the paper's 30 000: the end of training)
 * whose initial signals are `init` and whose final circles are `ks`; with `diverged`, diverged at
 * step 30. */
export function survivalTrial(
  init: Float64Array,
  ks: number[],
  diverged = false,
  steps = 30000,
): TrialResult {
  const p = 59;
  return syntheticTrial({
    config: { p, d: 128, steps },
    signals: [init, diverged ? symmetric(p, () => NaN) : survivors(p, ks)],
    loggedAt: [steps],
    divergedAt: diverged ? 30 : null,
  });
}
