/**
 * The readable float64 reference of the model and its training step, micrograd-sized: the
 * network exactly as the authors wrote it (concat(E_a, E_b) → Linear → SiLU → Linear → SiLU →
 * Linear, mean cross-entropy) with hand-written backward passes and PyTorch's optimisers (AdamW, Adam, SGD). It uses no
 * factorisation and no SIMD, so it is an independent oracle for the fast backends; its gradients
 * are checked against finite differences in `reference_test.ts`.
 *
 * @module
 */
import { type ParamLayout, paramLayout, part } from "../protocol/layout.ts";
import { testIdsFor } from "../protocol/task.ts";
import {
  type Backend,
  checkBatch,
  singleTrialKernel,
  type StepStats,
  type TrainingKernel,
  type TrialStart,
} from "./contract.ts";
import { fourierNorms } from "../analysis/fourier.ts";
import { type OptimizerSettings, optimizerSettings, stepScalars } from "../protocol/optimizer.ts";
import { registerBackend } from "./registry.ts";

/** Loss, accuracy and (optionally) the gradient of the mean cross-entropy over `ids`. */
export interface LossAndGrad {
  /** The mean cross-entropy. */
  loss: number;
  /** The fraction predicted right. */
  acc: number;
  /** d loss / d params in the fused layout (only when asked). */
  grad?: Float64Array;
}

const silu = (z: number) => z / (1 + Math.exp(-z));
const siluPrime = (z: number) => {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 + z * (1 - s));
};

/**
 * Mean cross-entropy over the pairs `ids`, its accuracy and, with `withGrad`, its gradient.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { lossAndGrad } from "./reference.ts";
 * import { paramLayout } from "../protocol/layout.ts";
 * const L = paramLayout(3, 2, 4);
 * const r = lossAndGrad(new Float64Array(L.total), L, Int32Array.from([0, 1]), true);
 * assertEquals(r.loss.toFixed(4), "1.0986"); // = ln 3 with all-zero parameters
 * ```
 */
export function lossAndGrad(
  params: Float64Array,
  L: ParamLayout,
  ids: ArrayLike<number>,
  withGrad: boolean,
): LossAndGrad {
  const { p, d, hidden: h } = L;
  const E = part(params, L.embedding), W0 = part(params, L.w0), B0 = part(params, L.b0);
  const W1 = part(params, L.w1), B1 = part(params, L.b1);
  const W2 = part(params, L.w2), B2 = part(params, L.b2);
  const grad = withGrad ? new Float64Array(L.total) : undefined;
  const x = new Float64Array(2 * d), z1 = new Float64Array(h), h1 = new Float64Array(h);
  const z2 = new Float64Array(h), h2 = new Float64Array(h), logits = new Float64Array(p);
  const dz1 = new Float64Array(h), dz2 = new Float64Array(h), dlog = new Float64Array(p);
  let loss = 0, correct = 0;
  const n = ids.length;
  for (const id of Array.from(ids)) {
    const a = id % p, b = Math.floor(id / p), label = (a + b) % p;
    for (let i = 0; i < d; i++) {
      x[i] = E[a * d + i];
      x[d + i] = E[b * d + i];
    }
    for (let j = 0; j < h; j++) {
      let s = B0[j];
      for (let i = 0; i < 2 * d; i++) s += W0[j * 2 * d + i] * x[i];
      z1[j] = s;
      h1[j] = silu(s);
    }
    for (let j = 0; j < h; j++) {
      let s = B1[j];
      for (let i = 0; i < h; i++) s += W1[j * h + i] * h1[i];
      z2[j] = s;
      h2[j] = silu(s);
    }
    let max = -Infinity, arg = 0;
    for (let k = 0; k < p; k++) {
      let s = B2[k];
      for (let i = 0; i < h; i++) s += W2[k * h + i] * h2[i];
      logits[k] = s;
      if (s > max) [max, arg] = [s, k];
    }
    let sum = 0;
    for (let k = 0; k < p; k++) sum += Math.exp(logits[k] - max);
    loss += Math.log(sum) + max - logits[label];
    if (arg === label) correct++;
    if (!grad) continue;
    // Backward of the mean: d loss/d logits = (softmax − onehot) / n.
    for (let k = 0; k < p; k++) {
      dlog[k] = (Math.exp(logits[k] - max) / sum - (k === label ? 1 : 0)) / n;
    }
    const gW2 = part(grad, L.w2), gB2 = part(grad, L.b2);
    dz2.fill(0);
    for (let k = 0; k < p; k++) {
      gB2[k] += dlog[k];
      for (let i = 0; i < h; i++) {
        gW2[k * h + i] += dlog[k] * h2[i];
        dz2[i] += dlog[k] * W2[k * h + i];
      }
    }
    for (let i = 0; i < h; i++) dz2[i] *= siluPrime(z2[i]);
    const gW1 = part(grad, L.w1), gB1 = part(grad, L.b1);
    dz1.fill(0);
    for (let j = 0; j < h; j++) {
      gB1[j] += dz2[j];
      for (let i = 0; i < h; i++) {
        gW1[j * h + i] += dz2[j] * h1[i];
        dz1[i] += dz2[j] * W1[j * h + i];
      }
    }
    for (let i = 0; i < h; i++) dz1[i] *= siluPrime(z1[i]);
    const gW0 = part(grad, L.w0), gB0 = part(grad, L.b0), gE = part(grad, L.embedding);
    for (let j = 0; j < h; j++) {
      gB0[j] += dz1[j];
      for (let i = 0; i < 2 * d; i++) gW0[j * 2 * d + i] += dz1[j] * x[i];
      for (let i = 0; i < d; i++) {
        gE[a * d + i] += dz1[j] * W0[j * 2 * d + i];
        gE[b * d + i] += dz1[j] * W0[j * 2 * d + d + i];
      }
    }
  }
  return { loss: loss / n, acc: correct / n, grad };
}

/**
 * PyTorch's optimiser state for one parameter vector — `torch.optim.AdamW`, `Adam` or `SGD`
 * (foreach=False, PyTorch 1.13's `_single_tensor_*` loops), as protocol/optimizer.ts specifies.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { Optimizer } from "./reference.ts";
 * import { optimizerSettings } from "../protocol/optimizer.ts";
 * const opt = new Optimizer(1, optimizerSettings({ optimizer: "sgd", lr: 0.1, wd: 0, momentum: 0.5 }));
 * const theta = Float64Array.of(1);
 * opt.t++;
 * opt.update(theta, Float64Array.of(2)); // b = 2, θ = 1 − 0.1·2
 * opt.t++;
 * opt.update(theta, Float64Array.of(2)); // b = 0.5·2 + 2 = 3, θ = 0.8 − 0.1·3
 * assertAlmostEquals(theta[0], 0.5, 5e-13);
 * ```
 */
export class Optimizer {
  /** Adam's first moment, or SGD's momentum buffer. */
  readonly m: Float64Array;
  /** Adam's second moment (unused by SGD). */
  readonly v: Float64Array;
  /** Steps taken (the caller increments it before each update, as PyTorch's `state_steps`). */
  t = 0;
  /** An optimiser's state for `size` parameters; `spec` names the optimiser and its constants. */
  constructor(size: number, readonly spec: OptimizerSettings) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** One update of `params[from, to)` (the whole vector when omitted). */
  update(params: Float64Array, grad: Float64Array, from = 0, to = params.length): void {
    const { m, v, spec } = this;
    const { name, lr, wd, beta1, beta2, eps, momentum } = spec;
    const { stepSize, bc2Sqrt } = stepScalars(spec, this.t);
    for (let i = from; i < to; i++) {
      let g = grad[i];
      if (name === "adamw") params[i] *= 1 - lr * wd;
      else g += wd * params[i];
      if (name === "sgd") {
        m[i] = m[i] * momentum + g;
        params[i] += -lr * m[i];
        continue;
      }
      m[i] = m[i] * beta1 + g * (1 - beta1);
      v[i] = v[i] * beta2 + g * g * (1 - beta2);
      params[i] += -stepSize * (m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps));
    }
  }
}

/** The reference kernel: float64, plain loops. Slow (seconds per step at p = 59). */
export class ReferenceKernel implements TrainingKernel {
  readonly #L: ParamLayout;
  readonly #params: Float64Array;
  readonly #train: Int32Array;
  readonly #test: Int32Array;
  readonly #opt: Optimizer;
  readonly #freeze: boolean;
  #lastGradE: Float64Array;

  /** A trial's float64 state from its configuration, initial parameters and split. */
  constructor(spec: TrialStart) {
    const c = spec.config;
    this.#L = paramLayout(c.p, c.d, c.hidden);
    this.#params = Float64Array.from(spec.params);
    this.#train = Int32Array.from(spec.trainIds);
    this.#test = testIdsFor(c.p, spec.trainIds);
    this.#opt = new Optimizer(this.#L.total, optimizerSettings(c));
    this.#freeze = c.freezeEmbedding;
    this.#lastGradE = new Float64Array(c.p * c.d);
  }

  step(withTest = true): StepStats {
    const tr = lossAndGrad(this.#params, this.#L, this.#train, true);
    const te = withTest ? lossAndGrad(this.#params, this.#L, this.#test, false) : tr;
    const g = tr.grad!;
    this.#lastGradE = Float64Array.from(part(g, this.#L.embedding));
    this.#opt.t++;
    const from = this.#freeze ? this.#L.w0[0] : 0;
    this.#opt.update(this.#params, g, from);
    return withTest
      ? { trainLoss: tr.loss, testLoss: te.loss, trainAcc: tr.acc, testAcc: te.acc }
      : { trainLoss: tr.loss, testLoss: NaN, trainAcc: tr.acc, testAcc: NaN };
  }
  signals(out: Float64Array): void {
    out.set(fourierNorms(part(this.#params, this.#L.embedding), this.#L.p, this.#L.d));
  }
  gradSignals(out: Float64Array): void {
    out.set(fourierNorms(this.#lastGradE, this.#L.p, this.#L.d));
  }
  params(): Float64Array {
    return Float64Array.from(this.#params);
  }
  paramNorm(): number {
    let s = 0;
    for (const v of this.#params) s += v * v;
    return Math.sqrt(s);
  }
  dispose(): void {}
}

/**
 * The float64 reference backend ("ref"): the oracle, one trial per kernel, on the CPU.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { referenceBackend } from "./reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 1 });
 * const k = await referenceBackend.create([{ config, ...initialTrial(config) }]);
 * const out = new Float64Array(10);
 * await k.run(1, out);
 * assert(out[0] > 0, `train loss ${out[0]}`);
 * ```
 */
export const referenceBackend: Backend = {
  name: "ref",
  summary: "float64 TypeScript, plain loops: the oracle (slow: seconds per step at p = 59)",
  caps: { device: "cpu", maxBatch: 1, gradSignals: true, precision: "f64" },
  probe: () => Promise.resolve(),
  create(specs, opts = {}) {
    const c = checkBatch(specs, "ref");
    if (specs.length !== 1) throw new Error(`the ref backend trains one trial per kernel`);
    return Promise.resolve(
      singleTrialKernel(new ReferenceKernel(specs[0]), c.p, opts.gradSignals ?? false),
    );
  },
};

registerBackend(referenceBackend);
