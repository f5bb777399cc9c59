/**
 * `deno task train`: train one run of the authors' protocol and print its summary, or with
 * `--out DIR` write its records in the reference fixtures' format (see io/run_dir.ts).
 *
 * @module
 */
import { train } from "../train/trainer.ts";
import { progressLine } from "../train/progress.ts";
import { backendNames } from "../train/backends.ts";
import { summarize, writeRunDir } from "../store/run_dir.ts";
import {
  backendFrom,
  checkFits,
  checkOutDir,
  configFrom,
  initFrom,
  parse,
  recordOptionsFrom,
  runCli,
  TRAIN_OPTIONS,
} from "./options.ts";

export const TRAIN_HELP = `deno task train [options]   train one run of the authors' protocol

  --p N                 modulus, integer >= 3                      (59)
  --dim N               embedding dimension d >= 1                 (128)
  --wd X                AdamW weight decay >= 0                    (0.5)
  --lr X                AdamW learning rate > 0                    (0.01)
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
  -h, --help            this text

Bad values exit with code 2 and a one-line message, before anything is trained or written
(the output directory and the memory the run needs are checked first).
A run whose loss or parameters become non-finite stops there and is reported as diverged
(run.json: "divergedAt", "circles": null).
Ctrl-C (or SIGTERM) stops after the current step (a GPU backend: after the current chunk of
steps); with --out the steps done are written and run.json says "interrupted": true (exit 130).`;

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
    const init = await initFrom(values, config);
    const out = values.out as string | undefined;
    if (out !== undefined) await checkOutDir(out);
    const { backend, announce } = await backendFrom(values, "train");
    checkFits(config, recOpts, backend);
    announce();
    // Ctrl-C or SIGTERM stops the run after the current step; with --out the steps done are
    // written (run.json says "interrupted": true), so finished work is never lost.
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) Deno.exit(130);
      console.error(`\ntrain: interrupted, saving the steps done (again to quit at once)`);
      stop.abort();
    };
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    for (const s of signals) Deno.addSignalListener(s, onSignal);
    const rec = await train(backend, { config, ...init }, {
      ...recOpts,
      signal: stop.signal,
      onProgress: progressLine(`train p=${config.p} d=${config.d} seed=${config.seed}`),
    });
    const summary = summarize(config, rec);
    if (out !== undefined) await writeRunDir(out, rec, summary);
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    const f = (v: number | null) => (v === null ? "-" : v.toExponential(4));
    console.log(
      `p=${config.p} d=${config.d} wd=${config.wd} mode=${config.mode} seed=${config.seed} ` +
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
    if (out !== undefined) console.log(`records written to ${out}`);
    if (rec.interrupted) Deno.exit(130);
  });
}

if (import.meta.main) await trainMain(Deno.args);
