/**
 * A grid sweep's trials through the results store, and its summary: every cell × seed is a
 * {@linkcode TrialRequest} (so resume, shards, every backend and `--until-decided` work as for the
 * figures), what the store lacks is trained, and each stored trial is read back one at a time
 * into its outcome (circles, grokking step, final losses) for the cell statistics of
 * analysis/circle_stats.ts.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import {
  axisName,
  type GridAxis,
  gridAxis,
  type GridCell,
  gridCells,
  type GridValue,
  levelLabel,
} from "../protocol/grid_spec.ts";
import { survivingCircles } from "../analysis/fourier.ts";
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import {
  type CellStats,
  cellStats,
  circlesDifference,
  GROK_ACCURACY,
  grokStep,
  type TrialOutcome,
} from "../analysis/circle_stats.ts";
import { rankSum } from "../analysis/rank_sum.ts";
import { loadResult, type TrialRequest, type TrialResult } from "../store/requests.ts";
import { ResultsStore } from "../store/store.ts";
import type { Backend } from "../backends/contract.ts";
import type { PoolProgress } from "../train/pool.ts";
import { resolveBackend } from "../train/backends.ts";
import { type ResolveOptions, trainMissing } from "./resolve.ts";
import { type CostPlan, costPlan, type PlanOptions } from "./cost_plan.ts";

/** What a grid sweep runs: axes crossed, each cell over the seeds, from a base configuration. */
export interface SweepDesign {
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
export interface SweepRecords {
  /** Log every n-th step (the grokking step's resolution); 1 logs every step. */
  logEvery: number;
  /** Stop each trial once its circles are decided (analysis/early_stop.ts). */
  untilDecided: boolean;
}

/** The sweep's records by default: every 10th step, full length. */
export const SWEEP_RECORDS: Readonly<SweepRecords> = Object.freeze({
  logEvery: 10,
  untilDecided: false,
});

/** One cell's row of the summary. */
export interface SweepRow {
  /** Swept option → value. */
  values: Record<string, GridValue>;
  /** The cell's configuration (its first seed's; the seeds differ only in `seed`). */
  config: TrialConfig;
  /** The cell's statistics over its trials. */
  stats: CellStats;
}

/** The difference in mean #circles between a cell and the cell that differs only in one axis,
 * set to that axis's first level. */
export interface SweepContrast {
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
  /** The two-sided rank-sum test of the cell's #circles against the reference's (the test
   * `--until-claims-decided` decides by; `../analysis/rank_sum.ts`): effect U/(n·m) − ½, > 0
   * where the cell tends to have more circles; null when either cell has no non-diverged trial. */
  rankSum: { effect: number; p: number } | null;
}

/** A grid sweep's summary: what ran and a row per cell. */
export interface SweepSummary {
  /** The axes: name, option keys and level labels. */
  axes: { name: string; keys: string[]; levels: string[] }[];
  /** The seeds of every cell. */
  seeds: number[];
  /** The backend whose trials these are (part of every store key). */
  backend: string;
  /** How the trials recorded. */
  records: SweepRecords;
  /** A trial grokked at the first logged step with test accuracy ≥ this. */
  grokAccuracy: number;
  /** Trials in the grid (cells × seeds). */
  trials: number;
  /** Trials trained by this call (the rest came from the store). */
  trialsRun: number;
  /** A row per cell. */
  rows: SweepRow[];
  /** Each level against its axis's first level. */
  contrasts: SweepContrast[];
}

/** The trial requests of a grid, cell by cell, seed by seed. */
export function sweepRequests(cells: GridCell[], records: SweepRecords): TrialRequest[] {
  const rec: TrialRequest["records"] = {
    ...(records.logEvery > 1 ? { logEvery: records.logEvery } : {}),
    ...(records.untilDecided ? { untilDecided: { ...DEFAULT_EARLY_STOP } } : {}),
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
  return {
    seed: r.config.seed,
    circles: r.divergedAt === null ? survivingCircles(r.finalSignals()) : null,
    grokStep: grokStep(r.testAcc, r.loggedAt),
    finalTrainLoss: at(r.trainLoss),
    finalTestLoss: at(r.testLoss),
  };
}

/** The cells and requests of a spec (validated: a one-line ConfigError otherwise). */
export function sweepTrials(
  spec: SweepDesign,
  records: SweepRecords = SWEEP_RECORDS,
): { cells: GridCell[]; requests: TrialRequest[] } {
  const cells = gridCells(spec);
  return { cells, requests: sweepRequests(cells, records) };
}

/**
 * Train what the store lacks of a grid and summarise it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runSweep } from "./grid_sweep.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * const store = await ResultsStore.open(":memory:");
 * const spec = { axes: [parseGridAxis("wd=0.5,1")], seeds: [0, 1], base: { p: 5, d: 2, steps: 5 } };
 * const summary = await runSweep(spec, { store, workers: 1 });
 * assertEquals([summary.trials, summary.trialsRun, summary.rows.length], [4, 4, 2]);
 * assertEquals(summary.contrasts.map((c) => `${c.level} − ${c.reference}`), ["1 − 0.5"]);
 * store.close();
 * ```
 */
export async function runSweep(
  spec: SweepDesign,
  opts: ResolveOptions & { records?: SweepRecords },
): Promise<SweepSummary> {
  const records = opts.records ?? SWEEP_RECORDS;
  const { cells, requests } = sweepTrials(spec, records);
  const before = opts.store.count();
  const keys = await trainMissing(requests, opts);
  const trialsRun = opts.store.count() - before;
  const n = spec.seeds.length;
  const rows: SweepRow[] = cells.map((cell, c) => {
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
    contrasts: sweepContrasts(spec.axes, rows),
  };
}

/** The level label of each axis in a row. */
export function rowLevels(axes: GridAxis[], row: Pick<SweepRow, "values">): string[] {
  return axes.map((a) => levelLabel(a.keys.map((k) => row.values[k])));
}

/**
 * For each axis with two or more levels, each cell at a level other than the first against the
 * cell equal to it but at the first level: the difference in mean #circles, 95 % Welch interval.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { sweepContrasts } from "./grid_sweep.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * import { cellStats } from "../analysis/circle_stats.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const outcome = (n: number, seed: number) =>
 *   ({ seed, circles: [1, 2, 3].slice(0, n), grokStep: 100, finalTrainLoss: 0, finalTestLoss: 0 });
 * const row = (optimizer: string, counts: number[]) =>
 *   ({ values: { optimizer }, config: makeConfig({ p: 7 }), stats: cellStats(counts.map(outcome), 7) });
 * const axes = [parseGridAxis("optimizer=adamw,sgd")];
 * const [c] = sweepContrasts(axes, [row("adamw", [2, 3, 2]), row("sgd", [3, 3, 3])]);
 * assertEquals([c.level, c.reference, c.diff.toFixed(4)], ["sgd", "adamw", "0.6667"]);
 * ```
 */
export function sweepContrasts(axes: GridAxis[], rows: SweepRow[]): SweepContrast[] {
  return sweepPairs(axes, rows).map(({ row, ref, ...names }) => {
    const a = rows[row].stats.circles.counts, b = rows[ref].stats.circles.counts;
    const r = a.length && b.length ? rankSum(a, b) : null;
    return { ...names, ...circlesDifference(a, b), rankSum: r && { effect: r.effect, p: r.p } };
  });
}

/** One contrast of a grid named: the cell (`row`, an index) against the cell at its axis's first
 * level (`ref`). */
export interface SweepPair {
  axis: string;
  level: string;
  reference: string;
  at: Record<string, string>;
  row: number;
  ref: number;
}

/**
 * The contrasts of a grid without their statistics: for each axis with two or more levels, each
 * cell at a level other than the first paired with the cell equal to it but at the first level
 * (`rows` are the grid's cells in order: {@linkcode SweepRow}s or `gridCells`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { sweepPairs } from "./grid_sweep.ts";
 * import { gridCells, parseGridAxis } from "../protocol/grid_spec.ts";
 * const axes = [parseGridAxis("wd=0.5,1"), parseGridAxis("dim=64,128")];
 * const cells = gridCells({ axes, seeds: [0], base: {} });
 * assertEquals(sweepPairs(axes, cells).map((c) => `${c.axis}=${c.level} vs ${c.reference}`).length, 4);
 * ```
 */
export function sweepPairs(axes: GridAxis[], rows: Pick<SweepRow, "values">[]): SweepPair[] {
  const byLevels = new Map(rows.map((r, i) => [rowLevels(axes, r).join("\u0000"), i]));
  const out: SweepPair[] = [];
  axes.forEach((axis, a) => {
    if (axis.levels.length < 2) return;
    const first = levelLabel(axis.levels[0]);
    rows.forEach((r, row) => {
      const levels = rowLevels(axes, r);
      if (levels[a] === first) return;
      const ref = byLevels.get(levels.map((l, i) => (i === a ? first : l)).join("\u0000"))!;
      const at: Record<string, string> = {};
      axes.forEach((o, i) => {
        if (i !== a) at[axisName(o)] = levels[i];
      });
      out.push({ axis: axisName(axis), level: levels[a], reference: first, at, row, ref });
    });
  });
  return out;
}

/** What {@linkcode sweep} runs. */
export interface SweepOptions {
  /** Axes: option (or `a:b` for options that vary together) → its levels. */
  grid: Record<string, unknown[]>;
  /** Seeds of every cell. */
  seeds: number[];
  /** The configuration every cell starts from (TrialConfig's field names). */
  base?: Partial<TrialConfig>;
  /** A store (or its path; default ":memory:"): finished trials are reused, new ones kept. */
  store?: ResultsStore | string;
  /** The backend (or its name; default "auto"). */
  backend?: Backend | string;
  /** Workers for CPU trials (default: every core). */
  workers?: number;
  /** How trials record (default: every 10th step, full length). */
  records?: Partial<SweepRecords>;
  /** Rerun stored trials. */
  fresh?: boolean;
  /** Called as trials finish. */
  onProgress?: (s: PoolProgress) => void;
}

/**
 * Run a grid sweep — each combination of the grid's levels over the seeds, through the results
 * store — and return its summary (what `deno task sweep` prints and writes).
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { sweep } from "./grid_sweep.ts";
 * const summary = await sweep({
 *   grid: { optimizer: ["adamw", "sgd"] },
 *   seeds: [0, 1],
 *   base: { p: 7, d: 4, hidden: 8, steps: 30, lr: 0.05 },
 *   backend: "asm",
 *   workers: 1,
 * });
 * assertEquals(summary.rows.map((row) => row.values.optimizer), ["adamw", "sgd"]);
 * for (const row of summary.rows) {
 *   const c = row.stats.circles; // mean #circles with its 95 % t interval
 *   assert(c.low <= c.mean && c.mean <= c.high, `${row.values.optimizer}: ${JSON.stringify(c)}`);
 * }
 * ```
 */
export async function sweep(opts: SweepOptions): Promise<SweepSummary> {
  const axes = Object.entries(opts.grid).map(([k, v]) => gridAxis(k, v));
  const store = typeof opts.store === "object"
    ? opts.store
    : await ResultsStore.open(opts.store ?? ":memory:");
  try {
    const backend = typeof opts.backend === "object"
      ? opts.backend
      : (await resolveBackend(opts.backend ?? "auto")).backend;
    const summary = await runSweep(
      { axes, seeds: opts.seeds, base: opts.base ?? {} },
      {
        store,
        backend,
        workers: opts.workers,
        fresh: opts.fresh,
        onProgress: opts.onProgress,
        records: { ...SWEEP_RECORDS, ...opts.records },
      },
    );
    return summary;
  } finally {
    if (typeof opts.store !== "object") store.close();
  }
}

/**
 * The plans of a sweep's trials (`sweep --plan`): as its records ask, and also under
 * `--until-decided` when they do not ask for it.
 *
 * @example
 * ```ts ignore
 * for (const { untilDecided, plan } of await planSweep(design, SWEEP_RECORDS, { store, backend })) {
 *   console.log(untilDecided, plan.wallSeconds);
 * }
 * ```
 */
export async function planSweep(
  design: SweepDesign,
  records: SweepRecords,
  opts: PlanOptions,
): Promise<{ untilDecided: boolean; plan: CostPlan }[]> {
  const variants = records.untilDecided ? [records] : [records, { ...records, untilDecided: true }];
  const out: { untilDecided: boolean; plan: CostPlan }[] = [];
  for (const rec of variants) {
    out.push({
      untilDecided: rec.untilDecided,
      plan: await costPlan(sweepTrials(design, rec).requests, opts),
    });
  }
  return out;
}
