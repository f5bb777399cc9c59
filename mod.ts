/**
 * circle-survival: a reproduction suite for "Survival of the Fittest Representation: A Case Study
 * with Modular Addition" (Ding et al. 2024). The pipeline, folder by folder:
 *
 * - `rng/`: PyTorch's and NumPy's generators, draw for draw;
 * - `analysis/`: pure math — Fourier signals, circles and surgeries, circularity, PCA, the linear
 *   ODE (Lasso / OLS / R² / rollout / closed form), the early verdict, statistics (Pearson, t-test,
 *   SVM, confidence intervals);
 * - `protocol/`: the task and its pair table, configuration, the authors' seeds, the fused
 *   parameter layout, the record layout, the optimisers' constants;
 * - `backends/`, `core_asm/`, `gpu/`: the backend contract and registry, and the backends — a
 *   float64 reference, the AssemblyScript SIMD core, fused WebGPU kernels, tfjs-webgpu;
 * - `train/`: the trainer (one protocol for every backend), the pool (Workers / GPU batches);
 * - `store/`: the results store, `.npy` and run directories, requests, cost plans;
 * - `paper/`, `report/`: the figures and their claims, the reports;
 * - `sweep`: a grid of configurations × seeds through a results store, summarised per cell
 *   (#circles with 95 % intervals, per-frequency survival, grokking step, final losses).
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
export {
  ConfigError,
  DEFAULT_CONFIG,
  INIT_MODES,
  type InitMode,
  keyConfig,
  makeConfig,
  type TrialConfig,
} from "./protocol/config.ts";
export { initialTrial, type TrialInit } from "./protocol/init.ts";
export { type ParamLayout, paramLayout, part } from "./protocol/layout.ts";
export { pair, splitTrainIds, testIdsFor, trainCount } from "./protocol/task.ts";
export { MT19937 } from "./rng/mt19937.ts";
export { TorchGenerator } from "./rng/torch.ts";
export { NumpyRandomState } from "./rng/numpy.ts";
export {
  type Backend,
  type BackendCaps,
  BackendUnavailable,
  type BatchKernel,
  singleTrialKernel,
  type StepStats,
  type TrainingKernel,
  type TrialStart,
} from "./backends/contract.ts";
export { lossAndGrad, Optimizer, referenceBackend, ReferenceKernel } from "./backends/reference.ts";
export { asmBackend, AsmKernel, coreModule, createAsmKernel } from "./core_asm/asm_backend.ts";
export { type RecordOptions, train, trainBatch, type TrialRecords } from "./train/trainer.ts";
export { loggedSteps, type RecordLayout, recordLayout } from "./protocol/records.ts";
export {
  ADAM,
  adamStepScalars,
  type OptimizerName,
  OPTIMIZERS,
  type OptimizerSettings,
  optimizerSettings,
  stepScalars,
} from "./protocol/optimizer.ts";
export { type PoolOptions, runTrials, type TrialJob } from "./train/pool.ts";
export {
  AnalysisError,
  circlePlane,
  dft,
  fourierNorms,
  idftReal,
  keepFrequencies,
  projectOnto,
  scaleFrequencies,
  type Spectrum,
  spectrumNorms,
  survivingCircles,
  survivorsAbove,
} from "./analysis/fourier.ts";
export { circularities, circularity } from "./analysis/circularity.ts";
export { type Pca, pca } from "./analysis/pca.ts";
export { closedForm, integrate, odeData, rollout } from "./analysis/linear_ode.ts";
export {
  lasso,
  type LassoOptions,
  type LinearFit,
  ols,
  predict,
  r2Score,
} from "./analysis/regression.ts";
export { expm, linspace } from "./analysis/linalg.ts";
export {
  linearSvc,
  meanInterval,
  medianInterval,
  pearson,
  rateInterval,
  trainTestSplit,
  tTest,
  welchInterval,
} from "./analysis/stats.ts";
export { type AnalysisReport, analyzeEmbedding, analyzeRun } from "./experiments/run_analysis.ts";
export { decodeNpy, encodeNpy, type NpyArray, NpyError, readNpy, writeNpy } from "./store/npy.ts";
export { type RunSummary, summarize, writeRunDir } from "./store/run_dir.ts";
export { gpuDevice, NoAdapterError, releaseGpu } from "./gpu/adapter.ts";
export { tfjsBackend, webgpuBackend } from "./gpu/webgpu_backends.ts";
export { backendNames, getBackend, registerBackend, resolveBackend } from "./backends/registry.ts";
export { ResultsStore, trialKey } from "./store/store.ts";
export { figureById, FIGURES } from "./paper/figures.ts";
export type { Figure, FigureOutput, Scale } from "./paper/figure.ts";
export type { Claim, Verdict } from "./paper/claims.ts";
export type { TrialRequest, TrialResult } from "./store/requests.ts";
export { resolveTrials, trainMissing } from "./experiments/resolve.ts";
export { type CostPlan, costPlan, planLine, slurmTasks } from "./experiments/cost_plan.ts";
export {
  type FigureRun,
  type FigureTrials,
  reproduceFigure,
} from "./experiments/reproduce_figure.ts";
export { type FigureReport, writeFigureReport } from "./report/figure_report.ts";
export { sweepCsv, sweepPanels, sweepTable, writeSweepReport } from "./report/sweep_report.ts";
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
} from "./experiments/grid_sweep.ts";
export {
  GRID_KEYS,
  type GridAxis,
  gridAxis,
  type GridCell,
  gridCells,
  type GridKey,
  parseGridAxis,
} from "./protocol/grid_spec.ts";
export {
  type CellStats,
  cellStats,
  circlesDifference,
  GROK_ACCURACY,
  type TrialOutcome,
} from "./analysis/circle_stats.ts";
export {
  chooseRule,
  DEFAULT_EARLY_STOP,
  type EarlyStopRule,
  earlyStopStep,
  EarlyStopTracker,
  replay,
} from "./analysis/early_stop.ts";
export { applyEmbedding, constructEmbedding, type EmbeddingRecipe } from "./protocol/embedding.ts";
