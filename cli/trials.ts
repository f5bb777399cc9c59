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
import { sweepProgress } from "../train/progress.ts";
import type { TrialRecords } from "../train/trainer.ts";
import { resolveBackend } from "../gpu/select.ts";
import { trainBatchGpu } from "../gpu/fused.ts";
import { GPU_BATCH } from "../paper/trials.ts";
import { initialTrial } from "../protocol/init.ts";
import { summarize, writeRunDir } from "../io/run_dir.ts";
import {
  backendFrom,
  configFrom,
  parse,
  recordOptionsFrom,
  runCli,
  TRAIN_OPTIONS,
  UsageError,
} from "./options.ts";
import { makeConfig } from "../protocol/config.ts";

export const TRIALS_HELP = `deno task trials --seeds SPEC [train options] [--workers N] [--out DIR]

  --seeds SPEC     seeds to run: "0..49" (inclusive), "1,4,9" or a mix ("0..3,10")
  --workers N      Workers to use (default: every core)
  --out DIR        write DIR/seed-S/ per finished trial; existing ones are skipped (resume)
  all options of 'deno task train' except --init-params and --train-ids; with --backend webgpu
  or tfjs the seeds train together as GPU batches of up to 64

Prints one line per trial (seed, surviving circles, final test loss) and the circle counts.`;

/**
 * Parse a seed list: ranges "a..b" (inclusive) and single seeds, comma-separated.
 *
 * @example
 * ```ts
 * import { parseSeeds } from "./trials.ts";
 * console.log(parseSeeds("0..2,7")); // [0, 1, 2, 7]
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
    const named = backendFrom(values);
    if (named === "ref") {
      throw new UsageError(`backend ref: allowed for trials are auto, asm, webgpu, tfjs`);
    }
    if (values.seeds === undefined) throw new UsageError(`seeds: missing; e.g. --seeds 0..9`);
    const seeds = parseSeeds(String(values.seeds));
    const base = configFrom(values);
    const records = recordOptionsFrom(values);
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
        throw new UsageError(`workers ${values.workers}: allowed is an integer in 1..256`);
      }
    }
    const out = values.out as string | undefined;
    const dirOf = (seed: number) => join(out!, `seed-${seed}`);
    const todo: number[] = [];
    for (const seed of seeds) {
      if (out !== undefined) {
        try {
          await Deno.stat(join(dirOf(seed), "run.json"));
          continue; // finished earlier
        } catch { /* not yet */ }
      }
      todo.push(seed);
    }
    if (out !== undefined && todo.length < seeds.length) {
      console.error(
        `trials: ${seeds.length - todo.length} of ${seeds.length} already in ${out}, skipped`,
      );
    }
    const jobs: TrialJob[] = todo.map((seed) => ({
      config: makeConfig({ ...base, seed }),
      records,
    }));
    const tty = Deno.stderr.isTerminal();
    const enc = new TextEncoder();
    const t0 = performance.now();
    const counts = new Map<number, number>();
    const chosen = await resolveBackend(named);
    if (chosen.note) console.error(`trials: ${chosen.note}`);
    if (
      (chosen.backend === "webgpu" || chosen.backend === "tfjs") &&
      (records.paramsEvery || records.embeddingsUntil)
    ) {
      throw new UsageError(
        `params-every / embeddings-until: not recorded by the ${chosen.backend} backend; allowed with --backend asm`,
      );
    }
    const onResult = async (i: number, rec: TrialRecords) => {
      const s = summarize(jobs[i].config, rec);
      if (out !== undefined) await writeRunDir(dirOf(jobs[i].config.seed), rec, s);
      counts.set(s.circles.length, (counts.get(s.circles.length) ?? 0) + 1);
      if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
      console.log(
        `seed ${jobs[i].config.seed}: circles ${s.circles.length} [${s.circles.join(", ")}]  ` +
          `test loss ${s.finalTestLoss?.toExponential(3) ?? "-"}  ${
            rec.msPerStep.toFixed(2)
          } ms/step`,
      );
    };
    if (chosen.backend === "webgpu" || chosen.backend === "tfjs") {
      const trainBatch = chosen.backend === "webgpu"
        ? trainBatchGpu
        : (await import("../gpu/tfjs.ts")).trainBatchTfjs;
      for (let i = 0; i < jobs.length; i += GPU_BATCH) {
        const part = jobs.slice(i, i + GPU_BATCH);
        const recs = await trainBatch(
          part.map((j) => ({ config: j.config, ...initialTrial(j.config) })),
          {
            gradSignals: records.gradSignals,
          },
        );
        for (const [k, rec] of recs.entries()) await onResult(i + k, rec);
      }
    } else {
      await runTrials(jobs, { workers, onProgress: sweepProgress("trials"), onResult });
    }
    const wall = (performance.now() - t0) / 1000;
    const hist = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`);
    console.log(
      `${jobs.length} trials in ${wall.toFixed(1)} s; circle counts {${hist.join(", ")}}`,
    );
  });
}

if (import.meta.main) await trialsMain(Deno.args);
