import { fig15 } from "./fig15.ts";
import { exactOde, noisyOde, odeTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const params = { scale: "quick" as const, seeds: [2, 3, 4] };

Deno.test("Fig. 15: three sparse singular Lasso matrices pass; one dense invertible among them fails both claims", async () => {
  const e = odeTrial(exactOde(60)), x = odeTrial(noisyOde(60));
  const pass = await fig15.compute(params, [e, e, e], "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "three exact ODEs");
  const fail = await fig15.compute(params, [e, x, e], "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "one noisy dense map");
  // exact measurements of the three named runs: never undecided
  assertBothWays([pass.claims, fail.claims], [0, 1]);
});
