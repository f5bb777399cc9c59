/**
 * The fused WebGPU backend: B trials of equal (p, d, width) trained together, one set of
 * kernels per step for the whole batch (gpu/shaders.ts), everything resident on the device, the
 * per-step records written to a ring on the device and read back every `chunk` steps. The first
 * layer is factorised as in the asm core (PA = E·W0aᵀ, PB = E·W0bᵀ, gathered per pair), and the
 * test forward shares the pass over all p² pairs.
 *
 * @module
 */
import {
  type BatchKernel,
  checkBatch,
  type KernelOptions,
  type TrialStart,
} from "../backends/contract.ts";
import { paramLayout } from "../protocol/layout.ts";
import { recordLayout } from "../protocol/records.ts";
import { testIdsFor } from "../protocol/task.ts";
import { adamStepScalars, optimizerSettings } from "../protocol/optimizer.ts";
import { dftMatrix } from "../analysis/fourier.ts";
import { gpuDevice, isSoftwareAdapter } from "./adapter.ts";
import { deviceBatchLimit, fusedBuffers, fusedBytes } from "./batch.ts";
import {
  ADAM,
  ADVANCE,
  GEMM_LANES,
  GEMM_TILED,
  gemmBlock,
  type GemmMode,
  gemmShader,
  LAYER1,
  RECORD,
  SCATTER,
  SOFTMAX,
} from "./shaders.ts";

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The compute pipeline of a WGSL module on a device, compiled once per device (a GEMM block's
 * generated code takes a while to compile on llvmpipe). */
function pipelineFor(device: GPUDevice, code: string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, cache = new Map());
  let pipeline = cache.get(code);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
    });
    cache.set(code, pipeline);
  }
  return pipeline;
}

/** Steps per submission and readback of the records ring, unless a kernel is told otherwise. */
export const DEFAULT_CHUNK = 200;

/** The device could not allocate a batch's buffers (nothing was trained). */
export class GpuOutOfMemory extends Error {
  override name = "GpuOutOfMemory";
}

const USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

/** Options of the fused kernel. */
export interface GpuTrainOptions extends KernelOptions {
  /** Steps per submission and readback (default {@linkcode DEFAULT_CHUNK}). */
  chunk?: number;
  /** The GEMM kernel: `lanes` (gemmShader: register blocks, for software adapters) or `tiled`
   * (GEMM_TILED: workgroup-memory tiles, for hardware GPUs); default by the adapter. Both give
   * the same sums bit for bit. */
  gemm?: "lanes" | "tiled";
}

/** One dispatch of a step: its kernel's name (for profiles), pipeline, bindings and grid. */
export interface FusedPass {
  name: string;
  /** Floating-point operations of the dispatch (GEMMs: 2·M·N·K per trial), for profiles. */
  flops?: number;
  pipeline: GPUComputePipeline;
  bind: GPUBindGroup;
  groups: [number, number, number];
}

/** A batch's step on the device: buffers uploaded, pipelines and bind groups made. */
export interface FusedStep {
  device: GPUDevice;
  /** The dispatches of one step, in order (the last advances the device's step counter). */
  passes: FusedPass[];
  /** Steps per submission (the records ring holds that many). */
  chunk: number;
  /** Floats per trial and step in the records ring. */
  width: number;
  /** Parameters per trial. */
  paramsPerTrial: number;
  /** The parameters, the records ring and its host-readable copy. */
  buffers: { params: GPUBuffer; ring: GPUBuffer; read: GPUBuffer };
  /** Make the next `n` ≤ `chunk` encoded steps the optimizer's steps start+1..start+n: their
   * Adam bias corrections, records from row 0 of the ring. */
  begin(start: number, n: number): void;
  /** Encode `n` steps into `enc` (one compute pass per step). */
  encode(enc: GPUCommandEncoder, n: number): void;
  /** Free every buffer. */
  destroy(): void;
}

/**
 * Upload a batch of trials of equal shape and build its step: the kernels of gpu/shaders.ts with
 * their bindings, in order. {@linkcode trainBatchGpu} runs it; `bench/gpu_profile.ts` times its
 * passes one by one.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * const step = await buildFusedStep(specs, { chunk: 10 });
 * if (step.passes.length === 0) throw new Error("a step is a sequence of named passes");
 * step.destroy();
 * ```
 */
export async function buildFusedStep(
  specs: TrialStart[],
  opts: Pick<GpuTrainOptions, "gradSignals" | "chunk" | "gemm"> = {},
): Promise<FusedStep> {
  const c0 = checkBatch(specs, "GPU");
  const { p, d, hidden: H } = c0;
  const steps = c0.steps;
  const NT = specs[0].trainIds.length;
  const { device, adapter } = await gpuDevice();
  const kernel = opts.gemm ?? (isSoftwareAdapter(adapter) ? "lanes" : "tiled");
  const B = specs.length, R = p * p;
  const L = paramLayout(p, d, H);
  const TP = L.total;
  const gradSig = opts.gradSignals ? 1 : 0;
  const width = recordLayout(p, gradSig === 1).width;
  const chunk = Math.max(1, Math.min(opts.chunk ?? DEFAULT_CHUNK, steps || 1));
  // every buffer's size, from the table the batch size is chosen by; checked against the
  // device's limits before anything is allocated
  const shape = { p, d, hidden: H, nTrain: NT, gradSignals: !!gradSig, chunk };
  const per = fusedBuffers(shape).perTrial;
  const most = deviceBatchLimit(shape, device.limits);
  if (B > most.batch) {
    throw new Error(
      `webgpu: ${B} trials of p ${p}, dim ${d}, hidden ${H} exceed the device's ${most.bound}: ` +
        `at most ${most.batch} per batch`,
    );
  }
  // a WebGPU validation error does not throw: it would leave every record zero. Catch the
  // building's errors here and say what the implementation refused.
  device.pushErrorScope("validation");
  device.pushErrorScope("out-of-memory");

  // every buffer of the step, freed by destroy()
  const owned: GPUBuffer[] = [];
  const make = (desc: GPUBufferDescriptor) => {
    const b = device.createBuffer(desc);
    owned.push(b);
    return b;
  };
  const buf = (size: number, usage = USAGE) => make({ size: Math.max(16, size * 4), usage });
  const upload = (data: Float32Array | Uint32Array, usage = USAGE) => {
    const b = make({ size: Math.max(16, data.byteLength), usage, mappedAtCreation: true });
    new (data.constructor as Float32ArrayConstructor)(b.getMappedRange()).set(data as Float32Array);
    b.unmap();
    return b;
  };

  // inputs
  const params0 = new Float32Array(B * TP);
  specs.forEach((s, b) => params0.set(s.params, b * TP));
  const rowPair = new Uint32Array(B * R);
  const offA = new Uint32Array(B * (p + 1)), offB = new Uint32Array(B * (p + 1));
  const rowsA = new Uint32Array(B * NT), rowsB = new Uint32Array(B * NT);
  specs.forEach((s, b) => {
    const test = testIdsFor(p, s.trainIds);
    rowPair.set(s.trainIds, b * R);
    rowPair.set(test, b * R + NT);
    for (
      const [off, rows, token] of [[offA, rowsA, (n: number) => n % p], [
        offB,
        rowsB,
        (n: number) => Math.floor(n / p),
      ]] as const
    ) {
      const count = new Uint32Array(p);
      for (let r = 0; r < NT; r++) count[token(s.trainIds[r])]++;
      let acc = 0;
      for (let t = 0; t < p; t++) {
        off[b * (p + 1) + t] = acc;
        acc += count[t];
      }
      off[b * (p + 1) + p] = acc;
      const fill = new Uint32Array(p);
      for (let r = 0; r < NT; r++) {
        const t = token(s.trainIds[r]);
        rows[b * NT + off[b * (p + 1) + t] + fill[t]++] = r;
      }
    }
  });
  // per trial: lr, wd, β₁, β₂, ε, freeze, kind, momentum (the ADAM kernel's Hyper struct)
  const hyper = new ArrayBuffer(B * 32);
  specs.forEach((s, b) => {
    const o = optimizerSettings(s.config);
    new Float32Array(hyper, b * 32, 8).set([o.lr, o.wd, o.beta1, o.beta2, o.eps, 0, 0, o.momentum]);
    new Uint32Array(hyper, b * 32 + 20, 2).set([s.config.freezeEmbedding ? 1 : 0, o.code]);
  });
  // the DFT matrix: row k = cos(2πkn/p), row p + k = −sin(2πkn/p), n = 0..p−1
  const table = dftMatrix(p);
  const dft = new Float32Array(2 * p * p);
  dft.set(table.cos);
  dft.set(table.sin.map((v) => -v), p * p);

  const shapes = new Uint32Array([
    B,
    p,
    d,
    H,
    R,
    NT,
    TP,
    width,
    ...[L.embedding, L.w0, L.b0, L.w1, L.b1, L.w2, L.b2].map((x) => x[0]),
    gradSig,
  ]);
  const uShapes = upload(shapes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const bParams = upload(params0), bGrad = buf(B * per.grad), bM = buf(B * per.m);
  const bV = buf(B * per.v);
  const bRowPair = upload(rowPair);
  const bOffA = upload(offA), bOffB = upload(offB), bRowsA = upload(rowsA), bRowsB = upload(rowsB);
  const bHyper = upload(new Float32Array(hyper));
  const bDft = upload(dft);
  const bF = buf(B * per.F), bFG = gradSig ? buf(B * per.FG) : bF;
  const bPA = buf(B * per.PA), bPB = buf(B * per.PB), bDPA = buf(B * per.DPA);
  const bDPB = buf(B * per.DPB);
  const bH1 = buf(B * per.H1), bG1 = buf(B * per.G1), bH2 = buf(B * per.H2);
  const bG2 = buf(B * per.G2);
  const bLG = buf(B * per.LG), bDZ2 = buf(B * per.DZ2), bDZ1 = buf(B * per.DZ1);
  const bLoss = buf(B * per.loss), bOk = buf(B * per.ok);
  const bCounter = buf(1);
  const bStep = buf(2 * chunk);
  const bRing = buf(B * per.ring);
  const bRead = make({
    size: B * per.read * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });

  const pipe = (code: string) => pipelineFor(device, code);
  const [pL1, pSm, pSc, pAd, pRec, pAdv] = [
    LAYER1,
    SOFTMAX,
    SCATTER,
    ADAM,
    RECORD,
    ADVANCE,
  ].map(pipe);
  const group = (pipeline: GPUComputePipeline, buffers: GPUBuffer[]) =>
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });

  const passes: FusedPass[] = [];
  const uniform = (data: Uint32Array) =>
    upload(data, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const wg = (n: number, s: number) => Math.ceil(n / s);
  // unused bias (read), G and S (read_write) bindings of the tiled kernel
  const dummy = buf(4), dummyW = buf(4), dummyS = buf(4);
  /** An operand: buffer, offset, per-trial stride, then the strides of its two indices. */
  type Operand = [GPUBuffer, number, number, number, number];
  /** A per-trial vector (bias, row sums): buffer, offset, per-trial stride. */
  type Vector = [GPUBuffer, number, number];
  const gemm = (
    g: { name: string; M: number; N: number; K: number; mode: GemmMode },
    x: { a: Operand; b: Operand; c: Operand; bias?: Vector; g?: Vector; rowSums?: Vector },
  ) => {
    const bias: Vector = x.bias ?? [dummy, 0, 0], gb: Vector = x.g ?? [dummyW, 0, 0];
    const rs = x.rowSums;
    // a writable binding may alias no other: row sums into C's buffer are written through C
    const sumsInC = !!rs && rs[0] === x.c[0];
    const sums: Vector = rs ? (sumsInC ? [dummyS, rs[1], rs[2]] : rs) : [dummyS, 0, 0];
    const block = kernel === "lanes" ? gemmBlock(g.M, g.N) : { rows: 64, cols: 64 / GEMM_LANES };
    const pGemm = pipe(
      kernel === "lanes"
        ? gemmShader({ ...block, mode: g.mode, rowSums: !!rs, sumsInC })
        : GEMM_TILED,
    );
    const u = uniform(
      new Uint32Array([
        ...[g.M, g.N, g.K, g.mode],
        ...x.a.slice(1) as number[],
        ...x.b.slice(1) as number[],
        ...x.c.slice(1) as number[],
        ...[bias[1], bias[2], gb[1], gb[2]],
        ...[sums[1], sums[2], rs ? (sumsInC ? 2 : 1) : 0, 0],
      ]),
    );
    const used = (binding: number) =>
      kernel === "tiled" || binding < 4 ||
      (binding === 4 && (g.mode === 2 || g.mode === 3)) ||
      (binding === 5 && (g.mode === 2 || g.mode === 4)) || (binding === 6 && !!rs && !sumsInC);
    passes.push({
      name: g.name,
      flops: 2 * g.M * g.N * g.K * B,
      pipeline: pGemm,
      bind: device.createBindGroup({
        layout: pGemm.getBindGroupLayout(0),
        entries: [u, x.a[0], x.b[0], x.c[0], bias[0], gb[0], sums[0]]
          .map((buffer, binding) => ({ binding, resource: { buffer } }))
          .filter(({ binding }) => used(binding)),
      }),
      groups: [wg(g.N, GEMM_LANES * block.cols), wg(g.M, block.rows), B],
    });
  };
  const twoD = 2 * d;
  const grad = (off: number, s1: number, s2: number): Operand => [bGrad, off, TP, s1, s2];
  const param = (off: number, s1: number, s2: number): Operand => [bParams, off, TP, s1, s2];
  const E = param(L.embedding[0], d, 1);
  // forward: PA = E·W0[:, :d]ᵀ, PB = E·W0[:, d:]ᵀ
  gemm({ name: "gemm PA = E·W0aᵀ", M: p, N: H, K: d, mode: 0 }, {
    a: E,
    b: param(L.w0[0], 1, twoD),
    c: [bPA, 0, p * H, H, 1],
  });
  gemm({ name: "gemm PB = E·W0bᵀ", M: p, N: H, K: d, mode: 0 }, {
    a: E,
    b: param(L.w0[0] + d, 1, twoD),
    c: [bPB, 0, p * H, H, 1],
  });
  passes.push({
    name: "layer 1 (gather, silu)",
    pipeline: pL1,
    bind: group(pL1, [uShapes, bParams, bPA, bPB, bRowPair, bH1, bG1]),
    groups: [wg(H, 64), R, B],
  });
  gemm({ name: "gemm layer 2 (silu)", M: R, N: H, K: H, mode: 2 }, {
    a: [bH1, 0, R * H, H, 1],
    b: param(L.w1[0], 1, H),
    c: [bH2, 0, R * H, H, 1],
    bias: [bParams, L.b1[0], TP],
    g: [bG2, 0, R * H],
  });
  gemm({ name: "gemm logits", M: R, N: p, K: H, mode: 3 }, {
    a: [bH2, 0, R * H, H, 1],
    b: param(L.w2[0], 1, H),
    c: [bLG, 0, R * p, p, 1],
    bias: [bParams, L.b2[0], TP],
  });
  passes.push({
    name: "softmax-CE",
    pipeline: pSm,
    bind: group(pSm, [uShapes, bRowPair, bLG, bLoss, bOk]),
    groups: [wg(R, 64), B, 1],
  });
  // backward; the bias gradients are the row sums of the weight gradients' first operands
  gemm({ name: "gemm ∂W2 (+ ∂b2)", M: p, N: H, K: NT, mode: 0 }, {
    a: [bLG, 0, R * p, 1, p],
    b: [bH2, 0, R * H, H, 1],
    c: grad(L.w2[0], H, 1),
    rowSums: [bGrad, L.b2[0], TP],
  });
  gemm({ name: "gemm ∂z2", M: NT, N: H, K: p, mode: 4 }, {
    a: [bLG, 0, R * p, p, 1],
    b: param(L.w2[0], H, 1),
    c: [bDZ2, 0, R * H, H, 1],
    g: [bG2, 0, R * H],
  });
  gemm({ name: "gemm ∂W1 (+ ∂b1)", M: H, N: H, K: NT, mode: 0 }, {
    a: [bDZ2, 0, R * H, 1, H],
    b: [bH1, 0, R * H, H, 1],
    c: grad(L.w1[0], H, 1),
    rowSums: [bGrad, L.b1[0], TP],
  });
  gemm({ name: "gemm ∂z1", M: NT, N: H, K: H, mode: 4 }, {
    a: [bDZ2, 0, R * H, H, 1],
    b: param(L.w1[0], H, 1),
    c: [bDZ1, 0, R * H, H, 1],
    g: [bG1, 0, R * H],
  });
  passes.push({
    name: "scatter ∂PA, ∂PB",
    pipeline: pSc,
    bind: group(pSc, [uShapes, bDZ1, bOffA, bRowsA, bOffB, bRowsB, bDPA, bDPB]),
    groups: [wg(H, 64), p, B],
  });
  // ∂b0 = Σ over the p token rows of ∂PA (every train pair once)
  gemm({ name: "gemm ∂W0a (+ ∂b0)", M: H, N: d, K: p, mode: 0 }, {
    a: [bDPA, 0, p * H, 1, H],
    b: E,
    c: grad(L.w0[0], twoD, 1),
    rowSums: [bGrad, L.b0[0], TP],
  });
  gemm({ name: "gemm ∂W0b", M: H, N: d, K: p, mode: 0 }, {
    a: [bDPB, 0, p * H, 1, H],
    b: E,
    c: grad(L.w0[0] + d, twoD, 1),
  });
  gemm({ name: "gemm ∂E (a)", M: p, N: d, K: H, mode: 0 }, {
    a: [bDPA, 0, p * H, H, 1],
    b: param(L.w0[0], twoD, 1),
    c: grad(L.embedding[0], d, 1),
  });
  gemm({ name: "gemm ∂E (b)", M: p, N: d, K: H, mode: 1 }, {
    a: [bDPB, 0, p * H, H, 1],
    b: param(L.w0[0] + d, twoD, 1),
    c: grad(L.embedding[0], d, 1),
  });
  passes.push({
    name: "optimizer",
    pipeline: pAd,
    bind: group(pAd, [uShapes, bHyper, bStep, bCounter, bGrad, bParams, bM, bV]),
    groups: [wg(TP, 256), B, 1],
  });
  // the DFT of the updated embedding (and of the step's gradient): F = T·E, 2p × d per trial
  gemm({ name: "gemm signals F = T·E", M: 2 * p, N: d, K: p, mode: 0 }, {
    a: [bDft, 0, 0, p, 1],
    b: E,
    c: [bF, 0, 2 * p * d, d, 1],
  });
  if (gradSig) {
    gemm({ name: "gemm signals of ∂E", M: 2 * p, N: d, K: p, mode: 0 }, {
      a: [bDft, 0, 0, p, 1],
      b: grad(L.embedding[0], d, 1),
      c: [bFG, 0, 2 * p * d, d, 1],
    });
  }
  passes.push({
    name: "records",
    pipeline: pRec,
    bind: group(pRec, [uShapes, bLoss, bOk, bParams, bF, bFG, bCounter, bRing]),
    groups: [B, 1, 1],
  });
  passes.push({
    name: "advance counter",
    pipeline: pAdv,
    bind: group(pAdv, [bCounter]),
    groups: [1, 1, 1],
  });

  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  const refused = invalid ?? oom;
  if (refused) {
    for (const b of owned) b.destroy();
    const why = refused.message.split("\n")[0];
    if (oom) {
      const gib = (fusedBytes(shape, B) / 2 ** 30).toFixed(2);
      throw new GpuOutOfMemory(
        `webgpu: ${adapter.info.description || "the adapter"} has no memory for ${B} trials ` +
          `of p ${p}, dim ${d} (${gib} GiB estimated; CIRCLE_SURVIVAL_GPU_MEMORY_GIB below it ` +
          `makes smaller batches): ${why}`,
      );
    }
    throw new Error(
      `webgpu: ${adapter.info.description || "the adapter"} refused the step's kernels: ${why}`,
    );
  }
  return {
    device,
    passes,
    chunk,
    width,
    paramsPerTrial: TP,
    buffers: { params: bParams, ring: bRing, read: bRead },
    begin(start, n) {
      const info = new Float32Array(2 * n);
      for (let c = 0; c < n; c++) {
        const { stepSize, bc2Sqrt } = adamStepScalars(start + c + 1, 1); // lr is per trial
        info[2 * c] = stepSize;
        info[2 * c + 1] = bc2Sqrt;
      }
      device.queue.writeBuffer(bStep, 0, info);
      device.queue.writeBuffer(bCounter, 0, new Uint32Array([0]));
    },
    encode(enc, n) {
      for (let c = 0; c < n; c++) {
        const pass = enc.beginComputePass();
        for (const ps of passes) {
          pass.setPipeline(ps.pipeline);
          pass.setBindGroup(0, ps.bind);
          pass.dispatchWorkgroups(...ps.groups);
        }
        pass.end();
      }
    },
    destroy() {
      for (const b of owned) b.destroy();
    },
  };
}

/**
 * The fused kernel of a batch: steps run on the device `chunk` at a time, their records read
 * back from the ring after each submission.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * const k = await createFusedKernel(specs, { gradSignals: true });
 * const out = new Float64Array(k.chunk * k.batch * (5 + 2 * p));
 * await k.run(k.chunk, out);
 * ```
 */
export async function createFusedKernel(
  specs: TrialStart[],
  opts: GpuTrainOptions = {},
): Promise<BatchKernel> {
  const step = await buildFusedStep(specs, opts);
  const { device, chunk, width, paramsPerTrial: TP } = step;
  const { params: bParams, ring: bRing, read: bRead } = step.buffers;
  const B = specs.length;
  let done = 0;
  return {
    batch: B,
    chunk,
    async run(n, out) {
      if (n > chunk) throw new Error(`run(${n}): at most ${chunk} steps per call`);
      step.begin(done, n);
      const first = done === 0;
      if (first) device.pushErrorScope("validation");
      const enc = device.createCommandEncoder();
      step.encode(enc, n);
      enc.copyBufferToBuffer(bRing, 0, bRead, 0, n * B * width * 4);
      device.queue.submit([enc.finish()]);
      const refused = first ? await device.popErrorScope() : null;
      if (refused) {
        throw new Error(`webgpu: the step was refused: ${refused.message.split("\n")[0]}`);
      }
      await bRead.mapAsync(GPUMapMode.READ, 0, n * B * width * 4);
      const ring = new Float32Array(bRead.getMappedRange(0, n * B * width * 4));
      for (let i = 0; i < n * B * width; i++) out[i] = ring[i];
      bRead.unmap();
      done += n;
    },
    async params(b) {
      const read = device.createBuffer({
        size: TP * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      try {
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(bParams, b * TP * 4, read, 0, TP * 4);
        device.queue.submit([enc.finish()]);
        await read.mapAsync(GPUMapMode.READ);
        return Float64Array.from(new Float32Array(read.getMappedRange()));
      } finally {
        read.destroy();
      }
    },
    dispose: () => step.destroy(),
  };
}
