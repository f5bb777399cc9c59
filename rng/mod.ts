/**
 * The generators the authors' runs drew from, draw for draw: PyTorch's CPU generator, NumPy's
 * legacy RandomState and the Mersenne Twister under both. Subpath export `./rng`.
 *
 * @example NumPy's `RandomState(0).permutation(5)`
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { NumpyRandomState } from "./mod.ts";
 * assertEquals([...new NumpyRandomState(0).permutation(5)], [2, 0, 1, 3, 4]);
 * ```
 *
 * @module
 */
export { MT19937 } from "./mt19937.ts";
export { TorchGenerator } from "./torch.ts";
export { NumpyRandomState } from "./numpy.ts";
