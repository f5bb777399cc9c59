/**
 * The optimiser's hyper-parameters and per-step scalars, written once: every backend (the float64
 * reference, the asm core, the WGSL kernels, tfjs) takes them from here — the asm core and the
 * WGSL uniforms receive them as arguments, as llm.c passes them to `gpt2_update` — so no kernel
 * restates a constant.
 *
 * SPEC.md: AdamW, betas (0.9, 0.999), eps 1e-8, amsgrad off, PyTorch semantics:
 * θ ← θ·(1 − lr·wd), then the bias-corrected Adam step.
 *
 * @module
 */

/** Adam's constants (PyTorch's defaults, the paper's). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  eps: number;
}

/** `torch.optim.AdamW`'s defaults, as the authors ran them. */
export const ADAM: Readonly<AdamConstants> = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/** The scalars of Adam's step `t` (1-based) that depend on t only. */
export interface AdamStepScalars {
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  bc2Sqrt: number;
}

/**
 * Bias corrections of step `t` as PyTorch computes them (`_single_tensor_adamw`):
 * the update is θ −= stepSize · m / (√v / bc2Sqrt + eps).
 *
 * @example
 * ```ts
 * import { adamStepScalars } from "./optimizer.ts";
 * const s = adamStepScalars(1, 0.01);
 * console.log(s.stepSize.toFixed(4), s.bc2Sqrt.toFixed(6)); // 0.1000 0.031623
 * ```
 */
export function adamStepScalars(t: number, lr: number, c: AdamConstants = ADAM): AdamStepScalars {
  return { stepSize: lr / (1 - c.beta1 ** t), bc2Sqrt: Math.sqrt(1 - c.beta2 ** t) };
}
