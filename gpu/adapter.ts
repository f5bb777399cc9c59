/**
 * The process's WebGPU adapter and device: requested once, released explicitly (a device left to
 * native teardown at exit once crashed a test run), and classified (software adapters — Mesa's
 * llvmpipe and lavapipe, SwiftShader — are slower than the asm core, so `auto` passes them by).
 *
 * @module
 */
import { BackendUnavailable } from "../backends/contract.ts";

/** A one-line error when no WebGPU adapter can be had. */
export class NoAdapterError extends BackendUnavailable {
  /** The error's name. */
  override name = "NoAdapterError";
}

let devicePromise: Promise<{ device: GPUDevice; adapter: GPUAdapter }> | undefined;
let held: { device: GPUDevice; adapter: GPUAdapter } | undefined;

/** The process's WebGPU device once {@linkcode gpuDevice} has resolved (else undefined). */
export function heldGpu(): { device: GPUDevice; adapter: GPUAdapter } | undefined {
  return held;
}

/** The process's WebGPU device (requested once). */
export function gpuDevice(): Promise<{ device: GPUDevice; adapter: GPUAdapter }> {
  devicePromise ??= (async () => {
    quietMesa();
    const adapter = typeof navigator !== "undefined" && navigator.gpu
      ? await navigator.gpu.requestAdapter({ powerPreference: "high-performance" })
      : null;
    if (!adapter) {
      throw new NoAdapterError(
        "no WebGPU adapter found (install a GPU driver, or mesa-vulkan-drivers for lavapipe)",
      );
    }
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(
          10,
          adapter.limits.maxStorageBuffersPerShaderStage,
        ),
      },
    });
    return held = { device, adapter };
  })();
  return devicePromise;
}

/** Mesa prints "error: XDG_RUNTIME_DIR is invalid or not set" on every adapter request without
 * one (harmless, but it reads like a failure): give the process a 0700 folder of its user when
 * the variable is unset on Linux — one per user (`$TMPDIR/circle-survival-xdg-UID`), reused by
 * every run, so a killed run leaves nothing behind to pile up. A folder of that name that is not
 * this user's own 0700 directory is left alone (and Mesa prints its warning). */
function quietMesa(): void {
  try {
    if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
    const uid = Deno.uid();
    const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/circle-survival-xdg-${uid}`;
    try {
      Deno.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const info = Deno.lstatSync(dir);
    if (!info.isDirectory || info.uid !== uid || ((info.mode ?? 0) & 0o077) !== 0) return;
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // without env, sys or write permission Mesa just prints its warning
  }
}

/** Destroy the process's WebGPU device (a later call of {@linkcode gpuDevice} makes a new one). */
export async function releaseGpu(): Promise<void> {
  const pending = devicePromise;
  devicePromise = held = undefined;
  if (pending) (await pending.catch(() => undefined))?.device.destroy();
}

/** Is the adapter a software one (llvmpipe, lavapipe, SwiftShader)? */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const d = `${adapter.info.description} ${adapter.info.device} ${adapter.info.vendor}`
    .toLowerCase();
  return adapter.info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|softpipe/.test(d);
}
