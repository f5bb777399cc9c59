import { fig10 } from "./fig10.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, trials = 3;
const params = {
  scale: "quick" as const,
  high: [0.1, 0.5, 1.0, 1.5],
  low: [0.00215],
  trials,
  steps: 100,
};

/** Trials at each wd (low first): final signals `final(i, t)`, final test accuracy `acc(i, t)`. */
function results(final: (i: number, t: number) => Float64Array, acc: (i: number) => number) {
  return [...params.low, ...params.high].flatMap((_, i) =>
    Array.from({ length: trials }, (_, t) =>
      syntheticTrial({
        config: { p, d: 128, steps: 100 },
        signals: [symmetric(p, () => 87), final(i, t)],
        loggedAt: [100],
        testAcc: [acc(i)],
      }))
  );
}

const circles = (n: number) => survivors(p, Array.from({ length: n }, (_, i) => i + 1));

Deno.test("Fig. 10: fewer circles as wd grows, all 29 alive and no grokking at the smallest wd pass; the reverse fails", async () => {
  const pass = await fig10.compute(
    params,
    // at the smallest wd every signal stays above 10 and the model does not grok
    results(
      (i, t) => (i === 0 ? symmetric(p, () => 40) : circles(7 - i - (t % 2))),
      (i) => i === 0 ? 0.3 : 1,
    ),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS", "PASS"], "built to pass");
  const fail = await fig10.compute(
    params,
    results((i, t) => (i === 0 ? circles(4) : circles(2 + i + (t % 2))), () => 1),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "built to fail");
  assertBothWays([pass.claims, fail.claims]);
});
