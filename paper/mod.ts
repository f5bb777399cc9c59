/**
 * The paper's figures (one module each: protocol at three scales, trial requests, analysis,
 * claims) and the claims' vocabulary. Subpath export `./paper`.
 *
 * @example Every figure is found by its id
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { figureById, FIGURES } from "./mod.ts";
 * assertEquals(FIGURES.filter((f) => figureById(f.id) !== f).map((f) => f.id), []);
 * assertEquals(figureById("fig9")?.id, "fig9");
 * ```
 *
 * @module
 */
export { figureById, FIGURES } from "./figures.ts";
export { type Figure, type FigureOutput, type Scale, SCALES } from "./figure.ts";
export { type Claim, claimsTable, type Evidence, type Quote, type Verdict } from "./claims.ts";
export type { Panel, Series } from "./panel.ts";
export type { TrialRequest, TrialResult } from "../store/mod.ts";
export type {
  EmbeddingRecipe,
  InitMode,
  OptimizerName,
  TrialConfig,
  TrialInit,
} from "../protocol/mod.ts";
export type { LiveRun, RecordOptions, TrialRecords } from "../train/mod.ts";
export type { DecisionInputs, EarlyStopRule, SequentialEvidence } from "../analysis/mod.ts";
