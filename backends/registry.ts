/**
 * The backend registry: backends register themselves (name → capabilities + factory) when their
 * module loads — `backends/reference.ts`, `core_asm/asm_backend.ts`, `gpu/webgpu_backends.ts`; the
 * trainer and every command look backends up here, by the name a user gives. `auto` is resolved
 * here too, once for every command.
 *
 * @module
 */
import { type Backend, BackendUnavailable } from "./contract.ts";

const registry = new Map<string, Backend>();
/** How `auto` considers a backend: candidates are tried by ascending `rank`; `prefer` resolves
 * to undefined when the backend is the right choice on this machine, or to a one-line reason why
 * not. The last candidate is the fallback. */
export interface AutoCandidate {
  /** Its place among the candidates (lower first). */
  rank: number;
  /** Undefined when this machine suits the backend, else a one-line reason. */
  prefer: () => Promise<string | undefined>;
}

const autoOrder: ({ name: string } & AutoCandidate)[] = [];

/**
 * Register a backend (a second registration under the same name replaces the first); with
 * `auto`, it is a candidate of `--backend auto`.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { backendNames, registerBackend } from "./registry.ts";
 * import { referenceBackend } from "./reference.ts";
 * registerBackend(referenceBackend);
 * assert(backendNames().includes("ref"), `${backendNames()}`);
 * ```
 */
export function registerBackend(backend: Backend, auto?: AutoCandidate): void {
  registry.set(backend.name, backend);
  const i = autoOrder.findIndex((a) => a.name === backend.name);
  if (i >= 0) autoOrder.splice(i, 1);
  if (auto) {
    autoOrder.push({ name: backend.name, ...auto });
    autoOrder.sort((a, b) => a.rank - b.rank);
  }
}

/** Registered names, in registration order. */
export function backendNames(): string[] {
  return [...registry.keys()];
}

/** The registered backend `name`; throws `BackendUnavailable` listing the names otherwise. */
export function getBackend(name: string): Backend {
  const b = registry.get(name);
  if (!b) {
    throw new BackendUnavailable(
      `backend ${JSON.stringify(name)}: allowed are auto, ${backendNames().join(", ")}`,
    );
  }
  return b;
}

/** What {@linkcode resolveBackend} chose. */
export interface Resolved {
  /** The backend chosen. */
  backend: Backend;
  /** Why `auto` chose it (a line for the user), when `auto` was asked. */
  note?: string;
}

/**
 * The backend a name means here: `auto` takes the first candidate that prefers this machine, else
 * the last registered candidate; any other name must be registered and able to run here —
 * otherwise a `BackendUnavailable` says why, before anything is trained.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { registerBackend, resolveBackend } from "./registry.ts";
 * import { referenceBackend } from "./reference.ts";
 * registerBackend(referenceBackend);
 * assertEquals((await resolveBackend("ref")).backend.name, "ref");
 * ```
 */
export async function resolveBackend(name: string): Promise<Resolved> {
  if (name !== "auto") {
    const b = getBackend(name);
    await b.probe();
    return { backend: b };
  }
  const reasons: string[] = [];
  for (const [i, c] of autoOrder.entries()) {
    const why = await c.prefer();
    const b = registry.get(c.name)!;
    if (why === undefined || i === autoOrder.length - 1) {
      await b.probe();
      return {
        backend: b,
        note: reasons.length ? `auto: ${reasons.join("; ")}; using ${b.name}` : undefined,
      };
    }
    reasons.push(why);
  }
  throw new BackendUnavailable("backend auto: no backend is registered");
}
