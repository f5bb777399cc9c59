import { fig06r } from "./fig06r.ts";
import { survivalTrial as trial, symmetric } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;

Deno.test("Fig. 6 (right): k = 1 always, k = 2 rising with r and some revivals pass; the opposite fails; 16 runs without structure decide nothing", async () => {
  const ratios = [-4, -2, -1, 0].map(Math.exp);
  const params = (S: number) => ({ scale: "quick" as const, ratios, seeds: S, steps: 100 });
  const init = symmetric(p, (k) => (k === 1 ? 80 : k === 2 ? 40 : 1e-6));
  const make = (S: number, circles: (i: number, s: number) => number[]) =>
    ratios.flatMap((_, i) => Array.from({ length: S }, (_, s) => trial(init, circles(i, s))));
  const pass = await fig06r.compute(
    params(16),
    make(16, (i, s) => [1, ...(s % 4 < i ? [2] : []), ...(s === 0 && i === 1 ? [5] : [])]),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS", "PASS"], "built to pass");
  const fail = await fig06r.compute(
    params(16),
    make(16, (i, s) => [...(i === 2 && s === 1 ? [] : [1]), ...(s % 4 < 3 - i ? [2] : [])]),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "built to fail");
  const flat = await fig06r.compute(params(4), make(4, () => [1, 2]), "quick");
  assertVerdicts(flat.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"], "16 runs, flat");
  assertBothWays([pass.claims, fail.claims, flat.claims]);
});
