import { deepEqual, equal, ok } from "node:assert/strict";
import { train } from "./trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";

const config = makeConfig({ p: 7, d: 3, hidden: 8, steps: 40, seed: 1 });
const spec = () => ({ config, ...initialTrial(config) });

Deno.test("onProgress: the live view holds the rows filed so far and the current parameters", async () => {
  const seen: { done: number; rows: number; loss: number[]; signals: number[]; E: number[] }[] = [];
  const rec = await train(referenceBackend, spec(), {
    logEvery: 4,
    onProgress: async (done, _total, live) => {
      const r = live.records[0], rows = live.rows[0];
      const params = await live.params(0);
      seen.push({
        done,
        rows,
        loss: Array.from(r.trainLoss.subarray(0, rows)),
        signals: Array.from(r.signals.subarray(0, (rows + 1) * 7)),
        E: Array.from(params.subarray(0, 21)),
      });
    },
  });
  equal(seen.length, 40);
  for (const s of seen) {
    equal(s.rows, Math.floor(s.done / 4), `rows filed after ${s.done} steps`);
    // what the view showed is what the finished records hold
    deepEqual(s.loss, Array.from(rec.trainLoss.subarray(0, s.rows)));
    deepEqual(s.signals, Array.from(rec.signals.subarray(0, (s.rows + 1) * 7)));
  }
  deepEqual(seen[39].E, Array.from(rec.finalParams.subarray(0, 21)));
});

Deno.test("onProgress: a returned promise holds the run until it resolves", async () => {
  let release: () => void = () => {};
  let calls = 0;
  const held = new Promise<void>((r) => (release = r));
  const run = train(referenceBackend, spec(), {
    onProgress: (done) => {
      calls++;
      if (done === 5) return held;
    },
  });
  await new Promise((r) => setTimeout(r, 100));
  equal(calls, 5, "steps ran past a pending onProgress");
  release();
  const rec = await run;
  equal(calls, 40);
  ok(rec.steps === 40 && !rec.interrupted);
});
