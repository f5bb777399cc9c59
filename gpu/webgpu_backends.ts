/**
 * The two WebGPU backends, registered: "webgpu" (the fused WGSL kernels of fused.ts) and "tfjs"
 * (@tensorflow/tfjs-backend-webgpu ops, loaded only when used: the package is large). `auto`
 * prefers webgpu on a hardware adapter; on a software adapter (Mesa's llvmpipe / lavapipe) or
 * with none, the asm core is faster and `auto` passes webgpu by.
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import { registerBackend } from "../backends/registry.ts";
import { gpuDevice, isSoftwareAdapter, NoAdapterError } from "./adapter.ts";
import { createFusedKernel } from "./fused.ts";

/** Trials per GPU batch. */
export const GPU_BATCH = 64;

const probe = async () => {
  await gpuDevice();
};

/**
 * The fused WGSL backend.
 *
 * @example
 * ```ts ignore
 * import { webgpuBackend } from "./webgpu_backends.ts";
 * await webgpuBackend.probe(); // throws NoAdapterError without an adapter
 * ```
 */
export const webgpuBackend: Backend = {
  name: "webgpu",
  summary: `fused WGSL kernels, f32, batches of up to ${GPU_BATCH} trials on one adapter`,
  caps: { device: "gpu", maxBatch: GPU_BATCH, gradSignals: true },
  probe,
  create: (specs, opts) => createFusedKernel(specs, opts),
};

/** The op-level tfjs-webgpu backend (the baseline the fused kernels are measured against). */
export const tfjsBackend: Backend = {
  name: "tfjs",
  summary: `@tensorflow/tfjs-backend-webgpu ops with autodiff, f32, batches of up to ${GPU_BATCH}`,
  caps: { device: "gpu", maxBatch: GPU_BATCH, gradSignals: true },
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
