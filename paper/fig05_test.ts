import { equal } from "node:assert/strict";
import { fig05 } from "./fig05.ts";
import type { CountPoint } from "./circle_counts.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const ps = [13, 23, 31, 43], ds = [16, 32, 64, 128], trials = 4;
const params = { scale: "quick" as const, ps, pTrials: trials, ds, dTrials: trials, steps: 100 };

/** A sweep trial of `steps` (default the paper's 30 000) ending with `n` circles (k = 1..n); NaN
 * signals if it diverged. */
const trial = (p: number, d: number, n: number, diverged = false, steps = 30000, seed = 0) =>
  syntheticTrial({
    config: { p, d, steps, seed },
    signals: [
      symmetric(p, () => 87),
      diverged ? symmetric(p, () => NaN) : survivors(p, Array.from({ length: n }, (_, i) => i + 1)),
    ],
    loggedAt: [steps],
    divergedAt: diverged ? 50 : null,
  });

/** Counts `count(i, t)` at the i-th value, trial t; the last value's last trial diverges. */
function results(count: (i: number, t: number) => number, steps = 30000) {
  const sweep = (values: number[], cfg: (v: number) => [number, number]) =>
    values.flatMap((v, i) =>
      Array.from(
        { length: trials },
        (_, t) =>
          trial(...cfg(v), count(i, t), i === values.length - 1 && t === trials - 1, steps, t),
      )
    );
  return [...sweep(ps, (p) => [p, 128]), ...sweep(ds, (d) => [59, d])];
}

Deno.test("Fig. 5: counts rising with p and d pass, falling ones fail; a diverged trial is counted apart", async () => {
  const pass = await fig05.compute(params, results((i, t) => 1 + i + (t % 2)), "quick");
  // (59, 128): 3 trials with 4–5 circles, too few for 'almost always' (≥ 99 %) to be shown
  assertVerdicts(pass.claims, ["PASS", "PASS", "INCONCLUSIVE"], "rising");
  const last = (pass.data.byP as CountPoint[]).at(-1)!;
  equal(last.diverged, 1, "the diverged trial is counted apart");
  equal(last.counts.length, trials - 1, "and not as a count");
  // falling: 2–3 circles at the first two values, 1 at the rest (p = 13 holds at most 3)
  const fail = await fig05.compute(params, results((i, t) => (i < 2 ? 3 - (t % 2) : 1)), "quick");
  // (59, 128): 1–2 circles in every trial
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "falling");
  // the same rising counts on trials cut short at 100 steps, their circles not settled: left out
  const cut = await fig05.compute(params, results((i, t) => 1 + i + (t % 2), 100), "quick");
  assertVerdicts(cut.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"], "cut short");
  if (!cut.claims[0].note?.includes("left out")) throw new Error(`note: ${cut.claims[0].note}`);
  // 400 trials at (59, 128), every one with 3 circles: 'almost always' shown (Clopper–Pearson
  // lower bound 0.9908 ≥ 0.99); the trends are flat there
  const many = { ...params, ps: [59], pTrials: 400, ds: [128], dTrials: 1 };
  const lots = await fig05.compute(
    many,
    [
      ...Array.from({ length: 400 }, (_, t) => trial(59, 128, 3, false, 30000, t)),
      trial(59, 128, 3),
    ],
    "quick",
  );
  assertVerdicts(lots.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "PASS"], "many trials");
  assertBothWays([pass.claims, fail.claims, cut.claims, lots.claims]);
});
