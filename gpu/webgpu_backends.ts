/**
 * The two WebGPU backends, registered: "webgpu" (the fused WGSL kernels of fused.ts) and "tfjs"
 * (@tensorflow/tfjs-backend-webgpu ops, loaded only when used: the package is large). `auto`
 * prefers webgpu on a hardware adapter; on a software adapter (Mesa's llvmpipe / lavapipe) or
 * with none, the asm core is faster and `auto` passes webgpu by.
 *
 * @module
 */
import { type Backend, BackendUnavailable, type KernelOptions } from "../backends/contract.ts";
import type { TrialConfig } from "../protocol/config.ts";
import { registerBackend } from "../backends/registry.ts";
import { gpuDevice, heldGpu, isSoftwareAdapter, NoAdapterError } from "./adapter.ts";
import { createFusedKernel, DEFAULT_CHUNK } from "./fused.ts";
import {
  deviceBatchLimit,
  fusedBytes,
  type FusedShape,
  gpuBatchSize,
  gpuMemoryBudget,
  MAX_GPU_BATCH,
  SOFTWARE_GPU_BATCH,
} from "./batch.ts";

/** Trials per batch of the tfjs backend (its memory per trial is tfjs's own: not estimated). */
export const TFJS_BATCH = SOFTWARE_GPU_BATCH;

const probe = async () => {
  try {
    gpuMemoryBudget(); // a bad CIRCLE_SURVIVAL_GPU_MEMORY_GIB is a one-line error before any work
  } catch (e) {
    throw new BackendUnavailable((e as Error).message);
  }
  await gpuDevice();
};

/** The fused step's shape for trials of `config` (the trainer's chunk). */
const fusedShape = (config: TrialConfig, nTrain: number, opts?: KernelOptions): FusedShape => ({
  p: config.p,
  d: config.d,
  hidden: config.hidden,
  nTrain,
  gradSignals: opts?.gradSignals ?? false,
  chunk: Math.max(1, Math.min(DEFAULT_CHUNK, config.steps || 1)),
});

/**
 * The fused WGSL backend.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * import { webgpuBackend } from "./webgpu_backends.ts";
 * await webgpuBackend.probe(); // throws NoAdapterError without an adapter
 * ```
 */
export const webgpuBackend: Backend = {
  name: "webgpu",
  summary: `fused WGSL kernels, f32, batches of up to ${MAX_GPU_BATCH} trials on one adapter ` +
    `(by its limits and CIRCLE_SURVIVAL_GPU_MEMORY_GIB; ${SOFTWARE_GPU_BATCH} on a software one)`,
  caps: { device: "gpu", maxBatch: MAX_GPU_BATCH, gradSignals: true },
  probe,
  fits(config, nTrain) {
    const gpu = heldGpu();
    if (!gpu) return undefined; // checked again when the batch is built
    const shape = fusedShape(config, nTrain, { gradSignals: true });
    const most = deviceBatchLimit(shape, gpu.device.limits);
    if (most.batch < 1) return `one trial exceeds the WebGPU device's ${most.bound}`;
    const bytes = fusedBytes(shape, 1), budget = gpuMemoryBudget();
    if (bytes > budget) {
      const gib = (b: number) => (b / 2 ** 30).toFixed(2);
      return `one trial needs ${gib(bytes)} GiB of device memory, above the ${gib(budget)} GiB ` +
        `of CIRCLE_SURVIVAL_GPU_MEMORY_GIB`;
    }
    return undefined;
  },
  async batchSize(config, nTrain, opts) {
    const { device, adapter } = await gpuDevice();
    const B = gpuBatchSize(fusedShape(config, nTrain, opts), {
      limits: device.limits,
      software: isSoftwareAdapter(adapter),
      memoryBytes: gpuMemoryBudget(),
    });
    return Math.max(1, B); // a trial that does not fit is refused, one line, when it is built
  },
  create: (specs, opts) => createFusedKernel(specs, opts),
};

/** The op-level tfjs-webgpu backend (the baseline the fused kernels are measured against). */
export const tfjsBackend: Backend = {
  name: "tfjs",
  summary: `@tensorflow/tfjs-backend-webgpu ops with autodiff, f32, batches of up to ${TFJS_BATCH}`,
  caps: { device: "gpu", maxBatch: TFJS_BATCH, gradSignals: true },
  probe,
  async create(specs, opts) {
    const { createTfjsKernel } = await import("./tfjs.ts");
    return createTfjsKernel(specs, opts);
  },
};

registerBackend(webgpuBackend, {
  rank: 10,
  async prefer() {
    try {
      const { adapter } = await gpuDevice();
      return isSoftwareAdapter(adapter)
        ? `${adapter.info.description || "a software adapter"} is slower than the asm core`
        : undefined;
    } catch (e) {
      if (e instanceof NoAdapterError) return e.message;
      throw e;
    }
  },
});
registerBackend(tfjsBackend);
