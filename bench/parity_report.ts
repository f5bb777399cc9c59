/**
 * How far the asm core's f32 trajectories are from the authors' float64 runs: every training
 * fixture (tests/helpers.ts) trained on the asm core from the fixture's own initialisation, and
 * the largest error of each recorded series beside the tolerance `assertFixtureParity` holds it
 * to; with `--e2e`, also the 1 000-step run of core_asm/asm_e2e_slow_test.ts. The parity tests decide;
 * this prints their margins (the numbers a change of the core's arithmetic moves).
 *
 *   deno run -A bench/parity_report.ts [--e2e]
 *
 * @module
 */
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { train } from "../train/trainer.ts";
import { compare, fixture, TRAINING_FIXTURES } from "../tests/helpers.ts";

for (const arg of Deno.args) {
  if (arg !== "--e2e") {
    console.error(`${arg}: unknown option; usage: parity_report.ts [--e2e]`);
    Deno.exit(2);
  }
}

/** One fixture's largest errors: [measured, tolerance] per series. */
const rows: [string, Record<string, [number, number]>][] = [];
for (const { name, config } of TRAINING_FIXTURES.filter((f) => f.config.steps > 0)) {
  const rec = await train(asmBackend, {
    config,
    params: await fixture(name, "init_params"),
    trainIds: Int32Array.from(await fixture(name, "train_ids")),
  });
  const nTrain = rec.trainIds.length, nTest = config.p ** 2 - nTrain;
  const rel = async (a: ArrayLike<number>, key: string) =>
    compare(a, await fixture(name, key), {}).maxRel;
  const abs = async (a: ArrayLike<number>, key: string) =>
    compare(a, await fixture(name, key), {}).maxAbs;
  rows.push([name, {
    "train loss (rel)": [await rel(rec.trainLoss, "train_loss"), 5e-4],
    "test loss (rel)": [await rel(rec.testLoss, "test_loss"), 5e-4],
    "train acc (pairs)": [(await abs(rec.trainAcc, "train_acc")) * nTrain, 2],
    "test acc (pairs)": [(await abs(rec.testAcc, "test_acc")) * nTest, 2],
    "signals (abs)": [await abs(rec.signals, "signals"), 5e-3],
    "final params (abs)": [await abs(rec.finalParams, "final_params"), 2e-3],
  }]);
}
if (Deno.args.includes("--e2e")) {
  const config = makeConfig({ p: 59, d: 128, steps: 1000, seed: 1 });
  const rec = await train(asmBackend, { config, ...initialTrial(config) });
  const ref = await fixture("extra_run1000_p59_d128_seed1", "signals");
  rows.push(["e2e p59_d128_seed1, 1 000 steps", {
    "signals (abs)": [compare(rec.signals, ref, {}).maxAbs, 2e-2],
  }]);
}

const keys = [...new Set(rows.flatMap(([, r]) => Object.keys(r)))];
console.log(["fixture".padEnd(44), ...keys.map((k) => k.padStart(20))].join(" "));
for (const [name, r] of rows) {
  console.log([
    name.padEnd(44),
    ...keys.map((k) => (r[k] ? r[k][0].toExponential(2) : "").padStart(20)),
  ].join(" "));
}
console.log(
  [
    "tolerance".padEnd(44),
    ...keys.map((k) => String(rows.find(([, r]) => r[k])![1][k][1]).padStart(20)),
  ]
    .join(" "),
);
const worst = Math.max(...rows.flatMap(([, r]) => Object.values(r).map(([m, t]) => m / t)));
console.log(JSON.stringify({ worstFractionOfTolerance: worst }));
