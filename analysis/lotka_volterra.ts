/**
 * The quadratic Lotka–Volterra fit of Section 4.2 (Eq. 2): Δx_t = b + A x_t + Σ_{i≤j} B_ij x_i x_j,
 * fitted by least squares over the 29 signals (29 + 435 terms per equation, an intercept
 * beside), its in-sample and held-out R² (the text's 80/20 split, `random_state` 0 as the linear
 * fits), and its rollout x̂_{t+1} = x̂_t + f(x̂_t) from x_0: the text finds R² close to 1 but the
 * rollout losing numerical stability. The least squares is the minimum-norm solution through the
 * SVD (as `numpy.linalg.lstsq`, which scikit-learn's `LinearRegression` calls): the products of
 * smooth signals are nearly collinear, so the design is numerically rank-deficient.
 *
 * @module
 */
import { Matrix, SVD } from "ml-matrix";
import { r2Score } from "./regression.ts";
import { trainTestSplit } from "./stats.ts";
import { AnalysisError } from "./fourier.ts";

/** The terms of one row: x_i, then x_i·x_j for i ≤ j. */
export function quadraticTerms(x: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(m + (m * (m + 1)) / 2);
  let c = 0;
  for (let i = 0; i < m; i++) out[c++] = x[i];
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) out[c++] = x[i] * x[j];
  return out;
}

/** A fitted quadratic map: Δx = intercept + coef·terms(x), coef (m, terms). */
export interface QuadraticFit {
  coef: Float64Array;
  intercept: Float64Array;
  m: number;
  terms: number;
  /** Numerical rank of the centred design. */
  rank: number;
}

/** Minimum-norm least squares with intercept of Y (n, m) on the quadratic terms of X (n, m). */
export function fitQuadratic(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  n: number,
  m: number,
): QuadraticFit {
  if (X.length !== n * m || Y.length !== n * m) {
    throw new AnalysisError(`X ${X.length}, Y ${Y.length} values: ${n}·${m} expected`);
  }
  const f = m + (m * (m + 1)) / 2;
  const rows = Array.from(
    { length: n },
    (_, t) => quadraticTerms(Array.prototype.slice.call(X, t * m, (t + 1) * m), m),
  );
  const mean = new Float64Array(f), ym = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < f; c++) mean[c] += rows[t][c] / n;
    for (let o = 0; o < m; o++) ym[o] += Y[t * m + o] / n;
  }
  const P = new Matrix(n, f), Ym = new Matrix(n, m);
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < f; c++) P.set(t, c, rows[t][c] - mean[c]);
    for (let o = 0; o < m; o++) Ym.set(t, o, Y[t * m + o] - ym[o]);
  }
  const svd = new SVD(P, { autoTranspose: true });
  const W = svd.solve(Ym); // (f, m)
  const coef = new Float64Array(m * f), intercept = new Float64Array(m);
  for (let o = 0; o < m; o++) {
    let b = ym[o];
    for (let c = 0; c < f; c++) {
      coef[o * f + c] = W.get(c, o);
      b -= mean[c] * W.get(c, o);
    }
    intercept[o] = b;
  }
  return { coef, intercept, m, terms: f, rank: svd.rank };
}

/** The map's Δx at one state. */
function step(fit: QuadraticFit, x: ArrayLike<number>): Float64Array {
  const phi = quadraticTerms(x, fit.m), d = new Float64Array(fit.m);
  for (let o = 0; o < fit.m; o++) {
    let s = fit.intercept[o];
    for (let c = 0; c < fit.terms; c++) s += fit.coef[o * fit.terms + c] * phi[c];
    d[o] = s;
  }
  return d;
}

/** Predictions Δx̂_t of the map at each row of X (n, m). */
export function predictQuadratic(fit: QuadraticFit, X: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * fit.m);
  for (let t = 0; t < n; t++) {
    out.set(step(fit, Array.prototype.slice.call(X, t * fit.m, (t + 1) * fit.m)), t * fit.m);
  }
  return out;
}

/**
 * The rollout from x_0 over n rows, and the first step at which it leaves `bound` in absolute
 * value or stops being finite (null if it never does); rows after that are NaN.
 *
 * @example
 * ```ts
 * import { rolloutQuadratic } from "./lotka_volterra.ts";
 * // Δx = x²: from 1 it doubles past any bound within a few steps
 * const fit = { coef: Float64Array.of(0, 1), intercept: Float64Array.of(0), m: 1, terms: 2, rank: 2 };
 * const r = rolloutQuadratic(fit, [1], 10, 100);
 * if (r.blowsUpAt !== 4) throw new Error(String(r.blowsUpAt)); // 1, 2, 6, 42, 1806
 * ```
 */
export function rolloutQuadratic(
  fit: QuadraticFit,
  x0: ArrayLike<number>,
  n: number,
  bound: number,
): { x: Float64Array; blowsUpAt: number | null } {
  const m = fit.m, out = new Float64Array(n * m).fill(NaN);
  for (let j = 0; j < m; j++) out[j] = x0[j];
  for (let t = 1; t < n; t++) {
    const prev = out.subarray((t - 1) * m, t * m), d = step(fit, prev);
    let bad = false;
    for (let j = 0; j < m; j++) {
      const v = prev[j] + d[j];
      out[t * m + j] = v;
      if (!Number.isFinite(v) || Math.abs(v) > bound) bad = true;
    }
    if (bad) {
      out.fill(NaN, t * m);
      return { x: out, blowsUpAt: t };
    }
  }
  return { x: out, blowsUpAt: null };
}

/** What {@linkcode lotkaVolterra} measures. */
export interface LotkaVolterraAnalysis {
  r2: number;
  holdoutR2: number;
  terms: number;
  rank: number;
  /** The rollout's first step beyond `bound` (or non-finite), null if it stays. */
  blowsUpAt: number | null;
  bound: number;
  rolloutSteps: number;
}

/**
 * The fit of Eq. 2 on signals x (n, m) with steps y = Δx (n, m): in-sample R², held-out R²
 * (fit on 80 %, scored on 20 %), and the rollout's escape past `boundFactor` × the largest real
 * signal.
 */
export function lotkaVolterra(
  x: Float64Array,
  y: Float64Array,
  n: number,
  m: number,
  boundFactor = 10,
): LotkaVolterraAnalysis {
  const fit = fitQuadratic(x, y, n, m);
  const r2 = r2Score(y, predictQuadratic(fit, x, n), n, m);
  const { train, test } = trainTestSplit(n, 0.2, 0);
  const pick = (a: Float64Array, idx: ArrayLike<number>) => {
    const out = new Float64Array(idx.length * m);
    for (let i = 0; i < idx.length; i++) out.set(a.subarray(idx[i] * m, (idx[i] + 1) * m), i * m);
    return out;
  };
  const part = fitQuadratic(pick(x, train), pick(y, train), train.length, m);
  const xt = pick(x, test), yt = pick(y, test);
  const holdoutR2 = r2Score(yt, predictQuadratic(part, xt, test.length), test.length, m);
  let top = 0;
  for (const v of x) top = Math.max(top, Math.abs(v));
  const bound = boundFactor * top;
  const { blowsUpAt } = rolloutQuadratic(fit, x.subarray(0, m), n, bound);
  return { r2, holdoutR2, terms: fit.terms, rank: fit.rank, blowsUpAt, bound, rolloutSteps: n };
}
