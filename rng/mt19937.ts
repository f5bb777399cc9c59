/**
 * The 32-bit Mersenne Twister (Matsumoto & Nishimura, 1998), seeded the way both PyTorch's CPU
 * generator (`torch.manual_seed`) and NumPy's legacy `RandomState.seed(int)` seed it
 * (`init_genrand`). Both libraries then draw from the same stream of 32-bit words; they differ
 * only in how they turn words into numbers, which `torch.ts` and `numpy.ts` reproduce.
 *
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/**
 * A MT19937 stream of unsigned 32-bit words.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { MT19937 } from "./mt19937.ts";
 * const mt = new MT19937(5489);
 * assertEquals(mt.nextU32(), 3499211612); // the reference first output for seed 5489
 * ```
 */
export class MT19937 {
  readonly #state = new Uint32Array(N);
  #index = N;

  /** Seeds with the low 32 bits of `seed` (`init_genrand`). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed ${seed}: allowed are integers 0..4294967295`);
    }
    const s = this.#state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  #twist(): void {
    const s = this.#state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER) | (s[(i + 1) % N] & LOWER);
      let v = s[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= MATRIX_A;
      s[i] = v >>> 0;
    }
    this.#index = 0;
  }

  /** The next tempered 32-bit word, as a non-negative number. */
  nextU32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#state[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
