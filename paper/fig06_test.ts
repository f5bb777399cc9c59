import { fig06l, fig06m, fig06r } from "./fig06.ts";
import { noise, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;

/** A trial whose initial signals are `init` and whose final circles are `ks`. */
const trial = (init: Float64Array, ks: number[], diverged = false) =>
  syntheticTrial({
    config: { p, d: 128, steps: 100 },
    signals: [init, diverged ? symmetric(p, () => NaN) : survivors(p, ks)],
    loggedAt: [100],
    divergedAt: diverged ? 30 : null,
  });

Deno.test("Fig. 6 (left): survival rising with the initial signal at r ≈ 0.85 passes, falling fails", async () => {
  const E = 2, T = 20;
  const params = { scale: "quick" as const, embeddings: E, trials: T, steps: 100 };
  const make = (rate: (x: number, k: number) => number) =>
    Array.from({ length: E }, (_, e) => {
      // distinct initial signals, ordered differently in each embedding
      const x = (k: number) => ((k * (e ? 7 : 1)) % 29) / 28;
      const init = symmetric(p, (k) => 70 + 29 * x(k));
      // k survives in round(T·rate) trials, spread over the trials (≤ 14 circles a trial)
      return Array.from({ length: T }, (_, t) =>
        trial(
          init,
          Array.from({ length: 29 }, (_, i) => i + 1).filter((k) =>
            (t + k) % T < Math.round(T * rate(x(k), k + 29 * e))
          ),
          t === T - 1 && e === 0, // one diverged trial: rates count the others
        ));
    }).flat();
  const pass = await fig06l.compute(
    params,
    make((x, i) => 0.6 * (0.6 * x + 0.2 * (noise(i) + 1))),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS"], "rising, r near 0.85");
  const fail = await fig06l.compute(params, make((x) => 0.6 * (1 - x)), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "falling");
  assertBothWays([pass.claims, fail.claims]);
});

Deno.test("Fig. 6 (middle): k = 25 always surviving far above the mean and never far below passes", async () => {
  const factors = [0.85, 0.925, 1, 1.075, 1.15], T = 4;
  const params = { scale: "quick" as const, embeddings: 1, factors, trials: T, steps: 100 };
  const init = symmetric(p, () => 87);
  // survivors(f, t): does k = 25 survive at factor index f in trial t
  const make = (survives: (f: number, t: number) => boolean) =>
    factors.flatMap((_, f) =>
      Array.from({ length: T }, (_, t) => trial(init, survives(f, t) ? [25, 3] : [3, 4]))
    );
  const pass = await fig06m.compute(params, make((f, t) => f >= 3 || (f === 2 && t < 2)), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "high survives, low dies");
  const fail = await fig06m.compute(params, make((f, t) => f < 4 || t < 3), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "3 of 4 at the top, all at the bottom");
  assertBothWays([pass.claims, fail.claims]);
});

Deno.test("Fig. 6 (right): k = 1 always, k = 2 rising with r and some revivals pass; the opposite fails", async () => {
  const ratios = [-4, -2, -1, 0].map(Math.exp), S = 4;
  const params = { scale: "quick" as const, ratios, seeds: S, steps: 100 };
  const init = symmetric(p, (k) => (k === 1 ? 80 : k === 2 ? 40 : 1e-6));
  const make = (circles: (i: number, s: number) => number[]) =>
    ratios.flatMap((_, i) => Array.from({ length: S }, (_, s) => trial(init, circles(i, s))));
  const pass = await fig06r.compute(
    params,
    make((i, s) => [1, ...(s < i ? [2] : []), ...(s === 0 && i === 1 ? [5] : [])]),
    "quick",
  );
  assertVerdicts(pass.claims, ["PASS", "PASS", "PASS"], "built to pass");
  const fail = await fig06r.compute(
    params,
    make((i, s) => [...(i === 2 && s === 1 ? [] : [1]), ...(s < 3 - i ? [2] : [])]),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL", "FAIL"], "built to fail");
  assertBothWays([pass.claims, fail.claims]);
});
