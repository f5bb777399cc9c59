/**
 * A run directory: the records of one trial as float64 `.npy` files with the names and meaning
 * of the authors' reference fixtures, plus `run.json`. Written atomically (a temporary sibling
 * renamed into place), so a directory either holds a whole run or does not exist.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import type { RecordOptions, TrialRecords } from "../train/trainer.ts";
import { decodeNpy, encodeNpy, expectShape, type NpyArray, NpyError } from "./npy.ts";
import { paramLayout } from "../protocol/layout.ts";
import { trainCount } from "../protocol/task.ts";
import { survivingCircles } from "../analysis/fourier.ts";
import { VERSION } from "./provenance.ts";

/** What run.json holds. */
export interface RunSummary {
  /** The suite's version that wrote it. */
  version: string;
  /** The backend that trained it. */
  backend: string;
  /** The run's configuration. */
  config: TrialConfig;
  /** Surviving circles of the final embedding (docs/SPEC.md's code rule); null for a diverged run,
   * which has no circles to count (never 0). */
  circles: number[] | null;
  /** The update at which the loss or the parameters became non-finite, or null. */
  divergedAt: number | null;
  /** Steps completed; less than config.steps when the run was interrupted. */
  stepsDone: number;
  /** Whether Ctrl-C or SIGTERM stopped it. */
  interrupted: boolean;
  /** The step at which --until-decided stopped the run, or null. */
  decidedAt: number | null;
  /** Train loss at the last step (null when diverged). */
  finalTrainLoss: number | null;
  /** Test loss at the last step (null when diverged). */
  finalTestLoss: number | null;
  /** Train accuracy at the last step. */
  finalTrainAcc: number | null;
  /** Test accuracy at the last step. */
  finalTestAcc: number | null;
  /** Wall time of the training loop per step. */
  msPerStep: number;
  /** Which optional records were written. */
  records: string[];
  /** When it finished (ISO 8601). */
  finishedAt: string;
  /** Initial state that came from files rather than from the seeds (`train --init-params`,
   * `--train-ids`): each file's path and SHA-256, and the number of training pairs. */
  init?: {
    params?: { path: string; sha256: string };
    trainIds?: { path: string; sha256: string; count: number };
  };
  /** SHA-256 of each `.npy` file of the run directory, by file name (written with it, checked
   * when it is read back). */
  digests?: Record<string, string>;
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
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runArrays, runRecords, summarize } from "./run_dir.ts";
 * import { train } from "../train/trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 2, hidden: 4, steps: 2 });
 * const rec = await train(referenceBackend, { config, ...initialTrial(config) });
 * const back = runRecords(summarize(config, rec), runArrays(rec)); // arrays by file stem
 * assertEquals([back.signals, back.finalParams], [rec.signals, rec.finalParams]);
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

/** Bytes of an `.npy` header as `encodeNpy` writes it (one 64-byte-aligned block or two). */
const NPY_HEADER = 128;

/** What decides the size of a run's records. */
type RecordSizes = Pick<
  RecordOptions,
  "logEvery" | "logFirst" | "gradSignals" | "embeddingsUntil" | "paramsEvery"
>;

/**
 * Bytes of a run directory's files (its `.npy` records and run.json), from its configuration and
 * records alone: what `train --out` and each seed of `trials --out` will write.
 *
 * @example
 * ```ts
 * import { runDirBytes } from "./run_dir.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const mib = runDirBytes(makeConfig(), {}) / 2 ** 20;
 * if (!(mib > 15 && mib < 16)) throw new Error(`${mib}`); // 30 000 × (5 + 59) float64 + params
 * ```
 */
export function runDirBytes(c: TrialConfig, r: RecordSizes): number {
  const every = Math.max(1, r.logEvery ?? 1);
  const first = every > 1 ? r.logFirst ?? 0 : 0;
  const rows = every === 1 ? c.steps : Math.min(c.steps, Math.ceil(c.steps / every) + first);
  const { p, d } = c;
  const total = paramLayout(p, d, c.hidden).total;
  let bytes = 5 * (NPY_HEADER + 8 * rows) + NPY_HEADER + 8 * (rows + 1) * p + // logs, signals
    NPY_HEADER + 8 * total + initBytes(c) + 4096; // final params, initial state, run.json
  if (every > 1) bytes += NPY_HEADER + 8 * rows;
  if (r.gradSignals) bytes += NPY_HEADER + 8 * rows * p;
  const emb = Math.min(r.embeddingsUntil ?? 0, c.steps);
  if (emb > 0) bytes += NPY_HEADER + 8 * (emb + 1) * p * d;
  if ((r.paramsEvery ?? 0) > 0) {
    const m = Math.floor(c.steps / r.paramsEvery!) + 1;
    bytes += 2 * NPY_HEADER + 8 * m * (total + 1);
  }
  return bytes;
}

/** Bytes of a run's initial state files (init_params.npy, train_ids.npy). */
export function initBytes(c: TrialConfig): number {
  const total = paramLayout(c.p, c.d, c.hidden).total;
  return 2 * NPY_HEADER + 8 * (total + trainCount(c.p, c.trainFraction));
}

/**
 * run.json's summary from its text: JSON with a `config` holding p and d, else an
 * {@linkcode NpyError} naming `name`.
 *
 * @example
 * ```ts
 * import { parseSummary } from "./run_dir.ts";
 * if (parseSummary('{"config": {"p": 5, "d": 2}}', "run.json").config.p !== 5) throw new Error();
 * ```
 */
export function parseSummary(text: string, name: string): RunSummary {
  let summary: RunSummary;
  try {
    summary = JSON.parse(text);
  } catch (e) {
    throw new NpyError(`${name}: not JSON (${(e as Error).message})`);
  }
  if (!summary?.config || typeof summary.config.p !== "number") {
    throw new NpyError(`${name}: no "config" with p, d (not a run directory's run.json)`);
  }
  return summary;
}

/** SHA-256 (hex) of bytes, by Web Crypto (the page bundles this module too). */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const h = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Read a run directory back and check that it is whole: run.json parses, every `.npy` decodes and
 * matches the digest run.json holds for it, every record run.json lists is there with the shape
 * the others give it, and the logs end at the steps it says were done. Anything else is a one-line
 * {@linkcode NpyError} naming the file and the fault (`trials --out` retrains such a seed).
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { readRunDir, summarize, writeRunDir } from "./run_dir.ts";
 * import { train } from "../train/trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const dir = await Deno.makeTempDir(), config = makeConfig({ p: 5, d: 2, hidden: 4, steps: 2 });
 * const rec = await train(referenceBackend, { config, ...initialTrial(config) });
 * await writeRunDir(`${dir}/seed0`, rec, summarize(config, rec));
 * const { summary, records } = await readRunDir(`${dir}/seed0`);
 * assertEquals([summary.config.p, records.trainLoss], [5, rec.trainLoss]);
 * await Deno.writeFile(`${dir}/seed0/train_loss.npy`, new Uint8Array(8)); // damage it
 * const error = await readRunDir(`${dir}/seed0`).then(() => "", (e) => String(e));
 * assert(error.includes("train_loss.npy"), `the damaged file is named: ${error}`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readRunDir(
  dir: string,
): Promise<{ summary: RunSummary; records: TrialRecords }> {
  const { join } = await import("node:path");
  const file = (name: string) => join(dir, name);
  let json: string;
  try {
    json = await Deno.readTextFile(file("run.json"));
  } catch (e) {
    throw new NpyError(`${file("run.json")}: cannot be read (${(e as Error).message})`);
  }
  const summary = parseSummary(json, file("run.json"));
  const arrays: Record<string, NpyArray> = {};
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".npy")) names.push(e.name);
  for (const name of Object.keys(summary.digests ?? {})) {
    if (!names.includes(name)) throw new NpyError(`${file(name)}: missing from the run`);
  }
  for (const name of names.sort()) {
    const bytes = await Deno.readFile(file(name));
    const want = summary.digests?.[name];
    if (want !== undefined && (await sha256Hex(bytes)) !== want) {
      throw new NpyError(`${file(name)}: damaged (its digest does not match run.json's)`);
    }
    arrays[name.slice(0, -4)] = decodeNpy(bytes, file(name));
  }
  for (const stem of summary.records ?? []) {
    if (!(stem in arrays)) throw new NpyError(`${file(`${stem}.npy`)}: missing from the run`);
  }
  let records: TrialRecords;
  try {
    records = runRecords(summary, arrays);
  } catch (e) {
    if (e instanceof NpyError) throw new NpyError(`${dir}/${e.message}`);
    throw e;
  }
  const rows = records.trainLoss.length;
  const last = records.loggedAt ? (rows > 0 ? records.loggedAt[rows - 1] : 0) : rows;
  if (last !== summary.stepsDone) {
    throw new NpyError(
      `${
        file("train_loss.npy")
      }: logs end at step ${last} where run.json says ${summary.stepsDone} steps were done`,
    );
  }
  return { summary, records };
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

/** The temporary folders of writeRunDir, by this process: `.NAME.tmp-PID-TIME-HOST` while being
 * written, `.NAME.old-PID-TIME-HOST` for the folder a replacement pushes aside. */
const TEMP_NAME = /^\.(.+)\.(?:tmp|old)-(\d+)-\d+(?:-(.+))?$/;

/** This machine's name for the temporary folders (a shared filesystem holds other machines'). */
function hostName(): string {
  try {
    return Deno.hostname().replace(/[^\w.-]/g, "_");
  } catch {
    return "localhost";
  }
}

/** The part of a temporary name that says whose it is: `PID-TIME-HOST` (see
 * {@linkcode removeStaleTemps}). */
export function tempStamp(): string {
  return `${Deno.pid}-${Date.now()}-${hostName()}`;
}

/** Is process `pid` of this machine alive? (Linux's /proc, where this process may read it —
 * Deno lets only `--allow-all` there; undefined where it cannot be told.) */
function processAlive(pid: number): boolean | undefined {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${Deno.pid}`);
  } catch {
    return undefined;
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? false : undefined;
  }
}

/** A temporary folder nothing has written for this long is a dead run's (a live one writes its
 * records within seconds). */
export const STALE_AFTER_MS = 10 * 60 * 1000;

/** The newest modification time of a folder and its files (ms), or 0. */
async function lastWrite(dir: string): Promise<number> {
  const { join } = await import("node:path");
  let newest = 0;
  try {
    newest = (await Deno.stat(dir)).mtime?.getTime() ?? 0;
    for await (const e of Deno.readDir(dir)) {
      newest = Math.max(newest, (await Deno.stat(join(dir, e.name))).mtime?.getTime() ?? 0);
    }
  } catch { /* gone meanwhile */ }
  return newest;
}

/**
 * Remove the temporary folders of {@linkcode writeRunDir} in `parent` that no live process holds:
 * those a killed run left behind — of this machine with their process gone (where /proc can be
 * read), or, of any machine, not written for {@linkcode STALE_AFTER_MS}. Those of this process
 * and fresh ones of others are left alone. `name` limits it to one run directory's. Returns the
 * names removed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { removeStaleTemps, tempStamp } from "./run_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/.seed-3.tmp-${tempStamp()}`); // this process's own, in use: kept
 * assertEquals(await removeStaleTemps(dir), []);
 * assertEquals(Array.from(Deno.readDirSync(dir)).length, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeStaleTemps(parent: string, name?: string): Promise<string[]> {
  const { join } = await import("node:path");
  const host = hostName(), removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(parent));
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = TEMP_NAME.exec(e.name);
    if (!m || (name !== undefined && m[1] !== name)) continue;
    const path = join(parent, e.name);
    const mine = m[3] === undefined || m[3] === host;
    const alive = mine ? processAlive(Number(m[2])) : undefined;
    if (alive === true) continue;
    if (alive === undefined && Date.now() - (await lastWrite(path)) < STALE_AFTER_MS) continue;
    await Deno.remove(path, { recursive: true }).catch(() => {});
    removed.push(e.name);
  }
  return removed;
}

/**
 * Write a run directory atomically: into a temporary sibling, renamed into place, so the
 * directory holds a whole run or does not exist. With `replace`, an existing directory (a
 * damaged run being trained again) is swapped out only once the new one is complete. A full
 * disk is a one-line `DiskFullError`, with nothing left half-written.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { summarize, writeRunDir } from "./run_dir.ts";
 * import { train } from "../train/trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 2, hidden: 4, steps: 2 }), dir = await Deno.makeTempDir();
 * const rec = await train(referenceBackend, { config, ...initialTrial(config) });
 * await writeRunDir(`${dir}/seed0`, rec, summarize(config, rec));
 * const files = Array.from(Deno.readDirSync(`${dir}/seed0`), (e) => e.name);
 * for (const f of ["run.json", "signals.npy", "train_loss.npy", "final_params.npy"]) {
 *   assert(files.includes(f), `${f} in ${files}`); // as the authors' fixtures name them
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeRunDir(
  dir: string,
  rec: TrialRecords,
  summary: RunSummary,
  opts: { replace?: boolean } = {},
): Promise<void> {
  // node:path and disk.ts are imported here, not at the top: the explorer page (web/) bundles
  // this module for the browser (runArrays, summarize), where writeRunDir never runs.
  const { basename, dirname, join } = await import("node:path");
  const { DiskFullError, firstLine, isDiskFull } = await import("./disk.ts");
  const parent = dirname(dir);
  const stamp = tempStamp();
  const tmp = join(parent, `.${basename(dir)}.tmp-${stamp}`);
  const old = join(parent, `.${basename(dir)}.old-${stamp}`);
  try {
    await Deno.mkdir(parent, { recursive: true });
    await Deno.mkdir(tmp);
    const digests: Record<string, string> = {};
    for (const [stem, arr] of Object.entries(runArrays(rec))) {
      const bytes = encodeNpy(arr);
      digests[`${stem}.npy`] = await sha256Hex(bytes);
      await Deno.writeFile(join(tmp, `${stem}.npy`), bytes);
    }
    await Deno.writeTextFile(
      join(tmp, "run.json"),
      JSON.stringify({ ...summary, digests }, null, 2) + "\n",
    );
    let pushedAside = false;
    try {
      await Deno.remove(dir); // an empty directory only
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) { /* a new directory */ }
      else if (opts.replace) {
        await Deno.rename(dir, old);
        pushedAside = true;
      } else throw e;
    }
    await Deno.rename(tmp, dir);
    if (pushedAside) await Deno.remove(old, { recursive: true });
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    if (isDiskFull(e)) {
      throw new DiskFullError(
        `disk full: ${dir} cannot be written (${firstLine(e)}); nothing of it is left half-written`,
      );
    }
    throw e;
  }
}
