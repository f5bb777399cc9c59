/**
 * `deno task merge OUT.sqlite SHARD.sqlite [SHARD.sqlite ...]`: combine results stores (the
 * shards of a sweep run with `reproduce --shard i/n`, e.g. a Slurm job array) into one, each
 * trial once. Then `deno task reproduce FIGURE --store OUT.sqlite` analyses without training.
 *
 * @module
 */
import { ResultsStore } from "../store/store.ts";
import { parse, runCli, UsageError } from "./options.ts";

export const MERGE_HELP = `deno task merge OUT.sqlite IN.sqlite [IN.sqlite ...]

Copies every trial of the input stores into OUT (created if missing), each trial once.`;

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
    for (const p of inputs) {
      try {
        const info = await Deno.stat(p);
        if (!info.isFile) throw new Error();
      } catch {
        throw new UsageError(`${p}: not a store file`);
      }
      if (p === out) throw new UsageError(`${p}: an input cannot be the output`);
    }
    const store = await ResultsStore.open(out);
    for (const p of inputs) {
      let added: number;
      try {
        added = store.mergeFrom(p);
      } catch (e) {
        throw new UsageError(`${p}: cannot be merged (${(e as Error).message.split("\n")[0]})`);
      }
      console.log(`${p}: ${added} trials added`);
    }
    console.log(`${out}: ${store.count()} trials`);
    store.close();
  });
}

if (import.meta.main) await mergeMain(Deno.args);
