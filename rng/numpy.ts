/**
 * NumPy's legacy global generator (`np.random.seed(s)`, i.e. `RandomState` over MT19937) and the
 * one draw the authors' split makes: `np.random.choice(n, size, replace=False)`, which is the first
 * `size` entries of `permutation(n)`, a Fisher–Yates shuffle driven by `random_interval`.
 *
 * @module
 */
import { MT19937 } from "./mt19937.ts";

/**
 * A stand-in for `numpy.random.RandomState(seed)` (legacy seeding).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { NumpyRandomState } from "./numpy.ts";
 * const rs = new NumpyRandomState(0);
 * assertEquals(rs.choice(10, 3), [2, 8, 4]); // np.random.seed(0); np.random.choice(10, 3, replace=False)
 * ```
 */
export class NumpyRandomState {
  readonly #mt: MT19937;

  /** A generator seeded as `np.random.seed(seed)`. */
  constructor(seed: number) {
    this.#mt = new MT19937(seed);
  }

  /** `random_interval(max)`: a uniform integer in [0, max] by masked rejection (max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError(`interval max ${max}: allowed is at most 2^32 - 1`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.#mt.nextU32() & mask) >>> 0; while (value > max);
    return value;
  }

  /** `permutation(n)`: `arange(n)` shuffled in place from the last element down. */
  permutation(n: number): Int32Array {
    const arr = new Int32Array(n);
    for (let i = 0; i < n; i++) arr[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = arr[j];
      arr[j] = arr[i];
      arr[i] = t;
    }
    return arr;
  }

  /** `choice(n, size, replace=False)` without probabilities. */
  choice(n: number, size: number): Int32Array {
    if (size > n) {
      throw new RangeError(`choice size ${size}: allowed is at most the population ${n}`);
    }
    return this.permutation(n).slice(0, size);
  }
}
