import { deepEqual, equal, ok } from "node:assert/strict";
import { train, trainBatch } from "./trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import type { Backend, BatchKernel, TrialStart } from "../backends/contract.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { loggedSteps, recordLayout } from "../protocol/records.ts";
import { assertClose } from "../tests/helpers.ts";

/**
 * A scripted backend: trial b's record of update u holds u + b/10 in every field, its
 * parameters after u updates are [u, b]; `nanAt[b]` makes trial b's loss non-finite there.
 * Every call of `run` is noted, so the test sees the chunking.
 */
function scripted(chunk: number, nanAt: (number | undefined)[], calls: number[][]): Backend {
  return {
    name: "scripted",
    summary: "test double",
    caps: { device: "gpu", maxBatch: 8, gradSignals: false },
    probe: () => Promise.resolve(),
    create(specs: TrialStart[]): Promise<BatchKernel> {
      const B = specs.length, W = recordLayout(specs[0].config.p, false).width;
      let t = 0;
      return Promise.resolve({
        batch: B,
        chunk,
        run(n, out, log) {
          calls.push([n, ...Array.from(log ?? [])]);
          for (let c = 0; c < n; c++) {
            const u = t + c + 1;
            for (let b = 0; b < B; b++) {
              const v = u >= (nanAt[b] ?? Infinity) ? NaN : u + b / 10;
              out.fill(v, (c * B + b) * W, (c * B + b + 1) * W);
            }
          }
          t += n;
        },
        params: (b) => {
          const p = new Float64Array(specs[0].params.length);
          p[0] = t;
          p[1] = b;
          return p;
        },
        dispose() {},
      });
    },
  };
}

Deno.test("trainer: chunks, sparse logging, snapshots and a diverging lane of a batch", async () => {
  const config = makeConfig({ p: 5, d: 2, hidden: 3, steps: 23 });
  const specs = [0, 1, 2].map((seed) => ({ config, ...initialTrial({ ...config, seed }) }));
  const calls: number[][] = [];
  const recs = await trainBatch(scripted(6, [undefined, 9, undefined], calls), specs, {
    logEvery: 5,
    logFirst: 2,
    paramsEvery: 10,
  });
  // runs end at every snapshot boundary and never exceed the chunk
  deepEqual(calls.map((c) => c[0]), [6, 4, 6, 4, 3]);
  const logged = loggedSteps(23, 5, 2); // 1, 2, 5, 10, 15, 20, 23
  for (const b of [0, 2]) {
    deepEqual(Array.from(recs[b].loggedAt!), logged);
    deepEqual(Array.from(recs[b].trainLoss), logged.map((u) => u + b / 10));
    equal(recs[b].signals.length, (logged.length + 1) * 5);
    equal(recs[b].divergedAt, null);
    equal(recs[b].steps, 23);
    deepEqual(recs[b].paramSnapshots!.steps, [0, 10, 20]);
    equal(recs[b].finalParams[0], 23);
  }
  // trial 1's loss is NaN from update 9: it stops there, the row of update 9 filed
  const r1 = recs[1];
  equal(r1.divergedAt, 9);
  equal(r1.steps, 9);
  deepEqual(Array.from(r1.loggedAt!), [1, 2, 5, 9]);
  equal(Number.isNaN(r1.trainLoss[3]), true);
  deepEqual(r1.paramSnapshots!.steps, [0], "no snapshot after it diverged");
});

Deno.test("trainer: a sweep trial's sparse log equals the full log where both log (asm, bit for bit)", async () => {
  const config = makeConfig({ p: 13, d: 12, steps: 57, seed: 3 });
  const spec = { config, ...initialTrial(config) };
  const [full] = await trainBatch(asmBackend, [spec], { gradSignals: true });
  const [sparse] = await trainBatch(asmBackend, [spec], {
    gradSignals: true,
    logEvery: 10,
    logFirst: 3,
  });
  const rows = Array.from(sparse.loggedAt!);
  deepEqual(rows, loggedSteps(57, 10, 3));
  const pick = (a: Float64Array, width: number, offset = 0) =>
    rows.flatMap((u) => Array.from(a.subarray((u - 1 + offset) * width, (u + offset) * width)));
  for (const key of ["trainLoss", "testLoss", "trainAcc", "testAcc", "paramNorm"] as const) {
    assertClose(sparse[key], pick(full[key], 1), { atol: 0 }, key);
  }
  assertClose(sparse.signals.subarray(13), pick(full.signals, 13, 1), { atol: 0 }, "signals");
  assertClose(sparse.gradSignals!, pick(full.gradSignals!, 13), { atol: 0 }, "grad signals");
  assertClose(sparse.finalParams, full.finalParams, { atol: 0 }, "final parameters");
});

const live = makeConfig({ p: 7, d: 3, hidden: 8, steps: 40, seed: 1 });
const liveSpec = () => ({ config: live, ...initialTrial(live) });

Deno.test("onProgress: the live view holds the rows filed so far and the current parameters", async () => {
  const seen: { done: number; rows: number; loss: number[]; signals: number[]; E: number[] }[] = [];
  const rec = await train(referenceBackend, liveSpec(), {
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
  const run = train(referenceBackend, liveSpec(), {
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
