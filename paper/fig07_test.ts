import { fig07 } from "./fig07.ts";
import { noise, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, T = 12;
const params = { scale: "quick" as const, trials: T, steps: 100 };

/** Trials where k survives (final signal 50, else 1) when `alive(k, t)`, and its step-4
 * gradient (s_k(4) − s_k(3)) / s_k(0) is `g(alive, i)`. */
function runs(g: (alive: boolean, i: number) => number) {
  return Array.from({ length: T }, (_, t) => {
    const alive = (k: number) => (k + t) % 2 === 0;
    const s0 = symmetric(p, (k) => 80 + (k % 5));
    const s4 = symmetric(p, (k) => s0[k] * (1 + g(alive(k), 29 * t + k)));
    return syntheticTrial({
      config: { p, d: 128, mode: "fix-embedding", seed: t, steps: 100 },
      signals: [s0, s0, s0, s0, s4, symmetric(p, (k) => (alive(k) ? 50 : 1))],
      loggedAt: [1, 2, 3, 4, 100],
    });
  });
}

Deno.test("Fig. 7: survivors with larger gradients, separable to ~84 %, pass; the reverse, fully separable, fails", async () => {
  // centres ±0.68·w with uniform noise of half-width w: 16 % of each class crosses 0
  const pass = await fig07.compute(params, runs((a, i) => (a ? 0.68 : -0.68) + noise(i)), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "built to pass");
  const fail = await fig07.compute(params, runs((a, i) => (a ? -2 : 2) + noise(i)), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "built to fail");
  assertBothWays([pass.claims, fail.claims]);
});
