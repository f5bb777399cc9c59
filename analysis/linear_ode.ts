/**
 * The linear ODE of Section 4 on signal trajectories: its data (x_t and Δx_t = x_{t+1} − x_t), the
 * authors' rollout x̂_{t+1} = x̂_t + A x̂_t + b of a fit (`./regression.ts`), the closed form
 * x(t) = e^{At}x₀ + (e^{At} − I)A⁻¹b with A + 1e-8·I (`./linalg.ts`'s matrix exponential), and an
 * RK4 integrator of dx/dt = Ax + b to check it.
 *
 * Matrices are row-major `Float64Array`s; A is (m, m) with row i the coefficients of output i
 * (sklearn's `coef_`).
 *
 * @module
 */
import { AnalysisError } from "./fourier.ts";
import { type LinearFit, predict } from "./regression.ts";
import { expm } from "./linalg.ts";

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
