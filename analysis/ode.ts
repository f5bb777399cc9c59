/**
 * The linear-ODE analysis of Section 4 on one run, shared by Figs. 9, 15 and 16: x_t = signals of
 * k = 1..29 for t = 0..1 000, the Lasso (α = 0.01) and α = 0 fits, their in-sample R² (the
 * code's) and held-out R² (the text's 80/20 split), the Lasso rollout and the closed form, and
 * how well each tracks every frequency's real trajectory.
 *
 * @module
 */
import {
  closedForm,
  lasso,
  type LinearFit,
  odeData,
  predict,
  r2Score,
  rollout,
} from "./linear_ode.ts";
import { trainTestSplit } from "./stats.ts";

/** Everything the ODE figures plot and assert. */
export interface OdeAnalysis {
  n: number;
  m: number;
  ks: number[];
  x: Float64Array;
  lassoFit: LinearFit;
  lasso0Fit: LinearFit;
  lassoScore: number;
  lasso0Score: number;
  holdout: { lasso: number; lasso0: number };
  nonzeroFraction: number;
  rollout: Float64Array;
  closed: Float64Array;
  /** R² of the rollout / closed form against each frequency's real trajectory. */
  rolloutR2: number[];
  closedR2: number[];
}

/** What the analysis reads of a run: its signals, (steps+1, p), row 0 at init. */
export interface OdeRun {
  config: { p: number };
  signals: Float64Array;
}

/**
 * 1 − SS_res/SS_tot of a prediction of one series.
 *
 * @example
 * ```ts
 * import { r2 } from "./ode.ts";
 * console.log(r2([1, 2, 3], [1, 2, 3]), r2([1, 2, 3], [2, 2, 2])); // 1 0
 * ```
 */
export function r2(actual: ArrayLike<number>, pred: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i];
  mean /= actual.length;
  let res = 0, tot = 0;
  for (let i = 0; i < actual.length; i++) {
    res += (actual[i] - pred[i]) ** 2;
    tot += (actual[i] - mean) ** 2;
  }
  return tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
}

/** Analyse the first `steps` updates of a run. */
export function odeAnalysis(run: OdeRun, steps = 1000): OdeAnalysis {
  const { p } = run.config;
  const { x, y, n, m, ks } = odeData(run.signals, p, { steps });
  const lassoFit = lasso(x, y, n, m, m, { alpha: 0.01 });
  const lasso0Fit = lasso(x, y, n, m, m, { alpha: 0 });
  const score = (f: LinearFit) => r2Score(y, predict(f, x, n), n, m);
  const { train, test } = trainTestSplit(n, 0.2, 0);
  const pick = (a: Float64Array, ids: Int32Array) => {
    const out = new Float64Array(ids.length * m);
    ids.forEach((t, i) => out.set(a.subarray(t * m, (t + 1) * m), i * m));
    return out;
  };
  const held = (alpha: number) => {
    const f = lasso(pick(x, train), pick(y, train), train.length, m, m, { alpha });
    return r2Score(pick(y, test), predict(f, pick(x, test), test.length), test.length, m);
  };
  const x0 = x.subarray(0, m);
  const ro = rollout(lassoFit, x0, n);
  const times = Float64Array.from({ length: n }, (_, t) => t);
  const cf = closedForm(lassoFit, x0, times);
  const column = (a: Float64Array, j: number) =>
    Float64Array.from({ length: n }, (_, t) => a[t * m + j]);
  return {
    n,
    m,
    ks,
    x,
    lassoFit,
    lasso0Fit,
    lassoScore: score(lassoFit),
    lasso0Score: score(lasso0Fit),
    holdout: { lasso: held(0.01), lasso0: held(0) },
    nonzeroFraction: lassoFit.coef.filter((v) => v !== 0).length / (m * m),
    rollout: ro,
    closed: cf,
    rolloutR2: ks.map((_, j) => r2(column(x, j), column(ro, j))),
    closedR2: ks.map((_, j) => r2(column(x, j), column(cf, j))),
  };
}

/** The Lasso coefficient matrix as heatmap rows. */
export function coefRows(fit: LinearFit): number[][] {
  return Array.from(
    { length: fit.nOut },
    (_, i) => Array.from(fit.coef.subarray(i * fit.nIn, (i + 1) * fit.nIn)),
  );
}
