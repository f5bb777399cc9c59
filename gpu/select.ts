/**
 * Backend selection: `auto` picks the fused WebGPU backend only on a hardware adapter; on a
 * software adapter (Mesa's llvmpipe / lavapipe) or with none, the asm core is the fast one.
 *
 * @module
 */
import { gpuDevice, isSoftwareAdapter, NoAdapterError } from "./fused.ts";

/** Backends a user can name. */
export const BACKEND_NAMES = ["auto", "asm", "webgpu", "tfjs", "ref"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * The backend `name` resolves to here, and a one-line remark when it falls back.
 *
 * @example
 * ```ts ignore
 * const { backend, note } = await resolveBackend("auto");
 * ```
 */
export async function resolveBackend(
  name: BackendName,
): Promise<{ backend: "asm" | "webgpu" | "tfjs" | "ref"; note?: string }> {
  if (name === "asm" || name === "ref") return { backend: name };
  try {
    const { adapter } = await gpuDevice();
    if (name === "webgpu" || name === "tfjs") return { backend: name };
    return isSoftwareAdapter(adapter)
      ? {
        backend: "asm",
        note: `auto: ${
          adapter.info.description || "a software adapter"
        } is slower than the asm core; using asm`,
      }
      : { backend: "webgpu" };
  } catch (e) {
    if (!(e instanceof NoAdapterError)) throw e;
    return { backend: "asm", note: `${name}: ${e.message}; using the asm backend` };
  }
}
