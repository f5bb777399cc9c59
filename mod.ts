/**
 * circle-survival: a reproduction suite for "Survival of the Fittest Representation: A Case Study
 * with Modular Addition" (Ding et al. 2024). The pipeline, folder by folder:
 *
 * - `protocol/`: the task, configuration, the authors' seeds (PyTorch's and NumPy's generators
 *   reproduced), the fused parameter layout;
 * - `backends/`, `core_asm/`, `gpu/`: training backends — a float64 reference, the
 *   AssemblyScript SIMD core, fused WebGPU kernels and a tfjs-webgpu model;
 * - `train/`: the training protocol and the multi-core trial pool;
 * - `analysis/`: Fourier signals, circles and surgeries, circularity, PCA, the linear ODE
 *   (Lasso / OLS / R² / rollout / closed form), statistics (Pearson, t-test, SVM, CIs);
 * - `io/`: `.npy` and run directories in the reference fixtures' format.
 *
 * @example
 * ```ts ignore
 * import { asmBackend, initialTrial, makeConfig, survivingCircles, train } from "./mod.ts";
 * const config = makeConfig({ p: 59, d: 128, steps: 3000, seed: 0 });
 * const rec = await train(asmBackend, { config, ...initialTrial(config) });
 * console.log(survivingCircles(rec.signals.subarray(config.steps * config.p)));
 * ```
 *
 * @module
 */
export {
  ConfigError,
  DEFAULT_CONFIG,
  INIT_MODES,
  type InitMode,
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
  type KernelSpec,
  singleTrialKernel,
  type StepStats,
  type TrainingKernel,
} from "./backends/contract.ts";
export { AdamW, lossAndGrad, referenceBackend, ReferenceKernel } from "./backends/reference.ts";
export { asmBackend, AsmKernel, coreModule, createAsmKernel } from "./core_asm/asm_backend.ts";
export { type RecordOptions, train, trainBatch, type TrialRecords } from "./train/trainer.ts";
export { loggedSteps, type RecordLayout, recordLayout } from "./protocol/records.ts";
export { ADAM, adamStepScalars } from "./protocol/optimizer.ts";
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
export {
  closedForm,
  expm,
  integrate,
  lasso,
  type LassoOptions,
  type LinearFit,
  linspace,
  odeData,
  ols,
  predict,
  r2Score,
  rollout,
} from "./analysis/linear_ode.ts";
export {
  linearSvc,
  meanInterval,
  pearson,
  rateInterval,
  trainTestSplit,
  tTest,
} from "./analysis/stats.ts";
export { type AnalysisReport, analyzeEmbedding, analyzeRun } from "./report/run_analysis.ts";
export { decodeNpy, encodeNpy, type NpyArray, NpyError, readNpy, writeNpy } from "./store/npy.ts";
export { type RunSummary, summarize, writeRunDir } from "./store/run_dir.ts";
export { gpuDevice, NoAdapterError, releaseGpu } from "./gpu/adapter.ts";
export { tfjsBackend, webgpuBackend } from "./gpu/webgpu_backends.ts";
export { backendNames, getBackend, registerBackend, resolveBackend } from "./backends/registry.ts";
export { ResultsStore, trialKey } from "./store/store.ts";
export { figureById, FIGURES } from "./paper/figures.ts";
export type { Figure, FigureOutput, Scale } from "./paper/figure.ts";
export type { Claim, Verdict } from "./paper/claims.ts";
export { resolveTrials, type TrialRequest, type TrialResult } from "./store/requests.ts";
export { type FigureReport, reproduceFigure } from "./report/figure_report.ts";
export { decidedStep, DecidedTracker } from "./analysis/verdict.ts";
export { applyEmbedding, constructEmbedding, type EmbeddingSpec } from "./protocol/embedding.ts";
