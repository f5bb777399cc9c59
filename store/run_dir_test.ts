import { deepEqual, throws } from "node:assert/strict";
import { runArrays, runRecords, summarize } from "./run_dir.ts";
import { train } from "../train/trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";

async function tinyRun(logEvery = 1) {
  const config = makeConfig({ p: 7, d: 3, hidden: 8, steps: 25, seed: 4 });
  const rec = await train(referenceBackend, { config, ...initialTrial(config) }, {
    gradSignals: true,
    embeddingsUntil: 3,
    paramsEvery: 10,
    logEvery,
  });
  return { config, rec, summary: summarize(config, rec) };
}

Deno.test("runRecords: the records of runArrays come back exactly, every optional record too", async () => {
  for (const every of [1, 10]) {
    const { rec, summary } = await tinyRun(every);
    deepEqual(runRecords(summary, runArrays(rec)), rec);
  }
});

Deno.test("runRecords: a missing or wrongly shaped array is an NpyError naming it", async () => {
  const { rec, summary } = await tinyRun();
  const arrays = runArrays(rec);
  const { signals: _, ...noSignals } = arrays;
  throws(() => runRecords(summary, noSignals), {
    name: "NpyError",
    message: "signals.npy: missing from the run",
  });
  const short = { ...arrays, test_loss: { ...arrays.test_loss, shape: [3] } };
  throws(() => runRecords(summary, short), {
    name: "NpyError",
    message: "test_loss.npy: shape [3] where [25] is needed",
  });
  const other = { ...summary, config: { ...summary.config, d: 4 } };
  throws(() => runRecords(other, arrays), {
    name: "NpyError",
    message: "init_params.npy: 212 parameters where p=7, dim=4 has 235",
  });
});
