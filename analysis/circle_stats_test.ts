import { equal } from "node:assert/strict";
import { cellStats, circlesDifference, type TrialOutcome } from "./circle_stats.ts";
import { assertClose } from "../tests/helpers.ts";

const t = (seed: number, circles: number[] | null, grokStep: number | null): TrialOutcome => ({
  seed,
  circles,
  grokStep,
  finalTrainLoss: circles ? 0.001 * (seed + 1) : null,
  finalTestLoss: circles ? 0.01 * (seed + 1) : null,
});

Deno.test("cell statistics: closed forms (t interval, Clopper–Pearson, order statistics)", () => {
  const s = cellStats([
    t(0, [3, 8], 400),
    t(1, [3, 5, 8, 2], 600),
    t(2, [3, 5, 1], null),
    t(3, null, null), // diverged: counted apart
  ], 17);
  equal(s.trials, 4);
  equal(s.diverged, 1);
  // counts 2, 4, 3: mean 3, s = 1, t(0.975, 2) = 4.302652729749464 (scipy.stats.t.ppf)
  const half = 4.302652729749464 / Math.sqrt(3);
  assertClose(
    [s.circles.mean, s.circles.low, s.circles.high],
    [3, 3 - half, 3 + half],
    { rtol: 1e-8 },
    "circles",
  );
  equal(s.survival.length, 9); // k = 0..8
  equal(s.survival[3].rate, 1);
  // 3/3: Clopper–Pearson low = 0.025^(1/3)
  assertClose([s.survival[3].low], [0.025 ** (1 / 3)], { rtol: 1e-8 }, "CP low of 3/3");
  equal(s.survival[5].survived, 2);
  equal(s.survival[0].rate, 0);
  // grok steps 400, 600, never: median 600; n = 3 < 6: [min, max] = [400, never], 75 %
  equal(s.grok.grokked, 2);
  equal(s.grok.median, 600);
  equal(s.grok.low, 400);
  equal(s.grok.high, null);
  equal(s.grok.coverage, 0.75);
  assertClose(
    [s.finalTestLoss.mean, s.finalTestLoss.median],
    [0.02, 0.02],
    { rtol: 1e-12 },
    "loss",
  );
});

Deno.test("cell statistics: edge cases give NaN or null, never a number that is not there", () => {
  const one = cellStats([t(0, [1, 2], null)], 5);
  equal(one.circles.mean, 2);
  equal(Number.isNaN(one.circles.low), true);
  equal(one.grok.median, null);
  const none = cellStats([t(0, null, null)], 5);
  equal(none.diverged, 1);
  equal(Number.isNaN(none.circles.mean), true);
  equal(Number.isNaN(none.survival[1].rate), true);
  const d = circlesDifference([4, 5, 6], [2, 3]);
  equal(d.diff, 2.5);
  // Welch with variances 1/3 and 1/2: se² = 1/3 + 1/4, df = se⁴ / ((1/3)²/2 + (1/4)²/1)
  const se2 = 1 / 3 + 1 / 4, df = se2 ** 2 / ((1 / 3) ** 2 / 2 + (1 / 4) ** 2);
  assertClose([d.df], [df], { rtol: 1e-12 }, "df");
  equal(Number.isNaN(circlesDifference([1], [2, 3]).low), true);
});
