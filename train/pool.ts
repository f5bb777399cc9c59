/**
 * Many independent trials at once on the CPU: one Worker per core, each running the same compiled
 * core module, fed from a queue; results come back as each trial finishes, so a caller can store
 * them at once (finished work is never lost when a sweep is interrupted).
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import type { TrialInit } from "../protocol/init.ts";
import type { EmbeddingSpec } from "../protocol/embedding.ts";
import type { RecordOptions, TrialRecords } from "./trainer.ts";
import { coreModule } from "../core_asm/kernel.ts";

let workerScript = new URL("./worker_entry.ts", import.meta.url).href;

/** Use another Worker script (the single-file bundle spawns itself; see main.ts). */
export function setWorkerScript(url: string): void {
  workerScript = url;
}

/** One trial to run. */
export interface TrialJob {
  config: TrialConfig;
  /** Start from these instead of the seeds' draws. */
  init?: TrialInit;
  /** Replace the seeds' initial embedding (applied in the worker). */
  embedding?: EmbeddingSpec;
  records?: Omit<RecordOptions, "onProgress" | "progressEvery" | "signal">;
}

/** @internal messages to a worker */
export type WorkerRequest =
  | { kind: "module"; module: WebAssembly.Module }
  | { kind: "job"; index: number; job: TrialJob };

/** @internal messages from a worker */
export type WorkerReply =
  | { kind: "progress"; index: number; done: number; total: number }
  | { kind: "done"; index: number; rec: TrialRecords }
  | { kind: "error"; index: number; message: string };

/** Options of {@linkcode runTrials}. */
export interface PoolOptions {
  /** Number of Workers (default: all cores). */
  workers?: number;
  /** Called with each finished trial, in completion order. */
  onResult?: (index: number, rec: TrialRecords) => void | Promise<void>;
  /** Called as steps progress: total steps done over all trials. */
  onProgress?: (state: { done: number; total: number; finished: number; trials: number }) => void;
}

/**
 * Run `jobs` on a pool of Workers; resolves with the records in job order.
 *
 * @example
 * ```ts ignore
 * import { runTrials } from "./pool.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const jobs = [0, 1, 2, 3].map((seed) => ({ config: makeConfig({ p: 23, d: 32, steps: 500, seed }) }));
 * const recs = await runTrials(jobs, { workers: 2 });
 * ```
 */
export async function runTrials(jobs: TrialJob[], opts: PoolOptions = {}): Promise<TrialRecords[]> {
  const n = Math.max(1, Math.min(opts.workers ?? navigator.hardwareConcurrency ?? 1, jobs.length));
  const module = await coreModule();
  const results: TrialRecords[] = new Array(jobs.length);
  const stepsDone = new Float64Array(jobs.length);
  const totalSteps = jobs.reduce((s, j) => s + j.config.steps, 0);
  let next = 0, finished = 0, sumDone = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (jobs.length === 0) return resolve();
      const feed = (w: Worker) => {
        if (next < jobs.length) {
          const index = next++;
          w.postMessage({ kind: "job", index, job: jobs[index] } as WorkerRequest);
        }
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(workerScript, { type: "module" });
        workers.push(w);
        w.postMessage({ kind: "module", module } as WorkerRequest);
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`trial worker failed: ${e.message}`));
        };
        w.onmessage = async (ev: MessageEvent<WorkerReply>) => {
          const m = ev.data;
          if (m.kind === "progress") {
            sumDone += m.done - stepsDone[m.index];
            stepsDone[m.index] = m.done;
            opts.onProgress?.({ done: sumDone, total: totalSteps, finished, trials: jobs.length });
            return;
          }
          if (m.kind === "error") {
            reject(new Error(`trial ${m.index} (seed ${jobs[m.index].config.seed}): ${m.message}`));
            return;
          }
          results[m.index] = m.rec;
          finished++;
          feed(w);
          try {
            await opts.onResult?.(m.index, m.rec);
          } catch (e) {
            reject(e);
            return;
          }
          opts.onProgress?.({ done: sumDone, total: totalSteps, finished, trials: jobs.length });
          if (finished === jobs.length) resolve();
        };
        feed(w);
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
  return results;
}
