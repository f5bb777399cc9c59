/**
 * Evaluation without training: the loss and accuracy over all p² pairs of any parameters of a
 * trial's shape, on the asm core (Fig. 8 evaluates thousands of surgically restricted
 * embeddings).
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import { createAsmKernel } from "../core_asm/asm_backend.ts";
import { initialTrial } from "../protocol/init.ts";

/** Loss and accuracy over every pair. */
export interface Evaluation {
  loss: number;
  acc: number;
}

/**
 * An evaluator of parameters of `config`'s shape over all p² pairs (mean cross-entropy and
 * accuracy); `dispose` frees it.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { allPairsEvaluator } from "./evaluate.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 7, d: 4, hidden: 8 });
 * const ev = await allPairsEvaluator(config);
 * const r = ev.evaluate(initialTrial(config).params);
 * assert(r.loss > 0, `loss over all p² pairs: ${JSON.stringify(r)}`);
 * ```
 */
export async function allPairsEvaluator(
  config: TrialConfig,
): Promise<{ evaluate(params: Float64Array): Evaluation; dispose(): void }> {
  const init = initialTrial(config);
  const k = await createAsmKernel({ config, ...init });
  const { p } = config, nTrain = init.trainIds.length, nTest = p * p - nTrain;
  return {
    evaluate(params) {
      k.setParams(params);
      const s = k.evaluate();
      return {
        loss: (nTrain * s.trainLoss + nTest * s.testLoss) / (p * p),
        acc: (nTrain * s.trainAcc + nTest * s.testAcc) / (p * p),
      };
    },
    dispose: () => k.dispose(),
  };
}
