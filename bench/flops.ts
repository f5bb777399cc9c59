/**
 * FLOPs of one training step with the factorised first layer (multiply-adds count 2), the
 * element-wise work excluded, in total and per kernel of the asm core (`kernel(id)` in
 * core_asm/assembly/core.ts; the ids are named in core_asm/assembly/ids.ts).
 *
 * @module
 */
import * as ids from "../core_asm/assembly/ids.ts";

/**
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { stepFlops } from "./flops.ts";
 * assertAlmostEquals(stepFlops(59, 128, 100, 2784).total / 1e9, 0.297, 5e-4);
 * ```
 */
export function stepFlops(p: number, d: number, h: number, nTrain: number) {
  const R = p * p;
  const forward = 2 * (2 * p * d * h) + 2 * R * h * h + 2 * R * h * p;
  const backward = 2 * nTrain * h * p * 2 + 2 * nTrain * h * h * 2 + 2 * (2 * d * h * p) +
    2 * (2 * p * h * d);
  return { forward, backward, total: forward + backward };
}

/** One kernel of the asm core's step. */
export interface AsmKernelInfo {
  /** The id `kernel(id, withTest)` of core_asm/assembly/core.ts takes (ids.ts: K_*). */
  id: number;
  name: string;
  /** A GEMM (its FLOPs count towards the GEMMs' rate). */
  gemm: boolean;
  /** Useful FLOPs of one step (p, d, h the model's, rows the pairs it runs on), 0 for
   * element-wise kernels. */
  flops(p: number, d: number, h: number, nTrain: number, withTest: boolean): number;
}

const rows = (p: number, nTrain: number, withTest: boolean) => withTest ? p * p : nTrain;

/**
 * The asm core's kernels in the order a step runs them (ids from core_asm/assembly/ids.ts).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { ASM_KERNELS, stepFlops } from "./flops.ts";
 * const sum = ASM_KERNELS.reduce((s, k) => s + k.flops(59, 128, 100, 2784, true), 0);
 * assertEquals(sum, stepFlops(59, 128, 100, 2784).total);
 * ```
 */
export const ASM_KERNELS: AsmKernelInfo[] = [
  {
    id: ids.K_LAYER0,
    name: "GEMM PA, PB = E·W0a + b0, E·W0b",
    gemm: true,
    flops: (p, d, h) => 4 * p * d * h,
  },
  { id: ids.K_LAYER1, name: "layer 1: PA[a] + PB[b], SiLU", gemm: false, flops: () => 0 },
  {
    id: ids.K_LAYER2,
    name: "GEMM z2 = H1·W1 + b1",
    gemm: true,
    flops: (p, _d, h, nt, t) => 2 * rows(p, nt, t) * h * h,
  },
  { id: ids.K_SILU2, name: "SiLU(z2)", gemm: false, flops: () => 0 },
  {
    id: ids.K_LOGITS,
    name: "GEMM logits = H2·W2 + b2",
    gemm: true,
    flops: (p, _d, h, nt, t) => 2 * rows(p, nt, t) * h * p,
  },
  {
    id: ids.K_SOFTMAX,
    name: "softmax cross-entropy (+ ∂logits, ∂b2)",
    gemm: false,
    flops: () => 0,
  },
  {
    id: ids.K_DW2,
    name: "GEMM ∂W2 += H2ᵀ·∂logits",
    gemm: true,
    flops: (p, _d, h, nt) => 2 * nt * h * p,
  },
  {
    id: ids.K_DZ2,
    name: "GEMM ∂z2 = ∂logits·W2ᵀ ⊙ SiLU′ (+ ∂b1)",
    gemm: true,
    flops: (p, _d, h, nt) => 2 * nt * h * p,
  },
  {
    id: ids.K_DW1,
    name: "GEMM ∂W1 += H1ᵀ·∂z2",
    gemm: true,
    flops: (_p, _d, h, nt) => 2 * nt * h * h,
  },
  {
    id: ids.K_DZ1,
    name: "GEMM ∂z1 = ∂z2·W1ᵀ ⊙ SiLU′ (into ∂PA[a], ∂PB[b])",
    gemm: true,
    flops: (_p, _d, h, nt) => 2 * nt * h * h,
  },
  {
    id: ids.K_LAYER0_GRAD,
    name: "GEMMs ∂W0a, ∂W0b, ∂E (+ ∂b0)",
    gemm: true,
    flops: (p, d, h) => 8 * p * d * h,
  },
  { id: ids.K_UPDATE, name: "AdamW (the optimiser's update)", gemm: false, flops: () => 0 },
  { id: ids.K_TRANSPOSES, name: "weight transposes", gemm: false, flops: () => 0 },
];
