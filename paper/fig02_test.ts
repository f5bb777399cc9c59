import { fig02 } from "./fig02.ts";
import { fourierNorms } from "../analysis/fourier.ts";
import { circleEmbedding, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";
import type { TrialResult } from "../store/requests.ts";

const p = 23, d = 22, T = 10;

/** A Fig. 2 run of T steps: signals from init to `final`, embeddings at 0, T/2, T. */
function run(final: Float64Array, E: (step: number) => Float64Array): TrialResult {
  const init = symmetric(p, () => 87);
  const signals = Array.from(
    { length: T + 1 },
    (_, t) => init.map((v, k) => v + ((final[k] - v) * t) / T),
  );
  const steps = [0, T / 2, T];
  const data = new Float64Array(steps.length * p * d);
  steps.forEach((s, i) => data.set(E(s), i * p * d));
  return syntheticTrial({
    config: { p, d, mode: "fix-mlp", seed: 10 },
    signals,
    finalParams: E(T),
    paramSnapshots: { steps, data },
  });
}

const live = [2, 5, 7, 9];
/** The run is of the paper's length (here T): the end of training is reached. */
const full = { scale: "quick" as const, paperSteps: T };

Deno.test("Fig. 2's claims pass on a run built to pass: 4 survivors, the rest at 0.6 % of their start, clean circles", async () => {
  // survivors keep amplitude 1; the dead shrink to 1 % by the end
  const E = (s: number) => circleEmbedding(p, d, (k) => (live.includes(k) || s === 0 ? 1 : 0.01));
  const r = run(survivors(p, live, 0.5), E);
  const out = await fig02.compute(full, [r], "quick");
  assertVerdicts(out.claims, ["PASS", "REPORTED", "PASS", "PASS", "PASS"], "built to pass");
  // the embedding behind it: its signals at the end are the circles' (a check of the builder)
  const s = fourierNorms(E(T), p, d);
  if (!(s[2] > 10 * s[1])) throw new Error(`survivor k=2 ${s[2]}, dead k=1 ${s[1]}`);
});

Deno.test("Fig. 2's claims fail on a run built to fail: 2 circles, the dead at a third of their start, no circle drawn", async () => {
  const noisy = (s: number) => circleEmbedding(p, d, () => 0, 1 + s / T);
  const fail = await fig02.compute(
    full,
    [run(survivors(p, [2, 5], 30), noisy)],
    "quick",
  );
  assertVerdicts(fail.claims, ["FAIL", "REPORTED", "FAIL", "FAIL", "FAIL"], "built to fail");
  const E = (s: number) => circleEmbedding(p, d, (k) => (live.includes(k) || s === 0 ? 1 : 0.01));
  const pass = await fig02.compute(full, [run(survivors(p, live, 0.5), E)], "quick");
  // the same run cut short of 30 000 steps, its circles not settled by the early verdict: the
  // end of training is not reached, nothing is decided
  const cut = await fig02.compute(
    { scale: "quick", paperSteps: 30000 },
    [run(survivors(p, live, 0.5), E)],
    "quick",
  );
  assertVerdicts(
    cut.claims,
    ["INCONCLUSIVE", "REPORTED", "INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"],
    "cut short",
  );
  assertBothWays([pass.claims, fail.claims, cut.claims]);
  // tiny scale decides nothing
  const tiny = await fig02.compute(
    { scale: "tiny", paperSteps: T },
    [run(survivors(p, live, 0.5), E)],
    "tiny",
  );
  assertVerdicts(
    tiny.claims,
    ["UNTESTED", "REPORTED", "UNTESTED", "UNTESTED", "UNTESTED"],
    "tiny scale",
  );
});
