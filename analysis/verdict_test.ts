import { equal } from "node:assert/strict";
import { decidedStep, DecidedTracker, verdictAt } from "./verdict.ts";
import { train } from "../train/trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { assertClose } from "../tests/helpers.ts";

Deno.test("verdict: circles and the survivor/non-survivor separation", () => {
  const v = verdictAt([0, 5, 80, 4, 4, 80, 5]);
  equal(v.key, "2");
  equal(v.ratio, 16);
});

Deno.test("the tracker needs a stable verdict over the window and the separation", () => {
  const t = new DecidedTracker(5, { every: 1, minSteps: 1, window: 3, separation: 4 });
  const alive = [0, 1, 80, 80, 1], close = [0, 30, 80, 80, 30];
  equal(t.observe(1, alive), false);
  equal(t.observe(2, close), false, "separation 80/30 < 4");
  equal(t.observe(3, alive), false);
  equal(t.observe(4, alive), false);
  equal(t.observe(5, alive), false, "step 5 − 3 = 2 is in the window and was undecided");
  equal(t.observe(6, alive), true, "stable over steps 3..6");
});

Deno.test("--until-decided stops where replaying the rule on the full run says, with the same circles", async () => {
  const rule = { every: 50, minSteps: 300, window: 300, separation: 3 };
  const config = makeConfig({ p: 23, d: 32, steps: 3000, seed: 1 });
  const full = await train(asmBackend, { config, ...initialTrial(config) });
  const at = decidedStep(full.signals, 23, rule);
  if (at === null) throw new Error("the rule never decided on a 3 000-step run of p = 23");
  const early = await train(asmBackend, { config, ...initialTrial(config) }, {
    untilDecided: rule,
  });
  equal(early.decidedAt, at);
  equal(early.steps, at);
  equal(early.interrupted, false);
  // the early run is the full run's prefix, bit for bit
  assertClose(early.signals, full.signals.subarray(0, (at + 1) * 23), { atol: 0 }, "prefix");
});
