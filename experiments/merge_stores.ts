/**
 * Combine results stores (the shards of a sweep run with `reproduce --shard i/n`, e.g. a Slurm
 * job array) into one, each trial once, every array's digest checked on the way. The merge is
 * written to a temporary file beside OUT and renamed into place: a merge that fails leaves OUT as
 * it was. `deno task merge` (`../cli/merge.ts`) runs it.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { ResultsStore, StoreError } from "../store/store.ts";
import { checkTrial } from "../store/trial_check.ts";
import {
  checkFreeSpace,
  checkWritable,
  DiskFullError,
  firstLine,
  isDiskFull,
  PathError,
} from "../store/disk.ts";
import { removeStaleTemps, tempStamp } from "../store/run_dir.ts";

/** How {@linkcode mergeStores} writes and reports. */
export interface MergeOptions {
  /** One line per input and one for OUT. */
  log?: (line: string) => void;
  /** Write OUT compactly (store/codec.ts); a compact OUT stays compact without it. */
  compact?: boolean;
  /** Merge only the inputs' trials whose keys it accepts (OUT's own are all kept). */
  keep?: (key: string) => boolean;
}

/**
 * Merge the stores `inputs` into `out` (created if missing; its own trials kept), each trial
 * once. Before anything is written, every input and OUT (if it exists) must open as a results
 * store and every trial in them must be whole (store/trial_check.ts: each array its request
 * implies there and matching its digest); one key holding different contents in two of them is
 * refused, naming both; and the disk must hold the merge. The merge goes to a temporary folder
 * beside OUT and is renamed into place, so a merge that fails leaves OUT as it was. Bad paths
 * are a `PathError`, a damaged or conflicting store a `StoreError`, a full disk a
 * `DiskFullError`. `log` gets one line per input and one for OUT. Returns the trials each input
 * added and OUT's count.
 *
 * @example
 * ```ts
 * import { mergeStores } from "./merge_stores.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { trainMissing } from "./resolve.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const dir = await Deno.makeTempDir();
 * for (const [name, seed] of [["a", 1], ["b", 2]] as const) {
 *   const s = await ResultsStore.open(`${dir}/${name}.sqlite`);
 *   await trainMissing([{ config: makeConfig({ p: 5, d: 2, steps: 3, seed }) }], { store: s, workers: 1 });
 *   s.close();
 * }
 * const r = await mergeStores(`${dir}/all.sqlite`, [`${dir}/a.sqlite`, `${dir}/b.sqlite`]);
 * if (r.total !== 2) throw new Error(`${r.total} trials merged`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergeStores(
  out: string,
  inputs: string[],
  opts: MergeOptions = {},
): Promise<{ added: number[]; total: number }> {
  const log = opts.log ?? (() => {});
  if (inputs.length === 0) throw new PathError(`no input stores: allowed is at least one`);
  if (out.trim() === "") throw new PathError(`OUT "": allowed is a file path`);
  const seen = new Set<string>();
  for (const p of inputs) {
    if (resolve(p) === resolve(out)) throw new PathError(`${p}: an input cannot be the output`);
    if (seen.has(resolve(p))) throw new PathError(`${p}: given twice`);
    seen.add(resolve(p));
  }
  // every input must open as a store, and hold only whole trials, before anything is written
  const sources: ResultsStore[] = [];
  let current: ResultsStore | undefined;
  try {
    for (const p of inputs) sources.push(await ResultsStore.open(p, { readOnly: true }));
    let outExists = true;
    try {
      if (!(await Deno.stat(out)).isFile) throw new PathError(`${out}: is not a file`);
    } catch (e) {
      if (e instanceof PathError) throw e;
      outExists = false;
    }
    if (outExists) current = await ResultsStore.open(out, { readOnly: true });
    // a compact OUT holds float32 trainers' records as float32: contents compare in that form
    const compactOut = (opts.compact ?? false) || (current?.compact ?? false);
    const held = new Map<string, { path: string; digest: string }>();
    for (const s of current ? [current, ...sources] : sources) {
      for (const key of s.keys()) {
        checkTrial(s, key);
        const digest = await s.contentDigest(key, { compactForm: compactOut });
        const first = held.get(key);
        if (first === undefined) held.set(key, { path: s.path, digest });
        else if (first.digest !== digest) {
          throw new StoreError(
            `trial ${key}: ${first.path} and ${s.path} hold different contents under this one key; allowed is one content per key (merge only one of them)`,
          );
        }
      }
    }
    // a plain OUT made compact is rewritten whole; otherwise OUT's file is the start
    const rewrite = (opts.compact ?? false) && !(current?.compact ?? false);
    current?.close();
    current = undefined;
    const dir = dirname(resolve(out));
    await Deno.mkdir(dir, { recursive: true }).catch(() => {});
    await checkWritable(dir, `OUT ${out}`);
    await removeStaleTemps(dir, basename(out));
    const sizes = await Promise.all([...(outExists ? [out] : []), ...inputs].map(fileSize));
    checkFreeSpace(dir, sizes.reduce((a, b) => a + b, 0), `OUT ${out}: the merge (at most)`);
    const tmpDir = join(dir, `.${basename(out)}.tmp-${tempStamp()}`);
    const tmp = join(tmpDir, "merge.sqlite");
    try {
      await Deno.mkdir(tmpDir);
      if (outExists && !rewrite) await Deno.copyFile(out, tmp);
      const store = await ResultsStore.open(tmp, { compact: opts.compact });
      const added: number[] = [];
      let total: number;
      try {
        if (outExists && rewrite) {
          const old = await ResultsStore.open(out, { readOnly: true });
          try {
            log(`${out}: ${store.mergeFrom(old)} trials rewritten compactly`);
          } finally {
            old.close();
          }
        }
        for (const [i, src] of sources.entries()) {
          added.push(store.mergeFrom(src, opts.keep));
          log(`${inputs[i]}: ${added[i]} trials added`);
        }
        total = store.count();
        store.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        store.close();
      }
      if (outExists) {
        for (const suffix of ["-wal", "-shm"]) await Deno.remove(out + suffix).catch(() => {});
      }
      await Deno.rename(tmp, out);
      log(`${out}: ${total} trials`);
      return { added, total };
    } catch (e) {
      if (isDiskFull(e)) {
        throw new DiskFullError(
          `disk full: ${out} cannot be written (${firstLine(e)}); ${
            outExists ? "OUT is unchanged" : "nothing was written"
          }`,
        );
      }
      throw e;
    } finally {
      await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
    }
  } finally {
    current?.close();
    for (const s of sources) s.close();
  }
}

/** A file's size in bytes (0 when it cannot be read), with its WAL beside it. */
async function fileSize(path: string): Promise<number> {
  let n = 0;
  for (const p of [path, `${path}-wal`]) {
    try {
      n += (await Deno.stat(p)).size;
    } catch { /* absent */ }
  }
  return n;
}
