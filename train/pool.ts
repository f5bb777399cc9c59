/**
 * Many independent trials on one backend: CPU backends run one trial per Worker, one Worker per
 * core, each with the same compiled core module, fed from a queue; GPU backends train batches of
 * trials of one shape in this thread, as many per batch as the backend takes for that shape
 * (train/memory.ts's `batchFor`). Results come back as each trial finishes, so a caller can
 * store them at once (finished work is never lost when a sweep is interrupted).
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import type { TrialConfig } from "../protocol/config.ts";
import { initialTrial, type TrialInit } from "../protocol/init.ts";
import { applyEmbedding, type EmbeddingRecipe } from "../protocol/embedding.ts";
import { type RecordOptions, trainBatch, type TrialRecords } from "./trainer.ts";
import { asmBackend, coreModule } from "../core_asm/asm_backend.ts";
import { batchFor } from "./memory.ts";

let workerScript = new URL("./worker_entry.ts", import.meta.url).href;

/** Use another Worker script (the single-file bundle spawns itself; see main.ts). */
export function setWorkerScript(url: string): void {
  workerScript = url;
}

/** The Worker script of the pool (its Workers also answer `train/evaluate.ts`'s restriction
 * jobs). */
export function poolWorkerScript(): string {
  return workerScript;
}

/** One trial to run. */
export interface TrialJob {
  /** The trial's configuration. */
  config: TrialConfig;
  /** Start from these instead of the seeds' draws. */
  init?: TrialInit;
  /** Replace the seeds' initial embedding (applied where the trial runs). */
  embedding?: EmbeddingRecipe;
  /** What to record beyond the standard log (snapshots, gradient signals, sparse logging). */
  records?: Omit<RecordOptions, "onProgress" | "signal">;
}

/** The initial parameters and split of a job: the seeds' draws or its own, its embedding spec
 * applied. */
export function jobInit(job: TrialJob): TrialInit {
  const init = job.init
    ? { params: Float64Array.from(job.init.params), trainIds: job.init.trainIds }
    : initialTrial(job.config);
  if (job.embedding) applyEmbedding(job.embedding, job.config, init.params);
  return init;
}

/** @internal messages to a worker */
export type WorkerRequest =
  | { kind: "module"; module: WebAssembly.Module }
  | { kind: "job"; index: number; job: TrialJob; backend: string }
  | { kind: "stop" };

/** @internal messages from a worker */
export type WorkerReply =
  | { kind: "progress"; index: number; done: number; total: number }
  | { kind: "done"; index: number; rec: TrialRecords }
  | { kind: "error"; index: number; message: string };

/** Progress of a pool: steps done over all trials, trials finished. */
export interface PoolProgress {
  /** Steps done over all trials. */
  done: number;
  /** Steps to do over all trials. */
  total: number;
  /** Trials finished. */
  finished: number;
  /** Trials in the pool. */
  trials: number;
}

/** Options of {@linkcode runTrials}. */
export interface PoolOptions {
  /** The backend (default asm). */
  backend?: Backend;
  /** Number of Workers for a CPU backend (default: all cores). */
  workers?: number;
  /** Called with each finished trial, in completion order. */
  onResult?: (index: number, rec: TrialRecords) => void | Promise<void>;
  /** Called as steps progress. */
  onProgress?: (state: PoolProgress) => void;
  /** Stop when aborted: no trial starts any more, and the running ones stop after their current
   * step, their records marked `interrupted` (given to `onResult` like any other). */
  signal?: AbortSignal;
  /** Keep every trial's records for the returned list (default true); false returns an empty
   * list and leaves each trial's records to `onResult` alone, so a long sweep's records are not
   * all held in memory at once. */
  keepResults?: boolean;
  /**
   * Jobs that join this pool when a trial finishes (trials that depend on earlier results, e.g.
   * Fig. 12's ablations of the circles its first run kept): called after `onResult` with that
   * trial's index and records; the jobs it returns run in this pool, their indices following the
   * last job's, and the pool ends when no trial runs and none is queued.
   */
  more?: (index: number, rec: TrialRecords) => TrialJob[] | Promise<TrialJob[]>;
}

/**
 * Run `jobs` on `opts.backend`; resolves with the records in job order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runTrials } from "./pool.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const jobs = [0, 1, 2].map((seed) => ({ config: makeConfig({ p: 5, d: 2, steps: 4, seed }) }));
 * const recs = await runTrials(jobs, { workers: 2 }); // asm, one trial per Worker
 * assertEquals(recs.map((r) => r.trainLoss.length), [4, 4, 4]); // in job order
 * ```
 */
export function runTrials(jobs: TrialJob[], opts: PoolOptions = {}): Promise<TrialRecords[]> {
  const backend = opts.backend ?? asmBackend;
  return backend.caps.device === "cpu"
    ? runOnWorkers(jobs, backend, opts)
    : runInBatches(jobs, backend, opts);
}

/** The shape of a job: jobs of equal shape train in one batch. */
function shapeKey(job: TrialJob, init: TrialInit): string {
  const c = job.config;
  return JSON.stringify([c.p, c.d, c.hidden, c.steps, init.trainIds.length, job.records ?? {}]);
}

async function runInBatches(
  jobs: TrialJob[],
  backend: Backend,
  opts: PoolOptions,
  offset = 0,
): Promise<TrialRecords[]> {
  const results: TrialRecords[] = new Array(jobs.length);
  const groups = new Map<string, number[]>();
  const inits = jobs.map(jobInit);
  jobs.forEach((j, i) => {
    const key = shapeKey(j, inits[i]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const total = jobs.reduce((s, j) => s + j.config.steps, 0);
  const extra: TrialJob[] = [];
  let doneBefore = 0, finished = 0;
  for (const group of groups.values()) {
    const first = jobs[group[0]];
    const size = await batchFor(
      backend,
      first.config,
      first.records ?? {},
      inits[group[0]].trainIds.length,
    );
    for (let i = 0; i < group.length; i += size) {
      const part = group.slice(i, i + size);
      const specs = part.map((j) => ({ config: jobs[j].config, ...inits[j] }));
      const steps = jobs[part[0]].config.steps;
      if (opts.signal?.aborted) return results;
      const recs = await trainBatch(backend, specs, {
        ...jobs[part[0]].records,
        signal: opts.signal,
        onProgress: (done) =>
          opts.onProgress?.({
            done: doneBefore + done * part.length,
            total,
            finished,
            trials: jobs.length,
          }),
      });
      doneBefore += steps * part.length;
      for (const [k, j] of part.entries()) {
        if (opts.keepResults !== false) results[j] = recs[k];
        finished++;
        await opts.onResult?.(offset + j, recs[k]);
        if (opts.more && !recs[k].interrupted) extra.push(...await opts.more(offset + j, recs[k]));
      }
      opts.onProgress?.({ done: doneBefore, total, finished, trials: jobs.length });
    }
  }
  // The jobs that joined: batched by shape like the first ones, their indices after them.
  if (extra.length > 0 && !opts.signal?.aborted) {
    results.push(...await runInBatches(extra, backend, opts, offset + jobs.length));
  }
  return results;
}

async function runOnWorkers(
  first: TrialJob[],
  backend: Backend,
  opts: PoolOptions,
): Promise<TrialRecords[]> {
  const cores = opts.workers ?? navigator.hardwareConcurrency ?? 1;
  // With `more`, jobs may join later: as many Workers as cores; otherwise no more than jobs.
  const n = Math.max(1, opts.more ? cores : Math.min(cores, first.length));
  const jobs = [...first];
  const module = await coreModule();
  const results: TrialRecords[] = new Array(jobs.length);
  const stepsDone: number[] = jobs.map(() => 0);
  let totalSteps = jobs.reduce((s, j) => s + j.config.steps, 0);
  // `callbacks`: finished trials whose onResult/more have not returned yet (jobs may still join).
  let next = 0, finished = 0, sumDone = 0, running = 0, callbacks = 0;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const stopAll = () => {
    for (const w of workers) w.postMessage({ kind: "stop" } as WorkerRequest);
  };
  const progress = () =>
    opts.onProgress?.({ done: sumDone, total: totalSteps, finished, trials: jobs.length });
  try {
    await new Promise<void>((resolve, reject) => {
      if (jobs.length === 0) return resolve();
      opts.signal?.addEventListener("abort", () => {
        stopAll();
        if (running === 0 && callbacks === 0) resolve();
      });
      const feed = (w: Worker) => {
        if (next < jobs.length && !opts.signal?.aborted) {
          running++;
          const index = next++;
          w.postMessage(
            { kind: "job", index, job: jobs[index], backend: backend.name } as WorkerRequest,
          );
        } else idle.push(w);
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
            progress();
            return;
          }
          if (m.kind === "error") {
            reject(new Error(`trial ${m.index} (seed ${jobs[m.index].config.seed}): ${m.message}`));
            return;
          }
          if (opts.keepResults !== false) results[m.index] = m.rec;
          running--;
          finished++;
          callbacks++;
          sumDone += jobs[m.index].config.steps - stepsDone[m.index];
          stepsDone[m.index] = jobs[m.index].config.steps;
          feed(w);
          try {
            await opts.onResult?.(m.index, m.rec);
            const extra = opts.more && !m.rec.interrupted ? await opts.more(m.index, m.rec) : [];
            for (const job of extra) {
              jobs.push(job);
              stepsDone.push(0);
              totalSteps += job.config.steps;
            }
            while (idle.length > 0 && next < jobs.length && !opts.signal?.aborted) {
              feed(idle.pop()!);
            }
          } catch (e) {
            reject(e);
            return;
          } finally {
            callbacks--;
          }
          progress();
          const allDone = finished === jobs.length && callbacks === 0;
          if (allDone || (opts.signal?.aborted && running === 0 && callbacks === 0)) resolve();
        };
        feed(w);
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
  return results;
}
