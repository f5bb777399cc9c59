/**
 * The op-level WebGPU backend ("tfjs"): the same training step built from
 * @tensorflow/tfjs-backend-webgpu ops with tfjs autodiff, B trials at once (batched matMul and
 * gather over the trial axis). It is the authors' model as written — concat(E_a, E_b) through
 * three Linear layers, no factorisation — so it checks the hand-written gradients of the other
 * backends independently, and it is the baseline the fused kernels must beat.
 *
 * Working around tfjs under Deno, in the open: gradients register only when the union package
 * `@tensorflow/tfjs` is imported (core alone has none, so `tf.grad` of `gather` fails), so this
 * module imports the union package and then the WebGPU backend; the optimisers (AdamW, Adam, SGD
 * of protocol/optimizer.ts, per trial) are written in tfjs ops because `tf.train.adam` has no
 * decoupled weight decay.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {
  type BatchKernel,
  checkBatch,
  type KernelOptions,
  type TrialStart,
} from "../backends/contract.ts";
import { paramLayout, part } from "../protocol/layout.ts";
import { pairRows } from "../protocol/task.ts";
import { ADAM, adamStepScalars, optimizerSettings } from "../protocol/optimizer.ts";
import { recordLayout } from "../protocol/records.ts";
import { dftMatrix } from "../analysis/fourier.ts";

let ready: Promise<void> | undefined;

/** Select tfjs's WebGPU backend once (throws when there is no adapter). */
export function tfjsReady(): Promise<void> {
  ready ??= (async () => {
    if (!(await tf.setBackend("webgpu"))) {
      throw new Error("tfjs: the webgpu backend could not start (no adapter?)");
    }
    await tf.ready();
  })();
  return ready;
}

/** Release tfjs's WebGPU backend and its device. */
export function releaseTfjs(): void {
  if (ready) tf.removeBackend("webgpu");
  ready = undefined;
}

/**
 * A kernel training a batch of trials of equal shape with tfjs ops on WebGPU, one step per call
 * of `run`'s loop (each step reads its records back).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * const k = await createTfjsKernel(specs);
 * ```
 */
export async function createTfjsKernel(
  specs: TrialStart[],
  opts: KernelOptions = {},
): Promise<BatchKernel> {
  await tfjsReady();
  const c0 = checkBatch(specs, "tfjs");
  const { p, d, hidden: H } = c0;
  const NT = specs[0].trainIds.length;
  const B = specs.length, R = p * p;
  const L = paramLayout(p, d, H);
  const stack = (span: [number, number], shape: number[]) =>
    tf.variable(
      tf.tensor(specs.flatMap((s) => Array.from(part(s.params, span))), [B, ...shape], "float32"),
    );
  const vars = {
    E: stack(L.embedding, [p, d]),
    W0: stack(L.w0, [H, 2 * d]),
    b0: stack(L.b0, [1, H]),
    W1: stack(L.w1, [H, H]),
    b1: stack(L.b1, [1, H]),
    W2: stack(L.w2, [p, H]),
    b2: stack(L.b2, [1, p]),
  };
  const names = Object.keys(vars) as (keyof typeof vars)[];
  const m1 = Object.fromEntries(names.map((n) => [n, tf.zerosLike(vars[n])])) as Record<
    string,
    tf.Tensor
  >;
  const m2 = Object.fromEntries(names.map((n) => [n, tf.zerosLike(vars[n])])) as Record<
    string,
    tf.Tensor
  >;
  // rows: train first (drawing order), then the sorted test pairs
  const rows = specs.map((s) => pairRows(p, s.trainIds));
  const table = (f: (r: (typeof rows)[0]) => Int32Array) =>
    tf.tensor2d(rows.map((r) => Array.from(f(r))), [B, R], "int32");
  const ia = table((r) => r.a), ib = table((r) => r.b), labels = table((r) => r.label);
  const onehot = tf.oneHot(labels, p);
  const trainMask = tf.tensor2d(
    specs.map(() => Array.from({ length: R }, (_, r) => (r < NT ? 1 : 0))),
    [B, R],
  );
  const testMask = tf.sub(1, trainMask);
  // per trial [B, 1, 1]: each trial's optimiser (protocol/optimizer.ts) as coefficients of
  // g' = g + l2·θ, m = a·m + c·g', θ ← decay·θ − lr·(adam·stepSize·m/(√v/bc2 + ε) + sgd·m)
  const opt = specs.map((s) => optimizerSettings(s.config));
  const perTrial = (f: (o: (typeof opt)[0]) => number) =>
    tf.tensor3d(opt.map((o) => [[f(o)]]), [B, 1, 1]);
  const lr = perTrial((o) => o.lr);
  const decayed = perTrial((o) => (o.name === "adamw" ? o.lr * o.wd : 0));
  const l2 = perTrial((o) => (o.name === "adamw" ? 0 : o.wd));
  const mA = perTrial((o) => (o.name === "sgd" ? o.momentum : o.beta1));
  const mC = perTrial((o) => (o.name === "sgd" ? 1 : 1 - o.beta1));
  const isAdam = perTrial((o) => (o.name === "sgd" ? 0 : 1));
  const learnE = tf.tensor3d(specs.map((s) => [[s.config.freezeEmbedding ? 0 : 1]]), [B, 1, 1]);
  // DFT matrices for the signals: F = (C − iS)·E
  const dft = dftMatrix(p);
  const C = tf.tensor2d(Float32Array.from(dft.cos), [p, p]);
  const S = tf.tensor2d(Float32Array.from(dft.sin), [p, p]);
  const norms = (X: tf.Tensor) =>
    tf.tidy(() => {
      const re = tf.matMul(tf.broadcastTo(C, [B, p, p]), X),
        im = tf.matMul(tf.broadcastTo(S, [B, p, p]), X);
      return tf.sqrt(tf.sum(tf.add(tf.square(re), tf.square(im)), 2));
    });

  const forward = () => {
    const x = tf.concat([tf.gather(vars.E, ia, 1, 1), tf.gather(vars.E, ib, 1, 1)], 2);
    const silu = (z: tf.Tensor) => tf.mul(z, tf.sigmoid(z));
    const h1 = silu(tf.add(tf.matMul(x, vars.W0, false, true), vars.b0));
    const h2 = silu(tf.add(tf.matMul(h1, vars.W1, false, true), vars.b1));
    const logits = tf.add(tf.matMul(h2, vars.W2, false, true), vars.b2);
    const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), 2)); // [B, R]
    const ok = tf.cast(tf.equal(tf.argMax(logits, 2), labels), "float32");
    return { ce, ok };
  };

  const { beta2, eps } = ADAM;
  const layout = recordLayout(p, opts.gradSignals ?? false);
  let t = 0;
  const step = async (out: Float64Array, at: number) => {
    const stats = tf.tidy(() => {
      let parts: { ce: tf.Tensor; ok: tf.Tensor } | undefined;
      const { grads } = tf.variableGrads(() => {
        // variableGrads disposes what its function makes: keep the per-row losses and hits
        const fw = forward();
        parts = { ce: tf.keep(fw.ce), ok: tf.keep(fw.ok) };
        return tf.sum(tf.div(tf.sum(tf.mul(fw.ce, trainMask), 1), NT)) as tf.Scalar;
      });
      const { ce, ok } = parts!;
      const { stepSize, bc2Sqrt } = adamStepScalars(t + 1, 1); // lr is per trial
      for (const n of names) {
        const mask = n === "E" ? learnE : tf.onesLike(learnE);
        const g = tf.add(grads[vars[n].name], tf.mul(l2, vars[n]));
        const m = tf.add(tf.mul(m1[n], mA), tf.mul(g, mC));
        const v = tf.add(tf.mul(m2[n], beta2), tf.mul(tf.square(g), 1 - beta2));
        const shrunk = tf.mul(vars[n], tf.sub(1, tf.mul(decayed, mask)));
        const adam = tf.mul(
          tf.mul(isAdam, stepSize),
          tf.div(m, tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps)),
        );
        const sgd = tf.mul(tf.sub(1, isAdam), m);
        const stepT = tf.mul(tf.mul(lr, mask), tf.add(adam, sgd));
        vars[n].assign(tf.sub(shrunk, stepT));
        tf.dispose([m1[n], m2[n]]);
        m1[n] = tf.keep(m);
        m2[n] = tf.keep(v);
      }
      const sq = names.map((n) => tf.sum(tf.square(vars[n]), [1, 2])).reduce((a, b) =>
        tf.add(a, b)
      );
      // the record layout's fields in order: train/test loss, train/test accuracy, norm
      const cols = [
        tf.div(tf.sum(tf.mul(ce, trainMask), 1), NT),
        tf.div(tf.sum(tf.mul(ce, testMask), 1), R - NT),
        tf.div(tf.sum(tf.mul(ok, trainMask), 1), NT),
        tf.div(tf.sum(tf.mul(ok, testMask), 1), R - NT),
        tf.sqrt(sq),
      ].map((c) => tf.reshape(c, [B, 1]));
      const sig = norms(vars.E);
      const extra = opts.gradSignals ? [norms(grads[vars.E.name])] : [];
      const rec = tf.concat([...cols, sig, ...extra], 1);
      tf.dispose([ce, ok]);
      return rec;
    });
    const row = await stats.data();
    stats.dispose();
    for (let i = 0; i < B * layout.width; i++) out[at + i] = row[i];
    t++;
  };
  const spans = [L.embedding, L.w0, L.b0, L.w1, L.b1, L.w2, L.b2];
  return {
    batch: B,
    chunk: 1,
    async run(n, out) {
      for (let c = 0; c < n; c++) await step(out, c * B * layout.width);
    },
    async params(b) {
      const flat = await Promise.all(names.map((n) => vars[n].data()));
      const out = new Float64Array(L.total);
      names.forEach((_, i) => {
        const len = spans[i][1];
        out.set(flat[i].subarray(b * len, (b + 1) * len), spans[i][0]);
      });
      return out;
    },
    dispose() {
      tf.dispose([
        ...Object.values(vars),
        ...Object.values(m1),
        ...Object.values(m2),
        ia,
        ib,
        labels,
        onehot,
        trainMask,
        testMask,
        lr,
        decayed,
        l2,
        mA,
        mC,
        isAdam,
        learnE,
        C,
        S,
      ]);
    },
  };
}
