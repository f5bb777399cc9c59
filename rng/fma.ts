/**
 * A correctly rounded fused multiply-add for doubles, `fma(a, b, c) = round(a·b + c)`, computed
 * exactly with BigInt. JavaScript has no `Math.fma`, but PyTorch's x86-64 build contracts
 * `x * (to - from) + from` in `uniform_real_distribution` into one FMA instruction, so matching
 * its draws bit for bit needs one. Finite inputs only (the generators never make others).
 *
 * @module
 */

const view = new DataView(new ArrayBuffer(8));

/** x = m · 2^e with m a signed integer. */
function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const expBits = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (expBits === 0) return [sign * mant, -1074];
  return [sign * (mant | (1n << 52n)), expBits - 1075];
}

/** Round m · 2^e to the nearest double, ties to even. */
function compose(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  let a = neg ? -m : m;
  // Bring the exponent to ≥ -1074 - 60 so Number() rounds once, then scale exactly.
  // Keep at most 64 significant bits plus a sticky bit before converting.
  const bits = a.toString(2).length;
  if (bits > 64) {
    const shift = bits - 64;
    const rest = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    if (rest !== 0n) a |= 1n; // sticky: a has 64 bits, so bit 0 is far below the 53 kept
    e += shift;
  }
  // a < 2^64 now; Number(a) rounds to 53 bits correctly (the sticky bit breaks false ties).
  let r = Number(a);
  // Scaling by a power of two is exact while the result stays normal.
  if (e < -1022 + 64 - 64) {
    // Fall back for results near the subnormal range (never met by the generators).
    r = Number(a) * Math.pow(2, e);
  } else {
    while (e > 0) {
      const s = Math.min(e, 1000);
      r *= Math.pow(2, s);
      e -= s;
    }
    while (e < 0) {
      const s = Math.min(-e, 1000);
      r /= Math.pow(2, s);
      e += s;
    }
  }
  return neg ? -r : r;
}

/**
 * `a * b + c` with a single rounding.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { fma } from "./fma.ts";
 * const e = 2 ** -30;
 * assertEquals(fma(1 + e, 1 - e, -1), -(2 ** -60)); // which (1 + e) * (1 - e) - 1 rounds to 0
 * assertEquals((1 + e) * (1 - e) - 1, 0);
 * ```
 */
export function fma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  return compose(sum, e);
}
