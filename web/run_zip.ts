/**
 * A run directory (`train --out`'s format: float64 `.npy` records named as the reference fixtures,
 * plus run.json) as one zip, both ways, and the explorer's JSON export of a run. The page exports
 * its runs with it, opens zips, folders and JSON exports to replay them, and `deno task explore`
 * sends stored trials with it.
 *
 * @module
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { decodeNpy, encodeNpy, type NpyArray, NpyError } from "../store/npy.ts";
import { parseSummary, runArrays, runRecords, type RunSummary } from "../store/run_dir.ts";
import type { TrialRecords } from "../train/trainer.ts";

/** A run as the explorer holds it: run.json's summary and the records. */
export interface RunFiles {
  summary: RunSummary;
  records: TrialRecords;
}

/**
 * The folder name a run is exported under: `p23-d32-wd0.5-seed1`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runFolderName } from "./run_zip.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const { summary } = await tinyRun({ p: 7, d: 3, seed: 1 });
 * assertEquals(runFolderName(summary), "p7-d3-wd0.5-seed1");
 * ```
 */
export function runFolderName(summary: RunSummary): string {
  const c = summary.config;
  const mode = c.mode === "default" ? "" : `-${c.mode}-init${c.initSeed}`;
  return `p${c.p}-d${c.d}-wd${c.wd}${mode}-seed${c.seed}`;
}

/**
 * The zip of a run directory: `folder/run.json` and `folder/<stem>.npy` for every record.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { runZip } from "./run_zip.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const bytes = runZip(await tinyRun()); // unzip -l: p5-d2-wd0.5-seed0/run.json, ...
 * const text = new TextDecoder().decode(bytes); // a zip's names are plain text in it
 * assert(text.includes("p5-d2-wd0.5-seed0/run.json") && text.includes("signals.npy"), "names");
 * ```
 */
export function runZip(run: RunFiles, folder = runFolderName(run.summary)): Uint8Array {
  const files: Record<string, Uint8Array> = {
    [`${folder}/run.json`]: strToU8(JSON.stringify(run.summary, null, 2) + "\n"),
  };
  for (const [stem, arr] of Object.entries(runArrays(run.records))) {
    files[`${folder}/${stem}.npy`] = encodeNpy(arr);
  }
  // .npy of float64 noise compresses little: level 1 keeps exporting fast
  return zipSync(files, { level: 1 });
}

/**
 * A run from the files of a run directory, by file name (a leading folder is ignored): run.json
 * and the `.npy` records. A missing or malformed file throws an {@linkcode NpyError} naming it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runFromFiles } from "./run_zip.ts";
 * import { runArrays } from "../store/run_dir.ts";
 * import { encodeNpy } from "../store/npy.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const { summary, records } = await tinyRun();
 * const files = new Map<string, Uint8Array>([["run.json", new TextEncoder().encode(JSON.stringify(summary))]]);
 * for (const [stem, a] of Object.entries(runArrays(records))) files.set(`run/${stem}.npy`, encodeNpy(a));
 * assertEquals(runFromFiles(files).records.signals, records.signals);
 * ```
 */
export function runFromFiles(files: Map<string, Uint8Array>): RunFiles {
  const byName = new Map<string, Uint8Array>();
  for (const [path, bytes] of files) byName.set(path.split("/").pop()!, bytes);
  const json = byName.get("run.json");
  if (!json) {
    throw new NpyError(`run.json: missing (a run directory holds run.json and .npy files)`);
  }
  const summary = parseSummary(strFromU8(json), "run.json");
  const arrays: Record<string, NpyArray> = {};
  for (const [name, bytes] of byName) {
    if (name.endsWith(".npy")) arrays[name.slice(0, -4)] = decodeNpy(bytes, name);
  }
  return { summary, records: runRecords(summary, arrays) };
}

/**
 * A run from a zip made by {@linkcode runZip} (or any zip of a run directory).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runFromZip, runZip } from "./run_zip.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const run = await tinyRun();
 * const { summary, records } = runFromZip(runZip(run));
 * assertEquals([summary.circles, records.finalParams], [run.summary.circles, run.records.finalParams]);
 * ```
 */
export function runFromZip(bytes: Uint8Array): RunFiles {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new NpyError(`not a zip file (${(e as Error).message})`);
  }
  return runFromFiles(new Map(Object.entries(entries)));
}

/** Typed arrays as plain lists, for JSON. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/**
 * The explorer's JSON export of a run: `{summary, records}` with every array as a list (the
 * same content as the zip, for scripts that read JSON).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runJson } from "./run_zip.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const run = await tinyRun();
 * const json = JSON.parse(runJson(run)); // arrays as plain lists
 * assertEquals([json.summary.circles, json.records.trainLoss], [run.summary.circles, run.records.trainLoss]);
 * ```
 */
export function runJson(run: RunFiles): string {
  return JSON.stringify({ summary: run.summary, records: plain(run.records) });
}

/**
 * A run back from {@linkcode runJson}'s text.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runFromJson, runJson } from "./run_zip.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const run = await tinyRun();
 * const { records } = runFromJson(runJson(run)); // the text of an exported .json file
 * assertEquals(records.signals, run.records.signals);
 * ```
 */
export function runFromJson(text: string): RunFiles {
  let o: { summary?: RunSummary; records?: Record<string, unknown> };
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new NpyError(`not JSON (${(e as Error).message})`);
  }
  if (!o.summary?.config || !o.records) {
    throw new NpyError(`JSON: no "summary" and "records" (not an explorer export)`);
  }
  const r = o.records as Record<string, unknown>;
  const required = ["trainLoss", "testLoss", "trainAcc", "testAcc", "paramNorm", "signals"];
  for (const k of [...required, "initParams", "trainIds", "finalParams"]) {
    if (!Array.isArray(r[k])) throw new NpyError(`JSON: records.${k} missing or not a list`);
  }
  const f64 = (k: string) => (r[k] === undefined ? undefined : Float64Array.from(r[k] as number[]));
  const i32 = (k: string) => (r[k] === undefined ? undefined : Int32Array.from(r[k] as number[]));
  const snaps = r.paramSnapshots as { steps: number[]; data: number[] } | undefined;
  const records = {
    ...r,
    loggedAt: i32("loggedAt"),
    trainLoss: f64("trainLoss"),
    testLoss: f64("testLoss"),
    trainAcc: f64("trainAcc"),
    testAcc: f64("testAcc"),
    paramNorm: f64("paramNorm"),
    signals: f64("signals"),
    gradSignals: f64("gradSignals"),
    embeddings: f64("embeddings"),
    initParams: f64("initParams"),
    trainIds: i32("trainIds"),
    finalParams: f64("finalParams"),
    paramSnapshots: snaps ? { steps: snaps.steps, data: Float64Array.from(snaps.data) } : undefined,
  } as TrialRecords;
  // the same checks as a run directory's: every array present and of its shape
  return { summary: o.summary, records: runRecords(o.summary, runArrays(records)) };
}
