/**
 * The task: a + b mod p over all p² ordered pairs, pair n = (a = n mod p, b = ⌊n/p⌋), and the
 * authors' train/test split (numpy's legacy `choice(p², int(0.8·p²), replace=False)` after
 * `np.random.seed(seed)`; the test set is the sorted rest).
 *
 * @module
 */
import { NumpyRandomState } from "../rng/numpy.ts";

/**
 * The operands and label of pair `n`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { pair } from "./task.ts";
 * assertEquals(pair(61, 59), { a: 2, b: 1, label: 3 });
 * ```
 */
export function pair(n: number, p: number): { a: number; b: number; label: number } {
  const a = n % p, b = Math.floor(n / p);
  return { a, b, label: (a + b) % p };
}

/** The number of training pairs, `int(fraction · p²)`. */
export function trainCount(p: number, fraction = 0.8): number {
  return Math.trunc(p * p * fraction);
}

/**
 * The authors' training ids for `seed`, in drawing order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { splitTrainIds } from "./task.ts";
 * assertEquals(splitTrainIds(59, 0).length, 2784);
 * ```
 */
export function splitTrainIds(p: number, seed: number, fraction = 0.8): Int32Array {
  return new NumpyRandomState(seed).choice(p * p, trainCount(p, fraction));
}

/**
 * The test ids: every pair not in `trainIds`, ascending. Throws on an id out of range or repeated.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { testIdsFor } from "./task.ts";
 * assertEquals(testIdsFor(3, Int32Array.from([0, 1, 2, 3, 4, 5, 6])), [7, 8]);
 * ```
 */
export function testIdsFor(p: number, trainIds: ArrayLike<number>): Int32Array {
  const seen = new Uint8Array(p * p);
  for (let i = 0; i < trainIds.length; i++) {
    const id = trainIds[i];
    if (!Number.isInteger(id) || id < 0 || id >= p * p) {
      throw new RangeError(`train id ${id}: allowed are integers 0..${p * p - 1} for p = ${p}`);
    }
    if (seen[id]) throw new RangeError(`train id ${id} appears twice: ids must be distinct`);
    seen[id] = 1;
  }
  const out: number[] = [];
  for (let n = 0; n < p * p; n++) if (!seen[n]) out.push(n);
  return Int32Array.from(out);
}

/** Every pair as rows of operands and labels: the training pairs first (drawing order), then the
 * test pairs (ascending). */
export interface PairRows {
  a: Int32Array;
  b: Int32Array;
  label: Int32Array;
  /** The number of training rows (the first ones). */
  nTrain: number;
}

/**
 * The pair table every backend trains on: one row per pair, train rows first.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { pairRows } from "./task.ts";
 * const r = pairRows(3, Int32Array.from([4, 0, 1, 2, 3, 5, 6]));
 * assertEquals([r.a, r.label], [[1, 0, 1, 2, 0, 2, 0, 1, 2], [2, 0, 1, 2, 1, 0, 2, 0, 1]]);
 * ```
 */
export function pairRows(p: number, trainIds: ArrayLike<number>): PairRows {
  const test = testIdsFor(p, trainIds);
  const R = p * p;
  const a = new Int32Array(R), b = new Int32Array(R), label = new Int32Array(R);
  let r = 0;
  for (const ids of [trainIds, test]) {
    for (let i = 0; i < ids.length; i++) {
      const q = pair(ids[i], p);
      [a[r], b[r], label[r]] = [q.a, q.b, q.label];
      r++;
    }
  }
  return { a, b, label, nTrain: trainIds.length };
}

/**
 * k⁻¹ mod p, or undefined when k has no inverse.
 *
 * @example
 * ```ts
 * import { modInverse } from "./task.ts";
 * if (modInverse(3, 7) !== 5 || modInverse(2, 4) !== undefined) throw new Error("inverse");
 * ```
 */
export function modInverse(k: number, p: number): number | undefined {
  for (let x = 1; x < p; x++) if ((k * x) % p === 1) return x;
  return undefined;
}
