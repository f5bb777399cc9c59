/**
 * The training protocol, once for every backend: the step order of the authors' loop (forward
 * on train and test with the same parameters, backward, AdamW), and what is recorded per step —
 * losses and accuracies before the update, the embedding's Fourier signals after it — plus what
 * later figures ask for: parameters every N steps (Fig. 8), the first embeddings (Figs. 7, 9), and
 * the Fourier norms of the raw embedding gradient (Fig. 13).
 *
 * @module
 */
import type { Backend, KernelSpec } from "../backends/kernel.ts";
import { type DecidedRule, DecidedTracker } from "../analysis/decided.ts";

/** Optional records. */
export interface RecordOptions {
  /** Store all parameters at step 0 and every `paramsEvery` steps (0: never). */
  paramsEvery?: number;
  /** Store the embedding after each of the first `embeddingsUntil` updates (row 0 = init). */
  embeddingsUntil?: number;
  /** Store ‖F_k(∂L/∂E)‖ of every step. */
  gradSignals?: boolean;
  /** Called every `progressEvery` steps (default 100) with the steps done. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Stop early when aborted: the records then hold the steps completed (`steps` says how many). */
  signal?: AbortSignal;
  /** Stop once the surviving circles are decided (analysis/decided.ts); `true` = default rule. */
  untilDecided?: boolean | Partial<DecidedRule>;
}

/** Everything a run records. Arrays are float64, step-major. */
export interface TrialRecords {
  p: number;
  d: number;
  /** Steps completed (fewer than configured when the run was aborted). */
  steps: number;
  /** True when `signal` stopped the run early. */
  interrupted: boolean;
  /** The step at which `untilDecided` stopped the run (null: it ran all its steps). */
  decidedAt: number | null;
  backend: string;
  trainLoss: Float64Array;
  testLoss: Float64Array;
  trainAcc: Float64Array;
  testAcc: Float64Array;
  /** L2 norm of all parameters after each update. */
  paramNorm: Float64Array;
  /** (steps+1, p): row 0 at init, row t after t updates. */
  signals: Float64Array;
  /** (steps, p) when asked. */
  gradSignals?: Float64Array;
  /** (min(steps, until)+1, p, d) when asked. */
  embeddings?: Float64Array;
  /** Parameter snapshots when asked: the step of each row and the rows (fused layout). */
  paramSnapshots?: { steps: number[]; data: Float64Array };
  initParams: Float64Array;
  trainIds: Int32Array;
  finalParams: Float64Array;
  /** Wall time of the training loop per step. */
  msPerStep: number;
}

/**
 * Train one trial on `backend` and return its records.
 *
 * @example
 * ```ts
 * import { train } from "./trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 3 });
 * const rec = await train(referenceBackend, { config, ...initialTrial(config) });
 * console.log(rec.signals.length); // (3 + 1) * 5
 * ```
 */
export async function train(
  backend: Backend,
  spec: KernelSpec,
  opts: RecordOptions = {},
): Promise<TrialRecords> {
  const { p, d, steps } = spec.config;
  const kernel = await backend.create(spec);
  try {
    const rec = emptyRecords(spec, kernel.backend, { gradSignals: opts.gradSignals });
    const embUntil = Math.min(opts.embeddingsUntil ?? 0, steps);
    const every = opts.paramsEvery ?? 0;
    if (opts.embeddingsUntil) {
      rec.embeddings = new Float64Array((embUntil + 1) * p * d);
      kernel.embedding(rec.embeddings.subarray(0, p * d));
    }
    const snapSteps: number[] = [];
    const snaps: Float64Array[] = [];
    if (every > 0) {
      snapSteps.push(0);
      snaps.push(kernel.params());
    }
    kernel.signals(rec.signals.subarray(0, p));
    const progressEvery = opts.progressEvery ?? 100;
    const t0 = performance.now();
    let done = steps;
    let lastYield = t0;
    const tracker = opts.untilDecided
      ? new DecidedTracker(p, opts.untilDecided === true ? {} : opts.untilDecided)
      : undefined;
    for (let t = 0; t < steps; t++) {
      if (opts.signal) {
        // let signal handlers run (the loop is otherwise synchronous): ~every 250 ms
        if (performance.now() - lastYield > 250) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = performance.now();
        }
        if (opts.signal.aborted) {
          done = t;
          break;
        }
      }
      const s = kernel.step();
      rec.trainLoss[t] = s.trainLoss;
      rec.testLoss[t] = s.testLoss;
      rec.trainAcc[t] = s.trainAcc;
      rec.testAcc[t] = s.testAcc;
      kernel.signals(rec.signals.subarray((t + 1) * p, (t + 2) * p));
      rec.paramNorm[t] = kernel.paramNorm();
      if (rec.gradSignals) kernel.gradSignals(rec.gradSignals.subarray(t * p, (t + 1) * p));
      if (rec.embeddings && t < embUntil) {
        kernel.embedding(rec.embeddings.subarray((t + 1) * p * d, (t + 2) * p * d));
      }
      if (every > 0 && (t + 1) % every === 0) {
        snapSteps.push(t + 1);
        snaps.push(kernel.params());
      }
      if (opts.onProgress && ((t + 1) % progressEvery === 0 || t + 1 === steps)) {
        opts.onProgress(t + 1, steps);
      }
      if (
        tracker?.observe(t + 1, rec.signals.subarray((t + 1) * p, (t + 2) * p)) && t + 1 < steps
      ) {
        rec.decidedAt = t + 1;
        done = t + 1;
        break;
      }
    }
    rec.msPerStep = done > 0 ? (performance.now() - t0) / done : 0;
    rec.finalParams = kernel.params();
    if (done < steps) truncate(rec, done, embUntil, rec.decidedAt === null);
    if (every > 0) {
      const n = rec.finalParams.length;
      const data = new Float64Array(snaps.length * n);
      snaps.forEach((s, i) => data.set(s, i * n));
      rec.paramSnapshots = { steps: snapSteps, data };
    }
    return rec;
  } finally {
    kernel.dispose();
  }
}

/** Cut the per-step arrays of a run stopped early to the `done` steps completed. */
function truncate(rec: TrialRecords, done: number, embUntil: number, interrupted: boolean): void {
  const { p, d } = rec;
  rec.interrupted = interrupted;
  rec.steps = done;
  rec.trainLoss = rec.trainLoss.slice(0, done);
  rec.testLoss = rec.testLoss.slice(0, done);
  rec.trainAcc = rec.trainAcc.slice(0, done);
  rec.testAcc = rec.testAcc.slice(0, done);
  rec.paramNorm = rec.paramNorm.slice(0, done);
  rec.signals = rec.signals.slice(0, (done + 1) * p);
  if (rec.gradSignals) rec.gradSignals = rec.gradSignals.slice(0, done * p);
  if (rec.embeddings) {
    rec.embeddings = rec.embeddings.slice(0, (Math.min(done, embUntil) + 1) * p * d);
  }
}

/**
 * Records of a trial before its first step, every per-step array allocated (shared by the
 * backends that do not run through {@linkcode train}).
 */
export function emptyRecords(
  spec: KernelSpec,
  backend: string,
  opts: { gradSignals?: boolean } = {},
): TrialRecords {
  const { p, steps } = spec.config;
  return {
    p,
    d: spec.config.d,
    steps,
    interrupted: false,
    decidedAt: null,
    backend,
    trainLoss: new Float64Array(steps),
    testLoss: new Float64Array(steps),
    trainAcc: new Float64Array(steps),
    testAcc: new Float64Array(steps),
    paramNorm: new Float64Array(steps),
    signals: new Float64Array((steps + 1) * p),
    gradSignals: opts.gradSignals ? new Float64Array(steps * p) : undefined,
    initParams: Float64Array.from(spec.params),
    trainIds: Int32Array.from(spec.trainIds),
    finalParams: new Float64Array(0),
    msPerStep: 0,
  };
}
