import { equal } from "node:assert/strict";
import { decided } from "./decided.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, steps = 300;
const params = { scale: "paper" as const, trials: 3, steps, checkpoints: [100, 200] };

/** A run whose circles are `early` until step 250 and `late` after; NaN if it diverged. */
const run = (early: number[], late: number[], diverged = false) =>
  syntheticTrial({
    config: { p, d: 128, steps },
    signals: Array.from({ length: steps + 1 }, (_, t) =>
      diverged && t > 150
        ? symmetric(p, () =>
          NaN)
        : t === 0
        ? symmetric(p, () => 87)
        : survivors(p, t < 250 ? early : late)),
    divergedAt: diverged ? 150 : null,
  });

Deno.test("the early-verdict study reports its agreement, never PASS or FAIL (the text trains 30 000 steps, no bar); diverged runs left out", async () => {
  const same = await decided.compute(
    params,
    [run([2, 5, 9], [2, 5, 9]), run([3, 4], [3, 4]), run([1], [1], true)],
    "paper",
  );
  const moved = await decided.compute(
    params,
    [run([2, 5, 9], [2, 5]), run([3, 4], [3, 7]), run([1], [1], true)],
    "paper",
  );
  assertVerdicts(same.claims, ["REPORTED", "REPORTED"], "circles settled early");
  assertVerdicts(moved.claims, ["REPORTED", "REPORTED"], "circles changed at step 250");
  assertBothWays([same.claims, moved.claims]);
  const agreement = (out: typeof same) =>
    (out.data.checkpoints as { agree: number; of: number }[]).map((c) => `${c.agree}/${c.of}`);
  equal(agreement(same).join(" "), "2/2 2/2", "the diverged run is left out");
  equal(agreement(moved).join(" "), "0/2 0/2");
});
