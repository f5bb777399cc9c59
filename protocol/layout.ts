/**
 * The authors' fused parameter vector: `torch.cat([q.flatten() for q in model.parameters()])`,
 * i.e. embedding (p, d), then Linear(2d,h) weight (h, 2d) and bias, Linear(h,h) weight and bias,
 * Linear(h,p) weight (p, h) and bias, PyTorch's (out, in) weight layout.
 *
 * @module
 */

/** Offsets and sizes of each parameter in the fused vector. */
export interface ParamLayout {
  /** The modulus. */
  p: number;
  /** The embedding dimension. */
  d: number;
  /** The width of both hidden layers. */
  hidden: number;
  /** [offset, length] of each tensor. */
  embedding: [number, number];
  /** [offset, length] of Linear(2d, h)'s weight (h, 2d). */
  w0: [number, number];
  /** [offset, length] of its bias. */
  b0: [number, number];
  /** [offset, length] of Linear(h, h)'s weight. */
  w1: [number, number];
  /** [offset, length] of its bias. */
  b1: [number, number];
  /** [offset, length] of Linear(h, p)'s weight (p, h). */
  w2: [number, number];
  /** [offset, length] of its bias. */
  b2: [number, number];
  /** Total number of parameters. */
  total: number;
}

/**
 * The layout for a model of modulus p, embedding dimension d and hidden width h.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { paramLayout } from "./layout.ts";
 * assertEquals(paramLayout(59, 128).total, 49311);
 * ```
 */
export function paramLayout(p: number, d: number, hidden = 100): ParamLayout {
  const sizes = [p * d, hidden * 2 * d, hidden, hidden * hidden, hidden, p * hidden, p];
  const spans: [number, number][] = [];
  let at = 0;
  for (const s of sizes) {
    spans.push([at, s]);
    at += s;
  }
  const [embedding, w0, b0, w1, b1, w2, b2] = spans;
  return { p, d, hidden, embedding, w0, b0, w1, b1, w2, b2, total: at };
}

/** A view of one tensor of the fused vector. */
export function part(params: Float64Array, span: [number, number]): Float64Array {
  return params.subarray(span[0], span[0] + span[1]);
}
