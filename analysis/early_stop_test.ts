import { equal } from "node:assert/strict";
import { earlyStopStep, EarlyStopTracker, readCircles } from "./early_stop.ts";
import { train } from "../train/trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { assertClose } from "../tests/helpers.ts";

Deno.test("verdict: circles and the survivor/non-survivor separation", () => {
  const v = readCircles([0, 5, 80, 4, 4, 80, 5]);
  equal(v.key, "2");
  equal(v.ratio, 16);
});

Deno.test("the tracker needs a stable verdict over the window and the separation", () => {
  const t = new EarlyStopTracker(5, { every: 1, minSteps: 1, window: 3, separation: 4 });
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
  const at = earlyStopStep(full.signals, 23, rule);
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

Deno.test("margin: both sides must clear the survivor threshold; trend: losers keep losing", () => {
  // p = 7, threshold = 2·mean; a survivor just above it is not decided under margin 1.5
  const near = [0, 10, 40, 10, 10, 40, 10]; // mean 120/7, threshold 34.3: 40 clears it by 1.17
  equal(readCircles(near).key, "2");
  const m = new EarlyStopTracker(7, {
    every: 1,
    minSteps: 1,
    window: 1,
    separation: 2,
    margin: 1.5,
  });
  equal(m.observe(1, near), false);
  equal(m.observe(2, near), false, "margin 1.17 < 1.5");
  const clear = [0, 2, 80, 2, 2, 80, 2]; // threshold 48.6: 80 / 48.6 = 1.65, 48.6 / 2 = 24
  equal(m.observe(3, clear), true, "same circles over the window, and now clear of it");
  // trend: a non-survivor growing over the window blocks the verdict
  const t = new EarlyStopTracker(7, {
    every: 1,
    minSteps: 1,
    window: 2,
    separation: 4,
    trend: true,
  });
  const grow = (x: number) => [0, x, 80, 2, 2, 80, x];
  equal(t.observe(1, grow(5)), false);
  equal(t.observe(2, grow(6)), false);
  equal(t.observe(3, grow(7)), false, "k = 1 grew from 5 to 7 over the window");
  equal(t.observe(4, grow(6)), true, "k = 1 is back at step 2's 6: it did not grow");
  // without the trend test the growing loser would not have held the verdict back
  const u = new EarlyStopTracker(7, { every: 1, minSteps: 1, window: 2, separation: 4 });
  equal([1, 2, 3].map((s) => u.observe(s, grow(4 + s))).join(), "false,false,true");
});
