/**
 * `deno task train`: train one run of the authors' protocol and print its summary, or with
 * `--out DIR` write its records in the reference fixtures' format (see store/run_dir.ts).
 *
 * @module
 */
import type { TrialRecords } from "../train/trainer.ts";
import { runTrials } from "../train/pool.ts";
import { progressLine } from "../train/progress.ts";
import { backendNames } from "../train/backends.ts";
import {
  removeStaleTemps,
  runDirBytes,
  type RunSummary,
  summarize,
  writeRunDir,
} from "../store/run_dir.ts";
import { basename, dirname, resolve } from "node:path";
import { checkFreeSpace } from "../store/disk.ts";
import {
  backendFrom,
  checkFits,
  checkOutDir,
  configFrom,
  handleInterrupts,
  initFrom,
  parse,
  recordOptionsFrom,
  runCli,
  TRAIN_OPTIONS,
} from "./options.ts";

export const TRAIN_HELP = `deno task train [options]   train one run of the authors' protocol

  --p N                 modulus, integer >= 3                      (59)
  --dim N               embedding dimension d >= 1                 (128)
  --hidden N            width of both hidden layers >= 1           (100)
  --train-fraction F    int(F·p²) training pairs, 0 < F < 1        (0.8)
  --optimizer O         adamw | adam | sgd (PyTorch's semantics)   (adamw, the paper's)
  --momentum M          sgd's momentum, 0 <= M < 1 (sgd only)      (0.9)
  --wd X                weight decay >= 0: decoupled for adamw,    (0.5)
                        an L2 term on the gradient for adam, sgd
  --lr X                learning rate > 0                          (0.01)
  --steps N             full-batch steps >= 0                      (30000)
  --seed N              trial seed, 0..2^32-1                      (0)
  --mode M              default | fix-embedding | fix-mlp          (default)
  --init-seed N         seed of the fixed part in fix-* modes      (0)
  --freeze-embedding    train the MLP only (embedding neither updated nor decayed)
  --init-params F.npy   start from these fused float64 parameters (the authors' layout)
  --train-ids F.npy     use these training pair ids (int64); the test set is the rest
  --backend B           auto | ${
  backendNames().join(" | ")
} (auto: webgpu on a hardware adapter, else asm)
  --out DIR             write float64 .npy records + run.json into DIR (must be new or empty)
  --params-every N      also record all parameters every N steps (Fig. 8)
  --embeddings-until N  also record the embedding after each of the first N steps (Figs. 7, 9)
  --grad-signals        also record the Fourier norms of dL/dE per step (Fig. 13)
  --until-decided       stop once the surviving circles are decided (the early verdict of
                        analysis/early_stop.ts; run.json says where: "decidedAt")
  -h, --help            this text

Bad values exit with code 2 and a one-line message, before anything is trained or written
(the output directory and the memory the run needs are checked first).
A run whose loss or parameters become non-finite stops there and is reported as diverged
(run.json: "divergedAt", "circles": null).
Ctrl-C (or SIGTERM) stops after the current step (a GPU backend: after the current chunk of
steps); with --out the steps done are written and run.json says "interrupted": true (exit 130).
A second one, or one before the first step has ended, quits at once and writes nothing.`;

/** Run `train` with these command-line arguments. */
export function trainMain(args: string[]): Promise<void> {
  return runCli("train", async () => {
    const { values } = parse(args, TRAIN_OPTIONS);
    if (values.help) {
      console.log(TRAIN_HELP);
      return;
    }
    const config = configFrom(values);
    const recOpts = recordOptionsFrom(values);
    const out = values.out as string | undefined;
    if (out !== undefined) await checkOutDir(out);
    const { backend, announce } = await backendFrom(values, "train");
    // memory and disk from the configuration alone, before anything is drawn or read
    checkFits(config, recOpts, backend);
    if (out !== undefined) {
      checkFreeSpace(out, runDirBytes(config, recOpts), `out ${out}: the run's records`);
    }
    const { init, sources } = await initFrom(values, config);
    if (out !== undefined) {
      // what a train killed while writing into the same place left behind
      await removeStaleTemps(dirname(resolve(out)), basename(resolve(out)));
    }
    announce();
    // Ctrl-C or SIGTERM stops the run after the current step; with --out the steps done are
    // written (run.json says "interrupted": true), so finished work is never lost. The trial
    // trains on a Worker (a CPU backend), so a signal is heard at once however long a step takes.
    const stop = new AbortController();
    let done = 0, writing = false;
    const interrupts = handleInterrupts((sig) => {
      if (writing) {
        // a moment's work, and quitting now would leave a half-written temporary folder
        console.error(`\ntrain: ${sig} while the records are written; it ends in a moment`);
        return;
      }
      if (stop.signal.aborted) {
        console.error(`\ntrain: quit (${sig}); the steps done are not written`);
        Deno.exit(130);
      }
      if (done === 0) {
        console.error(`\ntrain: interrupted (${sig}) before its first step ended; nothing written`);
        Deno.exit(130);
      }
      console.error(
        `\ntrain: interrupted (${sig}); stopping after the current step, the steps done are kept (again to quit at once)`,
      );
      stop.abort();
    });
    const progress = progressLine(`train p=${config.p} d=${config.d} seed=${config.seed}`);
    let rec: TrialRecords | undefined;
    await runTrials([{ config, init, records: recOpts }], {
      backend,
      workers: 1,
      signal: stop.signal,
      onProgress: (s) => {
        done = s.done;
        if (!stop.signal.aborted) progress(s.done, s.total);
      },
      onResult: (_, r) => {
        rec = r;
      },
      keepResults: false,
    });
    if (!rec) throw new Error("the trial ended without records");
    // what trained: with --train-ids, the split is the file's (its share of the pairs recorded)
    const trained = sources?.trainIds
      ? { ...config, trainFraction: sources.trainIds.count / (config.p * config.p) }
      : config;
    const summary: RunSummary = {
      ...summarize(trained, rec),
      ...(sources ? { init: sources } : {}),
    };
    if (out !== undefined) {
      writing = true;
      await writeRunDir(out, rec, summary);
      writing = false;
    }
    interrupts.dispose();
    const f = (v: number | null) => (v === null ? "-" : v.toExponential(4));
    console.log(
      `p=${config.p} d=${config.d} hidden=${config.hidden} ${config.optimizer}` +
        `${config.momentum === undefined ? "" : ` momentum=${config.momentum}`} lr=${config.lr} ` +
        `wd=${config.wd} mode=${config.mode} seed=${config.seed} ` +
        `steps=${config.steps} backend=${rec.backend}: ${rec.msPerStep.toFixed(2)} ms/step`,
    );
    console.log(
      `train loss ${f(summary.finalTrainLoss)}  test loss ${f(summary.finalTestLoss)}  ` +
        `train acc ${summary.finalTrainAcc ?? "-"}  test acc ${summary.finalTestAcc ?? "-"}`,
    );
    console.log(
      summary.circles === null
        ? `diverged at step ${summary.divergedAt}: the loss or the parameters became non-finite; no circles are counted`
        : `surviving circles: ${summary.circles.length} [${summary.circles.join(", ")}]`,
    );
    if (rec.interrupted) console.log(`interrupted after ${rec.steps} of ${config.steps} steps`);
    if (rec.decidedAt !== null) {
      console.log(`decided at step ${rec.decidedAt} of ${config.steps} (--until-decided)`);
    }
    if (out !== undefined) console.log(`records written to ${out}`);
    if (rec.interrupted) Deno.exit(130);
  });
}

if (import.meta.main) await trainMain(Deno.args);
