// The asm core's vector exp and log1p (core.ts: `vexp`, `vlog1p`, through its `mathLanes`
// export) against Math.exp and Math.log1p (float64) over the f32 range the step feeds them:
// every 127th f32 bit pattern of each range, so every binade is sampled densely.
//   exp: the step takes e^x of x = logit − max ≤ 0 (softmax) and e^−z of every pre-activation z
//   (SiLU), so the whole clamp range [−86.5, 88] is tested, both ways; outside it, the values
//   the callers rely on. Bound: 1.5 ulp of the f32 result (measured 1.27 over every 13th pattern).
//   log1p: u = rest/e_l ∈ [0, 2^107) (e_l > 2^-100, rest < p). Bound: 1.5 ulp (measured 0.84).
import { equal } from "node:assert/strict";
import { coreModule } from "./asm_backend.ts";
import { ADDR_LOGITS } from "./assembly/ids.ts";

interface MathCore {
  memory: WebAssembly.Memory;
  setup(p: number, d: number, h: number, nt: number): void;
  addr(which: number): number;
  mathLanes(n: number, fn: number): void;
}

const core = async (): Promise<MathCore> => {
  const { exports } = await WebAssembly.instantiate(await coreModule(), {
    env: { abort: () => {} },
  });
  const c = exports as unknown as MathCore;
  c.setup(59, 8, 8, 100); // the block's logits buffer: 64 × 64 floats
  return c;
};

const CHUNK = 64 * 64;
const bits = new Uint32Array(1), asF32 = new Float32Array(bits.buffer);

/** The spacing of f32 values at |v| (v rounded to f32 first). */
function ulp(v: number): number {
  asF32[0] = Math.abs(v);
  bits[0] += 1;
  return asF32[0] - Math.abs(Math.fround(v));
}

/** Every `stride`-th f32 bit pattern whose value lies in [lo, hi], and lo, hi, 0. */
function f32Walk(lo: number, hi: number, stride: number): Float32Array {
  const bitsOf = (v: number) => {
    asF32[0] = v;
    return bits[0];
  };
  const out: number[] = [lo, hi, 0];
  const push = (b: number) => {
    bits[0] = b >>> 0;
    out.push(asF32[0]);
  };
  if (hi > 0) { for (let b = 1; b <= bitsOf(hi); b += stride) push(b); }
  if (lo < 0) { for (let b = 0x80000001; b <= bitsOf(lo); b += stride) push(b); }
  return Float32Array.from(out);
}

/** fn of the core on xs: the f32 results. */
function run(c: MathCore, fn: number, xs: Float32Array): Float32Array {
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i += CHUNK) {
    const buf = new Float32Array(c.memory.buffer, c.addr(ADDR_LOGITS), CHUNK);
    buf.fill(0);
    buf.set(xs.subarray(i, i + CHUNK));
    c.mathLanes(CHUNK, fn);
    out.set(
      new Float32Array(c.memory.buffer, c.addr(ADDR_LOGITS), CHUNK).subarray(0, xs.length - i),
      i,
    );
  }
  return out;
}

/** The largest error in ulps of f32(ref(x)) and where. */
function worstUlp(xs: Float32Array, ys: Float32Array, ref: (x: number) => number) {
  let worst = 0, at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const e = ref(xs[i]);
    const err = Math.abs(ys[i] - e) / ulp(e);
    if (!(err <= worst)) [worst, at] = [err, xs[i]];
  }
  return { worst, at };
}

for (
  const [fn, name, ref] of [[0, "e^x", Math.exp], [1, "e^−x", (x: number) => Math.exp(-x)]] as const
) {
  Deno.test(`vexp ${name}: within 1.5 ulp of Math.exp over the f32 clamp range`, async () => {
    const c = await core();
    const lo = fn === 0 ? -86.5 : -88, hi = fn === 0 ? 88 : 86.5;
    const xs = f32Walk(lo, hi, 127);
    const { worst, at } = worstUlp(xs, run(c, fn, xs), ref);
    if (!(worst <= 1.5)) {
      throw new Error(`${name}: ${worst.toFixed(3)} ulp at x = ${at} (${xs.length} values)`);
    }
  });
}

Deno.test("vexp outside the clamp: what SiLU's σ and softmax rely on; NaN stays NaN", async () => {
  const c = await core();
  const xs = Float32Array.from([-87, -100, -1e30, -Infinity, 88.5, 1e30, Infinity, NaN]);
  const e = run(c, 0, xs);
  // below −86.5: e^−86.5, under 2.8e-38 (σ(z) = 1/(1 + e^−z) rounds to 1 in f32 either way)
  for (let i = 0; i < 4; i++) {
    if (!(e[i] > 0 && e[i] < 2.8e-38)) throw new Error(`e^${xs[i]} = ${e[i]}`);
    equal(Math.fround(1 / (1 + e[i])), 1, `σ(${-xs[i]})`);
  }
  // above 88: e^88 (finite; σ(−z) = 1/(1 + e^88) < 6e-39)
  for (let i = 4; i < 7; i++) {
    if (!(Math.abs(e[i] - Math.exp(88)) <= 2 * ulp(Math.exp(88)))) {
      throw new Error(`e^${xs[i]} = ${e[i]}, not e^88`);
    }
  }
  if (!Number.isNaN(e[7])) throw new Error(`e^NaN = ${e[7]}`);
  // e^−x mirrors it: the same values at −x
  const en = run(c, 1, xs.map((x) => -x));
  for (let i = 0; i < xs.length; i++) {
    if (!Object.is(en[i], e[i])) {
      throw new Error(`e^−(${-xs[i]}) = ${en[i]} vs e^${xs[i]} = ${e[i]}`);
    }
  }
});

Deno.test("vlog1p: within 1.5 ulp of Math.log1p on [0, 2^107)", async () => {
  const c = await core();
  const xs = f32Walk(0, 2 ** 107, 127);
  const ys = run(c, 2, xs);
  const { worst, at } = worstUlp(xs, ys, Math.log1p);
  if (!(worst <= 1.5)) throw new Error(`log1p: ${worst.toFixed(3)} ulp at u = ${at}`);
  equal(ys[xs.indexOf(0)], 0, "log1p(0)");
});
