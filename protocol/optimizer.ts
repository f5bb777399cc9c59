/**
 * The optimisers, their hyper-parameters and per-step scalars, written once: every backend (the
 * float64 reference, the asm core, the WGSL kernels, tfjs) takes them from here — the asm core
 * and the WGSL uniforms receive them as arguments, as llm.c passes them to `gpt2_update` — so no
 * kernel restates a constant.
 *
 * Three optimisers with PyTorch's semantics (`_single_tensor_*`, PyTorch 1.13), g = ∂L/∂θ:
 * - `adamw` (docs/SPEC.md's: betas (0.9, 0.999), eps 1e-8, amsgrad off): θ ← θ·(1 − lr·wd),
 *   then the bias-corrected Adam step on g;
 * - `adam` (`torch.optim.Adam`): g ← g + wd·θ (an L2 term), then the same Adam step;
 * - `sgd` (`torch.optim.SGD`, dampening 0, no Nesterov): g ← g + wd·θ, b ← μ·b + g (b = g at the
 *   first step, which a zero buffer gives exactly), θ ← θ − lr·b.
 *
 * @module
 */

/** The optimisers, by their `--optimizer` name. */
export type OptimizerName = "adamw" | "adam" | "sgd";

/** The optimisers, in the order the CLI lists them. */
export const OPTIMIZERS: readonly OptimizerName[] = ["adamw", "adam", "sgd"];

/** The code of each optimiser the kernels branch on (the asm core's `kind`, the WGSL uniform). */
export const OPTIMIZER_CODE: Readonly<Record<OptimizerName, number>> = Object.freeze({
  adamw: 0,
  adam: 1,
  sgd: 2,
});

/** `--momentum`'s default for sgd. */
export const SGD_MOMENTUM = 0.9;

/** Adam's constants (PyTorch's defaults, the paper's). */
export interface AdamConstants {
  /** The first moment's decay. */
  beta1: number;
  /** The second moment's decay. */
  beta2: number;
  /** Added to the second moment's square root. */
  eps: number;
}

/** `torch.optim.AdamW`'s defaults, as the authors ran them (also `torch.optim.Adam`'s). */
export const ADAM: Readonly<AdamConstants> = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/** Everything a kernel needs to run one trial's optimiser: what it is and every constant. */
export interface OptimizerSettings extends AdamConstants {
  /** Which optimiser: adamw, adam or sgd. */
  name: OptimizerName;
  /** {@linkcode OPTIMIZER_CODE} of `name`. */
  code: number;
  /** The learning rate. */
  lr: number;
  /** Weight decay: decoupled (adamw) or an L2 term added to the gradient (adam, sgd). */
  wd: number;
  /** SGD's momentum μ (0 for the Adam family, where it is unused). */
  momentum: number;
}

/**
 * The optimiser of a trial configuration.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { optimizerSettings } from "./optimizer.ts";
 * const o = optimizerSettings({ optimizer: "sgd", lr: 0.1, wd: 0, momentum: 0.9 });
 * assertEquals([o.code, o.momentum, o.beta2], [2, 0.9, 0.999]);
 * ```
 */
export function optimizerSettings(
  c: { optimizer: OptimizerName; lr: number; wd: number; momentum?: number },
): OptimizerSettings {
  return {
    name: c.optimizer,
    code: OPTIMIZER_CODE[c.optimizer],
    lr: c.lr,
    wd: c.wd,
    momentum: c.optimizer === "sgd" ? c.momentum ?? SGD_MOMENTUM : 0,
    ...ADAM,
  };
}

/** The scalars of Adam's step `t` (1-based) that depend on t only. */
export interface AdamStepScalars {
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  bc2Sqrt: number;
}

/**
 * Bias corrections of step `t` as PyTorch computes them (`_single_tensor_adam(w)`):
 * the update is θ −= stepSize · m / (√v / bc2Sqrt + eps). SGD has none (stepSize = lr,
 * bc2Sqrt = 1 for any t), so a kernel can take the same two scalars for every optimiser.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { adamStepScalars } from "./optimizer.ts";
 * const s = adamStepScalars(1, 0.01);
 * assertEquals([s.stepSize.toFixed(4), s.bc2Sqrt.toFixed(6)], ["0.1000", "0.031623"]);
 * ```
 */
export function adamStepScalars(t: number, lr: number, c: AdamConstants = ADAM): AdamStepScalars {
  return { stepSize: lr / (1 - c.beta1 ** t), bc2Sqrt: Math.sqrt(1 - c.beta2 ** t) };
}

/**
 * The per-step scalars of an optimiser at step `t` (1-based): Adam's bias corrections, or
 * (lr, 1) for SGD.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { optimizerSettings, stepScalars } from "./optimizer.ts";
 * const sgd = optimizerSettings({ optimizer: "sgd", lr: 0.1, wd: 0 });
 * assertEquals(stepScalars(sgd, 5), { stepSize: 0.1, bc2Sqrt: 1 });
 * ```
 */
export function stepScalars(o: OptimizerSettings, t: number): AdamStepScalars {
  return o.name === "sgd" ? { stepSize: o.lr, bc2Sqrt: 1 } : adamStepScalars(t, o.lr, o);
}
