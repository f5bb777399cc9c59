/**
 * A grid sweep's trials through the results store, and its summary: every cell × seed is a
 * {@linkcode TrialRequest} (so resume, shards, every backend and `--until-decided` work as for the
 * figures), what the store lacks is trained, and each stored trial is read back one at a time
 * into its outcome (circles, grokking step, final losses) for the cell statistics of
 * analysis/grid_summary.ts.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import {
  axisName,
  type GridAxis,
  type GridCell,
  gridCells,
  type GridValue,
  levelLabel,
} from "../protocol/grid_spec.ts";
import { survivingCircles } from "../analysis/fourier.ts";
import { DEFAULT_DECIDED } from "../analysis/verdict.ts";
import {
  type CellStats,
  cellStats,
  circlesDifference,
  GROK_ACCURACY,
  type TrialOutcome,
} from "../analysis/grid_summary.ts";
import {
  loadResult,
  type ResolveOptions,
  trainMissing,
  type TrialRequest,
  type TrialResult,
} from "./requests.ts";

/** What a grid sweep runs: axes crossed, each cell over the seeds, from a base configuration. */
export interface GridSpec {
  /** The axes, crossed. */
  axes: GridAxis[];
  /** The seeds every cell runs over. */
  seeds: number[];
  /** The options every cell starts from (cell values replace them). */
  base: Partial<TrialConfig>;
  /** Options the base sets explicitly: a grid key among them is refused. */
  baseKeys?: string[];
}

/** How the grid's trials record. */
export interface GridRecords {
  /** Log every n-th step (the grokking step's resolution); 1 logs every step. */
  logEvery: number;
  /** Stop each trial once its circles are decided (analysis/verdict.ts). */
  untilDecided: boolean;
}

/** The sweep's records by default: every 10th step, full length. */
export const GRID_RECORDS: Readonly<GridRecords> = Object.freeze({
  logEvery: 10,
  untilDecided: false,
});

/** One cell's row of the summary. */
export interface GridRow {
  /** Swept option → value. */
  values: Record<string, GridValue>;
  /** The cell's configuration (its first seed's; the seeds differ only in `seed`). */
  config: TrialConfig;
  /** The cell's statistics over its trials. */
  stats: CellStats;
}

/** The difference in mean #circles between a cell and the cell that differs only in one axis,
 * set to that axis's first level. */
export interface GridContrast {
  /** The axis compared (its keys joined, e.g. "optimizer:lr"). */
  axis: string;
  /** The cell's level on that axis. */
  level: string;
  /** The axis's first level, compared against. */
  reference: string;
  /** The other axes' levels, shared by both cells. */
  at: Record<string, string>;
  /** Mean #circles of the cell minus the reference's. */
  diff: number;
  /** Lower end of its 95 % Welch interval. */
  low: number;
  /** Upper end of its 95 % Welch interval. */
  high: number;
  /** The Welch degrees of freedom (NaN when both cells are constant). */
  df: number;
}

/** A grid sweep's summary: what ran and a row per cell. */
export interface GridSummary {
  /** The axes: name, option keys and level labels. */
  axes: { name: string; keys: string[]; levels: string[] }[];
  /** The seeds of every cell. */
  seeds: number[];
  /** The backend whose trials these are (part of every store key). */
  backend: string;
  /** How the trials recorded. */
  records: GridRecords;
  /** A trial grokked at the first logged step with test accuracy ≥ this. */
  grokAccuracy: number;
  /** Trials in the grid (cells × seeds). */
  trials: number;
  /** Trials trained by this call (the rest came from the store). */
  trialsRun: number;
  /** A row per cell. */
  rows: GridRow[];
  /** Each level against its axis's first level. */
  contrasts: GridContrast[];
}

/** The trial requests of a grid, cell by cell, seed by seed. */
export function gridRequests(cells: GridCell[], records: GridRecords): TrialRequest[] {
  const rec: TrialRequest["records"] = {
    ...(records.logEvery > 1 ? { logEvery: records.logEvery } : {}),
    ...(records.untilDecided ? { untilDecided: { ...DEFAULT_DECIDED } } : {}),
  };
  return cells.flatMap((c) =>
    c.configs.map((config) => (Object.keys(rec).length ? { config, records: rec } : { config }))
  );
}

/**
 * A stored trial's outcome: its circles (null when it diverged), its grokking step (the first
 * logged step whose test accuracy — of the parameters before that step's update, as the
 * authors log it — reaches {@linkcode GROK_ACCURACY}; null when none did), its final losses.
 */
export function trialOutcome(r: TrialResult): TrialOutcome {
  const last = r.trainLoss.length - 1;
  const at = (a: Float64Array) => (last >= 0 && Number.isFinite(a[last]) ? a[last] : null);
  const i = r.testAcc.findIndex((a) => a >= GROK_ACCURACY);
  return {
    seed: r.config.seed,
    circles: r.divergedAt === null ? survivingCircles(r.finalSignals()) : null,
    grokStep: i >= 0 ? r.loggedAt[i] : null,
    finalTrainLoss: at(r.trainLoss),
    finalTestLoss: at(r.testLoss),
  };
}

/** The cells and requests of a spec (validated: a one-line ConfigError otherwise). */
export function gridPlan(
  spec: GridSpec,
  records: GridRecords = GRID_RECORDS,
): { cells: GridCell[]; requests: TrialRequest[] } {
  const cells = gridCells(spec);
  return { cells, requests: gridRequests(cells, records) };
}

/**
 * Train what the store lacks of a grid and summarise it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runGrid } from "./grid_trials.ts";
 * import { ResultsStore } from "./store.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * const store = await ResultsStore.open(":memory:");
 * const spec = { axes: [parseGridAxis("wd=0.5,1")], seeds: [0, 1], base: { p: 5, d: 2, steps: 5 } };
 * const summary = await runGrid(spec, { store, workers: 1 });
 * assertEquals([summary.trials, summary.trialsRun, summary.rows.length], [4, 4, 2]);
 * assertEquals(summary.contrasts.map((c) => `${c.level} − ${c.reference}`), ["1 − 0.5"]);
 * store.close();
 * ```
 */
export async function runGrid(
  spec: GridSpec,
  opts: ResolveOptions & { records?: GridRecords },
): Promise<GridSummary> {
  const records = opts.records ?? GRID_RECORDS;
  const { cells, requests } = gridPlan(spec, records);
  const before = opts.store.count();
  const keys = await trainMissing(requests, opts);
  const trialsRun = opts.store.count() - before;
  const n = spec.seeds.length;
  const rows: GridRow[] = cells.map((cell, c) => {
    // one trial in memory at a time: a long sweep's records are large
    const outcomes = keys.slice(c * n, (c + 1) * n).map((k) =>
      trialOutcome(loadResult(opts.store, k))
    );
    return {
      values: cell.values,
      config: cell.configs[0],
      stats: cellStats(outcomes, cell.configs[0].p),
    };
  });
  const backends = new Set(keys.map((k) => opts.store.get(k)?.backend ?? ""));
  return {
    axes: spec.axes.map((a) => ({
      name: axisName(a),
      keys: a.keys,
      levels: a.levels.map(levelLabel),
    })),
    seeds: spec.seeds,
    backend: [...backends].join(", "),
    records,
    grokAccuracy: GROK_ACCURACY,
    trials: requests.length,
    trialsRun,
    rows,
    contrasts: gridContrasts(spec.axes, rows),
  };
}

/** The level label of each axis in a row. */
export function rowLevels(axes: GridAxis[], row: Pick<GridRow, "values">): string[] {
  return axes.map((a) => levelLabel(a.keys.map((k) => row.values[k])));
}

/**
 * For each axis with two or more levels, each cell at a level other than the first against the
 * cell equal to it but at the first level: the difference in mean #circles, 95 % Welch interval.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { gridContrasts } from "./grid_trials.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * import { cellStats } from "../analysis/grid_summary.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const outcome = (n: number, seed: number) =>
 *   ({ seed, circles: [1, 2, 3].slice(0, n), grokStep: 100, finalTrainLoss: 0, finalTestLoss: 0 });
 * const row = (optimizer: string, counts: number[]) =>
 *   ({ values: { optimizer }, config: makeConfig({ p: 7 }), stats: cellStats(counts.map(outcome), 7) });
 * const axes = [parseGridAxis("optimizer=adamw,sgd")];
 * const [c] = gridContrasts(axes, [row("adamw", [2, 3, 2]), row("sgd", [3, 3, 3])]);
 * assertEquals([c.level, c.reference, c.diff.toFixed(4)], ["sgd", "adamw", "0.6667"]);
 * ```
 */
export function gridContrasts(axes: GridAxis[], rows: GridRow[]): GridContrast[] {
  const byLevels = new Map(rows.map((r) => [rowLevels(axes, r).join("\u0000"), r]));
  const out: GridContrast[] = [];
  axes.forEach((axis, a) => {
    if (axis.levels.length < 2) return;
    const first = levelLabel(axis.levels[0]);
    for (const row of rows) {
      const levels = rowLevels(axes, row);
      if (levels[a] === first) continue;
      const ref = byLevels.get(levels.map((l, i) => (i === a ? first : l)).join("\u0000"))!;
      const at: Record<string, string> = {};
      axes.forEach((o, i) => {
        if (i !== a) at[axisName(o)] = levels[i];
      });
      const d = circlesDifference(row.stats.circles.counts, ref.stats.circles.counts);
      out.push({ axis: axisName(axis), level: levels[a], reference: first, at, ...d });
    }
  });
  return out;
}
