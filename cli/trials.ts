/**
 * `deno task trials`: many independent trials of one configuration over a list of seeds, spread
 * over every core. With `--out DIR`, each trial is written to `DIR/seed-S/` as soon as it
 * finishes (the `train --out` format), and trials already there are skipped: an interrupted
 * sweep resumes where it stopped.
 *
 * @module
 */
import { join } from "node:path";
import { runTrials, type TrialJob } from "../train/pool.ts";
import { batchFor } from "../train/memory.ts";
import { sweepProgress } from "../train/progress.ts";
import type { TrialRecords } from "../train/trainer.ts";
import {
  readRunDir,
  removeStaleTemps,
  runDirBytes,
  summarize,
  writeRunDir,
} from "../store/run_dir.ts";
import { checkFreeSpace } from "../store/disk.ts";
import type { RecordOptions } from "../train/trainer.ts";
import { canonicalJson } from "../store/store.ts";
import { keyConfig, makeConfig, type TrialConfig } from "../protocol/config.ts";
import {
  backendFrom,
  checkFits,
  checkOutDir,
  configFrom,
  onInterrupt,
  parse,
  recordOptionsFrom,
  runCli,
  TRAIN_OPTIONS,
  UsageError,
  workersFrom,
} from "./options.ts";

export const TRIALS_HELP = `deno task trials --seeds SPEC [train options] [--workers N] [--out DIR]

  --seeds SPEC     seeds to run: "0..49" (inclusive), "1,4,9" or a mix ("0..3,10")
  --workers N      Workers to use (default: every core)
  --out DIR        write DIR/seed-S/ per finished trial; a rerun of the same sweep skips the
                   seeds already there (resume). DIR/sweep.json holds the sweep's configuration:
                   another configuration into the same DIR is refused
  all options of 'deno task train' except --init-params and --train-ids; with --backend webgpu
  or tfjs the seeds train together as GPU batches of up to 64

Prints one line per trial (seed, surviving circles, final test loss) and the circle counts.`;

/**
 * Parse a seed list: ranges "a..b" (inclusive) and single seeds, comma-separated.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseSeeds } from "./trials.ts";
 * assertEquals(parseSeeds("0..2,7"), [0, 1, 2, 7]);
 * ```
 */
export function parseSeeds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(",")) {
    const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(part);
    if (!m) {
      throw new UsageError(
        `seeds ${JSON.stringify(spec)}: allowed are "a..b" ranges and integers, comma-separated`,
      );
    }
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) {
      throw new UsageError(`seeds ${JSON.stringify(part)}: a range must not run backwards`);
    }
    if (b - a > 1_000_000) {
      throw new UsageError(`seeds ${JSON.stringify(part)}: at most 10^6 seeds`);
    }
    for (let s = a; s <= b; s++) out.push(s);
  }
  if (new Set(out).size !== out.length) {
    throw new UsageError(`seeds ${JSON.stringify(spec)}: a seed is listed twice`);
  }
  return out;
}

/**
 * Why a seed's run directory cannot be skipped on a resume: "absent", a one-line fault (a missing
 * or damaged file, a run of another configuration), or undefined when it holds this trial whole.
 */
async function damage(
  dir: string,
  config: TrialConfig,
  records: Omit<RecordOptions, "signal" | "onProgress">,
): Promise<string | undefined> {
  try {
    await Deno.stat(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "absent";
    throw e;
  }
  try {
    const { summary } = await readRunDir(dir);
    if (canonicalJson(keyConfig(summary.config)) !== canonicalJson(keyConfig(config))) {
      return "its run.json holds another configuration";
    }
    if (summary.interrupted) return "an interrupted run";
    const want = [
      ...(records.gradSignals ? ["grad_signals"] : []),
      ...((records.embeddingsUntil ?? 0) > 0 && config.steps > 0 ? ["embeddings"] : []),
      ...((records.paramsEvery ?? 0) > 0 ? ["param_snapshots"] : []),
    ];
    const lacking = want.filter((r) => !summary.records.includes(r));
    if (lacking.length > 0) return `it lacks ${lacking.join(", ")}`;
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

/** Run `trials` with these command-line arguments. */
export function trialsMain(args: string[]): Promise<void> {
  return runCli("trials", async () => {
    const opts = {
      ...TRAIN_OPTIONS,
      seeds: { type: "string" },
      workers: { type: "string" },
    } as const;
    const { values } = parse(args, opts);
    if (values.help) {
      console.log(TRIALS_HELP);
      return;
    }
    for (const o of ["init-params", "train-ids"]) {
      if (values[o] !== undefined) {
        throw new UsageError(`${o}: not available in trials (use train)`);
      }
    }
    if (values.seed !== undefined) {
      throw new UsageError(`seed ${values.seed}: trials takes --seeds; allowed without --seed`);
    }
    if (values.seeds === undefined) throw new UsageError(`seeds: missing; e.g. --seeds 0..9`);
    const seeds = parseSeeds(String(values.seeds));
    const base = configFrom(values);
    const records = recordOptionsFrom(values);
    const workers = workersFrom(values);
    const out = values.out as string | undefined;
    if (out !== undefined) await checkOutDir(out, "out", true);
    const { backend, announce } = await backendFrom(values, "trials");
    const concurrent = backend.caps.device === "cpu"
      ? Math.min(workers ?? navigator.hardwareConcurrency ?? 1, seeds.length)
      : Math.min(await batchFor(backend, base, records), seeds.length);
    checkFits(base, records, backend, concurrent);
    // the sweep's identity: everything but the seed; a folder holds one sweep
    const identity = canonicalJson({
      config: { ...keyConfig(base), seed: undefined },
      records,
      backend: backend.name,
    });
    const dirOf = (seed: number) => join(out!, `seed-${seed}`);
    const todo: number[] = [];
    const damaged = new Set<number>();
    if (out !== undefined) {
      const sweepFile = join(out, "sweep.json");
      let stored: string | undefined;
      try {
        stored = canonicalJson(JSON.parse(await Deno.readTextFile(sweepFile)));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          throw new UsageError(`out ${out}: sweep.json cannot be read (${(e as Error).message})`);
        }
      }
      if (stored === undefined) {
        try {
          for await (const entry of Deno.readDir(out)) {
            throw new UsageError(
              `out ${out}: holds ${entry.name} but no sweep.json; allowed is a new or empty directory, or one of this sweep`,
            );
          }
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
      } else if (stored !== identity) {
        throw new UsageError(
          `out ${out}: holds a sweep of another configuration (${stored}); allowed is a new directory or the same configuration`,
        );
      }
      for (const seed of seeds) {
        const why = await damage(dirOf(seed), makeConfig({ ...base, seed }), records);
        if (why === undefined) continue; // finished earlier, and whole
        if (why !== "absent") {
          damaged.add(seed);
          console.error(`trials: ${dirOf(seed)} is damaged (${why}); training seed ${seed} again`);
        }
        todo.push(seed);
      }
      checkFreeSpace(
        out,
        todo.length * runDirBytes(base, records),
        `out ${out}: ${todo.length} run directories`,
      );
      await Deno.mkdir(out, { recursive: true });
      for (const name of await removeStaleTemps(out)) {
        console.error(`trials: removed ${join(out, name)}, left by a run that was killed`);
      }
      await Deno.writeTextFile(sweepFile, identity + "\n");
      if (todo.length < seeds.length) {
        console.error(
          `trials: ${
            seeds.length - todo.length
          } of ${seeds.length} already in ${out}, checked whole and skipped`,
        );
      }
    } else todo.push(...seeds);
    announce();
    const jobs: TrialJob[] = todo.map((seed) => ({
      config: makeConfig({ ...base, seed }),
      records,
    }));
    const t0 = performance.now();
    const counts = new Map<string, number>();
    const counted = () => [...counts.values()].reduce((a, b) => a + b, 0);
    const progress = sweepProgress("trials");
    let written = 0;
    const onResult = async (i: number, rec: TrialRecords) => {
      if (rec.interrupted) return; // cut short by Ctrl-C: not this seed's trial
      const seed = jobs[i].config.seed;
      const s = summarize(jobs[i].config, rec);
      if (out !== undefined) {
        await writeRunDir(dirOf(seed), rec, s, { replace: damaged.has(seed) });
        written++;
      }
      const key = s.circles === null ? "diverged" : String(s.circles.length);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (Deno.stderr.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      console.log(
        `seed ${jobs[i].config.seed}: ${
          s.circles === null
            ? `diverged at step ${s.divergedAt}`
            : `circles ${s.circles.length} [${s.circles.join(", ")}]`
        }  test loss ${s.finalTestLoss?.toExponential(3) ?? "-"}  ${
          rec.msPerStep.toFixed(2)
        } ms/step`,
      );
    };
    const interrupt = onInterrupt(
      "trials",
      () =>
        out === undefined
          ? `${counted()} of ${jobs.length} trials finished (printed above); nothing is written without --out`
          : `${written} of ${jobs.length} trials finished and kept in ${out} (${
            seeds.length - todo.length + written
          } of ${seeds.length} there); the same command again resumes`,
    );
    try {
      await runTrials(jobs, {
        backend,
        workers,
        onProgress: progress,
        onResult,
        keepResults: false,
      });
    } finally {
      interrupt.dispose();
    }
    const wall = (performance.now() - t0) / 1000;
    const order = (k: string) => (k === "diverged" ? Infinity : Number(k));
    const hist = [...counts.entries()].sort((a, b) => order(a[0]) - order(b[0])).map((
      [k, v],
    ) => `${k}: ${v}`);
    console.log(
      `${jobs.length} trials in ${wall.toFixed(1)} s; circle counts {${hist.join(", ")}}`,
    );
  });
}

if (import.meta.main) await trialsMain(Deno.args);
