import { equal } from "node:assert/strict";
import { odeAnalysis } from "./ode_fits.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

const F = (a: string) => fixture("analysis_p59_d128_seed1", a);

Deno.test("odeAnalysis of the seed-1 run gives the reference's R² (in-sample and 80/20), nonzeros and rank", async () => {
  const signals = await fixture("extra_run1000_p59_d128_seed1", "signals");
  const a = odeAnalysis({ signals, config: { p: 59 } });
  assertClose([a.olsScore], await F("ols_score"), { atol: 1e-10 }, "OLS R² in-sample");
  assertClose([a.lassoScore], await F("lasso_score"), { atol: 1e-10 }, "Lasso R² in-sample");
  assertClose([a.lasso0Score], await F("lasso0_score"), { atol: 1e-10 }, "α=0 R² in-sample");
  // scikit-learn 1.2.1: train_test_split(x, y, test_size=0.2, random_state=0), fit, score
  assertClose(
    [a.holdout.ols, a.holdout.lasso, a.holdout.lasso0],
    [0.9971244732529502, 0.7964824311310646, 0.8677184879385182],
    { atol: 1e-8 },
    "held-out R² (OLS, Lasso, α=0)",
  );
  const coef = await F("lasso_coef");
  equal(a.nonzero, coef.filter((v) => v !== 0).length, "nonzeros of the Lasso matrix");
  equal(a.lassoRank, 16, "numpy matrix_rank of the reference Lasso matrix");
  assertClose(a.rollout, await F("rollout"), { rtol: 1e-8, atol: 1e-8 }, "Lasso rollout");
  equal(a.olsRolloutR2.length, 29);
});

Deno.test("least squares fits its own rows at least as well as either Lasso (mean in-sample R²)", async () => {
  const signals = await fixture("extra_run1000_p59_d128_seed1", "signals");
  const a = odeAnalysis({ signals, config: { p: 59 } }, { steps: 120, trajectories: false });
  for (const [name, v] of [["Lasso", a.lassoScore], ["α=0", a.lasso0Score]] as const) {
    if (!(a.olsScore >= v - 1e-12)) throw new Error(`OLS R² ${a.olsScore} < ${name} R² ${v}`);
  }
  equal(a.rollout.length, 0, "no trajectories asked for");
});
