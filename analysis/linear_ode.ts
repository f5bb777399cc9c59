/**
 * The linear ODE of Section 4: fit Δx_t = x_{t+1} − x_t ≈ A x_t + b on the signal trajectories,
 * with scikit-learn's Lasso (its objective, cyclic coordinate descent and duality-gap stopping
 * rule, ported from `sklearn/linear_model/_cd_fast.pyx`, version 1.2), α = 0 (the code's
 * "linear regression") or exact OLS (Householder QR); R² as sklearn's `score`; the rollout
 * x̂_{t+1} = x̂_t + A x̂_t + b; the closed form x(t) = e^{At}x₀ + (e^{At} − I)A⁻¹b with A + 1e-8·I;
 * and an RK4 integrator of dx/dt = Ax + b to check it.
 *
 * Matrices are row-major `Float64Array`s; A is (m, m) with row i the coefficients of output i
 * (sklearn's `coef_`).
 *
 * @module
 */
import { Matrix, QrDecomposition, SingularValueDecomposition } from "ml-matrix";
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
 * import { lasso } from "./linear_ode.ts";
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
  const normCols = new Float64Array(nIn);
  for (let j = 0; j < nIn; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xc[j * n + i] ** 2;
    normCols[j] = s;
  }
  const coef = new Float64Array(nOut * nIn), intercept = new Float64Array(nOut);
  const iterations: number[] = [], notConverged: number[] = [];
  const l1 = alpha * n; // sklearn scales alpha by n_samples
  const R = new Float64Array(n);
  for (let o = 0; o < nOut; o++) {
    const y = Yc.subarray(o * n, (o + 1) * n);
    const w = coef.subarray(o * nIn, (o + 1) * nIn);
    R.set(y); // w starts at 0
    const dwTol = tol;
    let yy = 0;
    for (let i = 0; i < n; i++) yy += y[i] * y[i];
    const tolScaled = tol * yy;
    let it = 0, converged = false;
    for (it = 0; it < maxIter; it++) {
      let wMax = 0, dwMax = 0;
      for (let j = 0; j < nIn; j++) {
        if (normCols[j] === 0) continue;
        const col = Xc.subarray(j * n, (j + 1) * n);
        const wj = w[j];
        if (wj !== 0) { for (let i = 0; i < n; i++) R[i] += wj * col[i]; }
        let tmp = 0;
        for (let i = 0; i < n; i++) tmp += col[i] * R[i];
        w[j] = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / normCols[j];
        if (w[j] !== 0) { for (let i = 0; i < n; i++) R[i] -= w[j] * col[i]; }
        dwMax = Math.max(dwMax, Math.abs(w[j] - wj));
        wMax = Math.max(wMax, Math.abs(w[j]));
      }
      if (wMax === 0 || dwMax / wMax < dwTol || it === maxIter - 1) {
        // duality gap (beta = 0)
        let dual = 0;
        for (let j = 0; j < nIn; j++) {
          let s = 0;
          const col = Xc.subarray(j * n, (j + 1) * n);
          for (let i = 0; i < n; i++) s += col[i] * R[i];
          dual = Math.max(dual, Math.abs(s));
        }
        let r2 = 0, ry = 0, l1norm = 0;
        for (let i = 0; i < n; i++) {
          r2 += R[i] * R[i];
          ry += R[i] * y[i];
        }
        for (let j = 0; j < nIn; j++) l1norm += Math.abs(w[j]);
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
 * import { ols } from "./linear_ode.ts";
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
 * import { r2Score } from "./linear_ode.ts";
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

/** The ODE data of a signal trajectory: x_t = signals[t, ks], y_t = x_{t+1} − x_t, t < steps. */
export function odeData(
  signals: ArrayLike<number>,
  p: number,
  { steps = 1000, ks }: { steps?: number; ks?: number[] } = {},
): { x: Float64Array; y: Float64Array; n: number; m: number; ks: number[] } {
  const rows = signals.length / p;
  const freqs = ks ??
    Array.from({ length: Math.min(29, Math.floor((p - 1) / 2)) }, (_, i) => i + 1);
  if (!Number.isInteger(rows) || rows < 2) {
    throw new AnalysisError(
      `signal trajectory of ${signals.length} values: at least 2 rows of p = ${p} are needed`,
    );
  }
  const n = Math.min(steps, rows - 1), m = freqs.length;
  const x = new Float64Array(n * m), y = new Float64Array(n * m);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < m; j++) {
      x[t * m + j] = signals[t * p + freqs[j]];
      y[t * m + j] = signals[(t + 1) * p + freqs[j]] - signals[t * p + freqs[j]];
    }
  }
  return { x, y, n, m, ks: freqs };
}

/**
 * The authors' rollout: x̂_0 = x_0, x̂_{t+1} = x̂_t + A x̂_t + b, `n` rows (row 0 = x_0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { rollout } from "./linear_ode.ts";
 * const fit = { coef: Float64Array.from([-0.5]), intercept: Float64Array.from([1]), nIn: 1, nOut: 1 };
 * assertEquals(Array.from(rollout(fit, [0], 3)), [0, 1, 1.5]);
 * ```
 */
export function rollout(fit: LinearFit, x0: ArrayLike<number>, n: number): Float64Array {
  const m = fit.nOut;
  const out = new Float64Array(n * m);
  for (let j = 0; j < m; j++) out[j] = x0[j];
  for (let t = 1; t < n; t++) {
    const prev = out.subarray((t - 1) * m, t * m);
    const d = predict(fit, prev, 1);
    for (let j = 0; j < m; j++) out[t * m + j] = prev[j] + d[j];
  }
  return out;
}

function matmul(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const a = A[i * m + k];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j] += a * B[k * m + j];
    }
  }
  return C;
}

function solve(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const Am = new Matrix(m, m), Bm = new Matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      Am.set(i, j, A[i * m + j]);
      Bm.set(i, j, B[i * m + j]);
    }
  }
  const X = new QrDecomposition(Am).solve(Bm);
  return Float64Array.from(X.to1DArray());
}

// Padé(13) coefficients of Higham (2005), "The scaling and squaring method for the matrix
// exponential revisited", with θ13 = 5.371920351148152.
const PADE13 = [
  64764752532480000,
  32382376266240000,
  7771770303897600,
  1187353796428800,
  129060195264000,
  10559470521600,
  670442572800,
  33522128640,
  1323241920,
  40840800,
  960960,
  16380,
  182,
  1,
];
const THETA13 = 5.371920351148152;

/**
 * The matrix exponential e^M of an (m, m) matrix by scaling and squaring with a degree-13 Padé
 * approximant (Higham 2005).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { expm } from "./linear_ode.ts";
 * assertAlmostEquals(expm(Float64Array.from([1]), 1)[0], 2.718281828459, 5e-13);
 * ```
 */
export function expm(M: ArrayLike<number>, m: number): Float64Array {
  let norm1 = 0;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.abs(M[i * m + j]);
    norm1 = Math.max(norm1, s);
  }
  const s = norm1 > THETA13 ? Math.max(0, Math.ceil(Math.log2(norm1 / THETA13))) : 0;
  const A = Float64Array.from(M, (v) => v / 2 ** s);
  const I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = 1;
  const A2 = matmul(A, A, m), A4 = matmul(A2, A2, m), A6 = matmul(A4, A2, m);
  const b = PADE13;
  const lin = (cs: number[], Ms: Float64Array[]) => {
    const out = new Float64Array(m * m);
    cs.forEach((c, k) => {
      for (let i = 0; i < out.length; i++) out[i] += c * Ms[k][i];
    });
    return out;
  };
  const W1 = lin([b[13], b[11], b[9]], [A6, A4, A2]);
  const W2 = lin([b[7], b[5], b[3], b[1]], [A6, A4, A2, I]);
  const Uo = matmul(A, add(matmul(A6, W1, m), W2), m);
  const Z1 = lin([b[12], b[10], b[8]], [A6, A4, A2]);
  const Z2 = lin([b[6], b[4], b[2], b[0]], [A6, A4, A2, I]);
  const V = add(matmul(A6, Z1, m), Z2);
  // U = A·(A6·(b13·A6 + b11·A4 + b9·A2) + b7·A6 + b5·A4 + b3·A2 + b1·I), V likewise with the even
  // coefficients; R = (V − U)⁻¹ (V + U)
  let R = solve(sub(V, Uo), add(V, Uo), m);
  for (let k = 0; k < s; k++) R = matmul(R, R, m);
  return R;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}
function sub(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v - b[i]);
}

/**
 * Eq. 4 as the code defines it: x(t) = e^{A't}x₀ + (e^{A't} − I)A'⁻¹b with A' = A + 1e-8·I, at
 * the given times (the code: linspace(0, 1000, 1000)). Returns (times, m) row-major.
 *
 * Evaluated through the augmented exponential exp([[A', b], [0, 0]]·t) = [[e^{A't},
 * (e^{A't} − I)A'⁻¹b], [0, 1]], which gives the same quantity without forming A'⁻¹: the fitted A
 * is nearly singular, and the code's explicit inverse loses digits to cancellation (measured
 * against RK4 at t = 1000 on the seed-1 fit: 3e-8 relative for scipy's expm + inv, 1.4e-6 for
 * Padé + inverse, ~1e-10 for this form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { closedForm } from "./linear_ode.ts";
 * const fit = { coef: Float64Array.from([-1]), intercept: Float64Array.from([2]), nIn: 1, nOut: 1 };
 * assertEquals(closedForm(fit, [0], [0, 50])[1].toFixed(6), "2.000000"); // the fixed point −b/A
 * ```
 */
export function closedForm(
  fit: LinearFit,
  x0: ArrayLike<number>,
  times: ArrayLike<number>,
  { shift = 1e-8 }: { shift?: number } = {},
): Float64Array {
  const m = fit.nOut;
  if (fit.nIn !== m) throw new AnalysisError(`closed form needs a square A; got ${m}×${fit.nIn}`);
  const q = m + 1;
  const aug = new Float64Array(q * q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) aug[i * q + j] = fit.coef[i * m + j] + (i === j ? shift : 0);
    aug[i * q + m] = fit.intercept[i];
  }
  const out = new Float64Array(times.length * m);
  for (let ti = 0; ti < times.length; ti++) {
    const E = expm(aug.map((v) => v * times[ti]), q);
    for (let i = 0; i < m; i++) {
      let s = E[i * q + m];
      for (let j = 0; j < m; j++) s += E[i * q + j] * x0[j];
      out[ti * m + i] = s;
    }
  }
  return out;
}

/**
 * Integrate dx/dt = A x + b with classical RK4 at step `h`, reporting x at the given times
 * (ascending). For checking the closed form.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { integrate } from "./linear_ode.ts";
 * const fit = { coef: Float64Array.from([-1]), intercept: Float64Array.from([0]), nIn: 1, nOut: 1 };
 * assertEquals(integrate(fit, [1], [1])[0].toFixed(8), "0.36787944"); // = e^-1
 * ```
 */
export function integrate(
  fit: LinearFit,
  x0: ArrayLike<number>,
  times: ArrayLike<number>,
  { h = 1e-3 }: { h?: number } = {},
): Float64Array {
  const m = fit.nOut;
  const f = (x: Float64Array) => {
    const d = predict(fit, x, 1);
    return d;
  };
  const out = new Float64Array(times.length * m);
  let x = Float64Array.from(x0), t = 0;
  for (let ti = 0; ti < times.length; ti++) {
    while (t < times[ti] - 1e-12) {
      const dt = Math.min(h, times[ti] - t);
      const k1 = f(x);
      const k2 = f(x.map((v, i) => v + (dt / 2) * k1[i]));
      const k3 = f(x.map((v, i) => v + (dt / 2) * k2[i]));
      const k4 = f(x.map((v, i) => v + dt * k3[i]));
      x = x.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      t += dt;
    }
    out.set(x, ti * m);
  }
  return out;
}

/**
 * numpy's `matrix_rank` of an (m, m) row-major matrix: singular values above
 * σ_max · m · ε. A rank below m is what "not naturally invertible" (Sec. 4.2) means: numpy's
 * `inv` refuses the matrix.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { matrixRank } from "./linear_ode.ts";
 * assertEquals(matrixRank(Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 0]), 3), 2);
 * ```
 */
export function matrixRank(M: ArrayLike<number>, m: number): number {
  if (M.length !== m * m) {
    throw new AnalysisError(`matrix of ${M.length} values: ${m}×${m} = ${m * m} are needed`);
  }
  const rows = Array.from(
    { length: m },
    (_, i) => Array.from({ length: m }, (_, j) => M[i * m + j]),
  );
  return new SingularValueDecomposition(new Matrix(rows), { autoTranspose: true }).rank;
}

/** numpy's linspace(start, stop, num). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return out;
}
