/**
 * The trainer (one protocol for every backend: records, snapshots, progress) and the pool that
 * runs many trials (Workers on every core, or GPU batches). Subpath export `./train`.
 *
 * @example Two trials on the pool, one per seed
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runTrials } from "./mod.ts";
 * import { asmBackend } from "../core_asm/mod.ts";
 * import { makeConfig } from "../protocol/mod.ts";
 * const jobs = [0, 1].map((seed) => ({ config: makeConfig({ p: 5, d: 2, steps: 3, seed }) }));
 * const recs = await runTrials(jobs, { backend: asmBackend, workers: 1 });
 * assertEquals(recs.map((r) => r.steps), [3, 3]);
 * ```
 *
 * @module
 */
export {
  type LiveRun,
  type RecordOptions,
  train,
  trainBatch,
  type TrialRecords,
} from "./trainer.ts";
export { type PoolOptions, type PoolProgress, runTrials, type TrialJob } from "./pool.ts";
export type { ProbeResult } from "./probe.ts";
export type {
  Backend,
  BackendCaps,
  BatchKernel,
  KernelOptions,
  StepStats,
  TrialStart,
} from "../backends/mod.ts";
export type {
  EmbeddingRecipe,
  InitMode,
  OptimizerName,
  TrialConfig,
  TrialInit,
} from "../protocol/mod.ts";
export type { EarlyStopRule } from "../analysis/mod.ts";
