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

/** A batch's sizes: the model's, the layout's, the records' and every buffer's per trial. */
interface BatchShape {
  /** Trials in the batch. */
  B: number;
  p: number;
  d: number;
  H: number;
  /** Pairs per trial (p²), train pairs first. */
  R: number;
  /** Train pairs per trial. */
  NT: number;
  L: ReturnType<typeof paramLayout>;
  /** Parameters per trial. */
  TP: number;
  /** 1 when the gradient's signals are recorded too. */
  gradSig: number;
  /** Floats per trial and step in the records ring. */
  width: number;
  chunk: number;
  /** The shape the buffer table (gpu/batch.ts) is read with. */
  table: Parameters<typeof fusedBuffers>[0];
  /** Floats per trial of every buffer. */
  per: ReturnType<typeof fusedBuffers>["perTrial"];
}

/** The batch's sizes (its trials checked to share a shape), every buffer's from the table the
 * batch size is chosen by. */
function batchShape(
  specs: TrialStart[],
  opts: Pick<GpuTrainOptions, "gradSignals" | "chunk">,
): BatchShape {
  const c0 = checkBatch(specs, "GPU");
  const { p, d, hidden: H } = c0;
  const steps = c0.steps;
  const NT = specs[0].trainIds.length;
  const B = specs.length, R = p * p;
  const L = paramLayout(p, d, H);
  const gradSig = opts.gradSignals ? 1 : 0;
  const width = recordLayout(p, gradSig === 1).width;
  const chunk = Math.max(1, Math.min(opts.chunk ?? DEFAULT_CHUNK, steps || 1));
  const table = { p, d, hidden: H, nTrain: NT, gradSignals: !!gradSig, chunk };
  const per = fusedBuffers(table).perTrial;
  return { B, p, d, H, R, NT, L, TP: L.total, gradSig, width, chunk, table, per };
}

/** Throw, before anything is allocated, if the batch's buffers exceed the device's limits. */
function checkFits({ B, p, d, H, table }: BatchShape, device: GPUDevice): void {
  const most = deviceBatchLimit(table, device.limits);
  if (B > most.batch) {
    throw new Error(
      `webgpu: ${B} trials of p ${p}, dim ${d}, hidden ${H} exceed the device's ${most.bound}: ` +
        `at most ${most.batch} per batch`,
    );
  }
}

/** The buffers of a device that a step owns (freed by its destroy()), and how it makes them. */
interface Allocator {
  owned: GPUBuffer[];
  make(desc: GPUBufferDescriptor): GPUBuffer;
  /** A zeroed buffer of `size` floats (at least 16 bytes). */
  buf(size: number, usage?: number): GPUBuffer;
  /** A buffer holding `data`. */
  upload(data: Float32Array | Uint32Array, usage?: number): GPUBuffer;
}

/** An allocator on `device` that remembers every buffer it made. */
function allocator(device: GPUDevice): Allocator {
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
  return { owned, make, buf, upload };
}

/** Per trial, the train rows of each token of the pair's first (a) or second (b) operand, as
 * offsets (p + 1 per trial) into a list of rows (NT per trial): the SCATTER kernel's index. */
function tokenRows(specs: TrialStart[], { p, NT }: BatchShape) {
  const B = specs.length;
  const offA = new Uint32Array(B * (p + 1)), offB = new Uint32Array(B * (p + 1));
  const rowsA = new Uint32Array(B * NT), rowsB = new Uint32Array(B * NT);
  specs.forEach((s, b) => {
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
  return { offA, offB, rowsA, rowsB };
}

/** The host-side inputs of a batch: parameters, pairs (train then test), the token index,
 * optimizer settings, the DFT matrix and the kernels' shapes uniform. */
function hostInputs(specs: TrialStart[], s: BatchShape) {
  const { B, p, d, H, R, NT, L, TP, width, gradSig } = s;
  const params0 = new Float32Array(B * TP);
  specs.forEach((t, b) => params0.set(t.params, b * TP));
  const rowPair = new Uint32Array(B * R);
  specs.forEach((t, b) => {
    rowPair.set(t.trainIds, b * R);
    rowPair.set(testIdsFor(p, t.trainIds), b * R + NT);
  });
  // per trial: lr, wd, β₁, β₂, ε, freeze, kind, momentum (the ADAM kernel's Hyper struct)
  const hyper = new ArrayBuffer(B * 32);
  specs.forEach((t, b) => {
    const o = optimizerSettings(t.config);
    new Float32Array(hyper, b * 32, 8).set([o.lr, o.wd, o.beta1, o.beta2, o.eps, 0, 0, o.momentum]);
    new Uint32Array(hyper, b * 32 + 20, 2).set([t.config.freezeEmbedding ? 1 : 0, o.code]);
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
  return { params0, rowPair, ...tokenRows(specs, s), hyper, dft, shapes };
}

/** The step's device buffers: the inputs uploaded, the activations, gradients, optimizer
 * moments, signals, records ring and its host-readable copy allocated. */
function deviceBuffers(alloc: Allocator, x: ReturnType<typeof hostInputs>, s: BatchShape) {
  const { buf, upload, make } = alloc;
  const { B, per, gradSig, chunk } = s;
  const uShapes = upload(x.shapes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const bParams = upload(x.params0), bGrad = buf(B * per.grad), bM = buf(B * per.m);
  const bV = buf(B * per.v);
  const bRowPair = upload(x.rowPair);
  const bOffA = upload(x.offA), bOffB = upload(x.offB);
  const bRowsA = upload(x.rowsA), bRowsB = upload(x.rowsB);
  const bHyper = upload(new Float32Array(x.hyper));
  const bDft = upload(x.dft);
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
  return {
    uShapes,
    bParams,
    bGrad,
    bM,
    bV,
    bRowPair,
    bOffA,
    bOffB,
    bRowsA,
    bRowsB,
    bHyper,
    bDft,
    bF,
    bFG,
    bPA,
    bPB,
    bDPA,
    bDPB,
    bH1,
    bG1,
    bH2,
    bG2,
    bLG,
    bDZ2,
    bDZ1,
    bLoss,
    bOk,
    bCounter,
    bStep,
    bRing,
    bRead,
  };
}

/** An operand: buffer, offset, per-trial stride, then the strides of its two indices. */
type Operand = [GPUBuffer, number, number, number, number];
/** A per-trial vector (bias, row sums): buffer, offset, per-trial stride. */
type Vector = [GPUBuffer, number, number];
/** A GEMM of a step: its name, sizes and mode, and its operands. */
type GemmPass = (
  g: { name: string; M: number; N: number; K: number; mode: GemmMode },
  x: { a: Operand; b: Operand; c: Operand; bias?: Vector; g?: Vector; rowSums?: Vector },
) => void;

/** The GEMM dispatch maker of a step: each call compiles (or reuses) the GEMM kernel of its
 * block, uploads its uniform and pushes its pass, bound to the bindings its mode uses. */
function gemmPasses(
  device: GPUDevice,
  alloc: Allocator,
  kernel: "lanes" | "tiled",
  B: number,
  passes: FusedPass[],
): GemmPass {
  const { buf, upload } = alloc;
  // unused bias (read), G and S (read_write) bindings of the tiled kernel
  const dummy = buf(4), dummyW = buf(4), dummyS = buf(4);
  return (g, x) => {
    const bias: Vector = x.bias ?? [dummy, 0, 0], gb: Vector = x.g ?? [dummyW, 0, 0];
    const rs = x.rowSums;
    // a writable binding may alias no other: row sums into C's buffer are written through C
    const sumsInC = !!rs && rs[0] === x.c[0];
    const sums: Vector = rs ? (sumsInC ? [dummyS, rs[1], rs[2]] : rs) : [dummyS, 0, 0];
    const block = kernel === "lanes" ? gemmBlock(g.M, g.N) : { rows: 64, cols: 64 / GEMM_LANES };
    const pGemm = pipelineFor(
      device,
      kernel === "lanes"
        ? gemmShader({ ...block, mode: g.mode, rowSums: !!rs, sumsInC })
        : GEMM_TILED,
    );
    const u = upload(
      new Uint32Array([
        ...[g.M, g.N, g.K, g.mode],
        ...x.a.slice(1) as number[],
        ...x.b.slice(1) as number[],
        ...x.c.slice(1) as number[],
        ...[bias[1], bias[2], gb[1], gb[2]],
        ...[sums[1], sums[2], rs ? (sumsInC ? 2 : 1) : 0, 0],
      ]),
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
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
}

/** Workgroups of size `s` that cover `n`. */
const wg = (n: number, s: number) => Math.ceil(n / s);

/** What the makers of a step's passes share: the sizes, the buffers, the fixed kernels'
 * pipelines, the pass list with its makers, and the parameter and gradient operands. */
interface StepParts {
  s: BatchShape;
  b: ReturnType<typeof deviceBuffers>;
  kernels: Record<"pL1" | "pSm" | "pSc" | "pAd" | "pRec" | "pAdv", GPUComputePipeline>;
  passes: FusedPass[];
  group(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup;
  gemm: GemmPass;
  /** A slice of the gradients: offset, then the strides of its two indices. */
  grad(off: number, s1: number, s2: number): Operand;
  /** A slice of the parameters: offset, then the strides of its two indices. */
  param(off: number, s1: number, s2: number): Operand;
  /** The embedding, p × d per trial. */
  E: Operand;
  /** The first layer's row stride (2d). */
  twoD: number;
}

/** The dispatches of one step, in order: forward, backward, then the optimizer, the signals,
 * the records and the counter's advance. */
function stepPasses(
  device: GPUDevice,
  alloc: Allocator,
  kernel: "lanes" | "tiled",
  s: BatchShape,
  b: ReturnType<typeof deviceBuffers>,
): FusedPass[] {
  const { B, d, L, TP } = s;
  const [pL1, pSm, pSc, pAd, pRec, pAdv] = [
    LAYER1,
    SOFTMAX,
    SCATTER,
    ADAM,
    RECORD,
    ADVANCE,
  ].map((code) => pipelineFor(device, code));
  const group = (pipeline: GPUComputePipeline, buffers: GPUBuffer[]) =>
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  const passes: FusedPass[] = [];
  const gemm = gemmPasses(device, alloc, kernel, B, passes);
  const param = (off: number, s1: number, s2: number): Operand => [b.bParams, off, TP, s1, s2];
  const x: StepParts = {
    s,
    b,
    kernels: { pL1, pSm, pSc, pAd, pRec, pAdv },
    passes,
    group,
    gemm,
    grad: (off, s1, s2) => [b.bGrad, off, TP, s1, s2],
    param,
    E: param(L.embedding[0], d, 1),
    twoD: 2 * d,
  };
  forwardPasses(x);
  backwardPasses(x);
  updatePasses(x);
  return passes;
}

/** The forward passes: the first layer factorised (PA, PB, gathered per pair), the second layer, the logits and the softmax cross-entropy. */
function forwardPasses(x: StepParts): void {
  const { passes, group, gemm, param, E, twoD, b } = x;
  const { B, p, d, H, R, L, TP } = x.s;
  const { pL1, pSm } = x.kernels;
  // forward: PA = E·W0[:, :d]ᵀ, PB = E·W0[:, d:]ᵀ
  gemm({ name: "gemm PA = E·W0aᵀ", M: p, N: H, K: d, mode: 0 }, {
    a: E,
    b: param(L.w0[0], 1, twoD),
    c: [b.bPA, 0, p * H, H, 1],
  });
  gemm({ name: "gemm PB = E·W0bᵀ", M: p, N: H, K: d, mode: 0 }, {
    a: E,
    b: param(L.w0[0] + d, 1, twoD),
    c: [b.bPB, 0, p * H, H, 1],
  });
  passes.push({
    name: "layer 1 (gather, silu)",
    pipeline: pL1,
    bind: group(pL1, [b.uShapes, b.bParams, b.bPA, b.bPB, b.bRowPair, b.bH1, b.bG1]),
    groups: [wg(H, 64), R, B],
  });
  gemm({ name: "gemm layer 2 (silu)", M: R, N: H, K: H, mode: 2 }, {
    a: [b.bH1, 0, R * H, H, 1],
    b: param(L.w1[0], 1, H),
    c: [b.bH2, 0, R * H, H, 1],
    bias: [b.bParams, L.b1[0], TP],
    g: [b.bG2, 0, R * H],
  });
  gemm({ name: "gemm logits", M: R, N: p, K: H, mode: 3 }, {
    a: [b.bH2, 0, R * H, H, 1],
    b: param(L.w2[0], 1, H),
    c: [b.bLG, 0, R * p, p, 1],
    bias: [b.bParams, L.b2[0], TP],
  });
  passes.push({
    name: "softmax-CE",
    pipeline: pSm,
    bind: group(pSm, [b.uShapes, b.bRowPair, b.bLG, b.bLoss, b.bOk]),
    groups: [wg(R, 64), B, 1],
  });
}

/** The backward passes: every weight's gradient (the biases' as row sums) down to the embedding's. */
function backwardPasses(x: StepParts): void {
  const { passes, group, gemm, grad, param, E, twoD, b } = x;
  const { B, p, d, H, R, NT, L, TP } = x.s;
  const { pSc } = x.kernels;
  // backward; the bias gradients are the row sums of the weight gradients' first operands
  gemm({ name: "gemm ∂W2 (+ ∂b2)", M: p, N: H, K: NT, mode: 0 }, {
    a: [b.bLG, 0, R * p, 1, p],
    b: [b.bH2, 0, R * H, H, 1],
    c: grad(L.w2[0], H, 1),
    rowSums: [b.bGrad, L.b2[0], TP],
  });
  gemm({ name: "gemm ∂z2", M: NT, N: H, K: p, mode: 4 }, {
    a: [b.bLG, 0, R * p, p, 1],
    b: param(L.w2[0], H, 1),
    c: [b.bDZ2, 0, R * H, H, 1],
    g: [b.bG2, 0, R * H],
  });
  gemm({ name: "gemm ∂W1 (+ ∂b1)", M: H, N: H, K: NT, mode: 0 }, {
    a: [b.bDZ2, 0, R * H, 1, H],
    b: [b.bH1, 0, R * H, H, 1],
    c: grad(L.w1[0], H, 1),
    rowSums: [b.bGrad, L.b1[0], TP],
  });
  gemm({ name: "gemm ∂z1", M: NT, N: H, K: H, mode: 4 }, {
    a: [b.bDZ2, 0, R * H, H, 1],
    b: param(L.w1[0], H, 1),
    c: [b.bDZ1, 0, R * H, H, 1],
    g: [b.bG1, 0, R * H],
  });
  passes.push({
    name: "scatter ∂PA, ∂PB",
    pipeline: pSc,
    bind: group(pSc, [b.uShapes, b.bDZ1, b.bOffA, b.bRowsA, b.bOffB, b.bRowsB, b.bDPA, b.bDPB]),
    groups: [wg(H, 64), p, B],
  });
  // ∂b0 = Σ over the p token rows of ∂PA (every train pair once)
  gemm({ name: "gemm ∂W0a (+ ∂b0)", M: H, N: d, K: p, mode: 0 }, {
    a: [b.bDPA, 0, p * H, 1, H],
    b: E,
    c: grad(L.w0[0], twoD, 1),
    rowSums: [b.bGrad, L.b0[0], TP],
  });
  gemm({ name: "gemm ∂W0b", M: H, N: d, K: p, mode: 0 }, {
    a: [b.bDPB, 0, p * H, 1, H],
    b: E,
    c: grad(L.w0[0] + d, twoD, 1),
  });
  gemm({ name: "gemm ∂E (a)", M: p, N: d, K: H, mode: 0 }, {
    a: [b.bDPA, 0, p * H, H, 1],
    b: param(L.w0[0], twoD, 1),
    c: grad(L.embedding[0], d, 1),
  });
  gemm({ name: "gemm ∂E (b)", M: p, N: d, K: H, mode: 1 }, {
    a: [b.bDPB, 0, p * H, H, 1],
    b: param(L.w0[0] + d, twoD, 1),
    c: grad(L.embedding[0], d, 1),
  });
}

/** The passes after the gradient: the optimizer, the signals of the updated embedding (and of its gradient), the records and the counter's advance. */
function updatePasses(x: StepParts): void {
  const { passes, group, gemm, grad, E, b } = x;
  const { B, p, d, L, TP, gradSig } = x.s;
  const { pAd, pRec, pAdv } = x.kernels;
  passes.push({
    name: "optimizer",
    pipeline: pAd,
    bind: group(pAd, [b.uShapes, b.bHyper, b.bStep, b.bCounter, b.bGrad, b.bParams, b.bM, b.bV]),
    groups: [wg(TP, 256), B, 1],
  });
  // the DFT of the updated embedding (and of the step's gradient): F = T·E, 2p × d per trial
  gemm({ name: "gemm signals F = T·E", M: 2 * p, N: d, K: p, mode: 0 }, {
    a: [b.bDft, 0, 0, p, 1],
    b: E,
    c: [b.bF, 0, 2 * p * d, d, 1],
  });
  if (gradSig) {
    gemm({ name: "gemm signals of ∂E", M: 2 * p, N: d, K: p, mode: 0 }, {
      a: [b.bDft, 0, 0, p, 1],
      b: grad(L.embedding[0], d, 1),
      c: [b.bFG, 0, 2 * p * d, d, 1],
    });
  }
  passes.push({
    name: "records",
    pipeline: pRec,
    bind: group(pRec, [b.uShapes, b.bLoss, b.bOk, b.bParams, b.bF, b.bFG, b.bCounter, b.bRing]),
    groups: [B, 1, 1],
  });
  passes.push({
    name: "advance counter",
    pipeline: pAdv,
    bind: group(pAdv, [b.bCounter]),
    groups: [1, 1, 1],
  });
}

/** Pop the building's error scopes; on an error free every buffer and throw what the
 * implementation refused ({@linkcode GpuOutOfMemory} when it had no memory). */
async function checkBuilt(
  device: GPUDevice,
  adapter: GPUAdapter,
  owned: GPUBuffer[],
  s: BatchShape,
): Promise<void> {
  const { B, p, d } = s;
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  const refused = invalid ?? oom;
  if (refused) {
    for (const b of owned) b.destroy();
    const why = refused.message.split("\n")[0];
    if (oom) {
      const gib = (fusedBytes(s.table, B) / 2 ** 30).toFixed(2);
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
}

/** The step's run on the device: Adam's per-step scalars written by begin(), the passes
 * encoded by encode(), the owned buffers freed by destroy(). */
function fusedStepOf(
  device: GPUDevice,
  s: BatchShape,
  passes: FusedPass[],
  owned: GPUBuffer[],
  bufs: ReturnType<typeof deviceBuffers>,
): FusedStep {
  const { bStep, bCounter } = bufs;
  return {
    device,
    passes,
    chunk: s.chunk,
    width: s.width,
    paramsPerTrial: s.TP,
    buffers: { params: bufs.bParams, ring: bufs.bRing, read: bufs.bRead },
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
  const s = batchShape(specs, opts);
  const { device, adapter } = await gpuDevice();
  const kernel = opts.gemm ?? (isSoftwareAdapter(adapter) ? "lanes" : "tiled");
  checkFits(s, device);
  // a WebGPU validation error does not throw: it would leave every record zero. Catch the
  // building's errors here and say what the implementation refused.
  device.pushErrorScope("validation");
  device.pushErrorScope("out-of-memory");
  const alloc = allocator(device);
  const bufs = deviceBuffers(alloc, hostInputs(specs, s), s);
  const passes = stepPasses(device, alloc, kernel, s, bufs);
  await checkBuilt(device, adapter, alloc.owned, s);
  return fusedStepOf(device, s, passes, alloc.owned, bufs);
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
