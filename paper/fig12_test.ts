import { fig12 } from "./fig12.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, steps = 2000;
const params = { scale: "paper" as const, steps, paperSteps: steps };

/** A run ending with circles `ks` and test loss `loss(t)`; NaN everywhere if it diverged. */
const run = (ks: number[], loss: (t: number) => number = () => 0.01, diverged = false) =>
  syntheticTrial({
    config: { p, d: 128, steps },
    signals: [symmetric(p, () => 87), diverged ? symmetric(p, () => NaN) : survivors(p, ks)],
    loggedAt: [steps],
    testLoss: Float64Array.from({ length: steps }, (_, t) => (diverged ? NaN : loss(t + 1))),
    divergedAt: diverged ? 1500 : null,
  });

// the unablated run's two strongest circles are 11 and 8 (k₁ = 11, k₂ = 8); its test loss
// reaches near zero (≤ 1 % of ln 59) at step 1 801
const base = run([8, 11, 3], (t) => (t > 1800 ? 0.01 : 1));
const spiky = (t: number) => (t % 500 < 20 ? 1 : 0.01);
const ACCEPT = [
  "REPORTED",
  "PASS",
  "PASS",
  "PASS",
  "PASS",
  "PASS",
  "PASS",
  "PASS",
  "REPORTED",
] as const;

Deno.test("Fig. 12: A ends with four circles, B with its two at 1e-7 and sooner than the unablated run, C and D with ≥ 3: passes", async () => {
  const out = await fig12.compute(params, [
    base,
    run([11, 3, 5, 9], spiky),
    run([8, 11], (t) => (t > 1500 ? 1e-7 : 1e-3)),
    run([1, 4, 6], spiky),
    run([1, 2, 7], spiky),
  ], "paper");
  assertVerdicts(out.claims, [...ACCEPT], "built to pass");
});

Deno.test("Fig. 12: A alone, B with a third circle at 1e-5 and later than the unablated run, C and D with fewer than 3: fails; cut short, undecided; a diverged run is not 0 circles", async () => {
  const late = (t: number) => (t > 1900 ? 1e-5 : 1);
  const failing = [base, run([11]), run([3, 8, 11], late), run([1, 2]), run([1])];
  const fail = await fig12.compute(params, failing, "paper");
  assertVerdicts(
    fail.claims,
    ["REPORTED", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "REPORTED"],
    "built to fail",
  );
  // the same runs as steps of a 30 001-step protocol, and neither B nor the unablated run near
  // zero yet: nothing about the end of training is decided
  const flat = run([8, 11, 3], () => 1);
  const cut = await fig12.compute(
    { ...params, paperSteps: 30001 },
    [flat, run([11]), run([3, 8, 11], () => 1), run([1, 2]), run([1])],
    "quick",
  );
  assertVerdicts(
    cut.claims,
    [
      "REPORTED",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "INCONCLUSIVE",
      "REPORTED",
    ],
    "cut short",
  );
  const pass = await fig12.compute(params, [
    base,
    run([11, 3, 5, 9], spiky),
    run([8, 11], () => 1e-7),
    run([1, 4, 6]),
    run([1, 2, 7]),
  ], "paper");
  assertBothWays([pass.claims, fail.claims, cut.claims]);
  // C diverged: its claim is not decided (it has no final circles), never "0 circles: FAIL"
  const gone = await fig12.compute(params, [
    base,
    run([11, 3, 5, 9]),
    run([8, 11], () => 1e-7),
    run([], undefined, true),
    run([1, 2, 7]),
  ], "paper");
  assertVerdicts(
    gone.claims,
    ["REPORTED", "PASS", "PASS", "PASS", "PASS", "PASS", "UNTESTED", "PASS", "REPORTED"],
    "C diverged",
  );
  if (!gone.claims[6].note?.includes("run C diverged at step 1500")) {
    throw new Error(`note: ${gone.claims[6].note}`);
  }
});
