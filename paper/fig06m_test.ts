import { fig06m } from "./fig06m.ts";
import { survivalTrial as trial, symmetric } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;

Deno.test("Fig. 6 (middle): k = 25 always surviving far above the mean and never far below passes; the reverse fails; 4 trials decide neither", async () => {
  const factors = [0.85, 0.925, 1, 1.075, 1.15];
  const params = (T: number) => ({
    scale: "quick" as const,
    embeddings: 1,
    factors,
    trials: T,
    steps: 100,
  });
  const init = symmetric(p, () => 87);
  // survives(f, t): does k = 25 survive at factor index f in trial t
  const make = (T: number, survives: (f: number, t: number) => boolean) =>
    factors.flatMap((_, f) =>
      Array.from({ length: T }, (_, t) => trial(init, survives(f, t) ? [25, 3] : [3, 4]))
    );
  const up = (f: number, t: number) => f >= 3 || (f === 2 && t < 2);
  const pass = await fig06m.compute(params(400), make(400, up), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "high survives, low dies");
  const fail = await fig06m.compute(params(400), make(400, (f, t) => f < 4 || t % 4 < 3), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "3 of 4 at the top, all at the bottom");
  const few = await fig06m.compute(params(4), make(4, up), "quick");
  assertVerdicts(few.claims, ["INCONCLUSIVE", "INCONCLUSIVE"], "4 trials a fifth");
  assertBothWays([pass.claims, fail.claims, few.claims]);
});
