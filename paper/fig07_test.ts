import { fig07 } from "./fig07.ts";
import { noise, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59;
const params = (T: number) => ({ scale: "quick" as const, trials: T, steps: 100 });

/** Trials where k survives (final signal 50, else 1) when `alive(k, t)`, and its step-4
 * gradient (s_k(4) − s_k(3)) / s_k(0) is `g(alive, i)`. */
function runs(T: number, g: (alive: boolean, i: number) => number) {
  return Array.from({ length: T }, (_, t) => {
    const alive = (k: number) => (k + t) % 2 === 0;
    const s0 = symmetric(p, (k) => 80 + (k % 5));
    const s4 = symmetric(p, (k) => s0[k] * (1 + g(alive(k), 29 * t + k)));
    return syntheticTrial({
      config: { p, d: 128, mode: "fix-embedding", seed: t, steps: 30000 },
      signals: [s0, s0, s0, s0, s4, symmetric(p, (k) => (alive(k) ? 50 : 1))],
      loggedAt: [1, 2, 3, 4, 30000],
    });
  });
}

Deno.test("Fig. 7: survivors with larger gradients, separable to ~84 %, pass; the reverse, fully separable, fails; 12 trials or no signal decide neither", async () => {
  // centres ±0.68·w with uniform noise of half-width w: 16 % of each class crosses 0; 200 trials (as the paper)
  // give 1 160 held-out points, an interval narrow enough for the band 83.8 ± 4.2 %
  const sep = (a: boolean, i: number) => (a ? 0.68 : -0.68) + noise(i);
  const pass = await fig07.compute(params(200), runs(200, sep), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "built to pass");
  const fail = await fig07.compute(
    params(70),
    runs(70, (a, i) => (a ? -2 : 2) + noise(i)),
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "built to fail");
  // 12 trials: the sign test decides, the accuracy's interval (70 points) is wider than the band
  const few = await fig07.compute(params(12), runs(12, sep), "quick");
  assertVerdicts(few.claims, ["PASS", "INCONCLUSIVE"], "12 trials");
  // gradients unrelated to survival: the sign test over 12 trials cannot tell
  const none = await fig07.compute(params(12), runs(12, (_a, i) => 0.5 * noise(i)), "quick");
  if (none.claims[0].verdict !== "INCONCLUSIVE") {
    throw new Error(`no signal: ${none.claims[0].verdict}`);
  }
  assertBothWays([pass.claims, fail.claims, few.claims, none.claims]);
});
