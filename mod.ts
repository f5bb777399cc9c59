/**
 * circle-survival: a reproduction suite for "Survival of the Fittest Representation: A Case Study
 * with Modular Addition" (Ding et al. 2024). This module is the researcher's API: configure and
 * train a run, run many trials, sweep a grid, reproduce a figure, read runs and stores, and
 * analyse an embedding. Everything else has a subpath export by pipeline folder: `./analysis`,
 * `./protocol`, `./rng`, `./backends`, `./core_asm`, `./gpu`, `./train`, `./store`, `./paper`,
 * `./experiments`, `./report` (each folder's `mod.ts`). Importing this module loads neither
 * tfjs nor the native canvas addon: they load where they are used.
 *
 * @example Train one run and count its circles
 * ```ts
 * import { assert, assertEquals } from "./tests/assert.ts";
 * import { asmBackend, initialTrial, makeConfig, survivingCircles, train } from "./mod.ts";
 * // a small run (the paper's standard run is p = 59, d = 128, 30 000 steps: makeConfig({}))
 * const config = makeConfig({ p: 5, d: 2, steps: 20, seed: 0 });
 * const rec = await train(asmBackend, { config, ...initialTrial(config) });
 * assertEquals(rec.signals.length, (config.steps + 1) * config.p); // ‖F_k‖ at init and each step
 * const circles = survivingCircles(rec.signals.subarray(config.steps * config.p));
 * assert(circles.every((k) => k >= 1 && k <= (config.p - 1) / 2), `circles ${circles}`);
 * ```
 *
 * @example A sweep: does SGD keep more circles than AdamW? (each at its own learning rate)
 * ```ts
 * import { assert, assertEquals } from "./tests/assert.ts";
 * import { sweep } from "./experiments/grid_sweep.ts";
 * const summary = await sweep({
 *   grid: { "optimizer:lr:wd": ["adamw:0.01:0.5", "sgd:1:0.0005"] },
 *   seeds: [0, 1, 2], // the question needs p = 59, thousands of steps and more seeds
 *   base: { p: 5, d: 2, steps: 20 },
 *   backend: "asm",
 *   workers: 1,
 *   // store: "results/store.sqlite" keeps the trials, out: "results/sgd-vs-adamw" writes the report
 * });
 * const [d] = summary.contrasts; // sgd − adamw: mean #circles, 95 % Welch interval
 * assertEquals([d.level, d.reference], ["sgd:1:0.0005", "adamw:0.01:0.5"]);
 * assert(d.low <= d.diff && d.diff <= d.high, `interval ${JSON.stringify(d)}`);
 * ```
 *
 * @module
 */
// configure and train a run
export { ConfigError, DEFAULT_CONFIG, makeConfig } from "./protocol/config.ts";
export { initialTrial } from "./protocol/init.ts";
export { paramLayout, part } from "./protocol/layout.ts";
export { train } from "./train/trainer.ts";
export { referenceBackend } from "./backends/reference.ts";
export { asmBackend } from "./core_asm/asm_backend.ts";
export { tfjsBackend, webgpuBackend } from "./gpu/webgpu_backends.ts";
export { getBackend } from "./backends/registry.ts";
// many trials, a sweep, a figure
export { runTrials } from "./train/pool.ts";
export { sweep } from "./experiments/grid_sweep.ts";
export { reproduceFigure } from "./experiments/reproduce_figure.ts";
export { reproduceFigures } from "./experiments/reproduce_all.ts";
export { figureById, FIGURES } from "./paper/figures.ts";
export { writeFigureReport } from "./report/figure_report.ts";
// runs and stores
export { ResultsStore } from "./store/store.ts";
export { readRunDir, summarize, writeRunDir } from "./store/run_dir.ts";
export { loadResult } from "./store/requests.ts";
export { analyzeRun } from "./experiments/run_analysis.ts";
// analysis
export {
  circlePlane,
  dft,
  fourierNorms,
  projectOnto,
  survivingCircles,
} from "./analysis/fourier.ts";
export { circularity } from "./analysis/circularity.ts";
export { pca } from "./analysis/pca.ts";
export { meanInterval, medianInterval, rateInterval, welchInterval } from "./analysis/stats.ts";
// the types the functions above take and return
export type {
  AnalysisReport,
  AnalyzeOptions,
  CostPlan,
  FigureRun,
  FigureTrials,
  PlanShape,
  PoolReproduceOptions,
  ProbeResult,
  ReproduceOptions,
  SweepContrast,
  SweepDesign,
  SweepOptions,
  SweepRecords,
  SweepRow,
  SweepSummary,
} from "./experiments/mod.ts";
export type { ExplorerLink, FigureReport } from "./report/mod.ts";
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
} from "./paper/mod.ts";
export type {
  NpyArray,
  NpyDtype,
  RunSummary,
  StoredTrial,
  TrialRequest,
  TrialResult,
} from "./store/mod.ts";
export type {
  LiveRun,
  PoolOptions,
  PoolProgress,
  RecordOptions,
  TrialJob,
  TrialRecords,
} from "./train/mod.ts";
export type {
  Backend,
  BackendCaps,
  BatchKernel,
  KernelOptions,
  StepStats,
  TrialStart,
} from "./backends/mod.ts";
export type {
  EmbeddingRecipe,
  GridAxis,
  GridCell,
  GridKey,
  GridValue,
  InitMode,
  OptimizerName,
  ParamLayout,
  TrialConfig,
  TrialInit,
} from "./protocol/mod.ts";
export type {
  CellStats,
  EarlyStopRule,
  MeanCi,
  Pca,
  Spectrum,
  TrialOutcome,
} from "./analysis/mod.ts";
export { GRID_KEYS } from "./protocol/grid_spec.ts";
