/**
 * Reports: a figure's report (PNG panels, data.json, claims) and the index page, a sweep's report
 * (summary.csv/json, panels, index.html), and PNG rendering of a panel (the drawing libraries load
 * on the first panel). Subpath export `./report`.
 *
 * @example A sweep's table has a header row
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { sweepTable } from "./mod.ts";
 * import { sweep } from "../experiments/mod.ts";
 * const summary = await sweep({
 *   grid: { dim: [2] },
 *   seeds: [0],
 *   base: { p: 5, steps: 5 },
 *   backend: "asm",
 *   workers: 1,
 * });
 * assert(sweepTable(summary).includes("dim"), sweepTable(summary));
 * ```
 *
 * @module
 */
export { type FigureReport, writeFigureReport } from "./figure_report.ts";
export type { ExplorerLink } from "./explorer_link.ts";
export { sweepCsv, sweepPanels, sweepTable, writeSweepReport } from "./sweep_report.ts";
export { color, renderPanel } from "./plot.ts";
export type {
  AnalysisReport,
  CellStats,
  Claim,
  CostPlan,
  DecisionInputs,
  EarlyStopRule,
  EmbeddingRecipe,
  Evidence,
  Figure,
  FigureOutput,
  FigureRun,
  FigureTrials,
  GridAxis,
  GridCell,
  GridKey,
  GridValue,
  InitMode,
  LiveRun,
  MeanCi,
  OptimizerName,
  Panel,
  PlanShape,
  Quote,
  RecordOptions,
  Scale,
  SequentialEvidence,
  Series,
  SweepContrast,
  SweepDesign,
  SweepRecords,
  SweepRow,
  SweepSummary,
  TrialConfig,
  TrialInit,
  TrialOutcome,
  TrialRecords,
  TrialRequest,
  TrialResult,
  Verdict,
} from "../experiments/mod.ts";
export { GRID_KEYS } from "../protocol/mod.ts";
