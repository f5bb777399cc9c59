import { fig14 } from "./fig14.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const moduli = [16, 20, 25, 32, 40], trials = 3;
const params = { scale: "quick" as const, moduli, trials, steps: 100 };
const results = (count: (i: number, t: number) => number) =>
  moduli.flatMap((p, i) =>
    Array.from({ length: trials }, (_, t) =>
      syntheticTrial({
        config: { p, d: 128, steps: 100 },
        signals: [
          symmetric(p, () => 87),
          survivors(p, Array.from({ length: count(i, t) }, (_, j) => j + 1)),
        ],
        loggedAt: [100],
      }))
  );

Deno.test("Fig. 14: counts rising with the modulus (noisily) pass, falling ones fail", async () => {
  const pass = await fig14.compute(
    params,
    results((i, t) => 1 + Math.floor(i / 2) + (t % 2)),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS"], "rising");
  const fail = await fig14.compute(
    params,
    results((i, t) => 3 - Math.floor(i / 2) + (t % 2)),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL"], "falling");
  assertBothWays([pass.claims, fail.claims]);
});
