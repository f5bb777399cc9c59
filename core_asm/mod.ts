/**
 * The AssemblyScript SIMD core as a backend: `asmBackend` (registered as "asm"), its kernel and
 * the compiled module (its bytes inlined by `deno task build:asm`, loaded on first use). Subpath
 * export `./core_asm`.
 *
 * @example The core's exports
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { asmBackend, coreModule } from "./mod.ts";
 * const names = WebAssembly.Module.exports(await coreModule()).map((e) => e.name);
 * assert(names.includes("step"), `exports: ${names}`);
 * assert(asmBackend.caps.device === "cpu", asmBackend.caps.device);
 * ```
 *
 * @module
 */
export { asmBackend, AsmKernel, coreModule, createAsmKernel } from "./asm_backend.ts";
export type {
  Backend,
  BackendCaps,
  BatchKernel,
  KernelOptions,
  StepStats,
  TrainingKernel,
  TrialStart,
} from "../backends/mod.ts";
export type { InitMode, OptimizerName, TrialConfig } from "../protocol/mod.ts";
