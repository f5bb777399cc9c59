/**
 * Orchestration: reproducing figures (one, or several as one pool), grid sweeps of
 * configurations × seeds through a store, resolving trial requests against a store, cost plans,
 * merging stores, and a run directory's analysis. Subpath export `./experiments`.
 *
 * @example A figure at the tiny scale, its claims decided
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { reproduceFigure } from "./mod.ts";
 * import { figureById } from "../paper/mod.ts";
 * import { ResultsStore } from "../store/mod.ts";
 * const store = await ResultsStore.open(":memory:");
 * const run = await reproduceFigure(figureById("fig13")!, { scale: "tiny", store, workers: 1 });
 * assert(run.output.claims.length > 0, "fig13 states claims");
 * store.close();
 * ```
 *
 * @module
 */
export {
  type FigureRun,
  type FigureTrials,
  reproduceFigure,
  type ReproduceOptions,
} from "./reproduce_figure.ts";
export { type PoolReproduceOptions, reproduceFigures } from "./reproduce_all.ts";
export {
  runSweep,
  sweep,
  SWEEP_RECORDS,
  type SweepContrast,
  type SweepDesign,
  type SweepOptions,
  type SweepRecords,
  type SweepRow,
  type SweepSummary,
} from "./grid_sweep.ts";
export {
  contrastClaim,
  type ContrastDecision,
  runSweepInRounds,
  type SweepRoundsSummary,
} from "./sweep_rounds.ts";
export { type ResolveOptions, resolveTrials, trainMissing } from "./resolve.ts";
export {
  type CostPlan,
  costPlan,
  planLine,
  type PlanOptions,
  type PlanShape,
  slurmTasks,
} from "./cost_plan.ts";
export { type MergeOptions, mergeStores } from "./merge_stores.ts";
export {
  type AnalysisReport,
  analyzeEmbedding,
  type AnalyzeOptions,
  analyzeRun,
} from "./run_analysis.ts";
export type {
  Claim,
  DecisionInputs,
  Evidence,
  Figure,
  FigureOutput,
  Panel,
  Quote,
  Scale,
  SequentialEvidence,
  Series,
  Verdict,
} from "../paper/mod.ts";
export type {
  NpyArray,
  NpyDtype,
  ResultsStore,
  StoredTrial,
  TrialRequest,
  TrialResult,
} from "../store/mod.ts";
export type {
  Backend,
  BackendCaps,
  BatchKernel,
  KernelOptions,
  TrialStart,
} from "../backends/mod.ts";
export type {
  LiveRun,
  PoolProgress,
  ProbeResult,
  RecordOptions,
  TrialRecords,
} from "../train/mod.ts";
export type {
  EmbeddingRecipe,
  GridAxis,
  GridCell,
  GridKey,
  GridValue,
  InitMode,
  OptimizerName,
  TrialConfig,
  TrialInit,
} from "../protocol/mod.ts";
export type { CellStats, EarlyStopRule, MeanCi, TrialOutcome } from "../analysis/mod.ts";
export { GRID_KEYS } from "../protocol/mod.ts";
