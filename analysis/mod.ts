/**
 * The analysis functions, pure math on arrays: Fourier signals and circles, circularity, PCA,
 * regression and linear algebra, the linear ODE, statistics and intervals, circle statistics of
 * trials, the early stop. Subpath export `./analysis`; mod.ts re-exports the few a notebook uses.
 *
 * @example The circle of frequency 1 in a perfect ring embedding
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "../tests/assert.ts";
 * import { circularity, dft, survivingCircles } from "./mod.ts";
 * const p = 7, d = 2;
 * const E = new Float64Array(p * d).map((_, i) =>
 *   (i % 2 ? Math.sin : Math.cos)((2 * Math.PI * Math.floor(i / 2)) / p)
 * );
 * assertAlmostEquals(circularity(E, p, d, 1, dft(E, p, d)), 1, 1e-9);
 * assertEquals(survivingCircles(new Float64Array([0, 9, 0.1, 0.1, 0.1, 0.1, 9])), [1]);
 * ```
 *
 * @module
 */
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
} from "./fourier.ts";
export { circularities, circularity } from "./circularity.ts";
export { type Pca, pca } from "./pca.ts";
export { closedForm, integrate, odeData, rollout } from "./linear_ode.ts";
export { lasso, type LassoOptions, type LinearFit, ols, predict, r2Score } from "./regression.ts";
export { expm, linspace } from "./linalg.ts";
export {
  linearSvc,
  type LinearSvm,
  mean,
  meanInterval,
  median,
  medianInterval,
  pearson,
  rateInterval,
  trainTestSplit,
  tTest,
  welchInterval,
} from "./stats.ts";
export {
  type CellStats,
  cellStats,
  circlesDifference,
  GROK_ACCURACY,
  type MeanCi,
  type TrialOutcome,
} from "./circle_stats.ts";
export type { DecisionInputs, SequentialEvidence, Spending } from "./sequential.ts";
export type { LookClaim, RoundsSummary } from "./sequential_rounds.ts";
export {
  chooseRule,
  DEFAULT_EARLY_STOP,
  type EarlyStopRule,
  earlyStopStep,
  EarlyStopTracker,
  replay,
  type ReplayOutcome,
  type RuleScore,
  type Trajectory,
} from "./early_stop.ts";
