/**
 * Will a trial fit in memory? Checked before any training, so a `--steps 1e12` or a huge p × d
 * is a one-line error instead of a crash in an allocation hours later: the host memory of the
 * records the trainer keeps (train/trainer.ts) against this machine's memory, and the backend's
 * own limit (the asm core's 4 GiB of WebAssembly linear memory).
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import type { TrialConfig } from "../protocol/config.ts";
import { paramLayout } from "../protocol/layout.ts";
import { trainCount } from "../protocol/task.ts";
import type { RecordOptions } from "./trainer.ts";

/**
 * Bytes of host memory the trainer's records of one trial take.
 *
 * @example
 * ```ts
 * import { recordBytes } from "./memory.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const mb = recordBytes(makeConfig({}), {}) / 2 ** 20;
 * console.log(mb.toFixed(1)); // 14.7: 30 000 steps × (5 + 59) float64 values + parameters
 * ```
 */
export function recordBytes(c: TrialConfig, r: Omit<RecordOptions, "signal" | "onProgress">) {
  const every = Math.max(1, r.logEvery ?? 1);
  const rows = Math.ceil(c.steps / every) + (every > 1 ? r.logFirst ?? 0 : 0);
  const perRow = 5 + c.p * (r.gradSignals ? 2 : 1);
  const total = paramLayout(c.p, c.d, c.hidden).total;
  const emb = Math.min(r.embeddingsUntil ?? 0, c.steps);
  const snaps = r.paramsEvery ? Math.floor(c.steps / r.paramsEvery) + 1 : 0;
  return 8 * (rows * perRow + c.p + (emb ? (emb + 1) * c.p * c.d : 0) + (snaps + 3) * total);
}

/** One line when the trials do not fit (undefined when they do). */
export function fitsInMemory(
  c: TrialConfig,
  r: Omit<RecordOptions, "signal" | "onProgress">,
  backend: Backend,
  concurrent = 1,
): string | undefined {
  const own = backend.fits?.(c, trainCount(c.p, c.trainFraction));
  if (own) return own;
  const bytes = recordBytes(c, r) * concurrent;
  let total = Infinity;
  try {
    total = Deno.systemMemoryInfo().total;
  } catch { /* no --allow-sys: only the backend's limit is checked */ }
  if (bytes > 0.8 * total) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(1);
    return `the records of ${concurrent > 1 ? `${concurrent} concurrent trials` : "the run"} ` +
      `need ${gib(bytes)} GiB (steps ${c.steps}, p ${c.p}); this machine has ${gib(total)} GiB`;
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
 * import { batchFor } from "./memory.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * if (await batchFor(referenceBackend, makeConfig({}), {}) !== 1) throw new Error("CPU: 1");
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
