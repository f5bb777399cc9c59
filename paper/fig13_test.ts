import { fig13 } from "./fig13.ts";
import { symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, steps = 2100;

/** A run whose embedding-gradient norms are `g(t)` for every k at step t (rows t − 1). */
const run = (g: (t: number) => number) => {
  const gradSignals = new Float64Array(steps * p);
  for (let t = 1; t <= steps; t++) gradSignals.fill(g(t), (t - 1) * p, t * p);
  return syntheticTrial({
    config: { p, d: 128, steps },
    signals: [symmetric(p, () => 87), symmetric(p, () => 87)],
    loggedAt: [steps],
    gradSignals,
  });
};

Deno.test("Fig. 13: a gradient peaking at step 100 and ~0 after 1 000 passes; a late peak that stays fails", async () => {
  // rises to step 100, then decays by e every 80 steps (6e-6 of the peak at step 1 000)
  const pass = await fig13.compute(
    { scale: "quick", paperSteps: steps },
    [run((t) => (t <= 100 ? t : 100 * Math.exp(-(t - 100) / 80)))],
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS"], "built to pass");
  // the same run as the first 2 100 of 30 000 steps: 'after 1 000 steps' is not yet seen whole
  const cut = await fig13.compute(
    { scale: "quick", paperSteps: 30000 },
    [run((t) => (t <= 100 ? t : 100 * Math.exp(-(t - 100) / 80)))],
    "quick",
  );
  assertVerdicts(cut.claims, ["PASS", "INCONCLUSIVE"], "cut short");
  // peaks at step 400 and keeps a tenth of it
  const fail = await fig13.compute(
    { scale: "quick", paperSteps: 30000 },
    [run((t) => (t <= 400 ? t : 40 + 360 * Math.exp(-(t - 400) / 80)))],
    "quick",
  );
  // (cut short too: an exceedance already seen stands)
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "built to fail");
  assertBothWays([pass.claims, fail.claims, cut.claims], [0]);
});

Deno.test("Fig. 13 decides nothing on a run too short to place the peak or see step 1 000", async () => {
  const p = 59, T = 120;
  const out = await fig13.compute({ scale: "tiny", paperSteps: 30000 }, [
    syntheticTrial({
      config: { p, d: 128, steps: T },
      signals: [symmetric(p, () => 87), symmetric(p, () => 87)],
      loggedAt: [T],
      gradSignals: Float64Array.from({ length: T * p }, (_, i) => Math.floor(i / p) + 1),
    }),
  ], "tiny");
  assertVerdicts(out.claims, ["UNTESTED", "UNTESTED"], "120 steps");
});
