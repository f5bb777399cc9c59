/**
 * The WGSL kernels of the fused WebGPU backend. Every kernel works on a batch of B trials at once
 * (the z dimension of its dispatch, or a trial index in its thread id); parameters, Adam moments,
 * activations and the per-step records all stay on the device. Layouts are those of the authors'
 * fused parameter vector per trial (embedding, L0.W, L0.b, L1.W, L1.b, L2.W, L2.b; PyTorch's
 * (out, in) weights), f32.
 *
 * @module
 */

/** Constants every kernel sees (one uniform buffer per batch). */
export const SHAPES = /* wgsl */ `
struct Shapes {
  B: u32, P: u32, D: u32, H: u32,
  R: u32, NT: u32, TP: u32, REC: u32,
  oE: u32, oW0: u32, oB0: u32, oW1: u32,
  oB1: u32, oW2: u32, oB2: u32, gradSignals: u32,
}
`;

/**
 * C[b] (M×N) = A[b] (M×K) · B[b] (K×N), element (m, k) of A at aOff + b·aBatch + m·aM + k·aK
 * (likewise B and C), 64×64 tiles, 4×4 outputs per thread. Epilogue modes: 0 store, 1 accumulate,
 * 2 z = acc + bias → C = silu(z), G = silu′(z), 3 C = acc + bias, 4 C = acc · G.
 */
export const GEMM = /* wgsl */ `
struct Gemm {
  M: u32, N: u32, K: u32, mode: u32,
  aOff: u32, aBatch: u32, aM: u32, aK: u32,
  bOff: u32, bBatch: u32, bK: u32, bN: u32,
  cOff: u32, cBatch: u32, cM: u32, cN: u32,
  biasOff: u32, biasBatch: u32, gOff: u32, gBatch: u32,
}
@group(0) @binding(0) var<uniform> g: Gemm;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Bm: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> G: array<f32>;

// 64×64 outputs per workgroup of 16×16 threads, each thread a 4×4 register block; tiles of
// 16 k-values staged in workgroup memory. The k order of every sum is 0..K−1, as in a plain loop.
var<workgroup> tA: array<array<f32, 64>, 16>;
var<workgroup> tB: array<array<f32, 64>, 16>;

fn epilogue(acc: f32, b: u32, m: u32, n: u32) {
  let ci = g.cOff + b * g.cBatch + m * g.cM + n * g.cN;
  switch (g.mode) {
    case 0u: { C[ci] = acc; }
    case 1u: { C[ci] = C[ci] + acc; }
    case 2u: {
      let z = acc + bias[g.biasOff + b * g.biasBatch + n];
      let s = 1.0 / (1.0 + exp(-z));
      C[ci] = z * s;
      G[g.gOff + b * g.gBatch + m * g.cM + n * g.cN] = s * (1.0 + z * (1.0 - s));
    }
    case 3u: { C[ci] = acc + bias[g.biasOff + b * g.biasBatch + n]; }
    default: { C[ci] = acc * G[g.gOff + b * g.gBatch + m * g.cM + n * g.cN]; }
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
}
`;

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

/** Column sums of the first NT rows of X (width W): bias gradients. */
export const COLSUM = SHAPES + /* wgsl */ `
struct Cs { W: u32, outOff: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<uniform> c: Cs;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x; let b = id.y;
  if (j >= c.W) { return; }
  var acc = 0.0;
  for (var r = 0u; r < s.NT; r++) { acc += X[(b * s.R + r) * c.W + j]; }
  grad[b * s.TP + c.outOff + j] = acc;
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

/** AdamW, PyTorch semantics; per-trial lr, weight decay and frozen embedding; the step's bias
 * corrections come from stepInfo[counter]. */
export const ADAM = SHAPES + /* wgsl */ `
struct Hyper { lr: f32, wd: f32, freeze: u32, pad: u32 }
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
  let m = m1[o] * 0.9 + gr * (1.0 - 0.9);
  let v = m2[o] * 0.999 + gr * gr * (1.0 - 0.999);
  m1[o] = m;
  m2[o] = v;
  let th = params[o] * (1.0 - h.lr * h.wd);
  params[o] = th - h.lr * info.x * (m / (sqrt(v) / info.y + 1e-8));
}
`;

/** Per trial: the step's losses and accuracies (train rows, test rows), the parameter norm, and
 * the signals ‖F_k‖ of the embedding (and of ∂L/∂E when asked), into the records ring at
 * row counter[0]. One workgroup per trial. */
export const RECORD = SHAPES + /* wgsl */ `
@group(0) @binding(0) var<uniform> s: Shapes;
@group(0) @binding(1) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(2) var<storage, read> rowOk: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
@group(0) @binding(5) var<storage, read> twiddle: array<vec2f>;
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
  let width = 5u + s.P * (1u + s.gradSignals);
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
    ring[out] = ra / nt; ring[out + 1u] = re / ne; ring[out + 2u] = rc / nt; ring[out + 3u] = rf / ne;
    ring[out + 4u] = sqrt(rq);
  }
  // signals: thread k computes ‖Σ_n e^{−2πikn/p} E_n‖ (and of the gradient's embedding part)
  for (var k = l; k < s.P; k += 256u) {
    var ss = 0.0; var sg = 0.0;
    for (var i = 0u; i < s.D; i++) {
      var re1 = 0.0; var im1 = 0.0; var re2 = 0.0; var im2 = 0.0;
      for (var n = 0u; n < s.P; n++) {
        let w = twiddle[(k * n) % s.P];
        let x = params[b * s.TP + s.oE + n * s.D + i];
        re1 = fma(w.x, x, re1); im1 = fma(w.y, x, im1);
        if (s.gradSignals != 0u) {
          let y = grad[b * s.TP + s.oE + n * s.D + i];
          re2 = fma(w.x, y, re2); im2 = fma(w.y, y, im2);
        }
      }
      ss += re1 * re1 + im1 * im1;
      sg += re2 * re2 + im2 * im2;
    }
    ring[out + 5u + k] = sqrt(ss);
    if (s.gradSignals != 0u) { ring[out + 5u + s.P + k] = sqrt(sg); }
  }
}
`;

/** Advance the step counter (one thread, after the step). */
export const ADVANCE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> counter: array<u32>;
@compute @workgroup_size(1, 1, 1)
fn main() { counter[0] = counter[0] + 1u; }
`;
