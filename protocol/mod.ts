/**
 * The protocol every backend follows: the task and its train/test split, configurations, the
 * authors' initialisation, the fused parameter layout, the record layout, the optimisers'
 * constants, grid specifications and constructed embeddings. Subpath export `./protocol`.
 *
 * @example The paper's standard run and its split
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { makeConfig, trainCount } from "./mod.ts";
 * const c = makeConfig({});
 * assertEquals([c.p, c.d, c.steps], [59, 128, 30000]);
 * assertEquals(trainCount(c.p, c.trainFraction), 2784); // ⌊0.8 · 59²⌋ training pairs
 * ```
 *
 * @module
 */
export {
  ConfigError,
  DEFAULT_CONFIG,
  INIT_MODES,
  type InitMode,
  keyConfig,
  makeConfig,
  type TrialConfig,
} from "./config.ts";
export { initialTrial, type TrialInit } from "./init.ts";
export { type ParamLayout, paramLayout, part } from "./layout.ts";
export { pair, splitTrainIds, testIdsFor, trainCount } from "./task.ts";
export { loggedSteps, type RecordLayout, recordLayout } from "./records.ts";
export {
  ADAM,
  type AdamConstants,
  type AdamStepScalars,
  adamStepScalars,
  type OptimizerName,
  OPTIMIZERS,
  type OptimizerSettings,
  optimizerSettings,
  stepScalars,
} from "./optimizer.ts";
export {
  GRID_KEYS,
  type GridAxis,
  gridAxis,
  type GridCell,
  gridCells,
  type GridKey,
  type GridValue,
  parseGridAxis,
} from "./grid_spec.ts";
export { applyEmbedding, constructEmbedding, type EmbeddingRecipe } from "./embedding.ts";
