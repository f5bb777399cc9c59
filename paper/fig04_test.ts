import { fig04 } from "./fig04.ts";
import { symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const dims = [16, 20, 32, 48, 64, 96], seeds = 2, steps = 10000, checkpoints = [500, 10000];
const params = { scale: "quick" as const, dims, seeds, steps, checkpoints };

/** Runs whose test loss is `loss(d, step)` at every step; the second seed of d = 96 diverges. */
function runs(loss: (d: number, step: number) => number) {
  return dims.flatMap((d) =>
    Array.from({ length: seeds }, (_, s) => {
      const diverged = d === 96 && s === 1;
      return syntheticTrial({
        config: { p: 59, d, seed: s, steps },
        signals: [symmetric(59, () => 87), symmetric(59, () => 87)],
        loggedAt: [steps],
        testLoss: Float64Array.from(
          { length: steps },
          (_, t) => (diverged ? NaN : loss(d, t + 1)),
        ),
        divergedAt: diverged ? 4000 : null,
      });
    })
  );
}

Deno.test("Fig. 4: a sharp drop past d = p with small d beating medium d passes; the reverse fails; a diverged run is left out", async () => {
  const pass = await fig04.compute(
    params,
    runs((d) => (d > 59 ? 0.01 : d <= 20 ? 0.5 : 1)),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS"], "built to pass");
  // at step 500 the large d are worse than the small; at 10 000 small d lose to medium d
  const fail = await fig04.compute(
    params,
    runs((d, t) => (d > 59 ? (t < 1000 ? 2 : 0.01) : d <= 20 ? 1.5 : 1)),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "built to fail");
  assertBothWays([pass.claims, fail.claims]);
});
