import fc from "fast-check";
import { closedForm, integrate, odeData, rollout } from "./linear_ode.ts";
import { linspace } from "./linalg.ts";
import { lasso, ols, predict, r2Score } from "./regression.ts";
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
