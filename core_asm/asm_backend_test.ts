import fc from "fast-check";
import { equal } from "node:assert/strict";
import {
  ASM_BLOCK_ROWS,
  asmBackend,
  asmCoreBytes,
  coreModule,
  createAsmKernel,
} from "./asm_backend.ts";
import * as ids from "./assembly/ids.ts";
import { lossAndGrad, referenceBackend } from "../backends/reference.ts";
import { INIT_MODES, makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { paramLayout } from "../protocol/layout.ts";
import { testIdsFor } from "../protocol/task.ts";
import { train } from "../train/trainer.ts";
import {
  assertClose,
  assertFixtureParity,
  fixture,
  OPTIMIZER_ARBITRARIES,
  TRAINING_FIXTURES,
  withOptimizer,
} from "../tests/helpers.ts";

const smallConfig = fc.record({
  p: fc.integer({ min: 3, max: 17 }),
  d: fc.integer({ min: 1, max: 24 }),
  hidden: fc.integer({ min: 1, max: 21 }),
  trainFraction: fc.double({ min: 0.3, max: 0.9, noNaN: true }),
  wd: fc.double({ min: 0, max: 2, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1000 }),
  initSeed: fc.integer({ min: 0, max: 1000 }),
  mode: fc.constantFrom(...INIT_MODES),
  freezeEmbedding: fc.boolean(),
  ...OPTIMIZER_ARBITRARIES,
}).map(withOptimizer);

Deno.test("asm step's loss and gradient agree with the float64 reference (fast-check)", async () => {
  await fc.assert(
    fc.asyncProperty(smallConfig, async (c) => {
      const config = makeConfig({ ...c, steps: 1 });
      const init = initialTrial(config);
      const L = paramLayout(config.p, config.d, config.hidden);
      const k = await createAsmKernel({ config, ...init });
      const s = k.step();
      const ref = lossAndGrad(init.params, L, init.trainIds, true);
      const refTest = lossAndGrad(init.params, L, testIdsFor(config.p, init.trainIds), false);
      const what = JSON.stringify(c);
      // f32 forward of ≤ 2·24 + 21 + 21 term dot products: relative error ~1e-6; 1e-5 allowed.
      assertClose(
        [s.trainLoss, s.testLoss],
        [ref.loss, refTest.loss],
        { rtol: 1e-5 },
        `${what} losses`,
      );
      // Gradients: f32 sums over up to 231 pairs; error relative to the largest entry ≤ 1e-5 allowed.
      const g = k.gradient(), rg = ref.grad!;
      const scale = rg.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assertClose(g, rg, { atol: 1e-5 * scale + 1e-9 }, `${what} gradient`);
    }),
    { numRuns: 60 },
  );
});

Deno.test("asm training follows the float64 reference for a few steps (fast-check)", async () => {
  await fc.assert(
    fc.asyncProperty(smallConfig, async (c) => {
      const config = makeConfig({ ...c, steps: 4 });
      const spec = { config, ...initialTrial(config) };
      const a = await train(asmBackend, spec, { gradSignals: true });
      const r = await train(referenceBackend, spec, { gradSignals: true });
      const what = JSON.stringify(c);
      assertClose(a.trainLoss, r.trainLoss, { rtol: 1e-4 }, `${what} train loss`);
      assertClose(a.testLoss, r.testLoss, { rtol: 1e-4 }, `${what} test loss`);
      const sMax = r.signals.reduce((m, v) => Math.max(m, v), 0);
      assertClose(a.signals, r.signals, { atol: 1e-4 * sMax }, `${what} signals`);
      const gMax = r.gradSignals!.reduce((m, v) => Math.max(m, v), 0);
      assertClose(
        a.gradSignals!,
        r.gradSignals!,
        { atol: 1e-3 * gMax + 1e-12 },
        `${what} grad signals`,
      );
      if (config.freezeEmbedding) {
        // the f32 core holds the embedding as f32: frozen, it stays exactly fround(init)
        const n = config.p * config.d;
        assertClose(
          a.finalParams.subarray(0, n),
          spec.params.subarray(0, n).map(Math.fround),
          { atol: 0 },
          `${what} frozen embedding moved`,
        );
      }
    }),
    { numRuns: 30 },
  );
});

for (const { name, config } of TRAINING_FIXTURES.filter((f) => f.config.steps > 0)) {
  Deno.test(`asm (f32) trajectory follows the authors' float64 run: ${name}`, async () => {
    const rec = await train(asmBackend, {
      config,
      params: await fixture(name, "init_params"),
      trainIds: Int32Array.from(await fixture(name, "train_ids")),
    });
    await assertFixtureParity(rec, name, config);
  });
}

Deno.test("asmCoreBytes bounds what the core's setup allocates, within its slack", async () => {
  for (const [p, d, h] of [[59, 128, 100], [3, 1, 1], [17, 24, 21], [101, 256, 100]]) {
    const { exports } = await WebAssembly.instantiate(await coreModule(), {
      env: { abort: () => {} },
    });
    const core = exports as unknown as {
      setup(p: number, d: number, h: number, nt: number): void;
      offset(which: number): number;
    };
    const nt = Math.floor(0.8 * p * p);
    core.setup(p, d, h, nt);
    equal(core.offset(ids.OFF_BR), ASM_BLOCK_ROWS, "the core's block rows");
    const used = core.offset(ids.OFF_ALLOCATED), est = asmCoreBytes(p, d, h, nt);
    // the estimate adds 80 bytes for each of up to 40 buffers (alignment, heap headers)
    if (!(est >= used && est - used <= 80 * 40 + 64)) {
      throw new Error(`p=${p} d=${d} h=${h}: setup allocated ${used} bytes, asmCoreBytes ${est}`);
    }
  }
});
