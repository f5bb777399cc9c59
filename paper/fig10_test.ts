import { fig10 } from "./fig10.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, steps = 100;
/** Trials of `steps` each; `paperSteps` = steps makes them full length. */
const params = (trials: number, paperSteps = steps) => ({
  scale: "quick" as const,
  high: [0.1, 0.5, 1.0, 1.5],
  low: [0.00215],
  trials,
  steps,
  paperSteps,
});

/** Trials at each wd (low, high, then wd = 0): final signals `final(i, t)`, final test accuracy
 * `acc(i)`; i = 0 is the smallest wd, i = 5 is wd = 0. */
function results(
  trials: number,
  final: (i: number, t: number) => Float64Array,
  acc: (i: number) => number,
) {
  return Array.from(
    { length: 6 },
    (_, i) =>
      Array.from({ length: trials }, (_, t) =>
        syntheticTrial({
          config: { p, d: 128, steps, seed: t },
          signals: [symmetric(p, () => 87), final(i, t)],
          loggedAt: [steps],
          testAcc: [acc(i)],
        })),
  ).flat();
}

const circles = (n: number) => survivors(p, Array.from({ length: n }, (_, i) => i + 1));
/** Fewer circles as wd grows; at wd = 0 every signal stays above 10 and the model does not grok. */
const good = (
  i: number,
  t: number,
) => (i === 5 ? symmetric(p, () => 40) : circles(7 - i - (t % 2)));
const goodAcc = (i: number) => (i === 5 ? 0.3 : 1);

Deno.test("Fig. 10: fewer circles as wd grows, all 29 alive and no grokking at wd = 0 pass (60 trials); the reverse fails; runs cut short decide nothing", async () => {
  const pass = await fig10.compute(params(60), results(60, good, goodAcc), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS", "PASS"], "built to pass");
  // 3 trials at wd = 0: no exception, too few for 'all' (59)
  const few = await fig10.compute(params(3), results(3, good, goodAcc), "quick");
  assertVerdicts(few.claims, ["PASS", "INCONCLUSIVE", "INCONCLUSIVE"], "3 trials");
  const fail = await fig10.compute(
    params(3),
    results(3, (i, t) => (i === 5 ? circles(4) : circles(2 + i + (t % 2))), () => 1),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "built to fail");
  // the failing trials cut short of 30 000 steps, circles not settled: nothing decided
  const cut = await fig10.compute(
    params(3, 30000),
    results(3, (i, t) => (i === 5 ? circles(4) : circles(2 + i + (t % 2))), () => 1),
    "quick",
  );
  assertVerdicts(cut.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"], "cut short");
  assertBothWays([pass.claims, few.claims, fail.claims, cut.claims]);
  // the wd = 0 trials are requested after the sweep's, at wd = 0 exactly
  const reqs = fig10.requests(fig10.params.quick);
  const zero = reqs.slice(-fig10.params.quick.trials);
  if (
    zero.some((r) => r.config.wd !== 0) ||
    reqs.slice(0, -zero.length).some((r) => r.config.wd === 0)
  ) {
    throw new Error("wd = 0 trials not last");
  }
});
