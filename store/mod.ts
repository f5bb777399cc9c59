/**
 * Storage: the results store (one SQLite file of trials, every array's digest checked on read),
 * `.npy` arrays, run directories, and the trial requests stores are keyed by. Subpath export
 * `./store`.
 *
 * @example A `.npy` round trip
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { decodeNpy, encodeNpy } from "./mod.ts";
 * const a = { dtype: "<f8" as const, shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) };
 * const b = decodeNpy(encodeNpy(a));
 * assertEquals([b.dtype, b.shape, [...b.data]], ["<f8", [2, 2], [1, 2, 3, 4]]);
 * ```
 *
 * @module
 */
export { ResultsStore, type StoredTrial, trialKey } from "./store.ts";
export {
  decodeNpy,
  encodeNpy,
  type NpyArray,
  type NpyDtype,
  NpyError,
  readNpy,
  writeNpy,
} from "./npy.ts";
export { readRunDir, type RunSummary, summarize, writeRunDir } from "./run_dir.ts";
export { loadResult, type TrialRequest, type TrialResult } from "./requests.ts";
export type { LiveRun, RecordOptions, TrialRecords } from "../train/mod.ts";
export type {
  EmbeddingRecipe,
  InitMode,
  OptimizerName,
  TrialConfig,
  TrialInit,
} from "../protocol/mod.ts";
export type { EarlyStopRule } from "../analysis/mod.ts";
