/**
 * The WebGPU backends, registered: "webgpu" (fused WGSL kernels) and "tfjs" (tfjs-webgpu ops,
 * the package loaded only when the backend creates a kernel), and the shared adapter. Subpath
 * export `./gpu`.
 *
 * @example Their names and batch limits (no adapter needed)
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { tfjsBackend, webgpuBackend } from "./mod.ts";
 * assertEquals([webgpuBackend.name, tfjsBackend.name], ["webgpu", "tfjs"]);
 * assertEquals([webgpuBackend.caps.device, tfjsBackend.caps.device], ["gpu", "gpu"]);
 * ```
 *
 * @module
 */
export { gpuDevice, NoAdapterError, releaseGpu } from "./adapter.ts";
export { tfjsBackend, webgpuBackend } from "./webgpu_backends.ts";
export { BackendUnavailable } from "../backends/mod.ts";
export type {
  Backend,
  BackendCaps,
  BatchKernel,
  KernelOptions,
  TrialStart,
} from "../backends/mod.ts";
export type { InitMode, OptimizerName, TrialConfig } from "../protocol/mod.ts";
