/**
 * Fourier analysis of an embedding over the token axis (numpy's unnormalised
 * `fft(E, axis=0)`): F_k = Σ_n exp(−2πi·k·n/p) E_n. A direct O(p²d) DFT in float64 for any p
 * (prime or not): p is small and usually prime, so a radix-2 FFT would not serve. Signals,
 * the survivor rules, circle planes and projections, and the two embedding surgeries the
 * figures use (keep a set of frequencies; scale chosen frequencies).
 *
 * Embeddings are (p, d) row-major `Float64Array`s.
 *
 * @module
 */

/** Complex DFT coefficients: `re` and `im`, each (p, d) row-major; row k is F_k. */
export interface Spectrum {
  /** The modulus (rows of the embedding). */
  p: number;
  /** The embedding dimension. */
  d: number;
  /** Re F_k, (p, d) row-major. */
  re: Float64Array;
  /** Im F_k, (p, d) row-major. */
  im: Float64Array;
}

/** A bad argument to an analysis function (one line). */
export class AnalysisError extends Error {
  /** The error's name. */
  override name = "AnalysisError";
}

function checkEmbedding(E: ArrayLike<number>, p: number, d: number): void {
  if (!Number.isInteger(p) || p < 3) throw new AnalysisError(`p ${p}: allowed is an integer >= 3`);
  if (!Number.isInteger(d) || d < 1) throw new AnalysisError(`d ${d}: allowed is an integer >= 1`);
  if (E.length !== p * d) {
    throw new AnalysisError(`embedding has ${E.length} values where p·d = ${p * d} are needed`);
  }
  for (let i = 0; i < E.length; i++) {
    if (!Number.isFinite(E[i])) {
      throw new AnalysisError(`embedding value [${Math.floor(i / d)}, ${i % d}] is ${E[i]}`);
    }
  }
}

/** cos and sin of 2π·j/p for j = 0..p−1 (index j·k mod p keeps large k exact). */
export function twiddles(p: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(p), sin = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / p);
    sin[j] = Math.sin((2 * Math.PI * j) / p);
  }
  return { cos, sin };
}

/**
 * The DFT as a p×p matrix pair, row k = cos / sin(2π·k·n/p) for n = 0..p−1 (F_k = C_k·E − i·S_k·E):
 * the one table the training backends compute signals with.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { dftMatrix } from "./fourier.ts";
 * const { cos } = dftMatrix(4);
 * assertEquals(Array.from(cos.subarray(4, 8)).map(Math.round), [1, 0, -1, 0]);
 * ```
 */
export function dftMatrix(p: number): { cos: Float64Array; sin: Float64Array } {
  const t = twiddles(p);
  const cos = new Float64Array(p * p), sin = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    for (let n = 0; n < p; n++) {
      const j = (k * n) % p;
      cos[k * p + n] = t.cos[j];
      sin[k * p + n] = t.sin[j];
    }
  }
  return { cos, sin };
}

/**
 * The DFT of an embedding over its token axis.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { dft } from "./fourier.ts";
 * const S = dft(Float64Array.from([1, 0, 0]), 3, 1); // a delta: every F_k = 1
 * assertEquals(Array.from(S.re), [1, 1, 1]);
 * ```
 */
export function dft(E: ArrayLike<number>, p: number, d: number): Spectrum {
  checkEmbedding(E, p, d);
  const { cos, sin } = twiddles(p);
  const re = new Float64Array(p * d), im = new Float64Array(p * d);
  for (let k = 0; k < p; k++) {
    for (let n = 0; n < p; n++) {
      const j = (k * n) % p, c = cos[j], s = -sin[j];
      for (let i = 0; i < d; i++) {
        const e = E[n * d + i];
        re[k * d + i] += c * e;
        im[k * d + i] += s * e;
      }
    }
  }
  return { p, d, re, im };
}

/**
 * The real part of the inverse DFT, E_n = (1/p) Σ_k F_k exp(2πi·k·n/p).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { dft, idftReal } from "./fourier.ts";
 * const E = Float64Array.from([1, 2, 3, 4, 5, 6]);
 * assertEquals(Array.from(idftReal(dft(E, 3, 2))).map(Math.round), [1, 2, 3, 4, 5, 6]);
 * ```
 */
export function idftReal(S: Spectrum): Float64Array {
  const { p, d, re, im } = S;
  const { cos, sin } = twiddles(p);
  const out = new Float64Array(p * d);
  for (let n = 0; n < p; n++) {
    for (let k = 0; k < p; k++) {
      const j = (k * n) % p, c = cos[j], s = sin[j];
      for (let i = 0; i < d; i++) out[n * d + i] += re[k * d + i] * c - im[k * d + i] * s;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= p;
  return out;
}

/**
 * The signals ‖F_k‖, k = 0..p−1 (the code's Euclidean norm; the text writes ‖F_k‖²).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { fourierNorms } from "./fourier.ts";
 * // A single token with a unit vector has |F_k| = 1 for every k.
 * const E = new Float64Array(5 * 2); E[0] = 1;
 * assertEquals(Array.from(fourierNorms(E, 5, 2)), [1, 1, 1, 1, 1]);
 * ```
 */
export function fourierNorms(E: ArrayLike<number>, p: number, d: number): Float64Array {
  return spectrumNorms(dft(E, p, d));
}

/** ‖F_k‖ of a spectrum. */
export function spectrumNorms(S: Spectrum): Float64Array {
  const out = new Float64Array(S.p);
  for (let k = 0; k < S.p; k++) {
    let s = 0;
    for (let i = 0; i < S.d; i++) s += S.re[k * S.d + i] ** 2 + S.im[k * S.d + i] ** 2;
    out[k] = Math.sqrt(s);
  }
  return out;
}

/**
 * The authors' surviving circles (docs/SPEC.md, code's rule): threshold = 2·mean(s) over all p
 * signals; n = ⌊#(s_k > threshold)/2⌋; sort k by signal descending and take min(row[2i],
 * row[2i+1]) for i < n. Frequency 0 can appear.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { survivingCircles } from "./fourier.ts";
 * assertEquals(survivingCircles(Float64Array.from([0, 1, 90, 1, 1, 90, 1])), [2]);
 * ```
 */
export function survivingCircles(signals: ArrayLike<number>): number[] {
  const s = Array.from(signals);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const above = s.filter((v) => v > 2 * mean).length;
  const n = Math.floor(above / 2);
  // numpy: argsort(s)[::-1]; ties between distinct k are measure-zero
  const order = s.map((v, k) => [v, k] as const).sort((x, y) => y[0] - x[0] || y[1] - x[1]);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.min(order[2 * i][1], order[2 * i + 1][1]));
  return out;
}

/**
 * Figure 7's rule: frequencies k = 1..⌊(p−1)/2⌋ whose signal exceeds `threshold` (10).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { survivorsAbove } from "./fourier.ts";
 * assertEquals(survivorsAbove([0, 50, 3, 3, 50]), [1]);
 * ```
 */
export function survivorsAbove(signals: ArrayLike<number>, threshold = 10): number[] {
  const out: number[] = [];
  for (let k = 1; k <= Math.floor((signals.length - 1) / 2); k++) {
    if (signals[k] > threshold) out.push(k);
  }
  return out;
}

/** The circle plane of k: Re F_k and Im F_k, each normalised to unit length (not orthogonalised). */
export function circlePlane(S: Spectrum, k: number): [Float64Array, Float64Array] {
  checkFrequency(k, S.p);
  const u = S.re.slice(k * S.d, (k + 1) * S.d), v = S.im.slice(k * S.d, (k + 1) * S.d);
  for (const w of [u, v]) {
    const n = Math.hypot(...w);
    if (n > 0) { for (let i = 0; i < w.length; i++) w[i] /= n; }
  }
  return [u, v];
}

/**
 * Coordinates of each token's embedding in a plane: (p, 2) row-major.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { projectOnto } from "./fourier.ts";
 * const E = Float64Array.from([1, 2, 3, 4, 5, 6]); // p = 3, d = 2
 * // onto the unit axes: the embedding itself
 * assertEquals(projectOnto(E, 3, 2, [Float64Array.from([1, 0]), Float64Array.from([0, 1])]), [1, 2, 3, 4, 5, 6]);
 * ```
 */
export function projectOnto(
  E: ArrayLike<number>,
  p: number,
  d: number,
  plane: [ArrayLike<number>, ArrayLike<number>],
): Float64Array {
  checkEmbedding(E, p, d);
  const out = new Float64Array(p * 2);
  for (let n = 0; n < p; n++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += E[n * d + i] * plane[c][i];
      out[n * 2 + c] = s;
    }
  }
  return out;
}

function checkFrequency(k: number, p: number): void {
  if (!Number.isInteger(k) || k < 0 || k >= p) {
    throw new AnalysisError(`frequency ${k}: allowed are integers 0..${p - 1}`);
  }
}

/**
 * Keep only the frequencies `ks` (and their conjugates p−k) of an embedding: FFT, zero the
 * rest, inverse FFT, real part. `keepDC` keeps F_0 as well (Fig. 8 keeps it; Fig. 12 zeroes it).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { keepFrequencies, fourierNorms } from "./fourier.ts";
 * const E = Float64Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i * i));
 * const s = fourierNorms(keepFrequencies(E, 7, 3, [2], { keepDC: false }), 7, 3);
 * assertEquals(s.map((v) => (v > 1e-9 ? 1 : 0)).join(""), "0010010");
 * ```
 */
export function keepFrequencies(
  E: ArrayLike<number>,
  p: number,
  d: number,
  ks: number[],
  { keepDC = true }: { keepDC?: boolean } = {},
): Float64Array {
  const S = dft(E, p, d);
  const keep = new Uint8Array(p);
  for (const k of ks) {
    checkFrequency(k, p);
    keep[k] = 1;
    keep[(p - k) % p] = 1;
  }
  keep[0] = keepDC || ks.includes(0) ? 1 : 0;
  for (let k = 0; k < p; k++) {
    if (keep[k]) continue;
    S.re.fill(0, k * d, (k + 1) * d);
    S.im.fill(0, k * d, (k + 1) * d);
  }
  return idftReal(S);
}

/**
 * Multiply the frequencies `ks` (and their conjugates) of an embedding by `factor`: FFT, scale,
 * inverse FFT, real part (Fig. 6M's perturbation).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { scaleFrequencies, fourierNorms } from "./fourier.ts";
 * const E = Float64Array.from({ length: 5 * 2 }, (_, i) => Math.cos(3 * i));
 * const before = fourierNorms(E, 5, 2)[1];
 * assertAlmostEquals(fourierNorms(scaleFrequencies(E, 5, 2, [1], 2), 5, 2)[1] / before, 2, 5e-7);
 * ```
 */
export function scaleFrequencies(
  E: ArrayLike<number>,
  p: number,
  d: number,
  ks: number[],
  factor: number,
): Float64Array {
  if (!Number.isFinite(factor)) {
    throw new AnalysisError(`factor ${factor}: allowed is a finite number`);
  }
  const S = dft(E, p, d);
  const done = new Set<number>();
  for (const k of ks) {
    checkFrequency(k, p);
    for (const kk of new Set([k, (p - k) % p])) {
      if (done.has(kk)) continue;
      done.add(kk);
      for (let i = 0; i < d; i++) {
        S.re[kk * d + i] *= factor;
        S.im[kk * d + i] *= factor;
      }
    }
  }
  return idftReal(S);
}
