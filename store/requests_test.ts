import { equal, throws } from "node:assert/strict";
import { resolveTrials } from "./requests.ts";
import { ResultsStore } from "./store.ts";
import { makeConfig } from "../protocol/config.ts";
import { assertClose } from "../tests/helpers.ts";

Deno.test("a trial stored lean keeps its log as float32 and no parameters", async () => {
  const store = await ResultsStore.open(":memory:");
  const config = makeConfig({ p: 11, d: 8, steps: 250, seed: 4 });
  const [full, lean] = await resolveTrials([
    { config, records: { logEvery: 100 } },
    { config, records: { logEvery: 100, lean: true } },
  ], { store, workers: 1 });
  equal(full.key === lean.key, false, "lean is part of the key");
  assertClose(lean.signals, full.signals.map(Math.fround), { atol: 0 }, "signals as float32");
  assertClose(lean.trainLoss, full.trainLoss.map(Math.fround), { atol: 0 }, "train loss");
  equal(Array.from(lean.loggedAt).join(), "100,200,250");
  equal(lean.finalParams.length, 0);
  throws(() => lean.finalEmbedding(), /stored lean/);
  equal(full.finalEmbedding().length, 11 * 8);
  store.close();
});
