// deno bench (deno task bench): the backend comparison at p = 59, d = 128 — trial-steps per
// second of asm (1 Worker, all cores), the fused WebGPU kernels and tfjs-webgpu, for B = 1, 8,
// 64 trials. Each iteration trains B trials for STEPS steps; divide by B·STEPS for one
// trial-step. On Mesa's software adapters (no GPU) the WebGPU rows are slow by nature: set
// BENCH_GPU_B=1,8 to leave out B = 64 there.
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { runTrials } from "../train/pool.ts";
import { trainBatch } from "../train/trainer.ts";
import { getBackend } from "../train/backends.ts";

const STEPS = 5;
const sizes = (Deno.env.get("BENCH_GPU_B") ?? "1,8,64").split(",").map(Number);
const specs = (B: number) =>
  Array.from({ length: B }, (_, seed) => {
    const config = makeConfig({ p: 59, d: 128, steps: STEPS, seed });
    return { config, ...initialTrial(config) };
  });

for (const B of [1, 8, 64]) {
  const jobs = specs(B).map((s) => ({ config: s.config }));
  Deno.bench(`asm, 1 Worker: ${B} trials × ${STEPS} steps`, {
    group: `B=${B}`,
    baseline: true,
    n: B === 64 ? 2 : 5,
    warmup: 1,
  }, async () => {
    await runTrials(jobs, { workers: 1 });
  });
  Deno.bench(`asm, all cores: ${B} trials × ${STEPS} steps`, {
    group: `B=${B}`,
    n: B === 64 ? 2 : 5,
    warmup: 1,
  }, async () => {
    await runTrials(jobs, {});
  });
  if (!sizes.includes(B)) continue;
  const s = specs(B);
  // on a software adapter one B = 64 iteration takes up to a minute: one warm-up (shader
  // compilation happens there), one measured run
  const gpuRuns = B === 64 ? { n: 1, warmup: 1 } : { n: 2, warmup: 1 };
  Deno.bench(
    `webgpu fused: ${B} trials × ${STEPS} steps`,
    { group: `B=${B}`, ...gpuRuns },
    async () => {
      await trainBatch(getBackend("webgpu"), s);
    },
  );
  Deno.bench(
    `tfjs-webgpu: ${B} trials × ${STEPS} steps`,
    { group: `B=${B}`, ...gpuRuns },
    async () => {
      await trainBatch(getBackend("tfjs"), s);
    },
  );
}
