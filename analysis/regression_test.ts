import { lasso, ols, predict, r2Score } from "./regression.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

const F = (a: string) => fixture("analysis_p59_d128_seed1", a);
const n = 1000, m = 29;

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
