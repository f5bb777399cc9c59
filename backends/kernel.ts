/**
 * The interface every training backend implements (the "kernel registry" of this project): the
 * protocol — what a step is, what is logged, in which order — lives once in
 * `train/trainer.ts`; a backend only supplies these kernels.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";

/** Per-step scalars, computed from the parameters *before* the step's update. */
export interface StepStats {
  trainLoss: number;
  testLoss: number;
  trainAcc: number;
  testAcc: number;
}

/** What a backend is asked to prepare for. */
export interface KernelSpec {
  config: TrialConfig;
  /** Fused float64 parameters to start from (the authors' layout). */
  params: Float64Array;
  /** Training pair ids; the test set is the sorted rest. */
  trainIds: Int32Array;
}

/** One trial's training state on some backend. */
export interface TrainingKernel {
  /** "ref" (float64 TypeScript), "asm" (AssemblyScript SIMD), ... */
  readonly backend: string;
  /** One full-batch step: forward on all pairs, backward on the train pairs, AdamW. */
  step(): StepStats;
  /** ‖F_k‖ of the current embedding for k = 0..p−1 (into `out`, length p). */
  signals(out: Float64Array): void;
  /** ‖F_k‖ of the raw embedding gradient ∂L/∂E of the last step (weight decay excluded). */
  gradSignals(out: Float64Array): void;
  /** The current embedding, (p, d) row-major, into `out`. */
  embedding(out: Float64Array): void;
  /** The current fused parameters (the authors' layout), as float64. */
  params(): Float64Array;
  /** L2 norm of all parameters. */
  paramNorm(): number;
  /** Release resources (wasm memory, GPU buffers). */
  dispose(): void;
}

/** A backend: a name and a factory of kernels. */
export interface Backend {
  readonly name: string;
  create(spec: KernelSpec): TrainingKernel | Promise<TrainingKernel>;
}
