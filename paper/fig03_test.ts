import { fig03 } from "./fig03.ts";
import { circleEmbedding, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 23, d = 22, live = [2, 5, 7, 9];
const run = (E: Float64Array) =>
  syntheticTrial({
    config: { p, d },
    signals: [symmetric(p, () => 87), survivors(p, live)],
    finalParams: E,
  });

Deno.test("Fig. 3: tokens on clean circles pass the Δ = k⁻¹ claim, noise fails it; the PCA claims are reported", async () => {
  // distinct radii, so the principal components are the circles' planes
  const clean = circleEmbedding(p, d, (k) => (live.includes(k) ? 1 + live.indexOf(k) : 0.01));
  const pass = await fig03.compute({ scale: "quick" }, [run(clean)], "quick");
  assertVerdicts(pass.claims, ["REPORTED", "REPORTED", "PASS"], "clean circles");
  const fail = await fig03.compute(
    { scale: "quick" },
    [run(circleEmbedding(p, d, () => 0, 1))],
    "quick",
  );
  assertVerdicts(fail.claims, ["REPORTED", "REPORTED", "FAIL"], "noise");
  assertBothWays([pass.claims, fail.claims], [2]);
});
