import { equal } from "node:assert/strict";
import { fig08, restrictionClaims } from "./fig08.ts";
import { paramLayout } from "../protocol/layout.ts";
import { circleEmbedding, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { keepFrequencies } from "../analysis/fourier.ts";
import { allPairsEvaluator } from "../train/evaluate.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
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

Deno.test("Fig. 8's tables equal the straightforward evaluation: each restriction by keepFrequencies on a copy of the parameters, one at a time", async () => {
  // p = 11, d = 8: three snapshots of different random networks (scaled up, the embedding most, so
  // the restriction moves the loss); the run's survivors 2 and 4 are the base circles
  const p = 11, d = 8, hidden = 16, T = 20, half = 5;
  const snapSteps = [0, 10, T];
  const config = makeConfig({ p, d, hidden, steps: T });
  const L = paramLayout(p, d, hidden);
  const snaps = snapSteps.map((_, i) => {
    const params = initialTrial(makeConfig({ p, d, hidden, initSeed: i + 1 })).params;
    for (let j = 0; j < L.total; j++) params[j] *= j < L.embedding[1] ? 8 : 3;
    return params;
  });
  const run = syntheticTrial({
    config: { p, d, hidden, steps: T },
    signals: [symmetric(p, () => 10), survivors(p, [2, 4]), survivors(p, [2, 4])],
    loggedAt: [10, T],
    finalParams: snaps.at(-1),
    paramSnapshots: { steps: snapSteps, data: Float64Array.from(snaps.flatMap((s) => [...s])) },
  });
  const out = await fig08.compute({ scale: "quick", evalEvery: 10, paperSteps: T }, [run], "quick");
  const loss = out.data.loss as number[][][], finalAcc = out.data.finalAcc as number[][];
  // the reference: the straightforward path
  const evaluator = await allPairsEvaluator(config);
  const [b1, b2] = out.data.base as number[]; // 4 and 2, the strongest survivors first
  const sets = [(k: number) => [k], (k: number) => [b1, k], (k: number) => [b1, b2, k]];
  let maxLoss = 0, maxAcc = 0, lossScale = 0, lossMin = Infinity;
  for (const [si, params] of snaps.entries()) {
    for (const [j, set] of sets.entries()) {
      for (let k = 1; k <= half; k++) {
        const restricted = Float64Array.from(params);
        const E = params.subarray(L.embedding[0], L.embedding[1]);
        restricted.set(keepFrequencies(E, p, d, set(k), { keepDC: true }), L.embedding[0]);
        const want = evaluator.evaluate(restricted);
        maxLoss = Math.max(maxLoss, Math.abs(loss[j][k - 1][si] - want.loss));
        lossScale = Math.max(lossScale, want.loss);
        lossMin = Math.min(lossMin, want.loss);
        if (si === snaps.length - 1) {
          maxAcc = Math.max(maxAcc, Math.abs(finalAcc[j][k - 1] - want.acc));
        }
      }
    }
  }
  evaluator.dispose();
  console.log(
    `max |Δ loss| ${maxLoss.toExponential(2)} (losses ${lossMin.toFixed(2)}..${
      lossScale.toFixed(2)
    }), max |Δ acc| ${maxAcc}`,
  );
  // f32 rounding of the core (relative 1e-6): the embeddings differ only in float64 rounding
  if (!(maxLoss <= 1e-6 * lossScale)) {
    throw new Error(`max |Δ loss| ${maxLoss} > 1e-6 · ${lossScale}`);
  }
  if (!(maxAcc <= 1 / (p * p))) throw new Error(`max |Δ acc| ${maxAcc} > one pair (1/${p * p})`);
  // the restrictions must move the loss, or equal tables would show nothing
  if (!(lossScale - lossMin > 0.05)) {
    throw new Error(`losses ${lossMin}..${lossScale}: the restrictions barely move them`);
  }
});
