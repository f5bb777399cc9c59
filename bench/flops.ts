/**
 * FLOPs of one training step with the factorised first layer (multiply-adds count 2), the
 * element-wise work excluded.
 *
 * @module
 */

/**
 * @example
 * ```ts
 * import { stepFlops } from "./flops.ts";
 * console.log((stepFlops(59, 128, 100, 2784).total / 1e9).toFixed(3)); // 0.297
 * ```
 */
export function stepFlops(p: number, d: number, h: number, nTrain: number) {
  const R = p * p;
  const forward = 2 * (2 * p * d * h) + 2 * R * h * h + 2 * R * h * p;
  const backward = 2 * nTrain * h * p * 2 + 2 * nTrain * h * h * 2 + 2 * (2 * d * h * p) +
    2 * (2 * p * h * d);
  return { forward, backward, total: forward + backward };
}
