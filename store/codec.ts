/**
 * A lossless compact encoding of `.npy` bytes for stores that are committed to git: decoding gives
 * back the original bytes exactly, so an array's digest (taken of its `.npy` bytes) is the same
 * however it is stored, and damage is still found by that digest after decoding.
 *
 * The records are time series (rows = logged steps, columns = frequencies or parameters), written
 * by float32 trainers into float64 arrays. The encoding therefore
 *
 * 1. keeps float64 elements whose value is a float32 exactly as 4 bytes (the rest — row 0's
 *    float64 signals of the initial embedding, say — as exceptions: index and 8 bytes);
 * 2. stores a 2-D array column by column, so each series is contiguous, and a column equal to an
 *    earlier one (frequency p − k of a signal repeats k) only as a reference to it;
 * 3. replaces each element by its difference from the previous one of its series (integer
 *    subtraction of the bit patterns mod 2³² for 4-byte elements, XOR of the two 32-bit halves
 *    for 8-byte ones — both exactly invertible);
 * 4. groups byte k of every element together (a byte shuffle: the sign, exponent and high
 *    mantissa bytes of a slowly changing series are nearly constant);
 * 5. deflates the result (fflate).
 *
 * Layout: the magic `CSZ1`, a little-endian u32 n, n bytes of JSON ({@linkcode CodecHeader}), the
 * original `.npy` header bytes, then the deflated payload.
 *
 * @module
 */
import { deflateSync, inflateSync } from "fflate";

const MAGIC = [0x43, 0x53, 0x5a, 0x31]; // "CSZ1"

/** What the encoder wrote, in the JSON part of the encoding. */
export interface CodecHeader {
  /** Bytes of the original `.npy` header (magic to the end of its padding). */
  npyHeader: number;
  /** Bytes per element of the original array (1, 4 or 8). */
  width: number;
  /** Elements in the original array. */
  count: number;
  /** Rows and columns of the series layout (rows 1 for a 1-D array). */
  rows: number;
  cols: number;
  /** Float64 elements stored as float32 (all but `exceptions` of them). */
  f32: boolean;
  /** Elements kept as 8 bytes because they are not float32 values (only with `f32`). */
  exceptions: number;
  /** Columns stored once: [column, the earlier column it equals] (a real signal's frequencies k
   * and p − k have equal norms; absent where none repeats). */
  same?: [number, number][];
}

/** Bytes that are not a compact encoding this module wrote, or are damaged. */
export class CodecError extends Error {
  override name = "CodecError";
}

/** Is `bytes` a compact encoding (starts with `CSZ1`)? A `.npy` starts with `\x93NUMPY`. */
export function isCompact(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

interface NpyLayout {
  headerLen: number;
  width: number;
  float64: boolean;
  shape: number[];
}

function npyLayout(npy: Uint8Array): NpyLayout {
  if (npy.length < 10 || npy[0] !== 0x93 || npy[1] !== 0x4e) {
    throw new CodecError("not a .npy array (missing the \\x93NUMPY magic)");
  }
  const view = new DataView(npy.buffer, npy.byteOffset, npy.byteLength);
  const major = npy[6];
  const [len, off] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  const headerLen = off + len;
  if (headerLen > npy.length) throw new CodecError("truncated .npy header");
  const header = new TextDecoder().decode(npy.subarray(off, headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? "";
  const width = Number(descr.slice(2)) || 0;
  const shape = (/'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? "").split(",")
    .map((s) => s.trim()).filter(Boolean).map(Number);
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const count = shape.reduce((a, b) => a * b, 1);
  if (![1, 4, 8].includes(width) || npy.length - headerLen !== count * width) {
    throw new CodecError(`.npy body of ${npy.length - headerLen} bytes does not fit ${descr}`);
  }
  return {
    headerLen,
    width,
    float64: descr === "<f8",
    // a Fortran-order or n-D array is encoded as one flat series (still exact)
    shape: fortran || shape.length !== 2 ? [count] : shape,
  };
}

/**
 * Encode `.npy` bytes compactly and losslessly.
 *
 * @example
 * ```ts
 * import { decodeCompact, encodeCompact } from "./codec.ts";
 * import { encodeNpy } from "./npy.ts";
 * const series = Float64Array.from({ length: 3000 }, (_, i) => Math.fround(80 * Math.exp(-i / 900)));
 * const npy = encodeNpy({ dtype: "<f8", shape: [1000, 3], data: series });
 * const packed = encodeCompact(npy);
 * const back = decodeCompact(packed);
 * if (back.length !== npy.length || back.some((b, i) => b !== npy[i])) throw new Error("not exact");
 * if (packed.length * 4 > npy.length) throw new Error(`only ${npy.length / packed.length}×`);
 * ```
 */
export function encodeCompact(npy: Uint8Array): Uint8Array {
  const L = npyLayout(npy);
  const rows = L.shape.length === 2 ? L.shape[0] : L.shape[0];
  const cols = L.shape.length === 2 ? L.shape[1] : 1;
  const count = rows * cols;
  const body = npy.slice(L.headerLen); // aligned copy
  let width = L.width;
  let elems: Uint8Array = body;
  const exIdx: number[] = [];
  const exVal: Uint8Array[] = [];
  let f32 = false;
  if (L.float64 && count > 0) {
    const f = new Float64Array(body.buffer);
    const g = new Float32Array(count);
    const b64 = new Uint8Array(body.buffer);
    const probe = new Float64Array(1);
    const probeBytes = new Uint8Array(probe.buffer);
    for (let i = 0; i < count; i++) {
      g[i] = f[i];
      probe[0] = g[i];
      let same = true;
      for (let k = 0; k < 8; k++) if (probeBytes[k] !== b64[i * 8 + k]) same = false;
      if (!same) {
        exIdx.push(i);
        exVal.push(b64.slice(i * 8, i * 8 + 8));
        g[i] = 0;
      }
    }
    if (exIdx.length * 3 < count) { // worth it: most elements are float32 values
      f32 = true;
      width = 4;
      elems = new Uint8Array(g.buffer);
    } else {
      exIdx.length = 0;
      exVal.length = 0;
    }
  }
  const { kept, same } = dedupeColumns(transpose(elems, width, rows, cols), width * rows, cols);
  const payload = shuffle(delta(kept, width, rows, cols - same.length), width);
  const extra = new Uint8Array(exIdx.length * 12);
  const ev = new DataView(extra.buffer);
  exIdx.forEach((idx, j) => {
    ev.setUint32(j * 4, idx, true);
    extra.set(exVal[j], exIdx.length * 4 + j * 8);
  });
  const packed = deflateSync(concat([payload, extra]), { level: 9 });
  const head: CodecHeader = {
    npyHeader: L.headerLen,
    width: L.width,
    count,
    rows,
    cols,
    f32,
    exceptions: exIdx.length,
    ...(same.length ? { same } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(head));
  const lenBytes = new Uint8Array(4);
  new DataView(lenBytes.buffer).setUint32(0, json.length, true);
  return concat([
    new Uint8Array(MAGIC),
    lenBytes,
    json,
    npy.subarray(0, L.headerLen),
    packed,
  ]);
}

/**
 * The original `.npy` bytes of a compact encoding ({@linkcode CodecError} if damaged).
 *
 * @example
 * ```ts
 * import { decodeCompact, encodeCompact } from "./codec.ts";
 * import { decodeNpy, encodeNpy } from "./npy.ts";
 * const npy = encodeNpy({ dtype: "<i4", shape: [4], data: new Int32Array([5, 6, 7, -8]) });
 * const back = decodeNpy(decodeCompact(encodeCompact(npy)));
 * if (back.data[3] !== -8 || back.dtype !== "<i4") throw new Error(`decoded ${back.data}`);
 * ```
 */
export function decodeCompact(bytes: Uint8Array): Uint8Array {
  if (!isCompact(bytes) || bytes.length < 8) throw new CodecError("not a compact array");
  try {
    const n = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, true);
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as CodecHeader;
    const npyHeader = bytes.subarray(8 + n, 8 + n + h.npyHeader);
    const raw = inflateSync(bytes.subarray(8 + n + h.npyHeader));
    const width = h.f32 ? 4 : h.width;
    const same = h.same ?? [];
    const keptCols = h.cols - same.length;
    const size = h.rows * keptCols * width;
    if (raw.length !== size + h.exceptions * 12 || h.rows * h.cols !== h.count) {
      throw new CodecError(`payload of ${raw.length} bytes, expected ${size + h.exceptions * 12}`);
    }
    const kept = undelta(unshuffle(raw.slice(0, size), width), width, h.rows, keptCols);
    const elems = untranspose(
      restoreColumns(kept, width * h.rows, h.cols, same),
      width,
      h.rows,
      h.cols,
    );
    let body = elems;
    if (h.f32) {
      const g = new Float32Array(elems.buffer);
      const f = Float64Array.from(g);
      body = new Uint8Array(f.buffer);
      const extra = raw.subarray(size);
      const ev = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
      for (let j = 0; j < h.exceptions; j++) {
        const idx = ev.getUint32(j * 4, true);
        body.set(extra.subarray(h.exceptions * 4 + j * 8, h.exceptions * 4 + j * 8 + 8), idx * 8);
      }
    }
    return concat([npyHeader, body]);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`damaged compact array: ${(e as Error).message}`);
  }
}

/** Column-major columns of `colBytes` bytes each: those not equal to an earlier column, and for
 * each repeat [its index, the earlier column's]. */
function dedupeColumns(
  b: Uint8Array,
  colBytes: number,
  cols: number,
): { kept: Uint8Array; same: [number, number][] } {
  const same: [number, number][] = [];
  if (cols < 2 || colBytes === 0) return { kept: b, same };
  const col = (c: number) => b.subarray(c * colBytes, (c + 1) * colBytes);
  const seen = new Map<string, number[]>(); // a cheap fingerprint → columns with it
  const keep: number[] = [];
  for (let c = 0; c < cols; c++) {
    const x = col(c);
    let h = 2166136261;
    for (let i = 0; i < x.length; i += 7) h = Math.imul(h ^ x[i], 16777619);
    const key = `${h >>> 0}`;
    const earlier = (seen.get(key) ?? []).find((e) => col(e).every((v, i) => v === x[i]));
    if (earlier !== undefined) same.push([c, earlier]);
    else {
      keep.push(c);
      seen.set(key, [...(seen.get(key) ?? []), c]);
    }
  }
  if (same.length === 0) return { kept: b, same };
  const kept = new Uint8Array(keep.length * colBytes);
  keep.forEach((c, i) => kept.set(col(c), i * colBytes));
  return { kept, same };
}

/** The column-major columns back: the kept ones in order, each repeat copied from its column. */
function restoreColumns(
  kept: Uint8Array,
  colBytes: number,
  cols: number,
  same: [number, number][],
): Uint8Array {
  if (same.length === 0) return kept;
  const out = new Uint8Array(cols * colBytes);
  const of = new Map(same);
  let k = 0;
  for (let c = 0; c < cols; c++) {
    const e = of.get(c);
    if (e !== undefined) {
      if (!(e < c)) throw new CodecError(`column ${c} refers to column ${e}, not an earlier one`);
      out.copyWithin(c * colBytes, e * colBytes, (e + 1) * colBytes);
    } else {
      out.set(kept.subarray(k * colBytes, (k + 1) * colBytes), c * colBytes);
      k++;
    }
  }
  if (k * colBytes !== kept.length) throw new CodecError("kept columns do not fit the repeats");
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Row-major (rows, cols) elements of `width` bytes → column-major. */
function transpose(b: Uint8Array, width: number, rows: number, cols: number): Uint8Array {
  if (cols === 1) return b;
  const out = new Uint8Array(b.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = (r * cols + c) * width, t = (c * rows + r) * width;
      for (let k = 0; k < width; k++) out[t + k] = b[s + k];
    }
  }
  return out;
}

function untranspose(b: Uint8Array, width: number, rows: number, cols: number): Uint8Array {
  if (cols === 1) return b;
  const out = new Uint8Array(b.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = (c * rows + r) * width, t = (r * cols + c) * width;
      for (let k = 0; k < width; k++) out[t + k] = b[s + k];
    }
  }
  return out;
}

/** Each element minus the previous of its series (column-major series of `rows` elements). */
function delta(b: Uint8Array, width: number, rows: number, cols: number): Uint8Array {
  if (width === 1) return b;
  const u = new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  const out = new Uint32Array(u.length);
  const words = width / 4; // 4-byte: subtraction; 8-byte: XOR of each half
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      for (let w = 0; w < words; w++) {
        const i = (c * rows + r) * words + w;
        const prev = r === 0 ? 0 : u[i - words];
        out[i] = words === 1 ? (u[i] - prev) >>> 0 : (u[i] ^ prev) >>> 0;
      }
    }
  }
  return new Uint8Array(out.buffer);
}

function undelta(b: Uint8Array, width: number, rows: number, cols: number): Uint8Array {
  if (width === 1) return b;
  const u = new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  const words = width / 4;
  for (let c = 0; c < cols; c++) {
    for (let r = 1; r < rows; r++) {
      for (let w = 0; w < words; w++) {
        const i = (c * rows + r) * words + w;
        u[i] = words === 1 ? (u[i] + u[i - words]) >>> 0 : (u[i] ^ u[i - words]) >>> 0;
      }
    }
  }
  return new Uint8Array(u.buffer);
}

/** Byte k of every element together. */
function shuffle(b: Uint8Array, width: number): Uint8Array {
  if (width === 1) return b;
  const n = b.length / width;
  const out = new Uint8Array(b.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < width; k++) out[k * n + i] = b[i * width + k];
  return out;
}

function unshuffle(b: Uint8Array, width: number): Uint8Array {
  if (width === 1) return b;
  const n = b.length / width;
  const out = new Uint8Array(b.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < width; k++) out[i * width + k] = b[k * n + i];
  return out;
}
