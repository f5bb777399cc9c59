/**
 * The backend contract (what a backend implements to train trials), the registry that names the
 * backends, and the float64 reference backend with its loss, gradients and optimiser. Subpath
 * export `./backends`; the backends themselves register from core_asm/ and gpu/.
 *
 * @example One step of the reference kernel lowers the training loss
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { ReferenceKernel } from "./mod.ts";
 * import { initialTrial, makeConfig } from "../protocol/mod.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 2, seed: 0 });
 * const kernel = new ReferenceKernel({ config, ...initialTrial(config) });
 * const first = kernel.step(), second = kernel.step();
 * assert(second.trainLoss < first.trainLoss, `${first.trainLoss} → ${second.trainLoss}`);
 * ```
 *
 * @module
 */
export {
  type Backend,
  type BackendCaps,
  BackendUnavailable,
  type BatchKernel,
  type KernelOptions,
  singleTrialKernel,
  type StepStats,
  type TrainingKernel,
  type TrialStart,
} from "./contract.ts";
export {
  type LossAndGrad,
  lossAndGrad,
  Optimizer,
  referenceBackend,
  ReferenceKernel,
} from "./reference.ts";
export {
  type AutoCandidate,
  backendNames,
  getBackend,
  registerBackend,
  resolveBackend,
  type Resolved,
} from "./registry.ts";
export type {
  AdamConstants,
  InitMode,
  OptimizerName,
  OptimizerSettings,
  ParamLayout,
  TrialConfig,
} from "../protocol/mod.ts";
