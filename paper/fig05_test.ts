import { equal } from "node:assert/strict";
import { fig05 } from "./fig05.ts";
import type { SweepPoint } from "./sweep.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const ps = [13, 23, 31, 43], ds = [16, 32, 64, 128], trials = 4;
const params = { scale: "quick" as const, ps, pTrials: trials, ds, dTrials: trials, steps: 100 };

/** A sweep trial ending with `n` circles (k = 1..n); NaN signals if it diverged. */
const trial = (p: number, d: number, n: number, diverged = false) =>
  syntheticTrial({
    config: { p, d, steps: 100 },
    signals: [
      symmetric(p, () => 87),
      diverged ? symmetric(p, () => NaN) : survivors(p, Array.from({ length: n }, (_, i) => i + 1)),
    ],
    loggedAt: [100],
    divergedAt: diverged ? 50 : null,
  });

/** Counts `count(i, t)` at the i-th value, trial t; the last value's last trial diverges. */
function results(count: (i: number, t: number) => number) {
  const sweep = (values: number[], cfg: (v: number) => [number, number]) =>
    values.flatMap((v, i) =>
      Array.from(
        { length: trials },
        (_, t) => trial(...cfg(v), count(i, t), i === values.length - 1 && t === trials - 1),
      )
    );
  return [...sweep(ps, (p) => [p, 128]), ...sweep(ds, (d) => [59, d])];
}

Deno.test("Fig. 5: counts rising with p and d pass, falling ones fail; a diverged trial is counted apart", async () => {
  const pass = await fig05.compute(params, results((i, t) => 1 + i + (t % 2)), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "rising");
  const last = (pass.data.byP as SweepPoint[]).at(-1)!;
  equal(last.diverged, 1, "the diverged trial is counted apart");
  equal(last.counts.length, trials - 1, "and not as a count");
  const fail = await fig05.compute(params, results((i, t) => 4 - i + (t % 2)), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "falling");
  assertBothWays([pass.claims, fail.claims]);
});
