import { deepEqual, equal } from "node:assert/strict";
import { RunView } from "./run_view.ts";
import { train } from "../train/trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { fourierNorms } from "../analysis/fourier.ts";

const config = makeConfig({ p: 7, d: 3, hidden: 8, steps: 30, seed: 5 });

Deno.test("RunView: rows appended in pieces equal the records; a live view keeps init and the latest embedding", async () => {
  const init = initialTrial(config);
  const pd = 21;
  const view = new RunView(7, 3, 30, init.params.slice(0, pd));
  let posted = 0;
  const rec = await train(referenceBackend, { config, ...init }, {
    logEvery: 3,
    onProgress: async (done, _t, live) => {
      if (done % 7 && done !== 30) return; // pieces of uneven size, as the worker posts them
      const r = live.records[0], rows = live.rows[0];
      view.append({
        steps: r.loggedAt!.slice(posted, rows),
        trainLoss: r.trainLoss.slice(posted, rows),
        testLoss: r.testLoss.slice(posted, rows),
        trainAcc: r.trainAcc.slice(posted, rows),
        testAcc: r.testAcc.slice(posted, rows),
        signals: r.signals.slice((posted + 1) * 7, (rows + 1) * 7),
      });
      posted = rows;
      view.setEmbedding(done, (await live.params(0)).slice(0, pd));
    },
  });
  equal(view.rows, 10);
  deepEqual(Array.from(view.steps), [0, ...rec.loggedAt!]);
  deepEqual(view.trainLoss, rec.trainLoss);
  deepEqual(view.signals, rec.signals);
  deepEqual(view.embeddings.map((e) => e.step), [0, 30]);
  deepEqual(view.embeddingAt(29).E, init.params.slice(0, pd));
  deepEqual(view.embeddingAt(30).E, rec.finalParams.slice(0, pd));
  equal(view.rowAt(0), 0);
  equal(view.rowAt(14), 4); // steps 3, 6, 9, 12 logged
  equal(view.rowAt(1000), 10);
});

Deno.test("RunView.fromRecords: every recorded embedding, in step order", async () => {
  const init = initialTrial(config);
  const rec = await train(referenceBackend, { config, ...init }, {
    embeddingsUntil: 2,
    paramsEvery: 10,
  });
  const v = RunView.fromRecords(rec, 30);
  deepEqual(v.embeddings.map((e) => e.step), [0, 1, 2, 10, 20, 30]);
  deepEqual(v.embeddingAt(15).E, rec.paramSnapshots!.data.slice(212, 212 + 21));
  deepEqual(v.signalsRow(0), fourierNorms(init.params.slice(0, 21), 7, 3));
  deepEqual(v.testAcc, rec.testAcc);
});
