/**
 * The backend contract (this project's "kernel registry" interface). The training protocol —
 * what a step is, what is recorded and where, when to stop — lives once in `train/trainer.ts`;
 * a backend only supplies a {@linkcode BatchKernel} that runs steps of B trials and writes each
 * step's record in the layout of `protocol/records.ts`, and registers itself
 * (`backends/registry.ts`) with what it can do.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import { type RecordLayout, recordLayout } from "../protocol/records.ts";

/** Per-step scalars, computed from the parameters *before* the step's update. */
export interface StepStats {
  /** Mean cross-entropy over the training pairs. */
  trainLoss: number;
  /** Mean cross-entropy over the test pairs (NaN on a step that skips the test forward). */
  testLoss: number;
  /** Fraction of training pairs predicted right. */
  trainAcc: number;
  /** Fraction of test pairs predicted right. */
  testAcc: number;
}

/** One trial a backend is asked to train. */
export interface TrialStart {
  /** The trial's configuration (shape, optimiser, steps, seeds). */
  config: TrialConfig;
  /** Fused float64 parameters to start from (the authors' layout, protocol/layout.ts). */
  params: Float64Array;
  /** Training pair ids; the test set is the sorted rest. */
  trainIds: Int32Array;
}

/** What the trainer asks of a kernel beyond the standard record. */
export interface KernelOptions {
  /** Record ‖F_k(∂L/∂E)‖ of every step. */
  gradSignals?: boolean;
}

/**
 * B trials of one shape being trained. The trainer calls {@linkcode BatchKernel.run} with up to
 * `chunk` steps at a time and reads parameters between calls.
 */
export interface BatchKernel {
  /** Trials trained together (B). */
  readonly batch: number;
  /** Steps per `run` call this kernel prefers (a GPU submission; 1 for CPU kernels). */
  readonly chunk: number;
  /**
   * Run `n` steps. The record of step c for trial b goes to
   * `out[(c·batch + b)·width …]` (protocol/records.ts). Where `log` is given and `log[c]` is 0,
   * the kernel may skip the test forward and the signals of that step (their fields are left as
   * they are); train loss, train accuracy and the parameter norm are always written.
   */
  run(n: number, out: Float64Array, log?: Uint8Array): void | Promise<void>;
  /** The current fused float64 parameters of trial b. */
  params(b: number): Float64Array | Promise<Float64Array>;
  /** Release memory and device buffers. */
  dispose(): void;
}

/** What a backend can do (the registry shows it; the trainer relies on it). */
export interface BackendCaps {
  /** Where it computes: "cpu" kernels run one trial each on a Worker per core; "gpu" kernels
   * train batches of up to `maxBatch` trials of one shape in the calling thread. */
  device: "cpu" | "gpu";
  /** Most trials per kernel (a GPU backend's `batchSize` picks the batch of each shape). */
  maxBatch: number;
  /** Whether it records gradient signals (Fig. 13). */
  gradSignals: boolean;
  /** The arithmetic of its parameters (absent: float32). A compact store keeps the float64
   * records of a float32 backend's trials as float32 values, and a float64 one's whole. */
  precision?: "f32" | "f64";
}

/** A registered backend: a name, what it can do, and its factory. */
export interface Backend {
  /** The name users give it: `--backend NAME`. */
  readonly name: string;
  /** One line saying what the backend is. */
  readonly summary: string;
  /** What it can do: device, batch size, gradient signals. */
  readonly caps: BackendCaps;
  /** Resolve when the backend can run here; reject with a `BackendUnavailable` otherwise. */
  probe(): Promise<void>;
  /** Undefined when a trial of this shape fits the backend's memory, else a one-line reason
   * (checked before training). */
  fits?(config: TrialConfig, nTrain: number): string | undefined;
  /** Trials per kernel for trials of this shape on this machine (a GPU backend's batch, from the
   * device's limits and memory); `caps.maxBatch` when absent. Called after `probe`. */
  batchSize?(config: TrialConfig, nTrain: number, opts?: KernelOptions): Promise<number>;
  /** A kernel for trials of one shape (equal p, d, width and training-set size). */
  create(specs: TrialStart[], opts?: KernelOptions): Promise<BatchKernel>;
}

/** A backend that cannot run on this machine (one line: what is missing). */
export class BackendUnavailable extends Error {
  /** The error's name. */
  override name = "BackendUnavailable";
}

/**
 * One trial's training state on a CPU backend (the float64 reference and the asm core): a step,
 * and reads of what the records need. {@linkcode singleTrialKernel} turns it into a
 * {@linkcode BatchKernel} of one trial.
 */
export interface TrainingKernel {
  /** One full-batch step: forward on all pairs (the test forward only when `withTest`),
   * backward on the train pairs, the optimiser's update. */
  step(withTest?: boolean): StepStats;
  /** ‖F_k‖ of the current embedding for k = 0..p−1 (into `out`, length p). */
  signals(out: Float64Array): void;
  /** ‖F_k‖ of the raw embedding gradient ∂L/∂E of the last step (weight decay excluded). */
  gradSignals(out: Float64Array): void;
  /** The current fused parameters (the authors' layout), as float64. */
  params(): Float64Array;
  /** L2 norm of all parameters. */
  paramNorm(): number;
  /** Release resources. */
  dispose(): void;
}

/**
 * A batch kernel of one trial around a {@linkcode TrainingKernel}, writing the record layout.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { singleTrialKernel } from "./contract.ts";
 * import { ReferenceKernel } from "./reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 2 });
 * const k = singleTrialKernel(new ReferenceKernel({ config, ...initialTrial(config) }), 5, false);
 * const out = new Float64Array(2 * (5 + 5));
 * k.run(2, out);
 * assert(out[0] > 0, `the first step's train loss: ${out[0]}`);
 * ```
 */
export function singleTrialKernel(
  kernel: TrainingKernel,
  p: number,
  gradSignals: boolean,
): BatchKernel {
  const L: RecordLayout = recordLayout(p, gradSignals);
  const sig = new Float64Array(p);
  return {
    batch: 1,
    chunk: 1,
    run(n, out, log) {
      for (let c = 0; c < n; c++) {
        const full = !log || log[c] !== 0;
        const s = kernel.step(full);
        const o = c * L.width;
        out[o + L.trainLoss] = s.trainLoss;
        out[o + L.trainAcc] = s.trainAcc;
        out[o + L.paramNorm] = kernel.paramNorm();
        if (!full) continue;
        out[o + L.testLoss] = s.testLoss;
        out[o + L.testAcc] = s.testAcc;
        kernel.signals(sig);
        out.set(sig, o + L.signals);
        if (gradSignals) {
          kernel.gradSignals(sig);
          out.set(sig, o + L.gradSignals);
        }
      }
    },
    params: () => kernel.params(),
    dispose: () => kernel.dispose(),
  };
}

/**
 * The shared configuration of a batch: trials of equal p, d, width, steps and training-set
 * size (throws otherwise).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { checkBatch } from "./contract.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const specs = [0, 1].map((seed) => {
 *   const config = makeConfig({ p: 5, d: 4, hidden: 8, seed });
 *   return { config, ...initialTrial(config) };
 * });
 * assertEquals(checkBatch(specs, "test").p, 5);
 * ```
 */
export function checkBatch(specs: TrialStart[], what: string): TrialConfig {
  if (specs.length === 0) throw new Error(`a ${what} batch needs at least one trial`);
  const c0 = specs[0].config, nt = specs[0].trainIds.length;
  for (const s of specs) {
    const c = s.config;
    if (
      c.p !== c0.p || c.d !== c0.d || c.hidden !== c0.hidden || c.steps !== c0.steps ||
      s.trainIds.length !== nt
    ) {
      throw new Error(
        `a ${what} batch needs trials of equal p, d, width, steps and training-set size`,
      );
    }
  }
  return c0;
}
