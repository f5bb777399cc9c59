/**
 * Linear regression on row-major matrices: scikit-learn's Lasso (its objective, cyclic coordinate
 * descent and duality-gap stopping rule, ported from `sklearn/linear_model/_cd_fast.pyx`, version
 * 1.2; α = 0 is the code's "linear regression"), exact least squares (Householder QR), their
 * predictions, and R² as sklearn's `score`.
 *
 * @module
 */
import { Matrix, QrDecomposition } from "ml-matrix";
import { AnalysisError } from "./fourier.ts";

/** A fitted affine map y ≈ X·coefᵀ + intercept. */
export interface LinearFit {
  /** (nOut, nIn) row-major. */
  coef: Float64Array;
  /** (nOut) intercepts. */
  intercept: Float64Array;
  /** Inputs per row. */
  nIn: number;
  /** Outputs per row. */
  nOut: number;
  /** Coordinate-descent sweeps used per output (Lasso only). */
  iterations?: number[];
  /** Outputs whose duality gap was not below tol after max_iter sweeps (Lasso only). */
  notConverged?: number[];
}

/** Options of {@linkcode lasso}. */
export interface LassoOptions {
  /** sklearn's alpha (default 0.01, the paper's). 0 gives the code's "linear regression". */
  alpha?: number;
  /** Most coordinate-descent sweeps (sklearn's max_iter, default 1000). */
  maxIter?: number;
  /** Duality-gap tolerance (sklearn's tol, default 1e-4). */
  tol?: number;
}

function checkXY(X: ArrayLike<number>, Y: ArrayLike<number>, n: number, nIn: number, nOut: number) {
  if (n < 2) throw new AnalysisError(`trajectory of ${n} rows: at least 2 are needed`);
  if (X.length !== n * nIn || Y.length !== n * nOut) {
    throw new AnalysisError(
      `X has ${X.length} values and Y ${Y.length}, where ${n}×${nIn} and ${n}×${nOut} are needed`,
    );
  }
  for (const [name, a] of [["X", X], ["Y", Y]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new AnalysisError(`${name}[${i}] is ${a[i]}; allowed are finite numbers`);
      }
    }
  }
}

function centre(A: ArrayLike<number>, n: number, m: number) {
  const mean = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j] += A[i * m + j];
  for (let j = 0; j < m; j++) mean[j] /= n;
  // column-major copy, as the coordinate descent walks columns
  const cols = new Float64Array(n * m);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) cols[j * n + i] = A[i * m + j] - mean[j];
  return { mean, cols };
}

/**
 * scikit-learn's `Lasso(alpha).fit(X, Y)` with intercept, one independent fit per output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { lasso } from "./regression.ts";
 * const X = Float64Array.from([0, 1, 2, 3]), Y = Float64Array.from([1, 3, 5, 7]); // y = 2x + 1
 * const fit = lasso(X, Y, 4, 1, 1, { alpha: 0 });
 * assertEquals([fit.coef[0].toFixed(6), fit.intercept[0].toFixed(6)], ["2.000000", "1.000000"]);
 * ```
 */
export function lasso(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  n: number,
  nIn: number,
  nOut: number,
  { alpha = 0.01, maxIter = 1000, tol = 1e-4 }: LassoOptions = {},
): LinearFit {
  checkXY(X, Y, n, nIn, nOut);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) {
    throw new AnalysisError(`alpha ${alpha}: allowed is a number >= 0`);
  }
  const { mean: xm, cols: Xc } = centre(X, n, nIn);
  const { mean: ym, cols: Yc } = centre(Y, n, nOut);
  const coef = new Float64Array(nOut * nIn), intercept = new Float64Array(nOut);
  const iterations: number[] = [], notConverged: number[] = [];
  const l1 = alpha * n; // sklearn scales alpha by n_samples
  // sklearn's coordinate descent in its Gram form (its precompute=True): the same updates as on
  // the residual R = y − Xw, through Q = XᵀX and q = Xᵀy, since Xⱼᵀ R = qⱼ − (Qw)ⱼ — each update
  // O(nIn) instead of O(n)
  const Q = new Float64Array(nIn * nIn);
  for (let j = 0; j < nIn; j++) {
    const cj = Xc.subarray(j * n, (j + 1) * n);
    for (let k = j; k < nIn; k++) {
      const ck = Xc.subarray(k * n, (k + 1) * n);
      let s = 0;
      for (let i = 0; i < n; i++) s += cj[i] * ck[i];
      Q[j * nIn + k] = Q[k * nIn + j] = s;
    }
  }
  const q = new Float64Array(nIn), H = new Float64Array(nIn);
  for (let o = 0; o < nOut; o++) {
    const y = Yc.subarray(o * n, (o + 1) * n);
    const w = coef.subarray(o * nIn, (o + 1) * nIn);
    for (let j = 0; j < nIn; j++) {
      const col = Xc.subarray(j * n, (j + 1) * n);
      let s = 0;
      for (let i = 0; i < n; i++) s += col[i] * y[i];
      q[j] = s;
    }
    H.fill(0); // H = Qw, w starts at 0
    const dwTol = tol;
    let yy = 0;
    for (let i = 0; i < n; i++) yy += y[i] * y[i];
    const tolScaled = tol * yy;
    let it = 0, converged = false;
    for (it = 0; it < maxIter; it++) {
      let wMax = 0, dwMax = 0;
      for (let j = 0; j < nIn; j++) {
        const qjj = Q[j * nIn + j];
        if (qjj === 0) continue;
        const wj = w[j];
        const tmp = q[j] - H[j] + wj * qjj;
        w[j] = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / qjj;
        const dw = w[j] - wj;
        if (dw !== 0) {
          const Qj = Q.subarray(j * nIn, (j + 1) * nIn);
          for (let k = 0; k < nIn; k++) H[k] += dw * Qj[k];
        }
        dwMax = Math.max(dwMax, Math.abs(dw));
        wMax = Math.max(wMax, Math.abs(w[j]));
      }
      if (wMax === 0 || dwMax / wMax < dwTol || it === maxIter - 1) {
        // duality gap (beta = 0): XᵀR = q − H, ‖R‖² = yᵀy − 2wᵀq + wᵀH, Rᵀy = yᵀy − wᵀq
        let dual = 0, wq = 0, wH = 0, l1norm = 0;
        for (let j = 0; j < nIn; j++) {
          dual = Math.max(dual, Math.abs(q[j] - H[j]));
          wq += w[j] * q[j];
          wH += w[j] * H[j];
          l1norm += Math.abs(w[j]);
        }
        const r2 = yy - 2 * wq + wH, ry = yy - wq;
        let gap: number, cst: number;
        if (dual > l1) {
          cst = l1 / dual;
          gap = 0.5 * (r2 + r2 * cst * cst);
        } else {
          cst = 1;
          gap = r2;
        }
        gap += l1 * l1norm - cst * ry;
        if (gap < tolScaled) {
          converged = true;
          break;
        }
      }
    }
    iterations.push(Math.min(it + 1, maxIter));
    if (!converged) notConverged.push(o);
    let b = ym[o];
    for (let j = 0; j < nIn; j++) b -= xm[j] * w[j];
    intercept[o] = b;
  }
  return { coef, intercept, nIn, nOut, iterations, notConverged };
}

/**
 * Exact least squares with intercept (sklearn's `LinearRegression`), by Householder QR of the
 * centred X.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { ols } from "./regression.ts";
 * const fit = ols(Float64Array.from([0, 1, 2, 3]), Float64Array.from([1, 3, 5, 7]), 4, 1, 1);
 * assertAlmostEquals(fit.coef[0], 2, 5e-10);
 * ```
 */
export function ols(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  n: number,
  nIn: number,
  nOut: number,
): LinearFit {
  checkXY(X, Y, n, nIn, nOut);
  const { mean: xm, cols: Xc } = centre(X, n, nIn);
  const { mean: ym, cols: Yc } = centre(Y, n, nOut);
  const Xm = new Matrix(n, nIn), Ym = new Matrix(n, nOut);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nIn; j++) Xm.set(i, j, Xc[j * n + i]);
    for (let o = 0; o < nOut; o++) Ym.set(i, o, Yc[o * n + i]);
  }
  const qr = new QrDecomposition(Xm);
  if (!qr.isFullRank()) {
    throw new AnalysisError(`OLS: X is rank-deficient; use lasso with alpha > 0`);
  }
  const W = qr.solve(Ym); // (nIn, nOut)
  const coef = new Float64Array(nOut * nIn), intercept = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let b = ym[o];
    for (let j = 0; j < nIn; j++) {
      coef[o * nIn + j] = W.get(j, o);
      b -= xm[j] * W.get(j, o);
    }
    intercept[o] = b;
  }
  return { coef, intercept, nIn, nOut };
}

/** Predictions X·coefᵀ + intercept, (n, nOut). */
export function predict(fit: LinearFit, X: ArrayLike<number>, n: number): Float64Array {
  const { coef, intercept, nIn, nOut } = fit;
  const out = new Float64Array(n * nOut);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < nOut; o++) {
      let s = intercept[o];
      for (let j = 0; j < nIn; j++) s += X[i * nIn + j] * coef[o * nIn + j];
      out[i * nOut + o] = s;
    }
  }
  return out;
}

/**
 * sklearn's `r2_score(Y, pred)` with uniform averaging over outputs (a constant output scores 1
 * when predicted exactly, else 0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { r2Score } from "./regression.ts";
 * assertEquals(r2Score([1, 2, 3], [1, 2, 3], 3, 1), 1);
 * ```
 */
export function r2Score(
  Y: ArrayLike<number>,
  pred: ArrayLike<number>,
  n: number,
  nOut: number,
): number {
  let total = 0;
  for (let o = 0; o < nOut; o++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += Y[i * nOut + o];
    mean /= n;
    let ssRes = 0, ssTot = 0;
    for (let i = 0; i < n; i++) {
      ssRes += (Y[i * nOut + o] - pred[i * nOut + o]) ** 2;
      ssTot += (Y[i * nOut + o] - mean) ** 2;
    }
    total += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return total / nOut;
}
