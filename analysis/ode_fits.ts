/**
 * The linear-ODE analysis of Section 4 on one run, shared by Figs. 9, 15 and 16: x_t = signals of
 * k = 1..29 for t = 0..1 000; three fits of Δx_t on x_t — exact least squares (what the text's
 * "linear regression" is), the Lasso (α = 0.01), and the code's α = 0 Lasso by coordinate descent
 * (its "linear regression" curve, which stops at 1 000 sweeps short of least squares) — their
 * in-sample R² (the code's) and held-out R² (the text's 80/20 split); the Lasso matrix's nonzeros
 * and rank; the rollouts and the closed form, and how well each tracks every frequency's real
 * trajectory.
 *
 * @module
 */
import { closedForm, odeData, rollout } from "./linear_ode.ts";
import { lasso, type LinearFit, ols, predict, r2Score } from "./regression.ts";
import { matrixRank } from "./linalg.ts";
import { trainTestSplit } from "./stats.ts";

/** Everything the ODE figures plot and assert. */
export interface OdeAnalysis {
  n: number;
  m: number;
  ks: number[];
  x: Float64Array;
  lassoFit: LinearFit;
  lasso0Fit: LinearFit;
  /** Exact least squares, or null where x is rank-deficient. */
  olsFit: LinearFit | null;
  lassoScore: number;
  lasso0Score: number;
  /** NaN where x is rank-deficient. */
  olsScore: number;
  holdout: { lasso: number; lasso0: number; ols: number };
  /** Nonzero entries of the Lasso matrix A (of m²). */
  nonzero: number;
  nonzeroFraction: number;
  /** numpy's matrix_rank of the Lasso matrix A. */
  lassoRank: number;
  /** The Lasso rollout and closed form (empty unless `trajectories`). */
  rollout: Float64Array;
  closed: Float64Array;
  /** The least-squares rollout (empty unless `trajectories`, or where OLS has no fit). */
  olsRollout: Float64Array;
  /** R² of the rollouts / closed form against each frequency's real trajectory. */
  rolloutR2: number[];
  closedR2: number[];
  olsRolloutR2: number[];
}

/** Options of {@linkcode odeAnalysis}. */
export interface OdeOptions {
  /** The first `steps` updates are fitted (default 1 000, the paper's). */
  steps?: number;
  /** Compute the rollouts and the closed form (default true; the d-sweep needs only R²). */
  trajectories?: boolean;
  /** Fit again on 80 % of the steps and score the other 20 % (default true; NaN scores when
   * false: the d-sweep reads only the in-sample R²). */
  holdout?: boolean;
  /** The Lasso's α (default 0.01, the code's). */
  alpha?: number;
}

function olsOrNull(x: Float64Array, y: Float64Array, n: number, m: number): LinearFit | null {
  try {
    return ols(x, y, n, m, m);
  } catch {
    return null; // rank-deficient x: no unique least-squares fit
  }
}

/**
 * Analyse the first `steps` updates of a run's signal trajectory.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { odeAnalysis } from "./ode_fits.ts";
 * // three frequencies of p = 7 decaying as x_{t+1} = 0.9 x_t + 1: an exact linear ODE
 * const p = 7, signals = new Float64Array(60 * p);
 * for (let k = 1; k <= 3; k++) signals[k] = 10 * k;
 * for (let t = 1; t < 60; t++) {
 *   for (let k = 1; k <= 3; k++) signals[t * p + k] = 0.9 * signals[(t - 1) * p + k] + 1;
 * }
 * const a = odeAnalysis({ signals, config: { p } }, { trajectories: false });
 * assertEquals([a.m, a.lassoScore > 0.99], [3, true]);
 * ```
 */
export function odeAnalysis(
  run: { signals: ArrayLike<number>; config: { p: number } },
  { steps = 1000, trajectories = true, holdout = true, alpha = 0.01 }: OdeOptions = {},
): OdeAnalysis {
  const { p } = run.config;
  const { x, y, n, m, ks } = odeData(run.signals, p, { steps });
  const lassoFit = lasso(x, y, n, m, m, { alpha });
  const lasso0Fit = lasso(x, y, n, m, m, { alpha: 0 });
  const olsFit = olsOrNull(x, y, n, m);
  const score = (f: LinearFit | null) => f ? r2Score(y, predict(f, x, n), n, m) : NaN;
  const { train, test } = trainTestSplit(n, 0.2, 0);
  const pick = (a: Float64Array, ids: Int32Array) => {
    const out = new Float64Array(ids.length * m);
    ids.forEach((t, i) => out.set(a.subarray(t * m, (t + 1) * m), i * m));
    return out;
  };
  const held = (fit: (x: Float64Array, y: Float64Array, n: number) => LinearFit | null) => {
    const f = fit(pick(x, train), pick(y, train), train.length);
    return f ? r2Score(pick(y, test), predict(f, pick(x, test), test.length), test.length, m) : NaN;
  };
  const column = (a: Float64Array, j: number) =>
    Float64Array.from({ length: n }, (_, t) => a[t * m + j]);
  const tracking = (traj: Float64Array) =>
    traj.length ? ks.map((_, j) => r2Score(column(x, j), column(traj, j), n, 1)) : [];
  const x0 = x.subarray(0, m);
  const times = Float64Array.from({ length: n }, (_, t) => t);
  const ro = trajectories ? rollout(lassoFit, x0, n) : new Float64Array();
  const cf = trajectories ? closedForm(lassoFit, x0, times) : new Float64Array();
  const olsRo = trajectories && olsFit ? rollout(olsFit, x0, n) : new Float64Array();
  const nonzero = lassoFit.coef.filter((v) => v !== 0).length;
  return {
    n,
    m,
    ks,
    x,
    lassoFit,
    lasso0Fit,
    olsFit,
    lassoScore: score(lassoFit),
    lasso0Score: score(lasso0Fit),
    olsScore: score(olsFit),
    holdout: holdout
      ? {
        lasso: held((a, b, k) => lasso(a, b, k, m, m, { alpha })),
        lasso0: held((a, b, k) => lasso(a, b, k, m, m, { alpha: 0 })),
        ols: held((a, b, k) => olsOrNull(a, b, k, m)),
      }
      : { lasso: NaN, lasso0: NaN, ols: NaN },
    nonzero,
    nonzeroFraction: nonzero / (m * m),
    lassoRank: matrixRank(lassoFit.coef, m),
    rollout: ro,
    closed: cf,
    olsRollout: olsRo,
    rolloutR2: tracking(ro),
    closedR2: tracking(cf),
    olsRolloutR2: tracking(olsRo),
  };
}

/**
 * A fit's coefficient matrix as heatmap rows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { coefRows } from "./ode_fits.ts";
 * const fit = { coef: Float64Array.from([1, 2, 3, 4]), intercept: new Float64Array(2), nIn: 2, nOut: 2 };
 * assertEquals(coefRows(fit), [ [ 1, 2 ], [ 3, 4 ] ]);
 * ```
 */
export function coefRows(fit: LinearFit): number[][] {
  return Array.from(
    { length: fit.nOut },
    (_, i) => Array.from(fit.coef.subarray(i * fit.nIn, (i + 1) * fit.nIn)),
  );
}
