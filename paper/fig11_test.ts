import { equal } from "node:assert/strict";
import { circularityClaims, fig11 } from "./fig11.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const at = (d: number, mean: number, max: number) => ({ d, mean, max });

Deno.test("Fig. 11's claims: circularity rising with d passes, falling fails, flat is inconclusive; the t-test is reported", () => {
  const t = { t: 1.2, p: 0.23, alive: 30, dead: 200 };
  const pass = circularityClaims(
    [16, 32, 64, 128].flatMap((
      d,
      i,
    ) => [at(d, 0.1 + 0.05 * i, 0.3 + 0.1 * i), at(d, 0.12 + 0.05 * i, 0.32 + 0.1 * i)]),
    t,
  );
  assertVerdicts(pass, ["PASS", "PASS", "REPORTED"], "rising");
  const fail = circularityClaims(
    [16, 32, 64, 128].flatMap((
      d,
      i,
    ) => [at(d, 0.3 - 0.05 * i, 0.5 - 0.1 * i), at(d, 0.31 - 0.05 * i, 0.52 - 0.1 * i)]),
    t,
  );
  assertVerdicts(fail, ["FAIL", "FAIL", "REPORTED"], "falling");
  // flat in d, the embeddings' spread larger than any trend: undecided
  const flat = circularityClaims(
    [16, 32, 64, 128].flatMap((d, i) => [at(d, 0.3, 0.3 + 0.01 * (i % 2)), at(d, 0.35, 0.34)]),
    t,
  );
  assertVerdicts(flat, ["INCONCLUSIVE", "INCONCLUSIVE", "REPORTED"], "flat");
  assertBothWays([pass, fail, flat]);
});

Deno.test("Fig. 11 on real initial embeddings: circularity rises with d; a diverged d = 128 run is left out of the histogram", async () => {
  const p = 59,
    runs = [0, 1, 2].map((seed) =>
      syntheticTrial({
        config: { p, d: 128, seed, steps: 100 },
        signals: [
          symmetric(p, () => 87),
          seed === 2 ? symmetric(p, () => NaN) : survivors(p, [3, 5]),
        ],
        loggedAt: [100],
        divergedAt: seed === 2 ? 40 : null,
      })
    );
  const params = {
    scale: "quick" as const,
    dims: [16, 64, 128],
    embeddings: 3,
    trials: 3,
    steps: 100,
  };
  const out = await fig11.compute(params, runs, "quick");
  assertVerdicts(out.claims, ["PASS", "PASS", "REPORTED"], "real initial embeddings");
  equal(out.data.alive, 4, "2 circles in each of the 2 runs that did not diverge");
  equal(out.data.dead, 2 * 29 - 4);
});
