import { fig06l, fig06m, fig06r } from "./fig06.ts";
import { noise, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;

/** A trial of `steps` (default the paper's 30 000: the end of training) whose initial signals
 * are `init` and whose final circles are `ks`. */
const trial = (init: Float64Array, ks: number[], diverged = false, steps = 30000) =>
  syntheticTrial({
    config: { p, d: 128, steps },
    signals: [init, diverged ? symmetric(p, () => NaN) : survivors(p, ks)],
    loggedAt: [steps],
    divergedAt: diverged ? 30 : null,
  });

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
