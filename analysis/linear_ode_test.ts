import fc from "fast-check";
import {
  closedForm,
  expm,
  integrate,
  lasso,
  linspace,
  matrixRank,
  odeData,
  ols,
  predict,
  r2Score,
  rollout,
} from "./linear_ode.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

const F = (a: string) => fixture("analysis_p59_d128_seed1", a);
const n = 1000, m = 29;

Deno.test("ODE data of the seed-1 run equal the reference's x_t and Δx_t", async () => {
  // the 1 000-step run's signals are not stored; its x, y are. Rebuild signals from them.
  const x = await F("ode_x"), y = await F("ode_y");
  const p = 59, sig = new Float64Array((n + 1) * p);
  for (let t = 0; t <= n; t++) {
    for (let j = 0; j < m; j++) {
      sig[t * p + j + 1] = t < n ? x[t * m + j] : x[(n - 1) * m + j] + y[(n - 1) * m + j];
    }
  }
  const d = odeData(sig, p);
  assertClose(d.x, x, { atol: 0 }, "x_t");
  assertClose(d.y, y, { atol: 1e-12 }, "Δx_t");
});

Deno.test("Lasso(α=0.01) equals scikit-learn's coefficients, intercepts and R²", async () => {
  const x = await F("ode_x"), y = await F("ode_y");
  const fit = lasso(x, y, n, m, m);
  // same algorithm, same order of updates: measured max |Δcoef| 1e-14
  assertClose(fit.coef, await F("lasso_coef"), { atol: 1e-9 }, "Lasso coef");
  assertClose(fit.intercept, await F("lasso_intercept"), { atol: 1e-9 }, "Lasso intercept");
  assertClose(
    [r2Score(y, predict(fit, x, n), n, m)],
    await F("lasso_score"),
    { atol: 1e-12 },
    "Lasso R²",
  );
});

Deno.test("Lasso(α=0), the code's 'linear regression', equals scikit-learn's after 1 000 sweeps", async () => {
  const x = await F("ode_x"), y = await F("ode_y");
  const fit = lasso(x, y, n, m, m, { alpha: 0 });
  // stops at max_iter like sklearn (measured max |Δcoef| 6e-14)
  assertClose(fit.coef, await F("lasso0_coef"), { atol: 1e-9 }, "Lasso0 coef");
  assertClose(fit.intercept, await F("lasso0_intercept"), { atol: 1e-8 }, "Lasso0 intercept");
  assertClose(
    [r2Score(y, predict(fit, x, n), n, m)],
    await F("lasso0_score"),
    { atol: 1e-12 },
    "Lasso0 R²",
  );
});

Deno.test("OLS equals scikit-learn's LinearRegression (QR here, LAPACK gelsd there)", async () => {
  const x = await F("ode_x"), y = await F("ode_y");
  const fit = ols(x, y, n, m, m);
  // the columns are highly collinear (cond ~1e6): measured max |Δcoef| 4e-11
  assertClose(fit.coef, await F("ols_coef"), { atol: 1e-8, rtol: 1e-8 }, "OLS coef");
  assertClose(fit.intercept, await F("ols_intercept"), { atol: 1e-7 }, "OLS intercept");
  assertClose(
    [r2Score(y, predict(fit, x, n), n, m)],
    await F("ols_score"),
    { atol: 1e-10 },
    "OLS R²",
  );
});

Deno.test("matrixRank equals numpy's matrix_rank: the reference Lasso matrix is singular", async () => {
  // numpy: matrix_rank(lasso_coef) = 16 (12 zero columns; inv raises "Singular matrix")
  const rank = matrixRank(await F("lasso_coef"), m);
  if (rank !== 16) throw new Error(`rank ${rank}, numpy 16`);
  // a random Gaussian matrix has full rank; a copied row takes one away
  const A = Float64Array.from({ length: 36 }, (_, i) => Math.sin(7.3 * i * i + 1));
  if (matrixRank(A, 6) !== 6) throw new Error(`rank ${matrixRank(A, 6)} of a generic 6×6`);
  A.set(A.subarray(0, 6), 30);
  if (matrixRank(A, 6) !== 5) throw new Error(`rank ${matrixRank(A, 6)} with a copied row`);
});

Deno.test("rollout and closed form of the Lasso fit equal the reference's", async () => {
  const x = await F("ode_x"), y = await F("ode_y");
  const fit = lasso(x, y, n, m, m);
  assertClose(rollout(fit, x.subarray(0, m), n), await F("rollout"), { rtol: 1e-9 }, "rollout");
  // scipy's expm + inv is 3e-8 from an RK4 solution at t = 1000 and ours 1e-10 (see closedForm)
  const cf = closedForm(fit, x.subarray(0, m), linspace(0, 1000, 1000));
  assertClose(cf, await F("closed_form"), { rtol: 1e-6 }, "closed form");
});

// a random stable system: A = −(M Mᵀ/m + 0.1 I) + small skew part
const stable = fc.record({
  m: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
}).map(({ m, seed }) => {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647) - 0.5;
  const M = Array.from({ length: m * m }, r), K = Array.from({ length: m * m }, r);
  const coef = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let k = 0; k < m; k++) v += M[i * m + k] * M[j * m + k];
      coef[i * m + j] = -v / m - (i === j ? 0.1 : 0) + 0.3 * (K[i * m + j] - K[j * m + i]);
    }
  }
  return {
    fit: { coef, intercept: Float64Array.from({ length: m }, r), nIn: m, nOut: m },
    x0: Float64Array.from({ length: m }, () => 4 * r()),
    m,
  };
});

Deno.test("closed form agrees with RK4 integration for random stable systems (fast-check)", () => {
  fc.assert(
    fc.property(stable, ({ fit, x0 }) => {
      const times = [0, 0.5, 3, 10];
      // RK4 at h = 1e-3: local error ~h⁵, global ~1e-12 on these scales
      assertClose(closedForm(fit, x0, times, { shift: 0 }), integrate(fit, x0, times), {
        atol: 1e-8,
        rtol: 1e-8,
      }, "closed form vs RK4");
    }),
    { numRuns: 40 },
  );
});

Deno.test("a fit recovers an exact linear system from its rollout; its R² is 1 (fast-check)", () => {
  fc.assert(
    fc.property(stable, ({ fit, x0, m }) => {
      // discrete map x_{t+1} = x_t + 0.1·(A x_t + b); use many start points so X has full rank
      const step = {
        ...fit,
        coef: fit.coef.map((v) => 0.1 * v),
        intercept: fit.intercept.map((v) => 0.1 * v),
      };
      const starts = 4;
      const T = 12;
      const rows: number[] = [], next: number[] = [];
      for (let s = 0; s < starts; s++) {
        const traj = rollout(step, x0.map((v, i) => v + s * (i + 1) - s * s * 0.3 * i), T);
        for (let t = 0; t + 1 < T; t++) {
          for (let j = 0; j < m; j++) {
            rows.push(traj[t * m + j]);
            next.push(traj[(t + 1) * m + j] - traj[t * m + j]);
          }
        }
      }
      const N = rows.length / m;
      const f = ols(rows, next, N, m, m);
      assertClose(f.coef, step.coef, { atol: 1e-8 }, "recovered A");
      assertClose(f.intercept, step.intercept, { atol: 1e-8 }, "recovered b");
      const score = r2Score(next, predict(f, rows, N), N, m);
      if (Math.abs(score - 1) > 1e-10) throw new Error(`R² of an exact fit is ${score}`);
    }),
    { numRuns: 40 },
  );
});

Deno.test("expm: e^0 = I, e^{diag} = diag(e^λ), e^{A}e^{−A} = I", () => {
  assertClose(expm(new Float64Array(9), 3), [1, 0, 0, 0, 1, 0, 0, 0, 1], { atol: 0 }, "e^0");
  assertClose(
    expm([2, 0, 0, -30], 2),
    [Math.exp(2), 0, 0, Math.exp(-30)],
    { rtol: 1e-14 },
    "e^diag",
  );
  const A = [0.3, 12, -4, 0.1], B = expm(A, 2), Bi = expm(A.map((v) => -v), 2);
  const P = [
    B[0] * Bi[0] + B[1] * Bi[2],
    B[0] * Bi[1] + B[1] * Bi[3],
    B[2] * Bi[0] + B[3] * Bi[2],
    B[2] * Bi[1] + B[3] * Bi[3],
  ];
  assertClose(P, [1, 0, 0, 1], { atol: 1e-12 }, "e^A e^-A");
});
