import { runTrials } from "./pool.ts";
import { train } from "./trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { assertClose } from "../tests/helpers.ts";

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
