/**
 * How many trials one fused WebGPU batch holds: every device buffer of a step (gpu/fused.ts sizes
 * its buffers from {@linkcode fusedBuffers}, so the estimate and the allocation are one table),
 * the device's limits on one buffer, one binding and one dispatch dimension, and a memory budget.
 * WebGPU does not say how much memory a device has, so the budget is a setting
 * (`CIRCLE_SURVIVAL_GPU_MEMORY_GIB`, default {@linkcode DEFAULT_GPU_MEMORY_GIB}); an allocation
 * the device refuses anyway is an error before the first step (fused.ts's error scopes).
 *
 * @module
 */
import { paramLayout } from "../protocol/layout.ts";
import { recordLayout } from "../protocol/records.ts";

/** The shape of a fused batch's trials (equal for every trial of a batch). */
export interface FusedShape {
  p: number;
  d: number;
  hidden: number;
  /** Training pairs per trial. */
  nTrain: number;
  gradSignals: boolean;
  /** Steps per submission: the records ring holds that many rows per trial. */
  chunk: number;
}

/** The device buffers of a fused step that hold one slice per trial. */
export type FusedBuffer =
  | "params"
  | "grad"
  | "m"
  | "v"
  | "rowPair"
  | "offA"
  | "offB"
  | "rowsA"
  | "rowsB"
  | "hyper"
  | "F"
  | "FG"
  | "PA"
  | "PB"
  | "DPA"
  | "DPB"
  | "H1"
  | "G1"
  | "H2"
  | "G2"
  | "LG"
  | "DZ2"
  | "DZ1"
  | "loss"
  | "ok"
  | "ring"
  | "read";

/** The sizes of a fused step's buffers: 4-byte words per trial of each per-trial buffer, and the
 * words shared by the whole batch (DFT table, uniforms, step counter; an upper bound). */
export interface FusedBuffers {
  perTrial: Record<FusedBuffer, number>;
  shared: number;
}

/**
 * Every device buffer of a fused step for trials of `s`: what gpu/fused.ts allocates.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { fusedBuffers } from "./batch.ts";
 * const b = fusedBuffers({ p: 59, d: 128, hidden: 100, nTrain: 2785, gradSignals: false, chunk: 200 });
 * assertEquals(b.perTrial.H1, 59 * 59 * 100, "H1 is p² × hidden per trial");
 * ```
 */
export function fusedBuffers(s: FusedShape): FusedBuffers {
  const { p, d, hidden: H, nTrain: NT } = s;
  const R = p * p, TP = paramLayout(p, d, H).total;
  const ring = s.chunk * recordLayout(p, s.gradSignals).width;
  return {
    perTrial: {
      params: TP,
      grad: TP,
      m: TP,
      v: TP,
      rowPair: R,
      offA: p + 1,
      offB: p + 1,
      rowsA: NT,
      rowsB: NT,
      hyper: 8,
      F: 2 * p * d,
      FG: s.gradSignals ? 2 * p * d : 0,
      PA: p * H,
      PB: p * H,
      DPA: p * H,
      DPB: p * H,
      H1: R * H,
      G1: R * H,
      H2: R * H,
      G2: R * H,
      LG: R * p,
      DZ2: R * H,
      DZ1: R * H,
      loss: R,
      ok: R,
      ring,
      read: ring,
    },
    // the DFT table (2p × p), the step table (2 per step of a chunk), 4 words each for the
    // counter and three unused bindings, and up to 20 uniforms of 24 words
    shared: 2 * p * p + 2 * s.chunk + 4 * 4 + 20 * 24 + 16,
  };
}

/** Bytes of device memory a batch of `B` trials of `s` takes (every buffer of its step). */
export function fusedBytes(s: FusedShape, B: number): number {
  const b = fusedBuffers(s);
  const perTrial = Object.values(b.perTrial).reduce((a, x) => a + x, 0);
  return 4 * (B * perTrial + b.shared);
}

/** The device limits a batch must respect (a subset of `GPUSupportedLimits`). */
export interface BatchLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

/** The most trials the device's limits allow, and the limit that bounds it (0 when not even one
 * trial fits). */
export interface DeviceBatchLimit {
  batch: number;
  /** The bounding limit, e.g. "maxStorageBufferBindingSize 134217728 B (H1: 1392400 B per
   * trial)". */
  bound: string;
}

/**
 * The largest batch of trials of `s` that the device's limits allow: each buffer is bound whole,
 * so its B slices must fit one binding and one buffer (and stay addressable by a u32 index), B is
 * a dispatch dimension, and p² pairs are one (layer 1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { deviceBatchLimit } from "./batch.ts";
 * const lavapipe = { maxBufferSize: 2 ** 31 - 1, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupsPerDimension: 65535 };
 * const s = { p: 59, d: 128, hidden: 100, nTrain: 2785, gradSignals: false, chunk: 200 };
 * // 128 MiB bindings over 59² × 100 floats (1.39 MB) per trial
 * assertEquals(deviceBatchLimit(s, lavapipe).batch, 96, "96 trials fit lavapipe");
 * ```
 */
export function deviceBatchLimit(s: FusedShape, limits: BatchLimits): DeviceBatchLimit {
  const dim = limits.maxComputeWorkgroupsPerDimension;
  if (s.p * s.p > dim) {
    return { batch: 0, bound: `maxComputeWorkgroupsPerDimension ${dim} (p² = ${s.p * s.p} pairs)` };
  }
  const [name, words] = Object.entries(fusedBuffers(s).perTrial)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  const perTrial = `${name}: ${4 * words} B per trial`;
  const candidates: DeviceBatchLimit[] = [
    {
      batch: Math.floor(limits.maxStorageBufferBindingSize / (4 * words)),
      bound: `maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize} B (${perTrial})`,
    },
    {
      batch: Math.floor(limits.maxBufferSize / (4 * words)),
      bound: `maxBufferSize ${limits.maxBufferSize} B (${perTrial})`,
    },
    { batch: Math.floor(2 ** 32 / words), bound: `u32 indices (${perTrial})` },
    { batch: dim, bound: `maxComputeWorkgroupsPerDimension ${dim}` },
  ];
  return candidates.reduce((a, b) => (b.batch < a.batch ? b : a));
}

/** Most trials per batch on a hardware adapter (the registry's `maxBatch` for `webgpu`). */
export const MAX_GPU_BATCH = 4096;
/** Trials per batch on a software adapter (Mesa's llvmpipe and lavapipe): no gain past it. */
export const SOFTWARE_GPU_BATCH = 64;
/** The device memory a batch may take when `CIRCLE_SURVIVAL_GPU_MEMORY_GIB` is unset, in GiB. */
export const DEFAULT_GPU_MEMORY_GIB = 8;

/** What a batch size is chosen for: the device's limits, whether the adapter is a software one,
 * and the device memory a batch may take. */
export interface BatchDevice {
  limits: BatchLimits;
  software: boolean;
  memoryBytes: number;
}

/**
 * Trials per fused batch of shape `s` on `device`: {@linkcode SOFTWARE_GPU_BATCH} on a software
 * adapter, up to {@linkcode MAX_GPU_BATCH} on a hardware one, within the device's limits
 * ({@linkcode deviceBatchLimit}) and the memory budget ({@linkcode fusedBytes}); 0 when not one
 * trial fits.
 *
 * @example
 * ```ts
 * import { gpuBatchSize } from "./batch.ts";
 * const s = { p: 59, d: 128, hidden: 100, nTrain: 2785, gradSignals: false, chunk: 200 };
 * const limits = { maxBufferSize: 2 ** 40, maxStorageBufferBindingSize: 2 ** 32 - 1, maxComputeWorkgroupsPerDimension: 65535 };
 * const B = gpuBatchSize(s, { limits, software: false, memoryBytes: 64 * 2 ** 30 });
 * if (B < 1000) throw new Error(`a large GPU takes thousands of trials, not ${B}`);
 * ```
 */
export function gpuBatchSize(s: FusedShape, device: BatchDevice): number {
  const cap = device.software ? SOFTWARE_GPU_BATCH : MAX_GPU_BATCH;
  const perTrial = fusedBytes(s, 1) - fusedBytes(s, 0);
  const byMemory = Math.floor((device.memoryBytes - fusedBytes(s, 0)) / perTrial);
  return Math.max(0, Math.min(cap, deviceBatchLimit(s, device.limits).batch, byMemory));
}

/**
 * The device memory budget of a batch in bytes: `CIRCLE_SURVIVAL_GPU_MEMORY_GIB` (GiB, a positive
 * number) or {@linkcode DEFAULT_GPU_MEMORY_GIB}; throws a one-line error naming the value when it
 * is not a positive number.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { gpuMemoryBudget } from "./batch.ts";
 * assertEquals(gpuMemoryBudget("16"), 16 * 2 ** 30, "16 GiB");
 * ```
 */
export function gpuMemoryBudget(
  text: string | undefined = envBudget(),
): number {
  if (text === undefined || text === "") return DEFAULT_GPU_MEMORY_GIB * 2 ** 30;
  const gib = Number(text);
  if (!Number.isFinite(gib) || gib <= 0) {
    throw new RangeError(
      `CIRCLE_SURVIVAL_GPU_MEMORY_GIB ${JSON.stringify(text)}: allowed is a positive number of GiB`,
    );
  }
  return gib * 2 ** 30;
}

function envBudget(): string | undefined {
  try {
    return Deno.env.get("CIRCLE_SURVIVAL_GPU_MEMORY_GIB");
  } catch {
    return undefined; // without --allow-env: the default
  }
}
