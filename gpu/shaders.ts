/**
 * The WGSL kernels of the fused WebGPU backend. Every kernel works on a batch of B trials at once
 * (the z dimension of its dispatch, or a trial index in its thread id); parameters, Adam moments,
 * activations and the per-step records all stay on the device. Layouts are those of the authors'
 * fused parameter vector per trial (embedding, L0.W, L0.b, L1.W, L1.b, L2.W, L2.b; PyTorch's
 * (out, in) weights), f32.
 *
 * @module
 */
import { recordLayout } from "../protocol/records.ts";

/** Constants every kernel sees (one uniform buffer per batch). */
export const SHAPES = /* wgsl */ `
struct Shapes {
  B: u32, P: u32, D: u32, H: u32,
  R: u32, NT: u32, TP: u32, REC: u32,
  oE: u32, oW0: u32, oB0: u32, oW1: u32,
  oB1: u32, oW2: u32, oB2: u32, gradSignals: u32,
}
`;

/** A GEMM's epilogue: 0 store, 1 accumulate, 2 z = acc + bias → C = silu(z), G = silu′(z),
 * 3 C = acc + bias, 4 C = acc · G. */
export type GemmMode = 0 | 1 | 2 | 3 | 4;

// The epilogue of one output per mode, as WGSL: acc stored at row m and column n (index
// expressions) of trial b. Both GEMM kernels are built from these, so their formulas agree.
const C_AT = (m: string, n: string) => `g.cOff + b * g.cBatch + (${m}) * g.cM + (${n}) * g.cN`;
const G_AT = (m: string, n: string) => `g.gOff + b * g.gBatch + (${m}) * g.cM + (${n}) * g.cN`;
const BIAS_AT = (n: string) => `bias[g.biasOff + b * g.biasBatch + ${n}]`;
const EPILOGUE: Record<GemmMode, (acc: string, m: string, n: string) => string> = {
  0: (acc, m, n) => `C[${C_AT(m, n)}] = ${acc};`,
  1: (acc, m, n) => `let ci = ${C_AT(m, n)}; C[ci] = C[ci] + ${acc};`,
  2: (acc, m, n) =>
    `let z = ${acc} + ${BIAS_AT(n)}; let s = 1.0 / (1.0 + exp(-z)); ` +
    `C[${C_AT(m, n)}] = z * s; G[${G_AT(m, n)}] = s * (1.0 + z * (1.0 - s));`,
  3: (acc, m, n) => `C[${C_AT(m, n)}] = ${acc} + ${BIAS_AT(n)};`,
  4: (acc, m, n) => `C[${C_AT(m, n)}] = ${acc} * G[${G_AT(m, n)}];`,
};

// The uniform of both GEMM kernels (fused.ts fills it in this order) and their A, B, C bindings.
const GEMM_HEAD = /* wgsl */ `
struct Gemm {
  M: u32, N: u32, K: u32, mode: u32, // mode: compiled into gemmShader's code, read by GEMM_TILED
  aOff: u32, aBatch: u32, aM: u32, aK: u32,
  bOff: u32, bBatch: u32, bK: u32, bN: u32,
  cOff: u32, cBatch: u32, cM: u32, cN: u32,
  biasOff: u32, biasBatch: u32, gOff: u32, gBatch: u32,
  sOff: u32, sBatch: u32, rowSums: u32, pad: u32,
}
@group(0) @binding(0) var<uniform> g: Gemm;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Bm: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
`;

/** The SIMD width the GEMM's workgroups are shaped for: Mesa's llvmpipe runs 8 f32 lanes
 * (256-bit) per invocation group; on a hardware GPU 8 lanes are a quarter warp. */
export const GEMM_LANES = 8;

/** A GEMM kernel's register block: `rows` output rows (the same for every lane of a workgroup)
 * × `cols` output columns per lane (interleaved: lane l takes columns l, l + 8, …). */
export interface GemmBlock {
  rows: number;
  cols: number;
}

/**
 * The batched GEMM, generated for one register block: C[b] (M×N) = A[b] (M×K) · B[b] (K×N),
 * element (m, k) of A at aOff + b·aBatch + m·aM + k·aK (likewise B and C). A workgroup is
 * {@linkcode GEMM_LANES} lanes; it owns `rows` consecutive rows (so every A load is the same
 * for all its lanes — uniform, one scalar load on llvmpipe) and `cols` × 8 columns, lane l
 * taking columns l, l + 8, … (each B load is one load per lane). Each lane keeps its
 * rows × cols sums in named registers (the code is unrolled here, in TypeScript: a WGSL loop
 * over a private array is not kept in registers by Mesa), summed in k order 0..K−1 with fma, as
 * a plain loop would. The epilogue ({@linkcode GemmMode}) is generated into the kernel too: a
 * uniform switch there costs llvmpipe half the kernel's speed; the kernel binds bias and G
 * (bindings 4, 5) only in the modes that use them. With `rowSums` it also writes S[m] = Σ_k A[m,k]
 * (k in order, plain adds; binding 6): the bias gradient of a weight-gradient GEMM, for free.
 *
 * On llvmpipe a block of 16 × 16 reaches ~8× the GFLOP/s of a 64×64-tile, 4×4-per-thread
 * shared-memory kernel (bench/README.md): its cost is the per-lane loads, not the FMAs.
 *
 * @example
 * ```ts
 * const code = gemmShader({ rows: 16, cols: 16, mode: 0 });
 * console.assert(code.includes("c15_15"));
 * ```
 */
export function gemmShader(
  { rows, cols, mode, rowSums = false, sumsInC = false }: GemmBlock & {
    mode: GemmMode;
    rowSums?: boolean;
    sumsInC?: boolean;
  },
): string {
  // row sums that go to C's own buffer are written through C: WebGPU forbids binding one
  // buffer twice where either binding is writable (Dawn enforces it; wgpu did not)
  const S = sumsInC ? "C" : "S";
  const r = (n: number) => Array.from({ length: n }, (_, i) => i);
  const span = GEMM_LANES * cols;
  const lines = (xs: string[], indent: string) => xs.join(`\n${indent}`);
  return GEMM_HEAD + /* wgsl */
    `${mode === 2 || mode === 3 ? "@group(0) @binding(4) var<storage, read> bias: array<f32>;" : ""}
${mode === 2 || mode === 4 ? "@group(0) @binding(5) var<storage, read_write> G: array<f32>;" : ""}
${rowSums && !sumsInC ? "@group(0) @binding(6) var<storage, read_write> S: array<f32>;" : ""}

@compute @workgroup_size(${GEMM_LANES}, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let b = wg.z;
  let m0 = wg.y * ${rows}u;
  let n0 = wg.x * ${span}u + l.x;
  let aBase = g.aOff + b * g.aBatch;
  let bBase = g.bOff + b * g.bBatch;
  // rows and columns past the edge read the last one (in bounds) and are not stored
  ${lines(r(rows).map((i) => `let ar${i} = aBase + min(m0 + ${i}u, g.M - 1u) * g.aM;`), "  ")}
  ${
      lines(
        r(cols).map((j) => `let bc${j} = bBase + min(n0 + ${j * GEMM_LANES}u, g.N - 1u) * g.bN;`),
        "  ",
      )
    }
  ${lines(r(rows).map((i) => r(cols).map((j) => `var c${i}_${j} = 0.0;`).join(" ")), "  ")}
  ${rowSums ? lines(r(rows).map((i) => `var s${i} = 0.0;`), "  ") : ""}
  for (var k = 0u; k < g.K; k++) {
    ${lines(r(cols).map((j) => `let b${j} = Bm[bc${j} + k * g.bK];`), "    ")}
    ${lines(r(rows).map((i) => `let a${i} = A[ar${i} + k * g.aK];`), "    ")}
    ${rowSums ? lines(r(rows).map((i) => `s${i} = s${i} + a${i};`), "    ") : ""}
    ${
      lines(
        r(rows).map((i) =>
          r(cols).map((j) => `c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`).join(" ")
        ),
        "    ",
      )
    }
  }
  ${
      lines(
        r(rows).flatMap((i) =>
          r(cols).map((j) =>
            `if (m0 + ${i}u < g.M && n0 + ${j * GEMM_LANES}u < g.N) { ` +
            EPILOGUE[mode](`c${i}_${j}`, `m0 + ${i}u`, `n0 + ${j * GEMM_LANES}u`) + " }"
          )
        ),
        "  ",
      )
    }
  ${
      rowSums
        ? `if (wg.x == 0u && l.x == 0u) {\n    ` + lines(
          r(rows).map((i) =>
            `if (m0 + ${i}u < g.M) { ${S}[g.sOff + b * g.sBatch + m0 + ${i}u] = s${i}; }`
          ),
          "    ",
        ) + "\n  }"
        : ""
    }
}
`;
}

/**
 * The GEMM for hardware GPUs: the same product and strides as {@linkcode gemmShader}, in 64×64
 * tiles staged in workgroup memory, 16×16 threads with 4×4 outputs each, the epilogue mode a
 * uniform (`g.mode`, {@linkcode GemmMode}), row sums when `g.rowSums` ≠ 0 (1: into S; 2: into C's
 * own buffer, which S may not alias). Same sums bit for bit
 * (k order 0..K−1, fma; row sums with plain adds).
 */
export const GEMM_TILED = GEMM_HEAD + /* wgsl */ `
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> G: array<f32>;
@group(0) @binding(6) var<storage, read_write> S: array<f32>;

// 64×64 outputs per workgroup of 16×16 threads, each thread a 4×4 register block; tiles of
// 16 k-values staged in workgroup memory. The k order of every sum is 0..K−1, as in a plain loop.
var<workgroup> tA: array<array<f32, 64>, 16>;
var<workgroup> tB: array<array<f32, 64>, 16>;

fn epilogue(acc: f32, b: u32, m: u32, n: u32) {
  switch (g.mode) {
    ${
  ([0, 1, 2, 3, 4] as const).map((mode) => `case ${mode}u: { ${EPILOGUE[mode]("acc", "m", "n")} }`)
    .join("\n    ")
}
    default: {}
  }
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let b = wg.z;
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  let aBase = g.aOff + b * g.aBatch;
  let bBase = g.bOff + b * g.bBatch;
  let tid = l.y * 16u + l.x;
  var acc: array<array<f32, 4>, 4>;
  var rs: array<f32, 4>;
  let sums = g.rowSums != 0u && wg.x == 0u && l.x == 0u;
  for (var k0 = 0u; k0 < g.K; k0 += 16u) {
    for (var i = 0u; i < 4u; i++) {
      let idx = tid * 4u + i;
      let mm = idx / 16u; let ka = idx % 16u;
      let m = m0 + mm; let k = k0 + ka;
      var av = 0.0;
      if (m < g.M && k < g.K) { av = A[aBase + m * g.aM + k * g.aK]; }
      tA[ka][mm] = av;
      let kb = idx / 64u; let nb = idx % 64u;
      let k2 = k0 + kb; let n = n0 + nb;
      var bv = 0.0;
      if (k2 < g.K && n < g.N) { bv = Bm[bBase + k2 * g.bK + n * g.bN]; }
      tB[kb][nb] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<f32, 4>;
      var c: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = tA[kk][l.y * 4u + i]; c[i] = tB[kk][l.x * 4u + i]; }
      if (sums) { for (var i = 0u; i < 4u; i++) { rs[i] = rs[i] + a[i]; } }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], c[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let m = m0 + l.y * 4u + i; let n = n0 + l.x * 4u + j;
      if (m < g.M && n < g.N) { epilogue(acc[i][j], b, m, n); }
    }
  }
  if (sums) {
    for (var i = 0u; i < 4u; i++) {
      let m = m0 + l.y * 4u + i;
      if (m < g.M && g.rowSums == 1u) { S[g.sOff + b * g.sBatch + m] = rs[i]; }
      if (m < g.M && g.rowSums == 2u) { C[g.sOff + b * g.sBatch + m] = rs[i]; }
    }
  }
}
`;

/** The register block for a GEMM with M output rows and N output columns: as many columns per
 * lane as cover N (at most 16: N = 100 takes 13, 104 columns), 16 rows (32 when M is large). */
export function gemmBlock(M: number, N: number): GemmBlock {
  const cols = Math.min(16, Math.max(1, Math.ceil(N / GEMM_LANES)));
  return { rows: M >= 1024 ? 32 : 16, cols };
}

/** Layer 1 on every pair: z = PA[a] + PB[b] + b0, H1 = silu(z), G1 = silu′(z). */
export const LAYER1 = SHAPES + /* wgsl */ `
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> PA: array<f32>;
@group(0) @binding(3) var<storage, read> PB: array<f32>;
@group(0) @binding(4) var<storage, read> rowPair: array<u32>;
@group(0) @binding(5) var<storage, read_write> H1: array<f32>;
@group(0) @binding(6) var<storage, read_write> G1: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x; let r = id.y; let b = id.z;
  if (j >= s.H || r >= s.R) { return; }
  let n = rowPair[b * s.R + r];
  let ta = n % s.P; let tb = n / s.P;
  let z = PA[(b * s.P + ta) * s.H + j] + PB[(b * s.P + tb) * s.H + j] + params[b * s.TP + s.oB0 + j];
  let sg = 1.0 / (1.0 + exp(-z));
  let o = (b * s.R + r) * s.H + j;
  H1[o] = z * sg;
  G1[o] = sg * (1.0 + z * (1.0 - sg));
}
`;

/** Softmax cross-entropy per row (cancellation-free, as the asm core), accuracy, and for train
 * rows d loss/d logits in place. */
export const SOFTMAX = SHAPES + /* wgsl */ `
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> rowPair: array<u32>;
@group(0) @binding(2) var<storage, read_write> LG: array<f32>;
@group(0) @binding(3) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowOk: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.x; let b = id.y;
  if (r >= s.R) { return; }
  let base = (b * s.R + r) * s.P;
  let n = rowPair[b * s.R + r];
  let lbl = (n % s.P + n / s.P) % s.P;
  var mx = LG[base];
  var am = 0u;
  for (var j = 1u; j < s.P; j++) { let v = LG[base + j]; if (v > mx) { mx = v; am = j; } }
  let xl = LG[base + lbl];
  var rest = 0.0;
  for (var j = 0u; j < s.P; j++) {
    let e = exp(LG[base + j] - mx);
    LG[base + j] = e;
    if (j != lbl) { rest += e; }
  }
  let el = LG[base + lbl];
  let sum = el + rest;
  var loss: f32;
  if (el > 1e-30) { loss = log(1.0 + rest / el); } else { loss = log(sum) + mx - xl; }
  // log(1 + x) loses x below f32's epsilon: use the series there
  if (el > 1e-30 && rest / el < 1e-4) { let x = rest / el; loss = x - 0.5 * x * x; }
  rowLoss[b * s.R + r] = loss;
  rowOk[b * s.R + r] = select(0.0, 1.0, am == lbl);
  if (r < s.NT) {
    let scale = 1.0 / (sum * f32(s.NT));
    for (var j = 0u; j < s.P; j++) { LG[base + j] = LG[base + j] * scale; }
    LG[base + lbl] = -rest * scale;
  }
}
`;

/** dPA[t] = Σ dz1 over the train rows whose a-token is t (likewise dPB, b-token), through
 * per-trial row lists: deterministic, no float atomics. */
export const SCATTER = SHAPES + /* wgsl */ `
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> DZ1: array<f32>;
@group(0) @binding(2) var<storage, read> offA: array<u32>;
@group(0) @binding(3) var<storage, read> rowsA: array<u32>;
@group(0) @binding(4) var<storage, read> offB: array<u32>;
@group(0) @binding(5) var<storage, read> rowsB: array<u32>;
@group(0) @binding(6) var<storage, read_write> dPA: array<f32>;
@group(0) @binding(7) var<storage, read_write> dPB: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x; let t = id.y; let b = id.z;
  if (j >= s.H || t >= s.P) { return; }
  let oi = b * (s.P + 1u) + t;
  var a = 0.0;
  for (var i = offA[oi]; i < offA[oi + 1u]; i++) { a += DZ1[(b * s.R + rowsA[b * s.NT + i]) * s.H + j]; }
  var c = 0.0;
  for (var i = offB[oi]; i < offB[oi + 1u]; i++) { c += DZ1[(b * s.R + rowsB[b * s.NT + i]) * s.H + j]; }
  dPA[(b * s.P + t) * s.H + j] = a;
  dPB[(b * s.P + t) * s.H + j] = c;
}
`;

/** AdamW, PyTorch semantics; per-trial hyper-parameters (lr, weight decay, β₁, β₂, ε from
 * protocol/optimizer.ts, frozen embedding); the step's bias corrections come from
 * stepInfo[counter]. */
export const ADAM = SHAPES + /* wgsl */ `
struct Hyper { lr: f32, wd: f32, beta1: f32, beta2: f32, eps: f32, freeze: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> hyper: array<Hyper>;
@group(0) @binding(2) var<storage, read> stepInfo: array<vec2f>;
@group(0) @binding(3) var<storage, read> counter: array<u32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
@group(0) @binding(5) var<storage, read_write> params: array<f32>;
@group(0) @binding(6) var<storage, read_write> m1: array<f32>;
@group(0) @binding(7) var<storage, read_write> m2: array<f32>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x; let b = id.y;
  if (i >= s.TP) { return; }
  let h = hyper[b];
  if (h.freeze != 0u && i < s.oW0) { return; }
  let info = stepInfo[counter[0]]; // (1 / (1 − β1^t), √(1 − β2^t))
  let o = b * s.TP + i;
  let gr = grad[o];
  let m = m1[o] * h.beta1 + gr * (1.0 - h.beta1);
  let v = m2[o] * h.beta2 + gr * gr * (1.0 - h.beta2);
  m1[o] = m;
  m2[o] = v;
  let th = params[o] * (1.0 - h.lr * h.wd);
  params[o] = th - h.lr * info.x * (m / (sqrt(v) / info.y + h.eps));
}
`;

const REC = recordLayout(1, false);

/** Per trial: the step's losses and accuracies (train rows, test rows), the parameter norm, and
 * the signals ‖F_k‖ of the embedding (and of ∂L/∂E when asked) from its DFT F (2p × d per trial:
 * real parts, then imaginary; a GEMM of the step makes it), into the records ring at row
 * counter[0], in the record layout of protocol/records.ts. One workgroup per trial. */
export const RECORD = SHAPES + /* wgsl */ `
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(2) var<storage, read> rowOk: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read> F: array<f32>;
@group(0) @binding(5) var<storage, read> FG: array<f32>;
@group(0) @binding(6) var<storage, read> counter: array<u32>;
@group(0) @binding(7) var<storage, read_write> ring: array<f32>;

var<workgroup> red: array<f32, 256>;

fn reduce(l: u32, v: f32) -> f32 {
  red[l] = v;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w = w >> 1u) {
    if (l < w) { red[l] = red[l] + red[l + w]; }
    workgroupBarrier();
  }
  let out = red[0];
  workgroupBarrier();
  return out;
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let l = lid.x; let b = wg.x;
  let width = s.REC;
  let out = (counter[0] * s.B + b) * width;
  var a = 0.0; var c = 0.0; var e = 0.0; var f = 0.0; var q = 0.0;
  for (var r = l; r < s.R; r += 256u) {
    let x = rowLoss[b * s.R + r]; let ok = rowOk[b * s.R + r];
    if (r < s.NT) { a += x; c += ok; } else { e += x; f += ok; }
  }
  for (var i = l; i < s.TP; i += 256u) { let v = params[b * s.TP + i]; q += v * v; }
  let nt = f32(s.NT); let ne = f32(s.R - s.NT);
  let ra = reduce(l, a); let rc = reduce(l, c); let re = reduce(l, e); let rf = reduce(l, f); let rq = reduce(l, q);
  if (l == 0u) {
    ring[out + ${REC.trainLoss}u] = ra / nt; ring[out + ${REC.testLoss}u] = re / ne;
    ring[out + ${REC.trainAcc}u] = rc / nt; ring[out + ${REC.testAcc}u] = rf / ne;
    ring[out + ${REC.paramNorm}u] = sqrt(rq);
  }
  // signals: thread k sums |F_k,i|² over the d columns
  let fb = b * 2u * s.P * s.D;
  for (var k = l; k < s.P; k += 256u) {
    var ss = 0.0; var sg = 0.0;
    for (var i = 0u; i < s.D; i++) {
      let re1 = F[fb + k * s.D + i]; let im1 = F[fb + (s.P + k) * s.D + i];
      ss += re1 * re1 + im1 * im1;
      if (s.gradSignals != 0u) {
        let re2 = FG[fb + k * s.D + i]; let im2 = FG[fb + (s.P + k) * s.D + i];
        sg += re2 * re2 + im2 * im2;
      }
    }
    ring[out + ${REC.signals}u + k] = sqrt(ss);
    if (s.gradSignals != 0u) { ring[out + ${REC.signals}u + s.P + k] = sqrt(sg); }
  }
}
`;

/** Advance the step counter (one thread, after the step). */
export const ADVANCE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> counter: array<u32>;
@compute @workgroup_size(1, 1, 1)
fn main() { counter[0] = counter[0] + 1u; }
`;
