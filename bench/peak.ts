/**
 * This machine's WebAssembly SIMD peak: a tiny wasm module, written here byte by byte, whose loop
 * does 12 independent `f32x4.relaxed_madd` chains (12 accumulators, more than an FMA unit's
 * latency × throughput needs) on two operands loaded from linear memory in every iteration (a new
 * address each time, so nothing can be hoisted out of the loop). Not `v128.const` operands: V8
 * rematerialises those at every use. Not one load per FMA either: Deno runs WebAssembly without
 * V8's trap handler, so every load carries an explicit bounds check (lea, cmp, jae), and a load
 * per FMA measures the front end, not the FMA units (on a Zen 4: 35 GFLOP/s with the checks, 50
 * with `--v8-flags=--no-wasm-bounds-checks`, against 58.5 for this loop). A GEMM micro-kernel
 * that reuses each loaded vector several times can come close to this figure. Benchmarks report
 * each kernel's GFLOP/s as a fraction of it.
 *
 * @module
 */
import { timeMin, type Timing } from "./cpu.ts";

const ACC = 12;
/** Bytes of the window the loads walk through (stays in L1), a power of two. */
const WINDOW = 1024;
/** FLOPs of one loop iteration: ACC FMAs of 4 lanes, 2 FLOPs each. */
export const FLOPS_PER_ITERATION = ACC * 4 * 2;

function leb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>>= 7;
    if (n === 0) return [...out, b];
    out.push(b | 0x80);
  }
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}
const vec = (xs: number[]) => [...leb(xs.length), ...xs];
const section = (id: number, body: number[]) => [id, ...vec(body)];
const str = (s: string) => vec([...new TextEncoder().encode(s)]);

/**
 * The probe module's bytes: `peak(n: i32) → f32` runs n iterations and returns lane 0 of the
 * sum of the accumulators; `memory` holds the operands (floats 0 … (WINDOW + 32)/4) and the
 * accumulators' starting values (the next 4·ACC floats).
 * Iteration i (off = 16·i mod WINDOW): a = mem[off .. +16], b = mem[off + 16 .. +16];
 * acc_j += a · b for j < 12.
 */
export function peakModuleBytes(): Uint8Array<ArrayBuffer> {
  const V128 = 0x7b, I32 = 0x7f, F32 = 0x7d;
  const SIMD = 0xfd;
  const n = 0, acc = (j: number) => 1 + j, a = 1 + ACC, b = 2 + ACC, off = 3 + ACC;
  const get = (l: number) => [0x20, ...leb(l)];
  const set = (l: number) => [0x21, ...leb(l)];
  const load = (offset: number) => [SIMD, ...leb(0), 4, ...leb(offset)]; // v128.load align 16
  const body: number[] = [];
  // distinct starting values (from memory), so no compiler can prove two chains equal
  for (let j = 0; j < ACC; j++) {
    body.push(0x41, ...sleb(0), ...load(WINDOW + 32 + 16 * j), ...set(acc(j)));
  }
  body.push(
    0x03,
    0x40, // loop
    ...get(off),
    ...load(0),
    ...set(a),
    ...get(off),
    ...load(16),
    ...set(b),
  );
  for (let j = 0; j < ACC; j++) {
    // acc_j = relaxed_madd(a, b, acc_j)
    body.push(...get(a), ...get(b), ...get(acc(j)), SIMD, ...leb(0x105), ...set(acc(j)));
  }
  body.push(
    ...get(off),
    0x41,
    ...sleb(16),
    0x6a,
    0x41,
    ...sleb(WINDOW - 1),
    0x71,
    ...set(off),
    ...get(n),
    0x41,
    ...sleb(1),
    0x6b,
    0x22,
    ...leb(n), // local.tee n (n − 1)
    0x0d,
    0, // br_if 0
    0x0b, // end loop
    ...get(acc(0)),
  );
  for (let j = 1; j < ACC; j++) body.push(...get(acc(j)), SIMD, ...leb(0xe4)); // f32x4.add
  body.push(SIMD, ...leb(0x1f), 0, 0x0b); // f32x4.extract_lane 0; end
  const locals = [...leb(2), ...leb(ACC + 2), V128, ...leb(1), I32];
  const code = vec([...locals, ...body]);
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [...leb(1), 0x60, ...vec([I32]), ...vec([F32])]),
    ...section(3, [...leb(1), ...leb(0)]),
    ...section(5, [...leb(1), 0, ...leb(1)]),
    ...section(7, [...leb(2), ...str("peak"), 0, ...leb(0), ...str("memory"), 2, ...leb(0)]),
    ...section(10, [...leb(1), ...code]),
  ]);
}

/** The probe, instantiated, with its operands filled in by `fill(index) → value`. */
export function peakProbe(
  fill: (i: number) => number = (i) => 1 + (i % 7) * 1e-3,
): (n: number) => number {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(peakModuleBytes()));
  const mem = new Float32Array((exports.memory as WebAssembly.Memory).buffer);
  for (let i = 0; i < (WINDOW + 32 + 16 * ACC) / 4; i++) mem[i] = fill(i);
  return exports.peak as (n: number) => number;
}

/** The probe's result: GFLOP/s by wall clock and by this thread's CPU time. */
export interface Peak {
  gflops: number;
  gflopsCpu: number;
  timing: Timing;
}

/**
 * Measure the peak: `reps` runs of `iterations` loop iterations after a warm-up; the fastest run
 * (wall clock) and the fastest by thread CPU time.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { wasmFmaPeak } from "./peak.ts";
 * const p = wasmFmaPeak({ iterations: 1e5, reps: 2 });
 * assert(p.gflops > 0, JSON.stringify(p));
 * ```
 */
export function wasmFmaPeak(opts: { iterations?: number; reps?: number } = {}): Peak {
  const { iterations = 4e6, reps = 7 } = opts;
  const peak = peakProbe();
  peak(1e5); // compile to the optimising tier
  const timing = timeMin(1, () => peak(iterations), reps);
  const flop = iterations * FLOPS_PER_ITERATION;
  return { gflops: flop / timing.wallMs / 1e6, gflopsCpu: flop / timing.cpuMs / 1e6, timing };
}

if (import.meta.main) {
  const { cpuLine } = await import("./cpu.ts");
  console.log(cpuLine());
  const p = wasmFmaPeak();
  console.log(
    `WebAssembly SIMD peak (f32x4.relaxed_madd, 12 accumulators, operands from memory): ` +
      `${p.gflops.toFixed(1)} GFLOP/s wall, ${p.gflopsCpu.toFixed(1)} by thread CPU time`,
  );
}
