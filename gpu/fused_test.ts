import fc from "fast-check";
import { equal } from "node:assert/strict";
import { createFusedKernel, type GpuTrainOptions } from "./fused.ts";
import { gpuDevice, releaseGpu } from "./adapter.ts";
import { tfjsBackend, webgpuBackend } from "./webgpu_backends.ts";
import { resolveBackend } from "../backends/registry.ts";
import type { Backend, TrialStart } from "../backends/contract.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { train, trainBatch } from "../train/trainer.ts";
import { INIT_MODES, makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import {
  assertClose,
  assertFixtureParity,
  fixture,
  OPTIMIZER_ARBITRARIES,
  OPTIMIZER_FIXTURES,
  TRAINING_FIXTURES,
  withOptimizer,
} from "../tests/helpers.ts";

// These tests need a WebGPU adapter; .ci/run installs Mesa's lavapipe. Without one they fail
// (gpuDevice throws NoAdapterError): they never pass silently.

/** The fused backend with kernel options (chunk, GEMM kernel) fixed. */
const fused = (o: GpuTrainOptions): Backend => ({
  ...webgpuBackend,
  create: (specs, opts) => createFusedKernel(specs, { ...opts, ...o }),
});
const trainGpu = (specs: TrialStart[], o: GpuTrainOptions = {}) =>
  trainBatch(fused(o), specs, { gradSignals: o.gradSignals });

Deno.test("webgpu: an adapter is there (Mesa's lavapipe/llvmpipe in CI)", async () => {
  const { adapter } = await gpuDevice();
  equal(typeof adapter.info.description, "string");
  // auto picks asm on a software adapter, webgpu on a hardware one
  const { backend } = await resolveBackend("auto");
  equal(
    backend.name,
    adapter.info.isFallbackAdapter || /llvmpipe|lavapipe/i.test(adapter.info.description)
      ? "asm"
      : "webgpu",
  );
});

// a batch shares p, d, width and training fraction; each trial has its own optimiser
const shape = fc.record({
  p: fc.integer({ min: 5, max: 31 }),
  d: fc.integer({ min: 4, max: 48 }),
  hidden: fc.integer({ min: 3, max: 40 }),
  trainFraction: fc.double({ min: 0.4, max: 0.9, noNaN: true }),
  trials: fc.array(
    fc.record({
      seed: fc.integer({ min: 0, max: 1000 }),
      wd: fc.double({ min: 0, max: 2, noNaN: true }),
      mode: fc.constantFrom(...INIT_MODES),
      freezeEmbedding: fc.boolean(),
      ...OPTIMIZER_ARBITRARIES,
    }).map(withOptimizer),
    { minLength: 1, maxLength: 3 },
  ),
});

Deno.test("webgpu (fused, batched) follows the asm core for random shapes, modes and batches (fast-check)", async () => {
  await fc.assert(
    fc.asyncProperty(shape, async ({ p, d, hidden, trainFraction, trials }) => {
      const specs = trials.map((t) => {
        const config = makeConfig({ p, d, hidden, trainFraction, steps: 4, ...t });
        return { config, ...initialTrial(config) };
      });
      const gpu = await trainGpu(specs, { gradSignals: true, chunk: 3 });
      for (const [i, spec] of specs.entries()) {
        const cpu = await train(asmBackend, spec, { gradSignals: true });
        const what = JSON.stringify({ p, d, hidden, trainFraction, ...trials[i] });
        // two f32 implementations, different summation orders: measured ≤ 1e-5 relative
        assertClose(gpu[i].trainLoss, cpu.trainLoss, { rtol: 1e-4 }, `${what} train loss`);
        assertClose(gpu[i].testLoss, cpu.testLoss, { rtol: 1e-4 }, `${what} test loss`);
        const sMax = cpu.signals.reduce((m, v) => Math.max(m, v), 0);
        assertClose(gpu[i].signals, cpu.signals, { atol: 1e-4 * sMax }, `${what} signals`);
        const gMax = cpu.gradSignals!.reduce((m, v) => Math.max(m, v), 0);
        assertClose(
          gpu[i].gradSignals!,
          cpu.gradSignals!,
          { atol: 1e-3 * gMax + 1e-9 },
          `${what} grad signals`,
        );
        assertClose(gpu[i].paramNorm, cpu.paramNorm, { rtol: 1e-5 }, `${what} parameter norm`);
      }
    }),
    { numRuns: 12 },
  );
});

Deno.test("webgpu: a batch (one optimiser per trial) gives exactly what its trials give one by one", async () => {
  const optimizers = ["adamw", "adam", "sgd"] as const;
  const specs = [0, 1, 2].map((seed) => {
    const config = makeConfig({
      p: 13,
      d: 12,
      steps: 20,
      seed,
      wd: 0.4 * seed,
      freezeEmbedding: seed === 1,
      optimizer: optimizers[seed],
      lr: seed === 2 ? 0.2 : 0.01,
    });
    return { config, ...initialTrial(config) };
  });
  const batch = await trainGpu(specs, { chunk: 8 });
  for (const [i, s] of specs.entries()) {
    const [alone] = await trainGpu([s], { chunk: 20 });
    assertClose(batch[i].trainLoss, alone.trainLoss, { atol: 0 }, `trial ${i} train loss`);
    assertClose(batch[i].signals, alone.signals, { atol: 0 }, `trial ${i} signals`);
    assertClose(batch[i].finalParams, alone.finalParams, { atol: 0 }, `trial ${i} parameters`);
  }
});

Deno.test("webgpu: a batch above the software adapter's 64 trials (130) gives exactly what its trials give one by one", async () => {
  const optimizers = ["adamw", "adam", "sgd"] as const;
  const specs = Array.from({ length: 130 }, (_, seed) => {
    const config = makeConfig({
      p: 7,
      d: 4,
      hidden: 12,
      steps: 6,
      seed,
      wd: 0.01 * seed,
      freezeEmbedding: seed % 5 === 1,
      optimizer: optimizers[seed % 3],
      lr: seed % 3 === 2 ? 0.2 : 0.01,
    });
    return { config, ...initialTrial(config) };
  });
  const batch = await trainGpu(specs, { chunk: 4, gradSignals: true });
  equal(batch.length, 130);
  for (const [i, s] of specs.entries()) {
    const [alone] = await trainGpu([s], { chunk: 4, gradSignals: true });
    for (const key of ["trainLoss", "testLoss", "signals", "gradSignals", "finalParams"] as const) {
      assertClose(batch[i][key]!, alone[key]!, { atol: 0 }, `trial ${i} of 130: ${key}`);
    }
  }
});

Deno.test("webgpu: the tiled GEMM (hardware GPUs) and the lane GEMM (llvmpipe) agree bit for bit", async () => {
  // p = 37: p² ≥ 1 024 pairs, so the 32-row lane blocks run too; every epilogue mode runs
  const specs = [0, 1].map((seed) => {
    const config = makeConfig({ p: 37, d: 20, steps: 6, seed, wd: 0.5 + seed });
    return { config, ...initialTrial(config) };
  });
  const lanes = await trainGpu(specs, { gemm: "lanes", gradSignals: true });
  const tiled = await trainGpu(specs, { gemm: "tiled", gradSignals: true });
  for (const i of [0, 1]) {
    for (const key of ["trainLoss", "testLoss", "signals", "gradSignals", "finalParams"] as const) {
      assertClose(tiled[i][key]!, lanes[i][key]!, { atol: 0 }, `trial ${i} ${key}`);
    }
  }
});

for (
  const name of [
    "p13_d16_seed7",
    "p23_d32_seed2_wd1.0",
    "extra_p7_d3_seed5",
    ...OPTIMIZER_FIXTURES.filter((f) => f.config.steps > 0).map((f) => f.name),
  ]
) {
  const { config } = TRAINING_FIXTURES.find((f) => f.name === name)!;
  Deno.test(`webgpu trajectory follows the authors' float64 run: ${name}`, async () => {
    const [rec] = await trainGpu([{
      config,
      params: await fixture(name, "init_params"),
      trainIds: Int32Array.from(await fixture(name, "train_ids")),
    }]);
    await assertFixtureParity(rec, name, config);
  });
}

Deno.test("tfjs (op-level, autodiff) follows the asm core: an independent gradient check (fast-check)", async () => {
  await fc.assert(
    fc.asyncProperty(shape, async ({ p, d, hidden, trainFraction, trials }) => {
      const specs = trials.map((t) => {
        const config = makeConfig({ p, d, hidden, trainFraction, steps: 3, ...t });
        return { config, ...initialTrial(config) };
      });
      const tj = await trainBatch(tfjsBackend, specs, { gradSignals: true });
      for (const [i, spec] of specs.entries()) {
        const cpu = await train(asmBackend, spec, { gradSignals: true });
        const what = JSON.stringify({ p, d, hidden, trainFraction, ...trials[i] });
        // measured ≤ 1.2e-5 relative (f32 both; tfjs differentiates the unfactorised model)
        assertClose(tj[i].trainLoss, cpu.trainLoss, { rtol: 1e-4 }, `${what} train loss`);
        assertClose(tj[i].testLoss, cpu.testLoss, { rtol: 1e-4 }, `${what} test loss`);
        const sMax = cpu.signals.reduce((m, v) => Math.max(m, v), 0);
        assertClose(tj[i].signals, cpu.signals, { atol: 1e-4 * sMax }, `${what} signals`);
        const gMax = cpu.gradSignals!.reduce((m, v) => Math.max(m, v), 0);
        assertClose(
          tj[i].gradSignals!,
          cpu.gradSignals!,
          { atol: 1e-3 * gMax + 1e-9 },
          `${what} grad signals`,
        );
      }
    }),
    { numRuns: 4 },
  );
});

// The release is a test of its own (and it frees the devices here rather than in native
// teardown at process exit, where a full run once crashed after every test had passed).
Deno.test("webgpu: releasing the devices frees them; the next request gets a new device", async () => {
  const { device } = await gpuDevice();
  const tfjs = await import("./tfjs.ts");
  tfjs.releaseTfjs();
  await releaseGpu();
  const lost = await Promise.race([
    device.lost.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
  ]);
  equal(lost, true, "the released device must be lost");
  const again = await gpuDevice();
  equal(again.device === device, false, "a new request must give a new device");
  await releaseGpu();
});
