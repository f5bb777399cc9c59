import { equal } from "node:assert/strict";
import { fig08, restrictionClaims } from "./fig08.ts";
import { paramLayout } from "../protocol/layout.ts";
import { circleEmbedding, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const row = (v: number, half = 29) => Array.from({ length: half }, () => v);

Deno.test("Fig. 8's claims from loss tables: one circle can't, two stay high, three reach ~0 — and the reverse", () => {
  const pass = restrictionClaims({
    p: 59,
    base: [2, 22],
    loss: [row(3), row(0.5), row(0.5).map((v, i) => (i === 7 ? 0.02 : v))],
    acc: [row(0.2), row(0.7), row(1)],
  });
  assertVerdicts(pass, ["PASS", "PASS", "PASS"], "built to pass");
  const fail = restrictionClaims({
    p: 59,
    base: [2, 22],
    // one circle already right on every pair; a two-circle set near zero (k=2 and 22 excluded);
    // no three-circle set below ln(59)/100 = 0.041
    loss: [row(0.01), row(0.5).map((v, i) => (i === 4 ? 0.03 : v)), row(0.05)],
    acc: [row(1), row(1), row(1)],
  });
  assertVerdicts(fail, ["FAIL", "FAIL", "FAIL"], "built to fail");
  // exact measurements of one run: never undecided
  assertBothWays([pass, fail], [0, 1, 2]);
});

Deno.test("Fig. 8 evaluates the restricted embeddings of a run: a network that outputs nothing scores chance", async () => {
  // p = 11: zero weights and biases give uniform logits, loss ln 11 for every restriction
  const p = 11, d = 10, T = 20;
  const L = paramLayout(p, d, 100);
  const params = new Float64Array(L.total);
  params.set(circleEmbedding(p, d, () => 1), 0);
  const run = syntheticTrial({
    config: { p, d, steps: T },
    signals: [symmetric(p, () => 10), survivors(p, [2, 4])],
    loggedAt: [T],
    finalParams: params,
    paramSnapshots: { steps: [0, T], data: Float64Array.from([...params, ...params]) },
  });
  const out = await fig08.compute(
    { scale: "quick", evalEvery: T, paperSteps: T },
    [run],
    "quick",
  );
  const finalLoss = out.data.finalLoss as number[][];
  for (const l of finalLoss.flat()) {
    if (Math.abs(l - Math.log(p)) > 1e-5) throw new Error(`loss ${l}, ln ${p} = ${Math.log(p)}`);
  }
  equal(finalLoss[0].length, 5);
  assertVerdicts(out.claims, ["PASS", "PASS", "FAIL"], "a network at chance");
  // the same run short of the paper's 30 000 steps: the trained model is not reached
  const cut = await fig08.compute(
    { scale: "quick", evalEvery: T, paperSteps: 30000 },
    [run],
    "quick",
  );
  assertVerdicts(cut.claims, ["INCONCLUSIVE", "INCONCLUSIVE", "INCONCLUSIVE"], "cut short");
});
