/**
 * `deno task merge OUT.sqlite SHARD.sqlite [SHARD.sqlite ...]`: combine results stores (the
 * shards of a sweep run with `reproduce --shard i/n`, e.g. a Slurm job array) into one
 * (`../experiments/merge_stores.ts`). Then `deno task reproduce FIGURE --store OUT.sqlite` analyses
 * without training.
 *
 * @module
 */
import { mergeStores } from "../experiments/merge_stores.ts";
import { parse, runCli, UsageError } from "./options.ts";

export const MERGE_HELP = `deno task merge [--compact] OUT.sqlite IN.sqlite [IN.sqlite ...]

Copies every trial of the input stores into OUT (created if missing; its own trials are kept),
each trial once. --compact writes OUT's arrays in the lossless compact encoding (store/codec.ts:
~3-5x smaller, for a store committed to git; a compact OUT stays compact, and every trial stored
in it later is written compactly). First every trial of the inputs and of OUT is checked whole (each array its
request implies there, matching its digest), and one key with different contents in two stores
is refused: then nothing is written. OUT changes only when the whole merge succeeds.`;

/** Run `merge` with these command-line arguments. */
export function mergeMain(args: string[]): Promise<void> {
  return runCli("merge", async () => {
    const { values, positionals } = parse(args, {
      help: { type: "boolean", short: "h" },
      compact: { type: "boolean" },
    }, true);
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
    await mergeStores(out, inputs, {
      log: (line) => console.log(line),
      compact: values.compact === true,
    });
  }, { interrupted: "OUT is as it was (a merge is renamed into place only whole)" });
}

if (import.meta.main) await mergeMain(Deno.args);
