import fc from "fast-check";
import { CodecError, decodeCompact, encodeCompact, isCompact } from "./codec.ts";
import { encodeNpy, type NpyArray, type NpyDtype } from "./npy.ts";
import { ResultsStore } from "./store.ts";

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function firstDiff(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const i = a.findIndex((x, j) => x !== b[j]);
  return `byte ${i}: ${a[i]} vs ${b[i]}`;
}

const dtypes: NpyDtype[] = ["<f8", "<f4", "<i4", "|u1", "<i8"];

/** Arrays of every dtype and of 1-D and 2-D shapes, with values float32 trainers write, plain
 * float64 values, and the awkward ones (NaN, ±0, ±∞, subnormals). */
const arrays = fc.record({
  dtype: fc.constantFrom(...dtypes),
  rows: fc.integer({ min: 0, max: 40 }),
  cols: fc.integer({ min: 1, max: 9 }),
  twoD: fc.boolean(),
  seed: fc.integer(),
  mix: fc.double({ min: 0, max: 1, noNaN: true }),
  repeats: fc.boolean(),
}).map(({ dtype, rows, cols, twoD, seed, mix, repeats }): NpyArray => {
  const n = rows * cols;
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const odd = [NaN, 0, -0, Infinity, -Infinity, 5e-324, 1e-40, -3.4e38];
  const shape = twoD ? [rows, cols] : [n];
  if (dtype === "<f8" || dtype === "<f4") {
    const data = dtype === "<f8" ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = rnd();
      data[i] = u < 0.05
        ? odd[Math.floor(rnd() * odd.length)]
        : u < mix
        ? (rnd() - 0.5) * 10 ** (rnd() * 20 - 10) // a plain float64
        : Math.fround(80 * Math.exp(-i / 50) + rnd()); // a float32 series
    }
    if (repeats && twoD) copyColumns(data, rows, cols, rnd);
    return { dtype, shape, data };
  }
  const max = dtype === "|u1" ? 256 : 2 ** 31;
  const data = dtype === "|u1"
    ? new Uint8Array(n)
    : dtype === "<i4"
    ? new Int32Array(n)
    : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = dtype === "|u1" ? Math.floor(rnd() * max) : Math.floor((rnd() - 0.5) * max);
  }
  if (repeats && twoD) copyColumns(data, rows, cols, rnd);
  return { dtype, shape, data };
});

/** Half of the columns (row-major) made copies of earlier ones, as a signal's k and p − k are. */
function copyColumns(
  data: { [i: number]: number },
  rows: number,
  cols: number,
  rnd: () => number,
): void {
  for (let c = 1; c < cols; c++) {
    if (rnd() < 0.5) continue;
    const e = Math.floor(rnd() * c);
    for (let r = 0; r < rows; r++) data[r * cols + c] = data[r * cols + e];
  }
}

Deno.test("compact encoding: a column equal to an earlier one is kept once (a signal's p − k repeats k)", () => {
  const p = 59, rows = 1001;
  const sig = new Float64Array(rows * p);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < p; k++) {
      const j = Math.min(k, p - k); // ‖F_k‖ = ‖F_{p−k}‖
      sig[r * p + k] = Math.fround(80 * Math.exp(-r / (100 + 7 * j)) + 0.01 * Math.sin(r * j));
    }
  }
  const npy = encodeNpy({ dtype: "<f8", shape: [rows, p], data: sig });
  const packed = encodeCompact(npy);
  if (!same(decodeCompact(packed), npy)) throw new Error("not exact");
  const n = new DataView(packed.buffer, packed.byteOffset + 4, 4).getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(packed.subarray(8, 8 + n)));
  if (head.same?.length !== 29) throw new Error(`repeated columns ${JSON.stringify(head.same)}`);
  if (!head.same.every(([c, e]: [number, number]) => e === p - c)) {
    throw new Error(`repeats not k ↔ p − k: ${JSON.stringify(head.same)}`);
  }
});

Deno.test("compact encoding: decoding gives back the .npy bytes exactly, for every dtype, shape and value", () => {
  fc.assert(
    fc.property(arrays, (a) => {
      const npy = encodeNpy(a);
      const packed = encodeCompact(npy);
      const back = decodeCompact(packed);
      if (!isCompact(packed) || isCompact(npy)) throw new Error("magic not told apart");
      if (!same(back, npy)) {
        throw new Error(`${a.dtype} ${JSON.stringify(a.shape)}: ${firstDiff(back, npy)}`);
      }
    }),
    { numRuns: 400 },
  );
});

Deno.test("compact encoding: a damaged payload is a CodecError or decodes to other bytes (which the digest then catches)", () => {
  const data = Float64Array.from({ length: 6000 }, (_, i) => Math.fround(Math.sin(i / 300) * 40));
  const npy = encodeNpy({ dtype: "<f8", shape: [200, 30], data });
  const packed = encodeCompact(npy);
  let caught = 0, differ = 0;
  for (let at = 12; at < packed.length; at += Math.ceil(packed.length / 97)) {
    const bad = packed.slice();
    bad[at] ^= 0x5a;
    try {
      if (!same(decodeCompact(bad), npy)) differ++;
    } catch (e) {
      if (!(e instanceof CodecError)) throw new Error(`byte ${at}: ${(e as Error).name} escaped`);
      caught++;
    }
  }
  const silent = 97 - caught - differ;
  if (silent > 2) throw new Error(`${silent} of 97 flips decoded to the same bytes`);
  for (const cut of [3, 9, packed.length - 1]) {
    let ok = false;
    try {
      ok = same(decodeCompact(packed.subarray(0, cut)), npy);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
    }
    if (ok) throw new Error(`truncated to ${cut} bytes and still decoded`);
  }
});

Deno.test("compact encoding: the committed study's records shrink at least 3× and come back exactly", async () => {
  const store = await ResultsStore.open(
    new URL("../studies/verdict.sqlite", import.meta.url).pathname,
    { readOnly: true },
  );
  try {
    let raw = 0, packed = 0;
    for (const key of store.keys().slice(0, 6)) {
      for (const name of ["signals", "train_loss", "test_acc"]) {
        const a = store.array(key, name);
        if (!a) throw new Error(`${key} has no ${name}`);
        const npy = encodeNpy(a);
        const enc = encodeCompact(npy);
        if (!same(decodeCompact(enc), npy)) throw new Error(`${key}/${name} not exact`);
        raw += npy.length;
        packed += enc.length;
      }
    }
    console.log(`study records: ${raw} bytes → ${packed} (${(raw / packed).toFixed(2)}×)`);
    if (raw / packed < 3) throw new Error(`only ${(raw / packed).toFixed(2)}×`);
  } finally {
    store.close();
  }
});
