// The AssemblyScript SIMD training core: one trial's full-batch step of the modular-addition
// model in f32 with v128 SIMD. One instance of this module holds one trial; all buffers live in
// linear memory, allocated once by `setup`, so a step allocates nothing.
//
// Layout (row-major, f32; every row length padded to a multiple of 8 with zeros that stay zero):
//   P = p, DP = ceil8(d), HP = ceil8(hidden), PP = ceil8(p); R = p² rows, the NT train rows first.
//   Parameters, one contiguous block (the Adam moments and gradients mirror it):
//     E (P×DP) | W0a (DP×HP) | W0b (DP×HP) | B0 (HP) | W1 (HP×HP) | B1 (HP) | W2 (HP×PP) | B2 (PP)
//   Weights are stored in×out (the transpose of PyTorch's); the out×in copies W0aT, W0bT, W1T,
//   W2T serve the backward pass and are refreshed after every update.
//   The first layer is factorised: W0·concat(E_a, E_b) = (E·W0a)[a] + (E·W0b)[b], so one step
//   computes PA = E·W0a + b0 and PB = E·W0b (p rows) instead of a p²×2d×h product.
//   The pair rows go through the layers in blocks of BR rows (see "The step"): the activation
//   buffers hold one block.

import {
  ADDR_DFT_COS, ADDR_DFT_SIN, ADDR_GRAD, ADDR_IA, ADDR_IB, ADDR_LABELS, ADDR_LOGITS, ADDR_M,
  ADDR_PARAMS, ADDR_SIGNALS, ADDR_STATS, ADDR_V, K_DW1, K_DW2, K_DZ1, K_DZ2, K_LAYER0,
  K_LAYER0_GRAD, K_LAYER1, K_LAYER2, K_LOGITS, K_SILU2, K_SOFTMAX, K_TRANSPOSES, K_UPDATE,
  OFF_ALLOCATED, OFF_B0, OFF_B1, OFF_B2, OFF_BR, OFF_DP, OFF_E, OFF_HP, OFF_PP, OFF_TOTAL,
  OFF_W0A, OFF_W0B, OFF_W1, OFF_W2,
} from "./ids.ts";

// ---------------------------------------------------------------------------------------------
// Sizes and buffers

let P: i32 = 0;
let D: i32 = 0;
let DP: i32 = 0;
let H: i32 = 0;
let HP: i32 = 0;
let PP: i32 = 0;
let R: i32 = 0;
let NT: i32 = 0;
let TOTAL: i32 = 0; // floats in the parameter block

let pParams: usize = 0;
let pGrad: usize = 0;
let pM: usize = 0;
let pV: usize = 0;
let pW0aT: usize = 0;
let pW0bT: usize = 0;
let pW1T: usize = 0;
let pW2T: usize = 0;
let pIA: usize = 0;
let pIB: usize = 0;
let pLBL: usize = 0;
let pPA: usize = 0;
let pPB: usize = 0;
let pH1: usize = 0;
let pG1: usize = 0;
let pH2: usize = 0;
let pG2: usize = 0;
let pLG: usize = 0;
let pDZ2: usize = 0;
let pDPA: usize = 0;
let pDPB: usize = 0;
let pCS: usize = 0;
let pSN: usize = 0;
let pRE: usize = 0;
let pIM: usize = 0;
let pLGR: usize = 0;
let pSCR: usize = 0;
let pPACK: usize = 0;
let pZERO: usize = 0;
let pSIG: usize = 0;
let pSTATS: usize = 0;

// offsets (in floats) of each tensor inside the parameter block
let oE: i32 = 0;
let oW0a: i32 = 0;
let oW0b: i32 = 0;
let oB0: i32 = 0;
let oW1: i32 = 0;
let oB1: i32 = 0;
let oW2: i32 = 0;
let oB2: i32 = 0;

/** Pair rows per block: a multiple of 4 (the GEMM tile's height). */
const BR: i32 = 64;

function ceil8(x: i32): i32 {
  return (x + 7) & ~7;
}

function ceil4(x: i32): i32 {
  return (x + 3) & ~3;
}

let ALLOCATED: usize = 0; // bytes taken from the heap by setup (see asmCoreBytes)

function alloc(bytes: usize): usize {
  ALLOCATED += bytes + 64;
  const raw = heap.alloc(bytes + 64);
  const p = (raw + 63) & ~(<usize>63);
  memory.fill(p, 0, bytes);
  return p;
}

/** Allocate every buffer for a trial of modulus p, dimension d, width h and nt train pairs. */
export function setup(p: i32, d: i32, h: i32, nt: i32): void {
  P = p;
  D = d;
  DP = ceil8(d);
  H = h;
  HP = ceil8(h);
  PP = ceil8(p);
  R = p * p;
  NT = nt;
  oE = 0;
  oW0a = oE + P * DP;
  oW0b = oW0a + DP * HP;
  oB0 = oW0b + DP * HP;
  oW1 = oB0 + HP;
  oB1 = oW1 + HP * HP;
  oW2 = oB1 + HP;
  oB2 = oW2 + HP * PP;
  TOTAL = oB2 + PP;
  const t = <usize>TOTAL << 2;
  pParams = alloc(t);
  pGrad = alloc(t);
  pM = alloc(t);
  pV = alloc(t);
  pW0aT = alloc(<usize>(HP * DP) << 2);
  pW0bT = alloc(<usize>(HP * DP) << 2);
  pW1T = alloc(<usize>(HP * HP) << 2);
  pW2T = alloc(<usize>(PP * HP) << 2);
  pIA = alloc(<usize>R << 2);
  pIB = alloc(<usize>R << 2);
  pLBL = alloc(<usize>R << 2);
  pPA = alloc(<usize>(P * HP) << 2);
  pPB = alloc(<usize>(P * HP) << 2);
  pH1 = alloc(<usize>(BR * HP) << 2);
  pG1 = alloc(<usize>(BR * HP) << 2);
  pH2 = alloc(<usize>(BR * HP) << 2);
  pG2 = alloc(<usize>(BR * HP) << 2);
  pLG = alloc(<usize>(BR * PP) << 2);
  pDZ2 = alloc(<usize>(BR * HP) << 2);
  pDPA = alloc(<usize>(P * HP) << 2);
  pDPB = alloc(<usize>(P * HP) << 2);
  pCS = alloc(<usize>(P * P) << 2);
  pSN = alloc(<usize>(P * P) << 2);
  pRE = alloc(<usize>(P * DP) << 2);
  pIM = alloc(<usize>(P * DP) << 2);
  pLGR = alloc(<usize>(BR * PP) << 2);
  pSCR = alloc(112);
  const kmax = max(max(max(HP, PP), DP), P);
  pPACK = alloc(<usize>((((max(BR, P) + 3) & ~3) + 4) * kmax) << 2); // + a spare panel
  pZERO = alloc(<usize>kmax << 2);
  pSIG = alloc(<usize>P << 3);
  pSTATS = alloc(64);
}

/** Addresses and sizes for the JavaScript side, by the names of ids.ts. */
export function addr(which: i32): usize {
  switch (which) {
    case ADDR_PARAMS: return pParams;
    case ADDR_GRAD: return pGrad;
    case ADDR_M: return pM;
    case ADDR_V: return pV;
    case ADDR_IA: return pIA;
    case ADDR_IB: return pIB;
    case ADDR_LABELS: return pLBL;
    case ADDR_DFT_COS: return pCS;
    case ADDR_DFT_SIN: return pSN;
    case ADDR_SIGNALS: return pSIG;
    case ADDR_STATS: return pSTATS;
    case ADDR_LOGITS: return pLG;
    default: return 0;
  }
}

export function offset(which: i32): i32 {
  switch (which) {
    case OFF_E: return oE;
    case OFF_W0A: return oW0a;
    case OFF_W0B: return oW0b;
    case OFF_B0: return oB0;
    case OFF_W1: return oW1;
    case OFF_B1: return oB1;
    case OFF_W2: return oW2;
    case OFF_B2: return oB2;
    case OFF_TOTAL: return TOTAL;
    case OFF_DP: return DP;
    case OFF_HP: return HP;
    case OFF_PP: return PP;
    case OFF_BR: return BR;
    case OFF_ALLOCATED: return <i32>ALLOCATED;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Vector math
//
// V8 rematerialises a v128 constant at every use (several instructions each), so the constants
// of the hot loops live in linear memory, loaded into locals before the loop (a broadcast from a
// fixed address, which needs no bounds check).

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

// exp's constants (Cephes expf's range reduction and polynomial), in two tables of 13 floats:
// KEXP for e^x, KNEG for e^−x (`vexp` with `neg`: the same arithmetic with the signs folded into
// the constants, so no negation is needed and the results are those of e^x at x = −z, bit for
// bit). Each: the clamp (lower, upper), 1.5·2^23, ±log2 e, ln 2 in two parts (±), the polynomial
// k6 … k11 (odd powers' signs flipped in KNEG), 1.
const KEXP = memory.data<f32>([
  -86.5, 88.0, 12582912.0, 1.44269504088896341, -0.693359375, 2.12194440e-4, 1.9875691500e-4,
  1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0,
], 16);
const KNEG = memory.data<f32>([
  -88.0, 86.5, 12582912.0, -1.44269504088896341, 0.693359375, -2.12194440e-4, -1.9875691500e-4,
  1.3981999507e-3, -8.3334519073e-3, 4.1665795894e-2, -1.6666665459e-1, 5.0000001201e-1, 1.0,
], 16);

// log1p's constants (musl's log1pf): 1, 2, ½, Lg1 … Lg4, ln 2 in two parts, 2^-100 (below it
// softmax takes log(Σe) − log e_l instead, see `softmax`)
const KLOG = memory.data<f32>([
  1.0, 2.0, 0.5, 0.66666662693, 0.40000972152, 0.28498786688, 0.24279078841, 6.9313812256e-1,
  9.0580006145e-6, 7.8886090522e-31,
], 16);
// lane numbers 0 1 2 3
const LANES = memory.data<i32>([0, 1, 2, 3], 16);

// @ts-ignore: decorator
@inline function kf(table: usize, i: i32): v128 {
  return v128.load32_splat(table + (<usize>i << 2));
}

// e^x (or e^−x with `neg`) for f32 lanes: Cephes expf's range reduction and polynomial, the
// polynomial by Estrin's scheme (a shorter dependency chain than Horner's: the step's exp work
// is bound by its latency, not by its instruction count).
//   x is clamped to [−86.5, 88] (e^−x: to [−88, 86.5]); n = round(x·log2 e) by adding 1.5·2^23
//   (the sum's low mantissa bits are n), r = x − n·ln 2 in two parts, e^r = 1 + r + r²·P(r), and
//   e^x = e^r·2^n by adding n to e^r's exponent bits: bits(t) << 23 = n << 23 for t = 1.5·2^23 + n
//   (bits(1.5·2^23) has its low 9 bits zero). No round, no float→int conversion, no multiply.
//   e^r ∈ [0.70, 1.42] and n ∈ [−125, 127], so the sum is a normal float.
// Error against Math.exp (float64), in ulps of the f32 result, on [−86.5, 88]: at most 1.27
// (every 13th f32 of the range, 172 M values; core_asm/vexp_test.ts holds it to 1.5 on every
// 127th). Outside the clamp it returns e^−86.5 (< 2.8e-38)
// below and e^88 above: for σ(z) = 1/(1 + e^−z) both are exact in f32 (σ rounds to 1, or to
// 1/(1 + e^88) < 6e-39 of a true σ below it), and softmax's e^(x − max) ≤ 1 meets them only in
// terms under 2.8e-38 of a sum ≥ 1. NaN stays NaN.
// The constants come as arguments: a loop loads them into locals once (k0 … k12 = kf(table,
// 0 … 12)) and V8 keeps them in registers or stack slots, which is cheaper again than a
// broadcast from memory at each use.
// @ts-ignore: decorator
@inline function vexp(x0: v128, neg: bool, upper: bool, k0: v128, k1: v128, k2: v128, k3: v128,
  k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, k11: v128,
  one: v128): v128 {
  // pmin/pmax: one minps/maxps each (min/max, with wasm's NaN and ±0 rules, take ~8); without
  // `upper`, x ≤ 0 (or NaN) is the caller's promise and only the lower clamp is applied
  const xl = f32x4.pmax(x0, k0);
  const x = upper ? f32x4.pmin(xl, k1) : xl;
  const t = madd(x, k3, k2);
  const n = f32x4.sub(t, k2);
  // w = r (neg: −r)
  let w = madd(n, k4, x);
  w = madd(n, k5, w);
  // P(r) = k6 r⁵ + k7 r⁴ + … + k11 as (k10 r + k11) + r²·((k8 r + k9) + r²·(k6 r + k7))
  const w2 = f32x4.mul(w, w);
  const a = madd(k10, w, k11), b = madd(k8, w, k9), c = madd(k6, w, k7);
  const y = madd(w2, madd(w2, c, b), a);
  const er = madd(y, w2, neg ? f32x4.sub(one, w) : f32x4.add(one, w));
  return i32x4.add(er, i32x4.shl(t, 23));
}

// log1p(u) for f32 lanes, u ≥ 0: musl's log1pf. w = 1 + u = m·2^k with m ∈ [√½, √2), the
// rounding of w corrected by c = (u − (w − 1))/w (k < 25), log m = log1p(f), f = m − 1, by
// s = f/(2 + f) and a polynomial in s²: at most 0.84 ulp against Math.log1p on [0, 2^107)
// (every 13th f32; core_asm/vexp_test.ts holds it to 1.5). +∞ and NaN in, NaN or a finite value out: the caller keeps u finite.
// @ts-ignore: decorator
@inline function vlog1p(u: v128): v128 {
  const one = kf(KLOG, 0), two = kf(KLOG, 1), half = kf(KLOG, 2);
  const w = f32x4.add(one, u);
  let iw = i32x4.add(w, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const k = i32x4.sub(i32x4.shr_s(iw, 23), i32x4.splat(0x7f));
  // k ≥ 2: w − u is exact; else w − 1 is
  const c0 = v128.bitselect(f32x4.sub(one, f32x4.sub(w, u)), f32x4.sub(u, f32x4.sub(w, one)),
    i32x4.gt_s(k, i32x4.splat(1)));
  const c = v128.and(f32x4.div(c0, w), i32x4.lt_s(k, i32x4.splat(25)));
  iw = i32x4.add(v128.and(iw, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const f = f32x4.sub(iw, one);
  const sq = f32x4.div(f, f32x4.add(two, f));
  const z = f32x4.mul(sq, sq), zz = f32x4.mul(z, z);
  const t1 = f32x4.mul(zz, madd(zz, kf(KLOG, 6), kf(KLOG, 4)));
  const t2 = f32x4.mul(z, madd(zz, kf(KLOG, 5), kf(KLOG, 3)));
  const hfsq = f32x4.mul(half, f32x4.mul(f, f));
  const dk = f32x4.convert_i32x4_s(k);
  // s(hfsq + R) + (k·ln2_lo + c) − hfsq + f + k·ln2_hi, in musl's order
  let y = f32x4.add(f32x4.mul(sq, f32x4.add(hfsq, f32x4.add(t2, t1))),
    f32x4.add(f32x4.mul(dk, kf(KLOG, 8)), c));
  y = f32x4.add(f32x4.sub(y, hfsq), f);
  return f32x4.add(y, f32x4.mul(dk, kf(KLOG, 7)));
}

/** H = silu(z), and G = silu'(z) if `withG` (the backward pass needs it), for n rows of a block
 * (HP floats a row, the first ceil4(H) in use): z = Z's row, or with `gather`, z = PA[a] + PB[b]
 * for the pair rows r0 … r0 + n − 1. H may be Z. Inlined with constant flags. */
// @ts-ignore: decorator
@inline function siluRows(pZ: usize, pH: usize, pG: usize, r0: i32, n: i32, gather: bool,
  withG: bool): void {
  const k0 = kf(KNEG, 0), k1 = kf(KNEG, 1), k2 = kf(KNEG, 2), k3 = kf(KNEG, 3);
  const k4 = kf(KNEG, 4), k5 = kf(KNEG, 5), k6 = kf(KNEG, 6), k7 = kf(KNEG, 7);
  const k8 = kf(KNEG, 8), k9 = kf(KNEG, 9), k10 = kf(KNEG, 10), k11 = kf(KNEG, 11);
  const one = kf(KNEG, 12);
  const hb = <usize>HP << 2, cb = <usize>ceil4(H) << 2;
  for (let r = 0; r < n; r++) {
    let pz = pZ + <usize>r * hb, pz2: usize = 0;
    if (gather) {
      pz = pPA + <usize>load<i32>(pIA + (<usize>(r0 + r) << 2)) * hb;
      pz2 = pPB + <usize>load<i32>(pIB + (<usize>(r0 + r) << 2)) * hb;
    }
    const ph = pH + <usize>r * hb, pg = pG + <usize>r * hb;
    // two passes over the row: 1 + e^−z into G (and z into H), then σ, H and G. Each pass's
    // dependency chain is half as long, so twice as many vectors fit the out-of-order window.
    for (let j: usize = 0; j < cb; j += 16) {
      const z = gather ? f32x4.add(v128.load(pz + j), v128.load(pz2 + j)) : v128.load(pz + j);
      if (gather) v128.store(ph + j, z);
      const e = vexp(z, true, true, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, one);
      v128.store(pg + j, f32x4.add(one, e));
    }
    for (let j: usize = 0; j < cb; j += 16) {
      const z = v128.load(ph + j);
      const s = f32x4.div(one, v128.load(pg + j));
      const h = f32x4.mul(z, s);
      v128.store(ph + j, h);
      // silu'(z) = σ(1 + z(1 − σ)), whose FMA keeps the relative error small near its zero
      // (z ≈ −1.28; h(1 − σ) + σ, one operation fewer, does not, and Adam's steps follow the
      // relative error of small gradients)
      if (withG) v128.store(pg + j, f32x4.mul(s, madd(z, f32x4.sub(one, s), one)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GEMM. The micro-kernel computes a 4×8 tile of C with 8 accumulators: each step k loads four
// values of A as one v128 (A's rows i..i+3 at k: a packed panel, or a transposed A read in
// place), splats each lane with a shuffle, and loads two v128 of B's row k. Three loads per 8
// FMAs matter because Deno runs WebAssembly with explicit bounds checks (three instructions per
// load; a 6×8 tile with 8 splat loads per 12 FMAs reaches 74 % of the FMA peak on a Zen 4, this
// one 92 %), and 12 live vectors fit V8's 15 allocatable xmm registers on x64 (a 6×8 tile needs
// all 15 with splat loads, 17 with shuffles, and spills). bench/README.md has the measurements.

/** c ⊙ G (G's vector at pg) stored at pc; returns it. */
// @ts-ignore: decorator
@inline function gstore(c: v128, pc: usize, pg: usize): v128 {
  const v = f32x4.mul(c, v128.load(pg));
  v128.store(pc, v);
  return v;
}

// Epilogue of one output row of a tile (two vectors, cols j..j+7).
//   mode 0: C = acc; 1: C += acc; 3: C = acc + bias; 4: C = acc ⊙ G; 7 (the whole tile, in
//   `tile4`): C = acc + bias into 4-row panels; 8: acc ⊙ G added to ∂PA's row a and ∂PB's row b
//   of the pair whose a is at pc (its b at pc + pIB − pIA), columns from byte pb; 9 (the whole
//   tile): C = acc ⊙ G and the tile's column sums added at pb.
// @ts-ignore: decorator
@inline function epi(c0: v128, c1: v128, pc: usize, mode: i32, pb: usize, pg: usize): void {
  if (mode == 8) {
    const v0 = f32x4.mul(c0, v128.load(pg)), v1 = f32x4.mul(c1, v128.load(pg, 16));
    const hb = <usize>HP << 2;
    const qa = pDPA + <usize>load<i32>(pc) * hb + pb;
    const qb = pDPB + <usize>load<i32>(pc + (pIB - pIA)) * hb + pb;
    v128.store(qa, f32x4.add(v128.load(qa), v0));
    v128.store(qa, f32x4.add(v128.load(qa, 16), v1), 16);
    v128.store(qb, f32x4.add(v128.load(qb), v0));
    v128.store(qb, f32x4.add(v128.load(qb, 16), v1), 16);
  } else if (mode == 0) {
    v128.store(pc, c0);
    v128.store(pc, c1, 16);
  } else if (mode == 1) {
    v128.store(pc, f32x4.add(v128.load(pc), c0));
    v128.store(pc, f32x4.add(v128.load(pc, 16), c1), 16);
  } else if (mode == 3) {
    v128.store(pc, f32x4.add(c0, v128.load(pb)));
    v128.store(pc, f32x4.add(c1, v128.load(pb, 16)), 16);
  } else {
    v128.store(pc, f32x4.mul(c0, v128.load(pg)));
    v128.store(pc, f32x4.mul(c1, v128.load(pg, 16)), 16);
  }
}

/** One 4×8 tile: C[0..rows) (ldc bytes a row) = epilogue(Σ_k A_k ⊗ B_k); A_k is the v128 at
 * pa + k·sa, B_k the two at pb + k·sb. G has C's row length. Inlined with a constant `mode`, so
 * each GEMM gets its own copy with one epilogue and no call per tile. */
// @ts-ignore: decorator
@inline function tile4(pa: usize, sa: usize, pb: usize, sb: usize, K: i32, pc: usize, ldc: usize,
  rows: i32, mode: i32, pbias: usize, pg: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // the loop ends on A's pointer (no counter: one instruction fewer per k)
  const aEnd = pa + <usize>K * sa;
  while (pa < aEnd) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const av = v128.load(pa);
    let a = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += sa;
    pb += sb;
  }
  if (mode == 7) {
    // + bias, then transposed: columns j..j+7 of the 4 rows, each one v128, at pc + c·16
    const b0 = v128.load(pbias), b1 = v128.load(pbias, 16);
    transpose4(f32x4.add(c00, b0), f32x4.add(c10, b0), f32x4.add(c20, b0), f32x4.add(c30, b0),
      pc, 16);
    transpose4(f32x4.add(c01, b1), f32x4.add(c11, b1), f32x4.add(c21, b1), f32x4.add(c31, b1),
      pc + 64, 16);
    return;
  }
  if (mode == 9) {
    // C = acc ⊙ G, and the tile's rows (those in use) added to ∂b at pbias one by one (the
    // order of a column sum over the rows)
    let s0 = f32x4.add(v128.load(pbias), gstore(c00, pc, pg));
    let s1 = f32x4.add(v128.load(pbias, 16), gstore(c01, pc + 16, pg + 16));
    if (rows > 1) {
      s0 = f32x4.add(s0, gstore(c10, pc + ldc, pg + ldc));
      s1 = f32x4.add(s1, gstore(c11, pc + ldc + 16, pg + ldc + 16));
    }
    if (rows > 2) {
      s0 = f32x4.add(s0, gstore(c20, pc + 2 * ldc, pg + 2 * ldc));
      s1 = f32x4.add(s1, gstore(c21, pc + 2 * ldc + 16, pg + 2 * ldc + 16));
    }
    if (rows > 3) {
      s0 = f32x4.add(s0, gstore(c30, pc + 3 * ldc, pg + 3 * ldc));
      s1 = f32x4.add(s1, gstore(c31, pc + 3 * ldc + 16, pg + 3 * ldc + 16));
    }
    v128.store(pbias, s0);
    v128.store(pbias, s1, 16);
    return;
  }
  const ic = mode == 8 ? 4 : ldc; // mode 8: C's rows are the pairs' indices
  epi(c00, c01, pc, mode, pbias, pg);
  if (rows > 1) epi(c10, c11, pc + ic, mode, pbias, pg + ldc);
  if (rows > 2) epi(c20, c21, pc + 2 * ic, mode, pbias, pg + 2 * ldc);
  if (rows > 3) epi(c30, c31, pc + 3 * ic, mode, pbias, pg + 3 * ldc);
}

// Epilogue of one output row of a 4-wide tile (one vector), modes as `epi`.
// @ts-ignore: decorator
@inline function epi1(c: v128, pc: usize, mode: i32, pb: usize, pg: usize): void {
  if (mode == 8) {
    const v = f32x4.mul(c, v128.load(pg));
    const hb = <usize>HP << 2;
    const qa = pDPA + <usize>load<i32>(pc) * hb + pb;
    const qb = pDPB + <usize>load<i32>(pc + (pIB - pIA)) * hb + pb;
    v128.store(qa, f32x4.add(v128.load(qa), v));
    v128.store(qb, f32x4.add(v128.load(qb), v));
  } else if (mode == 0) v128.store(pc, c);
  else if (mode == 1) v128.store(pc, f32x4.add(v128.load(pc), c));
  else if (mode == 3) v128.store(pc, f32x4.add(c, v128.load(pb)));
  else v128.store(pc, f32x4.mul(c, v128.load(pg)));
}

/** An 8×4 tile for the last 4 columns when N is 4 more than a multiple of 8 (N = 100 or 60
 * instead of 104 or 64 at the model's sizes): rows 0–3 of A_k at pa + k·sa, rows 4–7 at
 * pa + a2 + k·sa; B_k one v128 at pb + k·sb. Same 8 accumulators, 3 loads and 8 FMAs per k. */
// @ts-ignore: decorator
@inline function tile8x4(pa: usize, a2: usize, sa: usize, pb: usize, sb: usize, K: i32,
  pc: usize, ldc: usize, rows: i32, mode: i32, pbias: usize, pg: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let pa2 = pa + a2;
  const aEnd = pa + <usize>K * sa;
  while (pa < aEnd) {
    const b = v128.load(pb);
    const u = v128.load(pa);
    c0 = madd(v128.shuffle<f32>(u, u, 0, 0, 0, 0), b, c0);
    c1 = madd(v128.shuffle<f32>(u, u, 1, 1, 1, 1), b, c1);
    c2 = madd(v128.shuffle<f32>(u, u, 2, 2, 2, 2), b, c2);
    c3 = madd(v128.shuffle<f32>(u, u, 3, 3, 3, 3), b, c3);
    const w = v128.load(pa2);
    c4 = madd(v128.shuffle<f32>(w, w, 0, 0, 0, 0), b, c4);
    c5 = madd(v128.shuffle<f32>(w, w, 1, 1, 1, 1), b, c5);
    c6 = madd(v128.shuffle<f32>(w, w, 2, 2, 2, 2), b, c6);
    c7 = madd(v128.shuffle<f32>(w, w, 3, 3, 3, 3), b, c7);
    pa += sa;
    pa2 += sa;
    pb += sb;
  }
  if (mode == 7) {
    // + bias, transposed into the two panels (the second at pc + 4·ldc)
    const b = v128.load(pbias);
    transpose4(f32x4.add(c0, b), f32x4.add(c1, b), f32x4.add(c2, b), f32x4.add(c3, b), pc, 16);
    if (rows > 4) {
      transpose4(f32x4.add(c4, b), f32x4.add(c5, b), f32x4.add(c6, b), f32x4.add(c7, b),
        pc + 4 * ldc, 16);
    }
    return;
  }
  if (mode == 9) {
    let sum = f32x4.add(v128.load(pbias), gstore(c0, pc, pg));
    if (rows > 1) sum = f32x4.add(sum, gstore(c1, pc + ldc, pg + ldc));
    if (rows > 2) sum = f32x4.add(sum, gstore(c2, pc + 2 * ldc, pg + 2 * ldc));
    if (rows > 3) sum = f32x4.add(sum, gstore(c3, pc + 3 * ldc, pg + 3 * ldc));
    if (rows > 4) sum = f32x4.add(sum, gstore(c4, pc + 4 * ldc, pg + 4 * ldc));
    if (rows > 5) sum = f32x4.add(sum, gstore(c5, pc + 5 * ldc, pg + 5 * ldc));
    if (rows > 6) sum = f32x4.add(sum, gstore(c6, pc + 6 * ldc, pg + 6 * ldc));
    if (rows > 7) sum = f32x4.add(sum, gstore(c7, pc + 7 * ldc, pg + 7 * ldc));
    v128.store(pbias, sum);
    return;
  }
  const ic = mode == 8 ? 4 : ldc; // mode 8: C's rows are the pairs' indices
  epi1(c0, pc, mode, pbias, pg);
  if (rows > 1) epi1(c1, pc + ic, mode, pbias, pg + ldc);
  if (rows > 2) epi1(c2, pc + 2 * ic, mode, pbias, pg + 2 * ldc);
  if (rows > 3) epi1(c3, pc + 3 * ic, mode, pbias, pg + 3 * ldc);
  if (rows > 4) epi1(c4, pc + 4 * ic, mode, pbias, pg + 4 * ldc);
  if (rows > 5) epi1(c5, pc + 5 * ic, mode, pbias, pg + 5 * ldc);
  if (rows > 6) epi1(c6, pc + 6 * ic, mode, pbias, pg + 6 * ldc);
  if (rows > 7) epi1(c7, pc + 7 * ic, mode, pbias, pg + 7 * ldc);
}

/** Store the 4×4 block whose rows are x0 … x3 transposed: its columns at dst + i·stride. */
// @ts-ignore: decorator
@inline function transpose4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize,
  stride: usize): void {
  const lo01 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}

/** Pack A's rows (M of them, lda bytes apart, K floats used) as panels of 4: panel q holds
 * A[4q..4q+3][k] at dst + (q·K + k)·16; the rows past M are zeros. */
function pack4(pA: usize, lda: usize, M: i32, K: i32, dst: usize): void {
  const k4 = K & ~3;
  for (let i = 0; i < M; i += 4) {
    const r0 = pA + <usize>i * lda;
    const r1 = i + 1 < M ? r0 + lda : pZERO;
    const r2 = i + 2 < M ? r0 + 2 * lda : pZERO;
    const r3 = i + 3 < M ? r0 + 3 * lda : pZERO;
    const d = dst + (<usize>(i * K) << 2);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      transpose4(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o),
        d + (o << 2), 16);
    }
    for (let k = k4; k < K; k++) {
      const o = <usize>k << 2;
      const dk = d + (o << 2);
      store<f32>(dk, load<f32>(r0 + o));
      store<f32>(dk, load<f32>(r1 + o), 4);
      store<f32>(dk, load<f32>(r2 + o), 8);
      store<f32>(dk, load<f32>(r3 + o), 12);
    }
  }
}

/** C (M×N) = epilogue(A·B), A row-major (lda floats a row, packed here), B K×N (ldb), N a
 * multiple of 4; G (mode 4) has C's row length. */
// @ts-ignore: decorator
@inline function gemm(M: i32, N: i32, K: i32, pA: usize, lda: i32, pB: usize, ldb: i32,
  pC: usize, ldc: i32, mode: i32, pbias: usize, pG: usize): void {
  pack4(pA, <usize>lda << 2, M, K, pPACK);
  gemmPanels(M, N, K, pPACK, <usize>K << 4, pB, ldb, pC, ldc, mode, pbias, pG);
}

/** C (M×N) = epilogue(A·B) with A in 4-row panels: panel q (rows 4q..4q+3) at pA + q·ps, its
 * column k the v128 at + k·16 (what `pack4` writes, or what a mode-7 GEMM wrote). B K×N (ldb),
 * N a multiple of 4. The panel after the last one must be readable (its rows are not stored).
 * Mode 7 writes C in panels too: panel q at pC + q·4·ldc, column j at + j·16; mode 8 takes as
 * pC the pair rows' a indices (pIA + r0·4) and scatters into ∂PA, ∂PB instead (see `epi`). */
// @ts-ignore: decorator
@inline function gemmPanels(M: i32, N: i32, K: i32, pA: usize, ps: usize, pB: usize, ldb: i32,
  pC: usize, ldc: i32, mode: i32, pbias: usize, pG: usize): void {
  const sb = <usize>ldb << 2;
  const lc = <usize>ldc << 2;
  const n8 = N & ~7;
  // column strips outer: a strip of B (K×8) stays in L1 while the panels pass by
  for (let j = 0; j < n8; j += 8) {
    const jo = <usize>j << 2;
    const co = mode == 7 ? jo << 2 : jo;
    for (let i = 0; i < M; i += 4) {
      const pa = pA + <usize>(i >> 2) * ps;
      const grow = pG + <usize>i * lc;
      if (mode == 8) {
        // C is the pairs' a indices (4 bytes a row, G's rows lc); the columns' byte offset goes
        // as `pbias`
        tile4(pa, 16, pB + jo, sb, K, pC + (<usize>i << 2), lc, min(4, M - i), mode, jo,
          grow + jo);
      } else {
        tile4(pa, 16, pB + jo, sb, K, pC + <usize>i * lc + co, lc, min(4, M - i), mode,
          pbias + jo, grow + jo);
      }
    }
  }
  if (n8 < N) {
    // the last 4 columns, 8 rows (two panels) at a time; past M the second panel's rows are
    // not stored
    const jo = <usize>n8 << 2;
    const co = mode == 7 ? jo << 2 : jo;
    for (let i = 0; i < M; i += 8) {
      const pa = pA + <usize>(i >> 2) * ps;
      if (mode == 8) {
        tile8x4(pa, ps, 16, pB + jo, sb, K, pC + (<usize>i << 2), lc, min(8, M - i), mode, jo,
          pG + <usize>i * lc + jo);
      } else {
        tile8x4(pa, ps, 16, pB + jo, sb, K, pC + <usize>i * lc + co, lc, min(8, M - i), mode,
          pbias + jo, pG + <usize>i * lc + jo);
      }
    }
  }
}

/** C (M×N) (+)= Aᵀ·B where A is K×M row-major (lda) and B is K×N (ldb): weight gradients, A
 * read in place. M and N multiples of 4; when M is 4 more than a multiple of 8, A's rows must
 * have 4 more readable floats (lda ≥ M + 4: the padding). */
// @ts-ignore: decorator
@inline function gemmT(M: i32, N: i32, K: i32, pA: usize, lda: i32, pB: usize, ldb: i32,
  pC: usize, ldc: i32, accumulate: bool): void {
  const la = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const lc = <usize>ldc << 2;
  const mode = accumulate ? 1 : 0;
  const n8 = N & ~7;
  for (let i = 0; i < M; i += 4) {
    const crow = pC + <usize>i * lc;
    for (let j = 0; j < n8; j += 8) {
      const jo = <usize>j << 2;
      tile4(pA + (<usize>i << 2), la, pB + jo, sb, K, crow + jo, lc, 4, mode, 0, 0);
    }
  }
  if (n8 < N) {
    const jo = <usize>n8 << 2;
    for (let i = 0; i < M; i += 8) {
      tile8x4(pA + (<usize>i << 2), 16, la, pB + jo, sb, K, pC + <usize>i * lc + jo, lc,
        min(8, M - i), mode, 0, 0);
    }
  }
}

/** dst (cols×rows) = src (rows×cols)ᵀ, both dimensions multiples of 4: 4×4 blocks in registers. */
function transpose(pSrc: usize, rows: i32, cols: i32, pDst: usize): void {
  const ls = <usize>cols << 2, ld = <usize>rows << 2;
  for (let r = 0; r < rows; r += 4) {
    const s = pSrc + <usize>r * ls;
    const d = pDst + (<usize>r << 2);
    for (let c = 0; c < cols; c += 4) {
      const o = <usize>c << 2;
      transpose4(v128.load(s + o), v128.load(s + ls + o), v128.load(s + 2 * ls + o),
        v128.load(s + 3 * ls + o), d + <usize>c * ld, ld);
    }
  }
}

/** Refresh the out×in copies of the weights (after setting or updating parameters). */
export function refreshTransposes(): void {
  transpose(pParams + (<usize>oW0a << 2), DP, HP, pW0aT);
  transpose(pParams + (<usize>oW0b << 2), DP, HP, pW0bT);
  transpose(pParams + (<usize>oW1 << 2), HP, HP, pW1T);
  transpose(pParams + (<usize>oW2 << 2), HP, PP, pW2T);
}

/** out[0..cols) (+)= Σ of the first `rows` rows of X (cols floats a row, a multiple of 4). */
function colsum(pX: usize, rows: i32, cols: i32, pOut: usize, accumulate: bool): void {
  const cb = <usize>cols << 2;
  if (!accumulate) memory.fill(pOut, 0, cb);
  for (let r = 0; r < rows; r++) {
    const row = pX + <usize>r * cb;
    for (let j: usize = 0; j < cb; j += 16) {
      v128.store(pOut + j, f32x4.add(v128.load(pOut + j), v128.load(row + j)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The step, in blocks of BR pair rows: a block's activations (H1, SiLU′(z1), H2, SiLU′(z2),
// logits, ∂z2, ∂z1: 27 KB each at p = 59) go through the forward and, for train rows, the
// backward pass while they are in L1/L2; the weight gradients accumulate over the blocks.

// The kernels' ids (K_*) are in ids.ts, in the order a step runs them (`kernel` runs one alone,
// for the bench).

let trainLoss: f64 = 0;
let testLoss: f64 = 0;
let trainOk: i32 = 0;
let testOk: i32 = 0;

/** z1 = PA[a] + PB[b] for the block's rows (PA holds b0); H1 = silu(z1), G1 = silu'(z1). */
function layer1(r0: i32, n: i32, withG: bool): void {
  if (withG) siluRows(0, pH1, pG1, r0, n, true, true);
  else siluRows(0, pH1, pG1, r0, n, true, false);
}

/** H2 = silu(z2) in place, G2 = silu'(z2). */
function silu2(n: i32, withG: bool): void {
  if (withG) siluRows(pH2, pH2, pG2, 0, n, false, true);
  else siluRows(pH2, pH2, pG2, 0, n, false, false);
}

/** Softmax cross-entropy of the block's rows r0..r0+n, whose logits the logits GEMM wrote in
 * 4-row panels (panel q: rows 4q..4q+3, column j the v128 at pLG + (q·PP + j)·16): loss and
 * accuracy into the step's sums. Four rows go through each pass together, one per lane, so the
 * passes' work is independent across the row's p columns (no reduction over a row's lanes).
 * Train rows (`grads`): d loss/d logits = (softmax − onehot)/NT in place (the panels then feed
 * ∂z2's GEMM as its packed A), transposed into row-major LGR (∂W2's B), and its column sums
 * added to ∂b2 (overwritten on the `first` block). Lanes past n get 0. */
function softmax(r0: i32, n: i32, grads: bool, first: bool): void {
  const ps = <usize>PP << 4; // bytes per panel
  const cb = <usize>P << 4; // the columns in use
  const c4 = <usize>ceil4(P) << 4; // … and the padding column the GEMMs read (zeros)
  const k0 = kf(KEXP, 0), k1 = kf(KEXP, 1), k2 = kf(KEXP, 2), k3 = kf(KEXP, 3);
  const k4 = kf(KEXP, 4), k5 = kf(KEXP, 5), k6 = kf(KEXP, 6), k7 = kf(KEXP, 7);
  const k8 = kf(KEXP, 8), k9 = kf(KEXP, 9), k10 = kf(KEXP, 10), k11 = kf(KEXP, 11);
  const k12 = kf(KEXP, 12);
  const pdb2 = pGrad + (<usize>oB2 << 2);
  if (grads && first) memory.fill(pdb2, 0, <usize>PP << 2);
  for (let q = 0; q < n; q += 4) {
    const pp = pLG + <usize>(q >> 2) * ps;
    const lanes = min(4, n - q);
    // max over the p columns (four chains)
    let m0 = v128.load(pp), m1 = m0, m2 = m0, m3 = m0;
    let o: usize = 16;
    for (; o + 48 < cb; o += 64) {
      m0 = f32x4.pmax(m0, v128.load(pp + o));
      m1 = f32x4.pmax(m1, v128.load(pp + o, 16));
      m2 = f32x4.pmax(m2, v128.load(pp + o, 32));
      m3 = f32x4.pmax(m3, v128.load(pp + o, 48));
    }
    for (; o < cb; o += 16) m0 = f32x4.pmax(m0, v128.load(pp + o));
    const vmax = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
    // the first column holding it (scanned from the last)
    const inc = i32x4.splat(1);
    let am = i32x4.splat(0), jv = i32x4.splat(P - 1);
    for (let c = cb; c > 0; c -= 16) {
      am = v128.bitselect(jv, am, f32x4.eq(v128.load(pp + c - 16), vmax));
      jv = i32x4.sub(jv, inc);
    }
    const lbl = v128.load(pLBL + (<usize>(r0 + q) << 2));
    v128.store(pSCR, lbl, 32);
    v128.store(pSCR, f32x4.splat(0), 48);
    // each lane's logit at its label, kept; the panel gets −∞ there, so the exp pass sums
    // rest = Σ_{j≠l} e_j (plus e^−86.5 < 2.8e-38 for the label) with no mask
    for (let l = 0; l < lanes; l++) {
      const lo = <usize>l << 2;
      const at = pp + (<usize>load<i32>(pSCR + 32 + lo) << 4) + lo;
      store<f32>(pSCR + 48 + lo, load<f32>(at));
      store<f32>(at, -Infinity);
    }
    // e_j = exp(x_j − max) in place (x_j − max ≤ 0: only the lower clamp). The loss and the
    // label's gradient without cancellation: −log softmax_l = log1p(rest / e_l) and
    // softmax_l − 1 = −rest / Σe. (Summing all e_j and subtracting 1 loses everything below
    // f32's 6e-8 once the loss is that small, and Adam then turns the rounding noise into
    // full-size steps: a loss spike near 1e-7.)
    const xl = f32x4.sub(v128.load(pSCR, 48), vmax);
    const el = vexp(xl, false, false, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12);
    let rest = f32x4.splat(0);
    for (let c: usize = 0; c < cb; c += 16) {
      const e = vexp(f32x4.sub(v128.load(pp + c), vmax), false, false, k0, k1, k2, k3, k4, k5,
        k6, k7, k8, k9, k10, k11, k12);
      v128.store(pp + c, e);
      rest = f32x4.add(rest, e);
    }
    // per lane: the loss log1p(rest / e_l) (e_l > 2^-100; below, rest / e_l may overflow and
    // log Σe − (x_l − max) is exact enough), the accuracy
    const sum = f32x4.add(el, rest);
    const big = f32x4.gt(el, kf(KLOG, 9));
    v128.store(pSCR, vlog1p(f32x4.div(rest, el)), 64);
    v128.store(pSCR, sum, 80);
    v128.store(pSCR, xl, 48);
    const valid = i32x4.lt_s(v128.load(LANES), i32x4.splat(lanes));
    const ok = popcnt(i32x4.bitmask(v128.and(i32x4.eq(am, lbl), valid)));
    let lossSum: f64 = 0;
    const lossBits = i32x4.bitmask(big);
    for (let l = 0; l < lanes; l++) {
      const lo = <usize>l << 2;
      lossSum += (lossBits >> l) & 1
        ? <f64>load<f32>(pSCR + 64 + lo)
        : Math.log(<f64>load<f32>(pSCR + 80 + lo)) - <f64>load<f32>(pSCR + 48 + lo);
    }
    if (r0 < NT) {
      trainLoss += lossSum;
      trainOk += ok;
    } else {
      testLoss += lossSum;
      testOk += ok;
    }
    if (!grads) continue;
    // d loss/d logits = (softmax − onehot) / NT: e_j · scale, scale = 1/(Σe·NT) in f64 (in f32
    // its two more roundings move Adam's trajectories measurably); at the label −rest · scale
    // (−rest stored there now, scaled with the rest below); lanes past n: 0
    v128.store(pSCR, rest, 64);
    v128.store(pSCR, el, 80);
    v128.store(pSCR, f32x4.splat(0), 96);
    for (let l = 0; l < lanes; l++) {
      const lo = <usize>l << 2;
      const re = <f64>load<f32>(pSCR + 64 + lo);
      store<f32>(pSCR + 96 + lo, <f32>(1.0 / ((<f64>load<f32>(pSCR + 80 + lo) + re) * <f64>NT)));
      store<f32>(pp + (<usize>load<i32>(pSCR + 32 + lo) << 4) + lo, <f32>-re);
    }
    const scale = v128.load(pSCR, 96);
    // scaled in place, rows q..q+3 of LGR (row-major, PP floats a row; the ceil4(p) columns
    // the GEMMs read), and their sum into ∂b2
    const rb = <usize>PP << 2;
    const dst = pLGR + <usize>q * rb;
    for (let c: usize = 0; c < c4; c += 64) {
      const x0 = f32x4.mul(v128.load(pp + c), scale), x1 = f32x4.mul(v128.load(pp + c, 16), scale);
      const x2 = f32x4.mul(v128.load(pp + c, 32), scale), x3 = f32x4.mul(v128.load(pp + c, 48), scale);
      v128.store(pp + c, x0);
      v128.store(pp + c, x1, 16);
      v128.store(pp + c, x2, 32);
      v128.store(pp + c, x3, 48);
      const lo01 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const lo23 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const hi01 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const hi23 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const y0 = v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5);
      const y1 = v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7);
      const y2 = v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5);
      const y3 = v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7);
      const d = dst + (c >> 2);
      v128.store(d, y0);
      v128.store(d + rb, y1);
      v128.store(d + 2 * rb, y2);
      v128.store(d + 3 * rb, y3);
      const pb = pdb2 + (c >> 2);
      v128.store(pb, f32x4.add(v128.load(pb), f32x4.add(f32x4.add(y0, y1), f32x4.add(y2, y3))));
    }
  }
}

/** One kernel of the step on the block of rows r0..r0+n (`grads`: a train block whose backward
 * pass follows; `first`: the first train block, whose gradients overwrite instead of
 * accumulating). */
function runKernel(which: i32, r0: i32, n: i32, grads: bool, first: bool): void {
  const g = pGrad;
  switch (which) {
    case K_LAYER0: {
      const pE = pParams + (<usize>oE << 2);
      gemm(P, ceil4(H), D, pE, DP, pParams + (<usize>oW0a << 2), HP, pPA, HP, 3,
        pParams + (<usize>oB0 << 2), 0);
      gemm(P, ceil4(H), D, pE, DP, pParams + (<usize>oW0b << 2), HP, pPB, HP, 0, 0, 0);
      break;
    }
    case K_LAYER1: layer1(r0, n, grads); break;
    case K_LAYER2:
      gemm(n, ceil4(H), H, pH1, HP, pParams + (<usize>oW1 << 2), HP, pH2, HP, 3,
        pParams + (<usize>oB1 << 2), 0);
      break;
    case K_SILU2: silu2(n, grads); break;
    case K_LOGITS:
      gemm(n, ceil4(P), H, pH2, HP, pParams + (<usize>oW2 << 2), PP, pLG, PP, 7,
        pParams + (<usize>oB2 << 2), 0);
      break;
    case K_SOFTMAX: softmax(r0, n, grads, first); break;
    case K_DW2:
      gemmT(ceil4(H), ceil4(P), n, pH2, HP, pLGR, PP, g + (<usize>oW2 << 2), PP, !first);
      break;
    case K_DZ2: {
      const db1 = g + (<usize>oB1 << 2);
      if (first) memory.fill(db1, 0, <usize>HP << 2);
      gemmPanels(n, ceil4(H), P, pLG, <usize>PP << 4, pW2T, HP, pDZ2, HP, 9, db1, pG2);
      break;
    }
    case K_DW1:
      gemmT(ceil4(H), ceil4(H), n, pH1, HP, pDZ2, HP, g + (<usize>oW1 << 2), HP, !first);
      break;
    case K_DZ1:
      if (first) {
        memory.fill(pDPA, 0, <usize>(P * HP) << 2);
        memory.fill(pDPB, 0, <usize>(P * HP) << 2);
      }
      pack4(pDZ2, <usize>HP << 2, n, H, pPACK);
      gemmPanels(n, ceil4(H), H, pPACK, <usize>H << 4, pW1T, HP, pIA + (<usize>r0 << 2), HP, 8,
        0, pG1);
      break;
    case K_LAYER0_GRAD: {
      // b0's gradient is Σ over pairs of ∂z1 = Σ over tokens of ∂PA
      colsum(pDPA, P, HP, g + (<usize>oB0 << 2), false);
      const pE = pParams + (<usize>oE << 2);
      gemmT(ceil4(D), ceil4(H), P, pE, DP, pDPA, HP, g + (<usize>oW0a << 2), HP, false);
      gemmT(ceil4(D), ceil4(H), P, pE, DP, pDPB, HP, g + (<usize>oW0b << 2), HP, false);
      // dE = dPA · W0a + dPB · W0b (PyTorch's out×in halves)
      const pGE = g + (<usize>oE << 2);
      gemm(P, ceil4(D), H, pDPA, HP, pW0aT, DP, pGE, DP, 0, 0, 0);
      gemm(P, ceil4(D), H, pDPB, HP, pW0bT, DP, pGE, DP, 1, 0, 0);
      break;
    }
    case K_UPDATE:
      update(uKind, uFrom, uLr, uWd, uBeta1, uBeta2, uEps, uMomentum, uStepSize, uBc2sqrt);
      break;
    case K_TRANSPOSES: refreshTransposes(); break;
    default: break;
  }
}

/** Rows of the block starting at pair row r0 of the first `rows`: BR, or fewer at the end of
 * the train rows (a block never holds both train and test rows) and at the end. */
function blockRows(r0: i32, rows: i32): i32 {
  return r0 < NT ? min(BR, NT - r0) : min(BR, rows - r0);
}

/** The forward pass over the first `rows` rows (all R, or the NT train rows only), block by
 * block; while a train block is in cache, its backward pass down to ∂PA, ∂PB runs too (unless
 * `grads` is false). Writes train loss, train correct, test loss, test correct (f64) into STATS
 * (the test ones 0 when the test rows were skipped). */
function forward(rows: i32, grads: bool = true): void {
  trainLoss = 0;
  testLoss = 0;
  trainOk = 0;
  testOk = 0;
  runKernel(K_LAYER0, 0, 0, false, true);
  for (let r0 = 0; r0 < rows;) {
    const n = blockRows(r0, rows);
    const train = grads && r0 < NT;
    for (let k = K_LAYER1; k <= (train ? K_DZ1 : K_SOFTMAX); k++) {
      runKernel(k, r0, n, train, r0 == 0);
    }
    r0 += n;
  }
  store<f64>(pSTATS, trainLoss);
  store<f64>(pSTATS, <f64>trainOk, 8);
  store<f64>(pSTATS, testLoss, 16);
  store<f64>(pSTATS, <f64>testOk, 24);
}

/** The gradients of the first layer (from ∂PA, ∂PB, which `forward` accumulated). */
function backward(): void {
  runKernel(K_LAYER0_GRAD, 0, 0, true, true);
}

/** For the bench: run kernel `which` alone as one step would (on every block it runs on: all
 * rows or the train rows, with the data the blocks' buffers hold). */
export function kernel(which: i32, withTest: bool): void {
  if (which == K_LAYER0 || which >= K_LAYER0_GRAD) {
    runKernel(which, 0, 0, true, true);
    return;
  }
  const rows = which <= K_SOFTMAX && withTest ? R : NT;
  for (let r0 = 0; r0 < rows;) {
    const n = blockRows(r0, rows);
    runKernel(which, r0, n, r0 < NT, r0 == 0);
    r0 += n;
  }
}

// The update's arguments, as the step last passed them (K_UPDATE reads them).
let uKind: i32 = 0;
let uFrom: i32 = 0;
let uLr: f32 = 0;
let uWd: f32 = 0;
let uBeta1: f32 = 0;
let uBeta2: f32 = 0;
let uEps: f32 = 0;
let uMomentum: f32 = 0;
let uStepSize: f32 = 0;
let uBc2sqrt: f32 = 0;

/** The optimiser's update (PyTorch semantics) on parameters [from, TOTAL): `kind` 0 AdamW
 * (decoupled decay), 1 Adam (L2 term wd·θ added to the gradient), 2 SGD with momentum (L2 term;
 * M holds the momentum buffer). Every hyper-parameter and the step's scalars come from the host
 * (protocol/optimizer.ts); none is written here. */
function update(kind: i32, from: i32, lr: f32, wd: f32, beta1: f32, beta2: f32, epsilon: f32,
  momentum: f32, stepSize: f32, bc2sqrt: f32): void {
  const end = <usize>TOTAL << 2;
  const start = <usize>from << 2;
  if (kind == 2) {
    const mu = f32x4.splat(momentum), l2 = f32x4.splat(wd), nlr = f32x4.splat(-lr);
    for (let o: usize = start; o < end; o += 16) {
      const th = v128.load(pParams + o);
      const gr = madd(th, l2, v128.load(pGrad + o));
      const b = madd(v128.load(pM + o), mu, gr);
      v128.store(pM + o, b);
      v128.store(pParams + o, madd(nlr, b, th));
    }
    return;
  }
  // AdamW decays θ by (1 − lr·wd); Adam adds wd·θ to the gradient instead
  const decay = f32x4.splat(kind == 0 ? <f32>1.0 - lr * wd : <f32>1.0);
  const l2 = f32x4.splat(kind == 0 ? <f32>0.0 : wd);
  const b1 = f32x4.splat(beta1), nb1 = f32x4.splat(<f32>1.0 - beta1);
  const b2 = f32x4.splat(beta2), nb2 = f32x4.splat(<f32>1.0 - beta2);
  const ss = f32x4.splat(-stepSize), ib = f32x4.splat(<f32>1.0 / bc2sqrt);
  const eps = f32x4.splat(epsilon);
  for (let o: usize = start; o < end; o += 16) {
    const p0 = v128.load(pParams + o);
    const gr = madd(p0, l2, v128.load(pGrad + o));
    const m = madd(v128.load(pM + o), b1, f32x4.mul(gr, nb1));
    const v = madd(v128.load(pV + o), b2, f32x4.mul(f32x4.mul(gr, gr), nb2));
    v128.store(pM + o, m);
    v128.store(pV + o, v);
    const den = madd(f32x4.sqrt(v), ib, eps);
    const th = f32x4.mul(p0, decay);
    v128.store(pParams + o, madd(ss, f32x4.div(m, den), th));
  }
}

/** One training step (the test rows' forward only when `withTest`) with optimiser `kind` (see
 * `update`). Returns nothing; the statistics are in STATS. */
export function step(kind: i32, lr: f32, wd: f32, beta1: f32, beta2: f32, eps: f32,
  momentum: f32, stepSize: f32, bc2sqrt: f32, freeze: bool, withTest: bool): void {
  forward(withTest ? R : NT);
  backward();
  uKind = kind;
  uFrom = freeze ? oW0a : 0;
  uLr = lr;
  uWd = wd;
  uBeta1 = beta1;
  uBeta2 = beta2;
  uEps = eps;
  uMomentum = momentum;
  uStepSize = stepSize;
  uBc2sqrt = bc2sqrt;
  runKernel(K_UPDATE, 0, 0, true, true);
  runKernel(K_TRANSPOSES, 0, 0, true, true);
}

/** Forward only (statistics of the current parameters; nothing is updated). */
export function evaluate(): void {
  forward(R, false);
}

/** ‖F_k‖ (k = 0..P−1) of the P×DP matrix at parameter-block offset `which` (0: E, 1: ∂L/∂E),
 * written as f64 into SIG. F = CS·X − i·SN·X with the DFT tables set by the host. */
export function signals(which: i32): void {
  const pX = which == 0 ? pParams + (<usize>oE << 2) : pGrad + (<usize>oE << 2);
  gemm(P, ceil4(D), P, pCS, P, pX, DP, pRE, DP, 0, 0, 0);
  gemm(P, ceil4(D), P, pSN, P, pX, DP, pIM, DP, 0, 0, 0);
  const rb = <usize>DP << 2;
  for (let k = 0; k < P; k++) {
    const re = pRE + <usize>k * rb, im = pIM + <usize>k * rb;
    let s: f64 = 0;
    for (let j: usize = 0; j < rb; j += 4) {
      const a = <f64>load<f32>(re + j), b = <f64>load<f32>(im + j);
      s += a * a + b * b;
    }
    store<f64>(pSIG + (<usize>k << 3), Math.sqrt(s));
  }
}

/** Sum of squares of the parameter block, in f64 (two f64x2 accumulators). */
export function paramSquares(): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  const end = <usize>TOTAL << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const v = v128.load(pParams + o);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** For the tests: `fn` 0 e^x, 1 e^−x, 2 log1p(x) in place on the first n floats (a multiple of
 * 4, at most BR·PP) of the block's logits buffer (`addr(ADDR_LOGITS)`), through `vexp` and
 * `vlog1p` as the step uses them. */
export function mathLanes(n: i32, fn: i32): void {
  const end = <usize>n << 2;
  const tb = fn == 1 ? KNEG : KEXP;
  const k0 = kf(tb, 0), k1 = kf(tb, 1), k2 = kf(tb, 2), k3 = kf(tb, 3);
  const k4 = kf(tb, 4), k5 = kf(tb, 5), k6 = kf(tb, 6), k7 = kf(tb, 7);
  const k8 = kf(tb, 8), k9 = kf(tb, 9), k10 = kf(tb, 10), k11 = kf(tb, 11);
  const one = kf(tb, 12);
  for (let o: usize = 0; o < end; o += 16) {
    const x = v128.load(pLG + o);
    let y: v128;
    if (fn == 0) y = vexp(x, false, true, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, one);
    else if (fn == 1) y = vexp(x, true, true, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, one);
    else y = vlog1p(x);
    v128.store(pLG + o, y);
  }
}
