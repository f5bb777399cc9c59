/**
 * Every backend of this project, registered (importing a backend's module registers it): the
 * float64 reference, the asm core, and the two WebGPU backends. Commands import this module and
 * then look backends up by name (`backends/registry.ts`).
 *
 * @module
 */
import "../backends/reference.ts";
import "../core_asm/asm_backend.ts";
import "../gpu/webgpu_backends.ts";

export { backendNames, getBackend, resolveBackend } from "../backends/registry.ts";
export { releaseGpu } from "../gpu/adapter.ts";
