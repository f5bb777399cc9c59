/**
 * The command-line entry of circle-survival as one program (what `deno task compile` builds and
 * the single-file bundle runs): `circle-survival reproduce fig9`, `... train ...`,
 * `... trials ...`, `... analyze ...`, `... merge ...`, `... sweep ...`, `... cluster ...`. Run as a
 * Worker, the same file serves the trial pool.
 *
 * @module
 */
import { installTrialWorker } from "./train/worker.ts";
import { setWorkerScript } from "./train/pool.ts";
import { trainMain } from "./cli/train.ts";
import { trialsMain } from "./cli/trials.ts";
import { analyzeMain } from "./cli/analyze.ts";
import { reproduceMain } from "./cli/reproduce.ts";
import { mergeMain } from "./cli/merge.ts";
import { sweepMain } from "./cli/sweep.ts";
import { clusterMain } from "./cli/cluster.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  reproduce: reproduceMain,
  train: trainMain,
  trials: trialsMain,
  analyze: analyzeMain,
  merge: mergeMain,
  sweep: sweepMain,
  cluster: clusterMain,
};

const USAGE = `circle-survival COMMAND [options]   (COMMAND --help for its options)

  reproduce FIGURE|all   rebuild a figure of the paper and check its claims
  train                  train one run
  trials                 many trials over seeds on every core
  analyze PATH           analyse a run directory or an embedding .npy
  merge OUT IN...        combine result stores (the shards of a sweep), each trial once
  sweep --grid K=V,...   a grid of configurations × seeds: #circles, survival, grokking with CIs
  cluster FIGURE|all     run a figure's trials as a Slurm job array, then merge its shards`;

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope !== "undefined" && self instanceof scope.WorkerGlobalScope) {
  installTrialWorker();
} else if (import.meta.main) {
  setWorkerScript(import.meta.url);
  const [cmd, ...rest] = Deno.args;
  if (cmd === "--help" || cmd === "-h") {
    console.log(USAGE);
  } else if (cmd === undefined) {
    console.error(USAGE);
    Deno.exit(2);
  } else if (!(cmd in COMMANDS)) {
    console.error(
      `circle-survival: command ${JSON.stringify(cmd)}: allowed are ${
        Object.keys(COMMANDS).join(", ")
      }`,
    );
    Deno.exit(2);
  } else {
    await COMMANDS[cmd](rest);
  }
}
