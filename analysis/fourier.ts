/**
 * Fourier signals of an embedding over the token axis (numpy's unnormalised
 * `fft(E, axis=0)`): F_k = Σ_n exp(−2πi·k·n/p) E_n, signal ‖F_k‖, and the surviving-circle rule.
 * A direct O(p²d) DFT in float64: p is usually prime and small, so no FFT is needed.
 *
 * @module
 */

/** cos and sin of 2π·j/p for j = 0..p−1, with j·k reduced mod p so large k stays exact. */
export function twiddles(p: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(p), sin = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / p);
    sin[j] = Math.sin((2 * Math.PI * j) / p);
  }
  return { cos, sin };
}

/**
 * The signals ‖F_k‖, k = 0..p−1, of a (p, d) row-major embedding.
 *
 * @example
 * ```ts
 * import { fourierNorms } from "./fourier.ts";
 * // A single token with a unit vector has |F_k| = 1 for every k.
 * const E = new Float64Array(5 * 2); E[0] = 1;
 * console.log(Array.from(fourierNorms(E, 5, 2))); // [1, 1, 1, 1, 1]
 * ```
 */
export function fourierNorms(E: ArrayLike<number>, p: number, d: number): Float64Array {
  const { cos, sin } = twiddles(p);
  const out = new Float64Array(p);
  const re = new Float64Array(d), im = new Float64Array(d);
  for (let k = 0; k < p; k++) {
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < p; n++) {
      const j = (k * n) % p, c = cos[j], s = -sin[j];
      for (let i = 0; i < d; i++) {
        const e = E[n * d + i];
        re[i] += c * e;
        im[i] += s * e;
      }
    }
    let s2 = 0;
    for (let i = 0; i < d; i++) s2 += re[i] * re[i] + im[i] * im[i];
    out[k] = Math.sqrt(s2);
  }
  return out;
}

/**
 * The authors' surviving circles (SPEC.md, code's rule): threshold = 2·mean(s) over all p
 * signals; n = ⌊#(s_k > threshold)/2⌋; sort k by signal descending and take min(row[2i],
 * row[2i+1]) for i < n. Frequency 0 can appear.
 *
 * @example
 * ```ts
 * import { survivingCircles } from "./fourier.ts";
 * console.log(survivingCircles(Float64Array.from([0, 1, 90, 1, 1, 90, 1]))); // [2]
 * ```
 */
export function survivingCircles(signals: ArrayLike<number>): number[] {
  const s = Array.from(signals);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const above = s.filter((v) => v > 2 * mean).length;
  const n = Math.floor(above / 2);
  // numpy argsort(-s) is a quicksort (not stable); ties between distinct k are measure-zero.
  const order = s.map((v, k) => [v, k] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.min(order[2 * i][1], order[2 * i + 1][1]));
  return out;
}
