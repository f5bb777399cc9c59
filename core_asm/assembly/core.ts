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
//   computes PA = E·W0a and PB = E·W0b (p rows) instead of a p²×2d×h product.

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
let pDZ1: usize = 0;
let pDPA: usize = 0;
let pDPB: usize = 0;
let pCS: usize = 0;
let pSN: usize = 0;
let pRE: usize = 0;
let pIM: usize = 0;
let pMASK: usize = 0;
let pNEG: usize = 0;
let pPACK: usize = 0;
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

function ceil8(x: i32): i32 {
  return (x + 7) & ~7;
}

function alloc(bytes: usize): usize {
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
  pH1 = alloc(<usize>(R * HP) << 2);
  pG1 = alloc(<usize>(R * HP) << 2);
  pH2 = alloc(<usize>(R * HP) << 2);
  pG2 = alloc(<usize>(R * HP) << 2);
  pLG = alloc(<usize>(R * PP) << 2);
  pDZ2 = alloc(<usize>(NT * HP) << 2);
  pDZ1 = alloc(<usize>(NT * HP) << 2);
  pDPA = alloc(<usize>(P * HP) << 2);
  pDPB = alloc(<usize>(P * HP) << 2);
  pCS = alloc(<usize>(P * P) << 2);
  pSN = alloc(<usize>(P * P) << 2);
  pRE = alloc(<usize>(P * DP) << 2);
  pIM = alloc(<usize>(P * DP) << 2);
  pMASK = alloc(<usize>PP << 2);
  pNEG = alloc(<usize>PP << 2);
  for (let j = P; j < PP; j++) store<f32>(pNEG + (<usize>j << 2), -3.0e38);
  const kmax = max(max(max(HP, PP), DP), P);
  pPACK = alloc(<usize>(6 * kmax) << 2);
  pSIG = alloc(<usize>P << 3);
  pSTATS = alloc(64);
}

/** Addresses and sizes for the JavaScript side, by index (see core_asm/kernel.ts). */
export function addr(which: i32): usize {
  switch (which) {
    case 0: return pParams;
    case 1: return pGrad;
    case 2: return pM;
    case 3: return pV;
    case 4: return pIA;
    case 5: return pIB;
    case 6: return pLBL;
    case 7: return pCS;
    case 8: return pSN;
    case 9: return pMASK;
    case 10: return pSIG;
    case 11: return pSTATS;
    case 12: return pLG;
    default: return 0;
  }
}

export function offset(which: i32): i32 {
  switch (which) {
    case 0: return oE;
    case 1: return oW0a;
    case 2: return oW0b;
    case 3: return oB0;
    case 4: return oW1;
    case 5: return oB1;
    case 6: return oW2;
    case 7: return oB2;
    case 8: return TOTAL;
    case 9: return DP;
    case 10: return HP;
    case 11: return PP;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Vector math

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

// exp(x) for f32 lanes: Cephes expf's range reduction and polynomial (≤ 2 ulp on [-87, 88]).
// n = round(x·log2 e) by adding 1.5·2^23 (the sum's low mantissa bits are n), which also gives
// 2^n's exponent bits by an integer add and shift: no round or float→int conversion, each of
// which costs several instructions on x86-64.
// @ts-ignore: decorator
@inline function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const magic = f32x4.splat(12582912.0); // 1.5 · 2^23
  const t = madd(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(t, magic);
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let y = f32x4.splat(1.9875691500e-4);
  y = madd(y, r, f32x4.splat(1.3981999507e-3));
  y = madd(y, r, f32x4.splat(8.3334519073e-3));
  y = madd(y, r, f32x4.splat(4.1665795894e-2));
  y = madd(y, r, f32x4.splat(1.6666665459e-1));
  y = madd(y, r, f32x4.splat(5.0000001201e-1));
  y = madd(y, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1.0)));
  // bits(t) = bits(magic) + n, so (bits(t) − bits(magic) + 127) << 23 = bits(2^n)
  const e = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4b400000)), 23);
  return f32x4.mul(y, e);
}

// Store silu(z) at ph and silu'(z) at pg, for z = acc + bias.
// @ts-ignore: decorator
@inline function siluStore(z: v128, ph: usize, pg: usize): void {
  const one = f32x4.splat(1.0);
  const s = f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(z))));
  v128.store(ph, f32x4.mul(z, s));
  v128.store(pg, f32x4.mul(s, madd(z, f32x4.sub(one, s), one)));
}

// Epilogue of an 8-wide accumulator pair of one output row.
//   mode 0: C = acc; 1: C += acc; 2: z = acc + bias, C = silu(z), G = silu'(z);
//   3: C = acc + bias; 4: C = acc * G.
// @ts-ignore: decorator
@inline function epi(c0: v128, c1: v128, pc: usize, mode: i32, pb: usize, pg: usize): void {
  if (mode == 0) {
    v128.store(pc, c0);
    v128.store(pc, c1, 16);
  } else if (mode == 1) {
    v128.store(pc, f32x4.add(v128.load(pc), c0));
    v128.store(pc, f32x4.add(v128.load(pc, 16), c1), 16);
  } else if (mode == 2) {
    siluStore(f32x4.add(c0, v128.load(pb)), pc, pg);
    siluStore(f32x4.add(c1, v128.load(pb, 16)), pc + 16, pg + 16);
  } else if (mode == 3) {
    v128.store(pc, f32x4.add(c0, v128.load(pb)));
    v128.store(pc, f32x4.add(c1, v128.load(pb, 16)), 16);
  } else {
    v128.store(pc, f32x4.mul(c0, v128.load(pg)));
    v128.store(pc, f32x4.mul(c1, v128.load(pg, 16)), 16);
  }
}

// ---------------------------------------------------------------------------------------------
// GEMM: C (M×N) = A (M×K) · B (K×N), N a multiple of 8. The micro-kernel computes a 6×8 tile
// with 12 accumulators; A's six values of step k are at pa + 0, 4, ..., 20 and the next step
// is sa bytes on (a packed panel, or a transposed A read in place).

// @ts-ignore: decorator
@inline function tile6(pa: usize, sa: usize, pb: usize, sb: usize, K: i32,
  pc: usize, ldc: usize, mode: i32, pbias: usize, pg: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40);
    c41 = madd(a, b1, c41);
    a = v128.load32_splat(pa, 20);
    c50 = madd(a, b0, c50);
    c51 = madd(a, b1, c51);
    pa += sa;
    pb += sb;
  }
  epi(c00, c01, pc, mode, pbias, pg);
  epi(c10, c11, pc + ldc, mode, pbias, pg + ldc);
  epi(c20, c21, pc + 2 * ldc, mode, pbias, pg + 2 * ldc);
  epi(c30, c31, pc + 3 * ldc, mode, pbias, pg + 3 * ldc);
  epi(c40, c41, pc + 4 * ldc, mode, pbias, pg + 4 * ldc);
  epi(c50, c51, pc + 5 * ldc, mode, pbias, pg + 5 * ldc);
}

// @ts-ignore: decorator
@inline function tile1(pa: usize, sa: usize, pb: usize, sb: usize, K: i32,
  pc: usize, mode: i32, pbias: usize, pg: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    c1 = madd(a, v128.load(pb, 16), c1);
    pa += sa;
    pb += sb;
  }
  epi(c0, c1, pc, mode, pbias, pg);
}

/** C = A·B with A row-major (lda floats a row); G (for modes 2 and 4) has C's row length. */
function gemmN(M: i32, N: i32, K: i32, pA: usize, lda: i32, pB: usize, ldb: i32,
  pC: usize, ldc: i32, mode: i32, pbias: usize, pG: usize): void {
  const sb = <usize>ldb << 2;
  const lc = <usize>ldc << 2;
  const la = <usize>lda << 2;
  let i = 0;
  for (; i + 6 <= M; i += 6) {
    // pack the 6×K panel of A as K×6
    const a0 = pA + <usize>i * la;
    for (let k = 0; k < K; k++) {
      const dst = pPACK + (<usize>k * 24);
      const src = a0 + (<usize>k << 2);
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src + la), 4);
      store<f32>(dst, load<f32>(src + 2 * la), 8);
      store<f32>(dst, load<f32>(src + 3 * la), 12);
      store<f32>(dst, load<f32>(src + 4 * la), 16);
      store<f32>(dst, load<f32>(src + 5 * la), 20);
    }
    const crow = pC + <usize>i * lc;
    const grow = pG + <usize>i * lc;
    for (let j = 0; j < N; j += 8) {
      const jo = <usize>j << 2;
      tile6(pPACK, 24, pB + jo, sb, K, crow + jo, lc, mode, pbias + jo, grow + jo);
    }
  }
  for (; i < M; i++) {
    const arow = pA + <usize>i * la;
    const crow = pC + <usize>i * lc;
    const grow = pG + <usize>i * lc;
    for (let j = 0; j < N; j += 8) {
      const jo = <usize>j << 2;
      tile1(arow, 4, pB + jo, sb, K, crow + jo, mode, pbias + jo, grow + jo);
    }
  }
}

const KC: i32 = 192;

/** C (M×N) (+)= Aᵀ·B where A is K×M row-major (lda) and B is K×N (ldb): weight gradients.
 * K is blocked so the slices of A and B in use stay in cache across the tiles. */
function gemmT(M: i32, N: i32, K: i32, pA: usize, lda: i32, pB: usize, ldb: i32,
  pC: usize, ldc: i32, accumulate: bool): void {
  const la = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const lc = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kk = min(KC, K - k0);
    const mode = accumulate || k0 > 0 ? 1 : 0;
    const a0 = pA + <usize>k0 * la;
    const b0 = pB + <usize>k0 * sb;
    let i = 0;
    for (; i + 6 <= M; i += 6) {
      const crow = pC + <usize>i * lc;
      for (let j = 0; j < N; j += 8) {
        const jo = <usize>j << 2;
        tile6(a0 + (<usize>i << 2), la, b0 + jo, sb, kk, crow + jo, lc, mode, 0, 0);
      }
    }
    for (; i < M; i++) {
      const crow = pC + <usize>i * lc;
      for (let j = 0; j < N; j += 8) {
        const jo = <usize>j << 2;
        tile1(a0 + (<usize>i << 2), la, b0 + jo, sb, kk, crow + jo, mode, 0, 0);
      }
    }
  }
}

function transpose(pSrc: usize, rows: i32, cols: i32, pDst: usize): void {
  // dst (cols×rows) = src (rows×cols)ᵀ
  for (let r = 0; r < rows; r++) {
    const s = pSrc + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) {
      store<f32>(pDst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
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

// ---------------------------------------------------------------------------------------------
// The step

/** Forward over the first `rows` rows (all R, or the NT train rows only); cross-entropy,
 * accuracy and d loss/d logits of the train rows. Writes train loss, train correct, test loss,
 * test correct (f64) into STATS (the test ones 0 when the test rows were skipped). */
function forward(rows: i32): void {
  const pE = pParams + (<usize>oE << 2);
  // PA = E·W0a, PB = E·W0b: the factorised first layer (p rows instead of p² rows).
  gemmN(P, HP, DP, pE, DP, pParams + (<usize>oW0a << 2), HP, pPA, HP, 0, 0, 0);
  gemmN(P, HP, DP, pE, DP, pParams + (<usize>oW0b << 2), HP, pPB, HP, 0, 0, 0);
  // Layer 1 on every pair: z = PA[a] + PB[b] + b0.
  const hb = <usize>HP << 2;
  const pB0 = pParams + (<usize>oB0 << 2);
  for (let r = 0; r < rows; r++) {
    const pa = pPA + <usize>load<i32>(pIA + (<usize>r << 2)) * hb;
    const pb = pPB + <usize>load<i32>(pIB + (<usize>r << 2)) * hb;
    const ph = pH1 + <usize>r * hb;
    const pg = pG1 + <usize>r * hb;
    for (let j: usize = 0; j < hb; j += 16) {
      const z = f32x4.add(f32x4.add(v128.load(pa + j), v128.load(pb + j)), v128.load(pB0 + j));
      siluStore(z, ph + j, pg + j);
    }
  }
  // Layer 2 and the logits.
  gemmN(rows, HP, HP, pH1, HP, pParams + (<usize>oW1 << 2), HP, pH2, HP, 2,
    pParams + (<usize>oB1 << 2), pG2);
  gemmN(rows, PP, HP, pH2, HP, pParams + (<usize>oW2 << 2), PP, pLG, PP, 3,
    pParams + (<usize>oB2 << 2), 0);
  // Softmax cross-entropy row by row.
  let trainLoss: f64 = 0, testLoss: f64 = 0;
  let trainOk: i32 = 0, testOk: i32 = 0;
  const pb = <usize>PP << 2;
  for (let r = 0; r < rows; r++) {
    const row = pLG + <usize>r * pb;
    // max over the p logits (padding lanes pushed down by NEG), then the first index holding it
    let vmax = f32x4.add(v128.load(row), v128.load(pNEG));
    for (let j: usize = 16; j < pb; j += 16) {
      vmax = f32x4.max(vmax, f32x4.add(v128.load(row + j), v128.load(pNEG + j)));
    }
    const mx = max(
      max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
      max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)),
    );
    const vmx = f32x4.splat(mx);
    let am = 0;
    for (let j: usize = 0; j < pb; j += 16) {
      const bits = i32x4.bitmask(f32x4.eq(v128.load(row + j), vmx));
      if (bits != 0) {
        am = <i32>(j >> 2) + ctz(bits);
        break;
      }
    }
    const lbl = load<i32>(pLBL + (<usize>r << 2));
    const pl = row + (<usize>lbl << 2);
    const xl = <f64>load<f32>(pl);
    // e_j = exp(x_j − max), kept in the row (padding lanes are 0)
    for (let j: usize = 0; j < pb; j += 16) {
      v128.store(row + j, f32x4.mul(vexp(f32x4.sub(v128.load(row + j), vmx)), v128.load(pMASK + j)));
    }
    // The loss and the label's gradient without cancellation: with rest = Σ_{j≠l} e_j,
    // −log softmax_l = log1p(rest / e_l) and softmax_l − 1 = −rest / Σe. (Summing all e_j and
    // subtracting 1 loses everything below f32's 6e-8 once the loss is that small, and Adam then
    // turns the rounding noise into full-size steps: a loss spike near 1e-7.)
    const el = <f64>load<f32>(pl);
    store<f32>(pl, 0);
    let acc = f32x4.splat(0);
    for (let j: usize = 0; j < pb; j += 16) acc = f32x4.add(acc, v128.load(row + j));
    const rest = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
      <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    const sum = el + rest;
    const loss = el > 1e-30 ? Math.log1p(rest / el) : Math.log(sum) + <f64>mx - xl;
    if (r < NT) {
      trainLoss += loss;
      if (am == lbl) trainOk++;
      // d loss/d logits = (softmax − onehot) / NT, in place
      const scale = f32x4.splat(<f32>(1.0 / (sum * <f64>NT)));
      for (let j: usize = 0; j < pb; j += 16) {
        v128.store(row + j, f32x4.mul(v128.load(row + j), scale));
      }
      store<f32>(pl, <f32>(-rest / (sum * <f64>NT)));
    } else {
      testLoss += loss;
      if (am == lbl) testOk++;
    }
  }
  store<f64>(pSTATS, trainLoss);
  store<f64>(pSTATS, <f64>trainOk, 8);
  store<f64>(pSTATS, testLoss, 16);
  store<f64>(pSTATS, <f64>testOk, 24);
}

function colsum(pX: usize, rows: i32, cols: i32, pOut: usize): void {
  const cb = <usize>cols << 2;
  memory.fill(pOut, 0, cb);
  for (let r = 0; r < rows; r++) {
    const row = pX + <usize>r * cb;
    for (let j: usize = 0; j < cb; j += 16) {
      v128.store(pOut + j, f32x4.add(v128.load(pOut + j), v128.load(row + j)));
    }
  }
}

/** Gradients of the mean train loss into GRAD (the logits rows hold d loss/d logits). */
function backward(): void {
  const g = pGrad;
  const hb = <usize>HP << 2;
  // Output layer.
  gemmT(HP, PP, NT, pH2, HP, pLG, PP, g + (<usize>oW2 << 2), PP, false);
  colsum(pLG, NT, PP, g + (<usize>oB2 << 2));
  // dz2 = (dlogits · W2) ⊙ silu'(z2)
  gemmN(NT, HP, PP, pLG, PP, pW2T, HP, pDZ2, HP, 4, 0, pG2);
  gemmT(HP, HP, NT, pH1, HP, pDZ2, HP, g + (<usize>oW1 << 2), HP, false);
  colsum(pDZ2, NT, HP, g + (<usize>oB1 << 2));
  // dz1 = (dz2 · W1) ⊙ silu'(z1)
  gemmN(NT, HP, HP, pDZ2, HP, pW1T, HP, pDZ1, HP, 4, 0, pG1);
  // b0 and the factorised first layer: scatter dz1 to the tokens a and b of each pair.
  const pGB0 = g + (<usize>oB0 << 2);
  memory.fill(pGB0, 0, hb);
  memory.fill(pDPA, 0, <usize>P * hb);
  memory.fill(pDPB, 0, <usize>P * hb);
  for (let r = 0; r < NT; r++) {
    const row = pDZ1 + <usize>r * hb;
    const pa = pDPA + <usize>load<i32>(pIA + (<usize>r << 2)) * hb;
    const pb = pDPB + <usize>load<i32>(pIB + (<usize>r << 2)) * hb;
    for (let j: usize = 0; j < hb; j += 16) {
      const v = v128.load(row + j);
      v128.store(pa + j, f32x4.add(v128.load(pa + j), v));
      v128.store(pb + j, f32x4.add(v128.load(pb + j), v));
      v128.store(pGB0 + j, f32x4.add(v128.load(pGB0 + j), v));
    }
  }
  const pE = pParams + (<usize>oE << 2);
  gemmT(DP, HP, P, pE, DP, pDPA, HP, g + (<usize>oW0a << 2), HP, false);
  gemmT(DP, HP, P, pE, DP, pDPB, HP, g + (<usize>oW0b << 2), HP, false);
  // dE = dPA · W0a + dPB · W0b (PyTorch's out×in halves)
  const pGE = g + (<usize>oE << 2);
  gemmN(P, DP, HP, pDPA, HP, pW0aT, DP, pGE, DP, 0, 0, 0);
  gemmN(P, DP, HP, pDPB, HP, pW0bT, DP, pGE, DP, 1, 0, 0);
}

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
  update(kind, freeze ? oW0a : 0, lr, wd, beta1, beta2, eps, momentum, stepSize, bc2sqrt);
  refreshTransposes();
}

/** Forward only (statistics of the current parameters; nothing is updated). */
export function evaluate(): void {
  forward(R);
}

/** ‖F_k‖ (k = 0..P−1) of the P×DP matrix at parameter-block offset `which` (0: E, 1: ∂L/∂E),
 * written as f64 into SIG. F = CS·X − i·SN·X with the DFT tables set by the host. */
export function signals(which: i32): void {
  const pX = which == 0 ? pParams + (<usize>oE << 2) : pGrad + (<usize>oE << 2);
  gemmN(P, DP, P, pCS, P, pX, DP, pRE, DP, 0, 0, 0);
  gemmN(P, DP, P, pSN, P, pX, DP, pIM, DP, 0, 0, 0);
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

/** Sum of squares of the parameter block, in f64. */
export function paramSquares(): f64 {
  let s: f64 = 0;
  const end = <usize>TOTAL << 2;
  for (let o: usize = 0; o < end; o += 4) {
    const v = <f64>load<f32>(pParams + o);
    s += v * v;
  }
  return s;
}
