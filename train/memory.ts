/**
 * Will a trial fit in memory? Checked from the configuration alone (p, d, hidden, steps, the
 * records asked for, the backend), before anything is drawn or trained, so a `--steps 1e12`, a
 * `--hidden 65536` or a huge p × d is a one-line error at once instead of a crash in an
 * allocation minutes or hours later: the host memory of the records the trainer keeps
 * (train/trainer.ts) and of the backend's working set (the float64 reference's parameters,
 * optimiser state and gradient; the asm core's WebAssembly memory) against this machine's memory
 * (or its cgroup's limit), and the backend's own limit (the asm core's 4 GiB of WebAssembly linear
 * memory).
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import type { TrialConfig } from "../protocol/config.ts";
import { paramLayout } from "../protocol/layout.ts";
import { recordLayout } from "../protocol/records.ts";
import { trainCount } from "../protocol/task.ts";
import { asmCoreBytes } from "../core_asm/asm_backend.ts";
import type { RecordOptions } from "./trainer.ts";

/**
 * Bytes of host memory the trainer's records of one trial take.
 *
 * @example
 * ```ts
 * import { recordBytes } from "./memory.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const mb = recordBytes(makeConfig({}), {}) / 2 ** 20;
 * if (mb.toFixed(1) !== "15.8") throw new Error(`${mb}`); // 30 000 × (5 + 59) values + 3 × parameters
 * ```
 */
export function recordBytes(c: TrialConfig, r: Omit<RecordOptions, "signal" | "onProgress">) {
  const every = Math.max(1, r.logEvery ?? 1);
  const rows = Math.ceil(c.steps / every) + (every > 1 ? r.logFirst ?? 0 : 0);
  const perRow = recordLayout(c.p, r.gradSignals ?? false).width;
  const total = paramLayout(c.p, c.d, c.hidden).total;
  const emb = Math.min(r.embeddingsUntil ?? 0, c.steps);
  const snaps = r.paramsEvery ? Math.floor(c.steps / r.paramsEvery) + 1 : 0;
  return 8 * (rows * perRow + c.p + (emb ? (emb + 1) * c.p * c.d : 0) + (snaps + 3) * total);
}

/**
 * Bytes of host memory a backend works in for one trial, beyond the records: the float64
 * reference holds the parameters, Adam's two moments, the gradient and its copies (≈ 5 × the
 * parameters) and the pair ids; the asm core its WebAssembly memory; a GPU backend a staging
 * copy of the parameters on the host.
 *
 * @example
 * ```ts
 * import { workingBytes } from "./memory.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * const gib = workingBytes(makeConfig({ hidden: 20000 }), referenceBackend) / 2 ** 30;
 * if (!(gib > 14 && gib < 16)) throw new Error(`${gib}`); // 400 M parameters × 5 × 8 bytes
 * ```
 */
export function workingBytes(c: TrialConfig, backend: Pick<Backend, "name">): number {
  const total = paramLayout(c.p, c.d, c.hidden).total;
  const ids = 8 * c.p * c.p;
  switch (backend.name) {
    case "ref":
      return 8 * 5 * total + 8 * c.p * c.d + ids;
    case "asm":
      return asmCoreBytes(c.p, c.d, c.hidden, trainCount(c.p, c.trainFraction)) + ids;
    default:
      return 8 * total + ids;
  }
}

/** This machine's memory for trials: its total, or its cgroup's limit where that is lower
 * (Infinity where neither can be read, e.g. without `--allow-sys`). */
export function memoryLimit(): number {
  let total = Infinity;
  try {
    total = Deno.systemMemoryInfo().total;
  } catch { /* no --allow-sys, or a browser */ }
  for (const file of ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]) {
    try {
      const v = Number(Deno.readTextFileSync(file).trim());
      if (Number.isFinite(v) && v > 0) total = Math.min(total, v);
    } catch { /* not a cgroup with a limit, or no read permission */ }
  }
  return total;
}

const gib = (b: number) => (b / 2 ** 30).toFixed(1);

/**
 * One line when the trials do not fit (undefined when they do): the backend's own limit, then
 * `concurrent` trials' records and working sets against 80 % of this machine's memory.
 *
 * @example
 * ```ts
 * import { fitsInMemory } from "./memory.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * if (fitsInMemory(makeConfig({ p: 23, d: 32 }), {}, referenceBackend)) throw new Error("fits");
 * const why = fitsInMemory(makeConfig({ hidden: 65536 }), {}, referenceBackend, 1, 2 ** 34);
 * if (!why?.includes("needs 257.3 GiB")) throw new Error(why);
 * ```
 */
export function fitsInMemory(
  c: TrialConfig,
  r: Omit<RecordOptions, "signal" | "onProgress">,
  backend: Backend,
  concurrent = 1,
  limit = memoryLimit(),
): string | undefined {
  const own = backend.fits?.(c, trainCount(c.p, c.trainFraction));
  if (own) return own;
  const bytes = (recordBytes(c, r) + workingBytes(c, backend)) * concurrent;
  if (bytes > 0.8 * limit) {
    return `${concurrent > 1 ? `${concurrent} concurrent trials` : "the run"} on ${backend.name} ` +
      `need${concurrent > 1 ? "" : "s"} ${
        gib(bytes)
      } GiB of memory (hidden ${c.hidden}, steps ${c.steps}, its records and ` +
      `working set); this machine has ${gib(limit)} GiB`;
  }
  return undefined;
}

/**
 * Trials per kernel for trials of `config` on `backend`: the backend's batch for the shape
 * (`Backend.batchSize`, else `caps.maxBatch`), and no more than half this machine's memory holds
 * the records of. `nTrain`: the trials' training pairs (default: the config's split).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { batchFor } from "./memory.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * assertEquals(await batchFor(referenceBackend, makeConfig({}), {}), 1, "CPU: 1");
 * ```
 */
export async function batchFor(
  backend: Backend,
  config: TrialConfig,
  records: Omit<RecordOptions, "signal" | "onProgress">,
  nTrain: number = trainCount(config.p, config.trainFraction),
): Promise<number> {
  const own = backend.batchSize
    ? await backend.batchSize(config, nTrain, { gradSignals: records.gradSignals })
    : backend.caps.maxBatch;
  let total = Infinity;
  try {
    total = Deno.systemMemoryInfo().total;
  } catch { /* no --allow-sys: only the backend's batch */ }
  const byHost = Math.floor((0.5 * total) / recordBytes(config, records));
  return Math.max(1, Math.min(own, backend.caps.maxBatch, byHost));
}
