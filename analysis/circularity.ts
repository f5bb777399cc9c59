/**
 * Circularity of a Fourier circle (eq. 5, appendix B), exactly as the authors' code computes it:
 * project the embedding on the normalised Re F_k and Im F_k directions; scale each projection to
 * unit norm and divide by √p; for each Δ with Δ·k ≡ ±1 (mod p), re-order tokens by t·Δ mod p
 * and score 2·|Σ_t x_{tΔ} e^{2πit/p}|²; average over the Δs; combine the two directions as their
 * quadratic mean. A perfect circle scores 1.
 *
 * @module
 */
import { AnalysisError, dft, type Spectrum } from "./fourier.ts";

function score(E: ArrayLike<number>, p: number, d: number, dir: Float64Array, k: number): number {
  const n = Math.hypot(...dir);
  const proj = new Float64Array(p);
  for (let t = 0; t < p; t++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += E[t * d + i] * (dir[i] / n);
    proj[t] = s;
  }
  const pn = Math.sqrt(proj.reduce((a, v) => a + v * v, 0));
  for (let t = 0; t < p; t++) proj[t] = proj[t] / pn / Math.sqrt(p);
  const deltas: number[] = [];
  for (let i = 0; i < p; i++) if ((i * k) % p === 1 || (i * k) % p === p - 1) deltas.push(i);
  if (deltas.length === 0) return NaN; // k not invertible mod p: the code divides by zero
  let tot = 0;
  for (const delta of deltas) {
    let re = 0, im = 0;
    for (let t = 0; t < p; t++) {
      const x = proj[(t * delta) % p], a = (2 * Math.PI * t) / p;
      re += x * Math.cos(a);
      im += x * Math.sin(a);
    }
    tot += (re * re + im * im) * 2;
  }
  return tot / deltas.length;
}

/**
 * Circularity of frequency k of a (p, d) embedding (NaN where k has no inverse mod p).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { circularity } from "./circularity.ts";
 * // tokens on a perfect circle of frequency 2 in the first two dimensions
 * const p = 7, E = new Float64Array(p * 3);
 * for (let n = 0; n < p; n++) { E[n * 3] = Math.cos(4 * Math.PI * n / p); E[n * 3 + 1] = Math.sin(4 * Math.PI * n / p); }
 * assertAlmostEquals(circularity(E, p, 3, 2), 1, 5e-7);
 * ```
 */
export function circularity(
  E: ArrayLike<number>,
  p: number,
  d: number,
  k: number,
  spectrum?: Spectrum,
): number {
  if (!Number.isInteger(k) || k < 1 || k >= p) {
    throw new AnalysisError(`frequency ${k}: allowed are integers 1..${p - 1}`);
  }
  const S = spectrum ?? dft(E, p, d);
  const re = S.re.slice(k * d, (k + 1) * d), im = S.im.slice(k * d, (k + 1) * d);
  return Math.hypot(score(E, p, d, re, k), score(E, p, d, im, k)) / Math.SQRT2;
}

/** Circularity of k = 1..⌊(p−1)/2⌋ (the code's range(1, (p+1)//2)). */
export function circularities(E: ArrayLike<number>, p: number, d: number): Float64Array {
  const S = dft(E, p, d);
  const out = new Float64Array(Math.floor((p - 1) / 2));
  for (let k = 1; k <= out.length; k++) out[k - 1] = circularity(E, p, d, k, S);
  return out;
}
