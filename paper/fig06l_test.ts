import { fig06l } from "./fig06l.ts";
import { noise, survivalTrial as trial, symmetric } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;

Deno.test("Fig. 6 (left): survival rising with the initial signal at r ≈ 0.85 passes, falling fails, trials cut short decide nothing", async () => {
  const E = 10, T = 20;
  const params = { scale: "quick" as const, embeddings: E, trials: T, steps: 100 };
  const make = (rate: (x: number, k: number) => number, steps = 30000) =>
    Array.from({ length: E }, (_, e) => {
      // distinct initial signals, ordered differently in each embedding
      const x = (k: number) => ((k * [1, 7, 11, 13, 17, 19, 23, 3, 5, 9][e]) % 29) / 28;
      const init = symmetric(p, (k) => 70 + 29 * x(k));
      // k survives in round(T·rate) trials, spread over the trials (≤ 14 circles a trial)
      return Array.from({ length: T }, (_, t) =>
        trial(
          init,
          Array.from({ length: 29 }, (_, i) => i + 1).filter((k) =>
            (t + k) % T < Math.round(T * rate(x(k), k + 29 * e))
          ),
          t === T - 1 && e === 0, // one diverged trial: rates count the others
          steps,
        ));
    }).flat();
  // rising with noise: observed r ≈ 0.77, carried to 50 trials per rate ≈ 0.85; the largest
  // initial frequency (x = 1) dies in some trials
  const rising = (x: number, i: number) => 0.6 * (0.64 * x + 0.36 * (noise(i) + 1) / 2) + 0.3 * x;
  const pass = await fig06l.compute(params, make(rising), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS", "PASS"], "rising, r near 0.85");
  // falling: the largest initial frequency survives in every trial (0 deaths in 199)
  const fail = await fig06l.compute(params, make((x) => (x === 1 ? 1 : 0.45 * (1 - x))), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "falling");
  // the same trials cut short at 100 steps, circles not settled: nothing to test
  const cut = await fig06l.compute(params, make(rising, 100), "quick");
  assertVerdicts(cut.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"], "cut short");
  assertBothWays([pass.claims, fail.claims, cut.claims]);
});
