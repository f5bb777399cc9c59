/**
 * A run directory: the records of one trial as float64 `.npy` files with the names and meaning
 * of the authors' reference fixtures, plus `run.json`. Written atomically (a temporary sibling
 * renamed into place), so a directory either holds a whole run or does not exist.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import type { TrialRecords } from "../train/trainer.ts";
import { encodeNpy, expectShape, type NpyArray, NpyError } from "./npy.ts";
import { paramLayout } from "../protocol/layout.ts";
import { survivingCircles } from "../analysis/fourier.ts";

/** The version written into every run.json. */
export const VERSION = "0.1.0";

/** What run.json holds. */
export interface RunSummary {
  version: string;
  backend: string;
  config: TrialConfig;
  /** Surviving circles of the final embedding (SPEC.md's code rule); null for a diverged run,
   * which has no circles to count (never 0). */
  circles: number[] | null;
  /** The update at which the loss or the parameters became non-finite, or null. */
  divergedAt: number | null;
  /** Steps completed; less than config.steps when the run was interrupted. */
  stepsDone: number;
  interrupted: boolean;
  /** The step at which --until-decided stopped the run, or null. */
  decidedAt: number | null;
  finalTrainLoss: number | null;
  finalTestLoss: number | null;
  finalTrainAcc: number | null;
  finalTestAcc: number | null;
  msPerStep: number;
  /** Which optional records were written. */
  records: string[];
  finishedAt: string;
}

/** The summary of a finished run. */
export function summarize(config: TrialConfig, rec: TrialRecords): RunSummary {
  const p = rec.p, rows = rec.trainLoss.length, last = rows - 1;
  const finalSignals = rec.signals.subarray(rows * p, (rows + 1) * p);
  const at = (a: Float64Array) => (rows > 0 && Number.isFinite(a[last]) ? a[last] : null);
  return {
    version: VERSION,
    backend: rec.backend,
    config,
    circles: rec.divergedAt === null ? survivingCircles(finalSignals) : null,
    divergedAt: rec.divergedAt,
    stepsDone: rec.steps,
    interrupted: rec.interrupted,
    decidedAt: rec.decidedAt,
    finalTrainLoss: at(rec.trainLoss),
    finalTestLoss: at(rec.testLoss),
    finalTrainAcc: at(rec.trainAcc),
    finalTestAcc: at(rec.testAcc),
    msPerStep: rec.msPerStep,
    records: [
      ...(rec.gradSignals ? ["grad_signals"] : []),
      ...(rec.embeddings ? ["embeddings"] : []),
      ...(rec.paramSnapshots ? ["param_snapshots"] : []),
    ],
    finishedAt: new Date().toISOString(),
  };
}

const f8 = (shape: number[], data: Float64Array): NpyArray => ({ dtype: "<f8", shape, data });

/** The `.npy` files of a run, by file stem. */
export function runArrays(rec: TrialRecords): Record<string, NpyArray> {
  const { p, d } = rec;
  const steps = rec.trainLoss.length; // logged rows
  const out: Record<string, NpyArray> = {
    init_params: f8([rec.initParams.length], rec.initParams),
    train_ids: {
      dtype: "<i8",
      shape: [rec.trainIds.length],
      data: Float64Array.from(rec.trainIds),
    },
    train_loss: f8([steps], rec.trainLoss),
    test_loss: f8([steps], rec.testLoss),
    train_acc: f8([steps], rec.trainAcc),
    test_acc: f8([steps], rec.testAcc),
    param_norm: f8([steps], rec.paramNorm),
    signals: f8([steps + 1, p], rec.signals),
    final_params: f8([rec.finalParams.length], rec.finalParams),
  };
  if (rec.loggedAt) {
    out.logged_at = { dtype: "<i8", shape: [steps], data: Float64Array.from(rec.loggedAt) };
  }
  if (rec.gradSignals) out.grad_signals = f8([steps, p], rec.gradSignals);
  if (rec.embeddings) out.embeddings = f8([rec.embeddings.length / (p * d), p, d], rec.embeddings);
  if (rec.paramSnapshots) {
    const s = rec.paramSnapshots;
    out.param_snapshots = f8([s.steps.length, rec.finalParams.length], s.data);
    out.param_snapshot_steps = {
      dtype: "<i8",
      shape: [s.steps.length],
      data: Float64Array.from(s.steps),
    };
  }
  return out;
}

/**
 * A run's records back from its `.npy` arrays and run.json (the inverse of
 * {@linkcode runArrays}): the explorer replays run directories and stored trials with it. A
 * missing or wrongly shaped array is an {@linkcode NpyError} naming it.
 *
 * @example
 * ```ts ignore
 * const rec = runRecords(summary, arrays); // arrays by file stem, as runArrays gives them
 * ```
 */
export function runRecords(summary: RunSummary, arrays: Record<string, NpyArray>): TrialRecords {
  const { p, d, hidden } = summary.config;
  const need = (stem: string) => {
    const a = arrays[stem];
    if (!a) throw new NpyError(`${stem}.npy: missing from the run`);
    return a;
  };
  const f64 = (stem: string, shape: number[]) => {
    const a = need(stem);
    expectShape(a, shape, `${stem}.npy`);
    return Float64Array.from(a.data);
  };
  const rows = need("train_loss").shape[0];
  const total = need("init_params").shape[0];
  const expectedTotal = paramLayout(p, d, hidden).total;
  if (total !== expectedTotal) {
    throw new NpyError(
      `init_params.npy: ${total} parameters where p=${p}, dim=${d} has ${expectedTotal}`,
    );
  }
  const rec: TrialRecords = {
    p,
    d,
    steps: summary.stepsDone,
    loggedAt: arrays.logged_at ? Int32Array.from(f64("logged_at", [rows])) : undefined,
    interrupted: summary.interrupted,
    decidedAt: summary.decidedAt,
    divergedAt: summary.divergedAt,
    backend: summary.backend,
    trainLoss: f64("train_loss", [rows]),
    testLoss: f64("test_loss", [rows]),
    trainAcc: f64("train_acc", [rows]),
    testAcc: f64("test_acc", [rows]),
    paramNorm: f64("param_norm", [rows]),
    signals: f64("signals", [rows + 1, p]),
    gradSignals: arrays.grad_signals ? f64("grad_signals", [rows, p]) : undefined,
    initParams: f64("init_params", [total]),
    trainIds: Int32Array.from(need("train_ids").data),
    finalParams: f64("final_params", [total]),
    msPerStep: summary.msPerStep,
  };
  if (arrays.embeddings) {
    rec.embeddings = f64("embeddings", [need("embeddings").shape[0], p, d]);
  }
  if (arrays.param_snapshots) {
    const n = need("param_snapshots").shape[0];
    rec.paramSnapshots = {
      steps: Array.from(f64("param_snapshot_steps", [n])),
      data: f64("param_snapshots", [n, total]),
    };
  }
  return rec;
}

/** Is `dir` absent or an empty directory? */
export async function isFreeDir(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return false;
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
}

/**
 * Write a run directory atomically.
 *
 * @example
 * ```ts ignore
 * import { writeRunDir, summarize } from "./run_dir.ts";
 * await writeRunDir("runs/seed0", rec, summarize(config, rec));
 * ```
 */
export async function writeRunDir(
  dir: string,
  rec: TrialRecords,
  summary: RunSummary,
): Promise<void> {
  // node:path is imported here, not at the top: the explorer page (web/) bundles this module for
  // the browser (runArrays, summarize), where there is no node:path and writeRunDir never runs.
  const { basename, dirname, join } = await import("node:path");
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${Deno.pid}-${Date.now()}`);
  await Deno.mkdir(tmp);
  try {
    for (const [stem, arr] of Object.entries(runArrays(rec))) {
      await Deno.writeFile(join(tmp, `${stem}.npy`), encodeNpy(arr));
    }
    await Deno.writeTextFile(join(tmp, "run.json"), JSON.stringify(summary, null, 2) + "\n");
    try {
      await Deno.remove(dir); // an empty directory only
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.rename(tmp, dir);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}
