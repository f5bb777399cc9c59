import { runTrials } from "./pool.ts";
import { train } from "./trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { assertClose } from "../tests/helpers.ts";
import { equal } from "node:assert/strict";
import type { Backend } from "../backends/contract.ts";
import { referenceBackend } from "../backends/reference.ts";
import { recordLayout } from "../protocol/records.ts";

Deno.test("trials on two Workers give exactly the single-thread results, in job order", async () => {
  const configs = [0, 1, 2].map((seed) =>
    makeConfig({ p: 11, d: 8, steps: 30, seed, wd: 0.3 * seed })
  );
  const pooled = await runTrials(configs.map((config) => ({ config })), { workers: 2 });
  for (const [i, config] of configs.entries()) {
    const single = await train(asmBackend, { config, ...initialTrial(config) });
    // same module, same instruction sequence: bit-identical
    assertClose(
      pooled[i].trainLoss,
      single.trainLoss,
      { atol: 0 },
      `seed ${config.seed} train loss`,
    );
    assertClose(pooled[i].signals, single.signals, { atol: 0 }, `seed ${config.seed} signals`);
    assertClose(
      pooled[i].finalParams,
      single.finalParams,
      { atol: 0 },
      `seed ${config.seed} params`,
    );
  }
});

/** A GPU test double: B reference kernels in lockstep, each batch's size noted in `sizes`;
 * batches of 3 for p = 7, of 2 otherwise. */
function lockstepBackend(sizes: number[]): Backend {
  return {
    name: "lockstep",
    summary: "test double",
    caps: { device: "gpu", maxBatch: 100, gradSignals: false },
    probe: () => Promise.resolve(),
    batchSize: (config) => Promise.resolve(config.p === 7 ? 3 : 2),
    async create(specs) {
      sizes.push(specs.length);
      const ks = await Promise.all(specs.map((s) => referenceBackend.create([s])));
      const W = recordLayout(specs[0].config.p, false).width, B = specs.length;
      const one = new Float64Array(W);
      return {
        batch: B,
        chunk: 1,
        async run(n, out, log) {
          for (const [b, k] of ks.entries()) {
            await k.run(n, one, log);
            out.set(one, b * W);
          }
        },
        params: (b) => ks[b].params(0),
        dispose: () => ks.forEach((k) => k.dispose()),
      };
    },
  };
}

Deno.test("trials on a GPU backend go in batches of the size the backend takes for their shape", async () => {
  const sizes: number[] = [];
  const lockstep = lockstepBackend(sizes);
  const configs = [
    ...[0, 1, 2, 3, 4, 5, 6].map((seed) => makeConfig({ p: 7, d: 4, hidden: 6, steps: 3, seed })),
    ...[0, 1, 2].map((seed) => makeConfig({ p: 5, d: 4, hidden: 6, steps: 3, seed })),
  ];
  const recs = await runTrials(configs.map((config) => ({ config })), { backend: lockstep });
  equal(sizes.join(" "), "3 3 1 2 1");
  for (const [i, config] of configs.entries()) {
    const alone = await train(referenceBackend, { config, ...initialTrial(config) });
    assertClose(recs[i].trainLoss, alone.trainLoss, { atol: 0 }, `job ${i} train loss`);
    assertClose(recs[i].finalParams, alone.finalParams, { atol: 0 }, `job ${i} params`);
  }
});

Deno.test("jobs that join the pool from `more` run in it, indices after the last, on Workers and in GPU batches", async () => {
  // one first job; each finished job with seed < 3 brings the next seed (a chain of follow-ups),
  // and seed 0 also brings seed 10: 5 trials in all, with one job queued at the start
  const config = (seed: number) => makeConfig({ p: 7, d: 4, hidden: 6, steps: 5, seed });
  for (const backend of [asmBackend, lockstepBackend([])]) {
    const seen: [number, number][] = [];
    const jobs = [{ config: config(0) }];
    const recs = await runTrials(jobs, {
      backend,
      workers: 2,
      onResult: (i, rec) => {
        seen.push([i, rec.trainLoss.length]);
      },
      more: (i) => {
        const seed = [0, 1, 2, 3, 10][i];
        return seed < 3
          ? [{ config: config(seed + 1) }, ...(seed === 0 ? [{ config: config(10) }] : [])]
          : [];
      },
    });
    equal(jobs.length, 1, "the caller's list is not changed");
    equal(
      seen.map(([i]) => i).sort((a, b) => a - b).join(" "),
      "0 1 2 3 4",
      `${backend.name}: every job once (${JSON.stringify(seen)})`,
    );
    equal(recs.length, 5, `${backend.name}: records of every job`);
    for (const [i, seed] of [0, 1, 10, 2, 3].entries()) {
      const alone = await train(referenceBackend, {
        config: config(seed),
        ...initialTrial(config(seed)),
      });
      assertClose(
        recs[i].trainLoss,
        alone.trainLoss,
        { rtol: 1e-4, atol: 1e-5 },
        `${backend.name} job ${i} (seed ${seed})`,
      );
    }
  }
});
