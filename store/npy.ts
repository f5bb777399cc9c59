/**
 * Reading and writing NumPy `.npy` files (format versions 1.0–3.0), so that users can bring the
 * authors' arrays and take ours back to NumPy. Supported element types: little-endian float64,
 * float32, int64, int32 and uint8; C or Fortran order (read as C order). Anything else is rejected with a one-line
 * {@linkcode NpyError} that names the file and the problem.
 *
 * @module
 */

/** An n-dimensional array as read from or written to `.npy`. */
export interface NpyArray {
  /** `<f8`, `<f4`, `<i8`, `<i4` or `|u1`. */
  dtype: NpyDtype;
  /** The array's dimensions, as NumPy's `shape`. */
  shape: number[];
  /** Elements in C order. int64 values are returned as float64 numbers (exact below 2^53). */
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

/** The element types this module reads. */
export type NpyDtype = "<f8" | "<f4" | "<i8" | "<i4" | "|u1";

/** A malformed, unsupported or wrongly shaped `.npy`. */
export class NpyError extends Error {
  /** The error's name. */
  override name = "NpyError";
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parse the bytes of a `.npy` file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { encodeNpy, decodeNpy } from "./npy.ts";
 * const bytes = encodeNpy({ dtype: "<f8", shape: [2], data: new Float64Array([1, 2]) });
 * assertEquals(decodeNpy(bytes).shape, [2]);
 * ```
 */
export function decodeNpy(bytes: Uint8Array, name = "array"): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(`${name}: not a .npy file (missing the \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  let headerLen: number, offset: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(`${name}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new NpyError(`${name}: .npy format version ${major} is not supported (allowed: 1, 2, 3)`);
  }
  if (offset + headerLen > bytes.length) throw new NpyError(`${name}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(`${name}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(
    (s) => {
      const v = Number(s.replace(/L$/, ""));
      if (!Number.isInteger(v) || v < 0) {
        throw new NpyError(`${name}: bad dimension ${JSON.stringify(s)} in .npy shape`);
      }
      return v;
    },
  );
  const count = shape.reduce((a, b) => a * b, 1);
  const dtype = normaliseDescr(descr, name);
  const width = { "<f8": 8, "<f4": 4, "<i8": 8, "<i4": 4, "|u1": 1 }[dtype];
  const start = offset + headerLen;
  if (bytes.length - start !== count * width) {
    throw new NpyError(
      `${name}: .npy payload has ${bytes.length - start} bytes, shape ${
        JSON.stringify(shape)
      } of ${dtype} needs ${count * width}`,
    );
  }
  const payload = bytes.slice(start); // aligned copy
  const buf = payload.buffer;
  let data: NpyArray["data"];
  switch (dtype) {
    case "<f8":
      data = new Float64Array(buf, 0, count);
      break;
    case "<f4":
      data = new Float32Array(buf, 0, count);
      break;
    case "<i4":
      data = new Int32Array(buf, 0, count);
      break;
    case "|u1":
      data = new Uint8Array(buf, 0, count);
      break;
    case "<i8": {
      const big = new BigInt64Array(buf, 0, count);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = big[i];
        if (v > 9007199254740991n || v < -9007199254740991n) {
          throw new NpyError(`${name}: int64 value ${v} is beyond 2^53`);
        }
        out[i] = Number(v);
      }
      data = out;
      break;
    }
  }
  if (fortran === "True" && shape.length > 1) data = fortranToC(data, shape);
  return { dtype, shape, data };
}

/** Reorder column-major (Fortran) data to row-major. */
function fortranToC<T extends NpyArray["data"]>(data: T, shape: number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const nd = shape.length;
  const fStride = new Array(nd).fill(1);
  for (let i = 1; i < nd; i++) fStride[i] = fStride[i - 1] * shape[i - 1];
  const idx = new Array(nd).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let i = 0; i < nd; i++) f += idx[i] * fStride[i];
    out[c] = data[f];
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

function normaliseDescr(descr: string, name: string): NpyDtype {
  const map: Record<string, NpyDtype> = {
    "<f8": "<f8",
    "<f4": "<f4",
    "<i8": "<i8",
    "<i4": "<i4",
    "|u1": "|u1",
    "<u1": "|u1",
    "|i1": "|u1",
  };
  const d = map[descr];
  if (!d) {
    throw new NpyError(
      `${name}: .npy dtype ${descr} is not supported (allowed: <f8, <f4, <i8, <i4, |u1)`,
    );
  }
  return d;
}

/**
 * Serialise an array to `.npy` (version 1.0, C order). Integer data given as `<i8` is written as
 * int64; every other array as the dtype it names.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { encodeNpy } from "./npy.ts";
 * const bytes = encodeNpy({ dtype: "<i8", shape: [3], data: new Float64Array([3, 1, 2]) });
 * assertEquals(bytes.length, 128 + 24); // a 128-byte header, then 3 int64
 * ```
 */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new NpyError(
      `encodeNpy: ${data.length} elements do not fill shape ${JSON.stringify(shape)}`,
    );
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const width = { "<f8": 8, "<f4": 4, "<i8": 8, "<i4": 4, "|u1": 1 }[dtype];
  const out = new Uint8Array(10 + header.length + count * width);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = out.subarray(10 + header.length);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let i = 0; i < count; i++) {
    const v = data[i];
    switch (dtype) {
      case "<f8":
        view.setFloat64(i * 8, v, true);
        break;
      case "<f4":
        view.setFloat32(i * 4, v, true);
        break;
      case "<i8":
        view.setBigInt64(i * 8, BigInt(v), true);
        break;
      case "<i4":
        view.setInt32(i * 4, v, true);
        break;
      case "|u1":
        view.setUint8(i, v);
        break;
    }
  }
  return out;
}

/**
 * Read a `.npy` file. Errors (missing file, malformed content) are {@linkcode NpyError}s.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { readNpy } from "./npy.ts";
 * // a fixture of the authors' run: numpy's np.load(".../train_ids.npy")
 * const ids = await readNpy(new URL("../tests/fixtures/p13_d16_seed7/train_ids.npy", import.meta.url).pathname);
 * assertEquals([ids.dtype, ids.shape], ["<i8", [135]]); // int(0.8 · 13²) training pairs
 * ```
 */
export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new NpyError(`${path}: cannot be read (${e instanceof Error ? e.message : e})`);
  }
  return decodeNpy(bytes, path);
}

/**
 * Write a float64 (or, with `dtype: "<i8"`, int64) `.npy` file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { readNpy, writeNpy } from "./npy.ts";
 * const dir = await Deno.makeTempDir();
 * await writeNpy(`${dir}/x.npy`, { dtype: "<f8", shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) });
 * const x = await readNpy(`${dir}/x.npy`); // NumPy reads it as np.load(path)
 * assertEquals([x.shape, x.data], [[2, 2], [1, 2, 3, 4]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await Deno.writeFile(path, encodeNpy(array));
}

/** Check an array's shape, with a one-line error naming what was expected. */
export function expectShape(array: NpyArray, shape: number[], name: string): void {
  if (
    array.shape.length !== shape.length || array.shape.some((v, i) => v !== shape[i])
  ) {
    throw new NpyError(
      `${name}: shape ${JSON.stringify(array.shape)} where ${JSON.stringify(shape)} is needed`,
    );
  }
}
