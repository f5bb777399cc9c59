/**
 * Initial-embedding transforms the sweep figures use, as serialisable specifications: a trial
 * request carries the spec (so it is part of the store key) and the worker applies it to the
 * seed's initial parameters. Fig. 6M scales frequencies, Fig. 6R constructs embeddings with set
 * signals, Fig. 12 ablates frequencies.
 *
 * @module
 */
import { keepFrequencies, scaleFrequencies } from "../analysis/fourier.ts";
import type { TrialConfig } from "./config.ts";
import { TorchGenerator } from "../rng/torch.ts";

/** How to replace the initial embedding of a trial (a recipe, stored in the request). */
export type EmbeddingRecipe =
  /** Multiply F_k (and F_{p−k}) of the seed's embedding by `factor` (Fig. 6M). */
  | { kind: "scale"; ks: number[]; factor: number }
  /** Keep only `ks` (and conjugates) of the seed's embedding; DC zeroed unless `keepDC` (Fig. 12). */
  | { kind: "keep"; ks: number[]; keepDC?: boolean }
  /** Fig. 6R: random unit directions from `seed`, F_k real; signal `signals[i]` for `ks[i]`,
   * `floor` for every other k ≥ 1, DC 0. */
  | { kind: "construct"; seed: number; ks: number[]; signals: number[]; floor: number };

/**
 * The embedding of Fig. 6R's constructed initialisations: for each k = 1..⌊(p−1)/2⌋ a unit
 * direction u_k (normal draws from `seed`, normalised); F_k = F_{p−k} = (s_k/√2)·u_k... chosen so
 * that ‖F_k‖ = s_k exactly; E = real inverse DFT.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { constructEmbedding } from "./embedding.ts";
 * import { fourierNorms } from "../analysis/fourier.ts";
 * const E = constructEmbedding(7, 4, { seed: 0, ks: [2], signals: [80], floor: 1e-6 });
 * assertAlmostEquals(fourierNorms(E, 7, 4)[2], 80, 5e-7);
 * ```
 */
export function constructEmbedding(
  p: number,
  d: number,
  spec: { seed: number; ks: number[]; signals: number[]; floor: number },
): Float64Array {
  const g = new TorchGenerator(spec.seed);
  const half = Math.floor((p - 1) / 2);
  const E = new Float64Array(p * d);
  for (let k = 1; k <= half; k++) {
    const u = g.normal(d);
    const norm = Math.hypot(...u);
    const i = spec.ks.indexOf(k);
    const s = i >= 0 ? spec.signals[i] : spec.floor;
    // F_k = F_{p−k} = s·u (real): E_n = (2/p)·s·u·cos(2πkn/p) has ‖F_k‖ = s
    for (let n = 0; n < p; n++) {
      const c = (2 / p) * s * Math.cos((2 * Math.PI * ((k * n) % p)) / p) / norm;
      for (let j = 0; j < d; j++) E[n * d + j] += c * u[j];
    }
  }
  return E;
}

/**
 * Apply a spec to the fused initial parameters (in place) and return them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { applyEmbedding } from "./embedding.ts";
 * import { fourierNorms } from "../analysis/fourier.ts";
 * import { makeConfig } from "./config.ts";
 * import { initialTrial } from "./init.ts";
 * const config = makeConfig({ p: 7, d: 4, hidden: 8 });
 * const { params } = initialTrial(config);
 * applyEmbedding({ kind: "keep", ks: [1] }, config, params);
 * // only F_1 and its conjugate F_6 are left in the embedding (the first p·d parameters)
 * const s = fourierNorms(params.subarray(0, 7 * 4), 7, 4);
 * assertEquals(Array.from(s, (v) => (v > 1e-9 ? 1 : 0)), [0, 1, 0, 0, 0, 0, 1]);
 * ```
 */
export function applyEmbedding(
  spec: EmbeddingRecipe,
  config: TrialConfig,
  params: Float64Array,
): Float64Array {
  const { p, d } = config;
  const E = params.subarray(0, p * d);
  let out: Float64Array;
  switch (spec.kind) {
    case "scale":
      out = scaleFrequencies(E, p, d, spec.ks, spec.factor);
      break;
    case "keep":
      out = keepFrequencies(E, p, d, spec.ks, { keepDC: spec.keepDC ?? false });
      break;
    case "construct":
      out = constructEmbedding(p, d, spec);
      break;
  }
  E.set(out);
  return params;
}
