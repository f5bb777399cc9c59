/**
 * PyTorch's CPU generator (ATen `CPUGeneratorImpl`, MT19937) and the two draws the authors' model
 * initialisation makes: `uniform_` on a float64 tensor (weights and biases of `nn.Linear`) and
 * `torch.normal(0, 1, size)` on a float64 tensor (the embedding). Reproduced bit for bit from
 * ATen's `uniform_real_distribution`, `normal_fill` and `normal_fill_16` (PyTorch 1.13–2.x).
 *
 * @module
 */
import { fma } from "./fma.ts";
import { MT19937 } from "./mt19937.ts";

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;

/**
 * A stand-in for `torch.Generator` on the CPU after `torch.manual_seed(seed)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { TorchGenerator } from "./torch.ts";
 * const g = new TorchGenerator(0);
 * const w = g.uniform(6, -0.5, 0.5); // as torch.empty(6, dtype=torch.float64).uniform_(-0.5, 0.5)
 * assertEquals(w.length, 6);
 * ```
 */
export class TorchGenerator {
  readonly #mt: MT19937;
  #nextNormal: number | null = null;

  /** A generator seeded as `torch.manual_seed(seed)`. */
  constructor(seed: number) {
    this.#mt = new MT19937(seed);
  }

  /** ATen `random64()`: two words, the first one the high half. Returns the low 53 bits as a
   * double in [0, 1) scaled by 2^-53, which is all a float64 `uniform_real_distribution` uses. */
  #uniform01(): number {
    const hi = this.#mt.nextU32();
    const lo = this.#mt.nextU32();
    // (hi << 32 | lo) & (2^53 - 1) = (hi & 0x1fffff) * 2^32 + lo, exact in a double.
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * TWO_POW_MINUS_53;
  }

  /** `tensor.uniform_(from, to)` on `n` contiguous float64 elements. */
  uniform(n: number, from: number, to: number): Float64Array {
    const out = new Float64Array(n);
    // x * (to - from) + from, contracted to one FMA by the compiler in ATen's x86-64 build.
    const width = to - from;
    for (let i = 0; i < n; i++) out[i] = fma(this.#uniform01(), width, from);
    return out;
  }

  /** `torch.normal(mean, std, size)` for a float64 tensor of `n` contiguous elements. */
  normal(n: number, mean = 0, std = 1): Float64Array {
    const data = new Float64Array(n);
    if (n < 16) {
      // ATen's serial path: `at::normal_distribution<double>`, Box–Muller with one cached value.
      for (let i = 0; i < n; i++) data[i] = this.#normalScalar() * std + mean;
      return data;
    }
    for (let i = 0; i < n; i++) data[i] = this.#uniform01();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16(data, i, mean, std);
    if (n % 16 !== 0) {
      // ATen recomputes the last 16 values from fresh uniforms.
      const start = n - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.#uniform01();
      normalFill16(data, start, mean, std);
    }
    return data;
  }

  #normalScalar(): number {
    if (this.#nextNormal !== null) {
      const v = this.#nextNormal;
      this.#nextNormal = null;
      return v;
    }
    const u1 = this.#uniform01();
    const u2 = this.#uniform01();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.#nextNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

function normalFill16(data: Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[at + j];
    const u2 = data[at + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[at + j] = radius * Math.cos(theta) * std + mean;
    data[at + j + 8] = radius * Math.sin(theta) * std + mean;
  }
}
