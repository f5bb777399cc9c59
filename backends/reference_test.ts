import fc from "fast-check";
import { lossAndGrad, referenceBackend } from "./reference.ts";
import { paramLayout } from "../protocol/layout.ts";
import { train } from "../train/trainer.ts";
import { assertClose, fixture, OPTIMIZER_FIXTURES, TRAINING_FIXTURES } from "../tests/helpers.ts";

Deno.test("reference gradients agree with central finite differences (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 7 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 2, max: 8 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (p, d, h, seed) => {
        const L = paramLayout(p, d, h);
        let s = seed || 1;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
        const params = Float64Array.from({ length: L.total }, () => 1.5 * rnd());
        const ids = Int32Array.from({ length: Math.max(1, Math.floor(p * p * 0.6)) }, (_, i) => i);
        const g = lossAndGrad(params, L, ids, true).grad!;
        const eps = 1e-6;
        // central differences: truncation O(eps²·f''') ~ 1e-12, rounding O(1e-16/eps) ~ 1e-10
        for (let probe = 0; probe < 24; probe++) {
          const i = Math.floor((rnd() + 0.5) * L.total);
          const keep = params[i];
          params[i] = keep + eps;
          const up = lossAndGrad(params, L, ids, false).loss;
          params[i] = keep - eps;
          const down = lossAndGrad(params, L, ids, false).loss;
          params[i] = keep;
          const fd = (up - down) / (2 * eps);
          if (!(Math.abs(fd - g[i]) <= 1e-7 + 1e-5 * Math.abs(g[i]))) {
            throw new Error(`p=${p} d=${d} h=${h}: dL/dθ[${i}] = ${g[i]}, finite difference ${fd}`);
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});

// the authors' p13 run, and the optimiser, width and fraction runs of
// tools/make_optimizer_fixtures.py
const RUNS = [
  TRAINING_FIXTURES.find((f) => f.name === "p13_d16_seed7")!,
  ...OPTIMIZER_FIXTURES.filter((f) => f.config.steps > 0),
];

for (const { name, config } of RUNS) {
  Deno.test(`reference float64 training follows PyTorch's float64 run: ${name}`, async () => {
    const rec = await train(referenceBackend, {
      config,
      params: await fixture(name, "init_params"),
      trainIds: Int32Array.from(await fixture(name, "train_ids")),
    });
    // the same algorithm in the same precision (torch.optim.AdamW / Adam / SGD, foreach=False):
    // only summation order differs (measured ≤ 9e-13 relative on the losses over 300 steps)
    assertClose(rec.trainLoss, await fixture(name, "train_loss"), { rtol: 1e-9 }, "train loss");
    assertClose(rec.testLoss, await fixture(name, "test_loss"), { rtol: 1e-9 }, "test loss");
    assertClose(rec.trainAcc, await fixture(name, "train_acc"), { atol: 0 }, "train acc");
    assertClose(rec.testAcc, await fixture(name, "test_acc"), { atol: 0 }, "test acc");
    assertClose(rec.signals, await fixture(name, "signals"), { rtol: 1e-9 }, "signals");
    assertClose(
      rec.finalParams,
      await fixture(name, "final_params"),
      { atol: 1e-8 },
      "final params",
    );
  });
}
