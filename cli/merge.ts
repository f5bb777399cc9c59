/**
 * `deno task merge OUT.sqlite SHARD.sqlite [SHARD.sqlite ...]`: combine results stores (the
 * shards of a sweep run with `reproduce --shard i/n`, e.g. a Slurm job array) into one, each
 * trial once, every array's digest checked on the way. The merge is written to a temporary file
 * beside OUT and renamed into place: a merge that fails leaves OUT as it was. Then
 * `deno task reproduce FIGURE --store OUT.sqlite` analyses without training.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { ResultsStore } from "../store/store.ts";
import { checkWritable, parse, runCli, UsageError } from "./options.ts";

export const MERGE_HELP = `deno task merge OUT.sqlite IN.sqlite [IN.sqlite ...]

Copies every trial of the input stores into OUT (created if missing; its own trials are kept),
each trial once, checking every array's digest. OUT changes only when the whole merge succeeds.`;

/**
 * Merge the stores `inputs` into `out` (created if missing; its own trials kept), each trial
 * once, every array's digest checked. Every input must open as a results store, and OUT (if it
 * exists) too, before anything is written; the merge goes to a temporary file beside OUT that is
 * renamed into place, so a merge that fails leaves OUT as it was. Bad paths are a
 * {@linkcode UsageError}, a damaged store a `StoreError`. `log` gets one line per input and one
 * for OUT. Returns the trials each input added and OUT's count.
 *
 * @example
 * ```ts
 * import { mergeStores } from "./merge.ts";
 * import { ResultsStore } from "../store/store.ts";
 * const dir = await Deno.makeTempDir();
 * for (const [name, key] of [["a", "k1"], ["b", "k2"]]) {
 *   const s = await ResultsStore.open(`${dir}/${name}.sqlite`);
 *   s.put({ key, request: {}, backend: "asm", summary: {} }, {});
 *   s.close();
 * }
 * const r = await mergeStores(`${dir}/all.sqlite`, [`${dir}/a.sqlite`, `${dir}/b.sqlite`]);
 * console.log(r.total); // 2
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergeStores(
  out: string,
  inputs: string[],
  log: (line: string) => void = () => {},
): Promise<{ added: number[]; total: number }> {
  if (inputs.length === 0) throw new UsageError(`no input stores: allowed is at least one`);
  if (out.trim() === "") throw new UsageError(`OUT "": allowed is a file path`);
  const seen = new Set<string>();
  for (const p of inputs) {
    if (resolve(p) === resolve(out)) throw new UsageError(`${p}: an input cannot be the output`);
    if (seen.has(resolve(p))) throw new UsageError(`${p}: given twice`);
    seen.add(resolve(p));
  }
  // every input must open as a store before anything is written
  const sources: ResultsStore[] = [];
  try {
    for (const p of inputs) sources.push(await ResultsStore.open(p, { readOnly: true }));
    let outExists = true;
    try {
      if (!(await Deno.stat(out)).isFile) throw new UsageError(`${out}: is not a file`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      outExists = false;
    }
    if (outExists) (await ResultsStore.open(out, { readOnly: true })).close();
    const dir = dirname(resolve(out));
    await Deno.mkdir(dir, { recursive: true }).catch(() => {});
    await checkWritable(dir, `OUT ${out}`);
    const tmp = join(dir, `.${basename(out)}.merge-${Deno.pid}`);
    try {
      if (outExists) await Deno.copyFile(out, tmp);
      const store = await ResultsStore.open(tmp);
      const added: number[] = [];
      let total: number;
      try {
        for (const [i, src] of sources.entries()) {
          added.push(store.mergeFrom(src));
          log(`${inputs[i]}: ${added[i]} trials added`);
        }
        total = store.count();
        log(`${out}: ${total} trials`);
        store.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        store.close();
      }
      for (const suffix of ["-wal", "-shm"]) await Deno.remove(tmp + suffix).catch(() => {});
      if (outExists) {
        for (const suffix of ["-wal", "-shm"]) await Deno.remove(out + suffix).catch(() => {});
      }
      await Deno.rename(tmp, out);
      return { added, total };
    } catch (e) {
      for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(tmp + suffix).catch(() => {});
      throw e;
    }
  } finally {
    for (const s of sources) s.close();
  }
}

/** Run `merge` with these command-line arguments. */
export function mergeMain(args: string[]): Promise<void> {
  return runCli("merge", async () => {
    const { values, positionals } = parse(args, { help: { type: "boolean", short: "h" } }, true);
    if (values.help) {
      console.log(MERGE_HELP);
      return;
    }
    if (positionals.length < 2) {
      throw new UsageError(
        `${positionals.length} stores given: allowed is OUT.sqlite and at least one input store`,
      );
    }
    const [out, ...inputs] = positionals;
    await mergeStores(out, inputs, (line) => console.log(line));
  });
}

if (import.meta.main) await mergeMain(Deno.args);
