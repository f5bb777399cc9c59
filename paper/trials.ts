/**
 * Trial requests of the figures and their resolution: each request (configuration + records
 * asked for) has a store key; the ones missing from the store run on the Worker pool and are
 * stored as each finishes; then every request's records are read back from the store. Two
 * figures asking for the same run share it.
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import { runTrials, type TrialJob } from "../train/pool.ts";
import type { TrialRecords } from "../train/trainer.ts";
import { runArrays, summarize } from "../io/run_dir.ts";
import { type ResultsStore, trialKey } from "../store/store.ts";
import { paramLayout } from "../protocol/layout.ts";
import { applyEmbedding, type EmbeddingSpec } from "../protocol/embedding.ts";
import { initialTrial } from "../protocol/init.ts";
import { trainBatchGpu } from "../gpu/fused.ts";

/** What a figure asks to be trained. */
export interface TrialRequest {
  config: TrialConfig;
  records?: {
    paramsEvery?: number;
    embeddingsUntil?: number;
    gradSignals?: boolean;
    /** Stop when the circles are decided (the early verdict of analysis/decided.ts). */
    untilDecided?: boolean;
  };
  /** Replace the seeds' initial embedding. */
  embedding?: EmbeddingSpec;
}

/** Trials per GPU batch. */
export const GPU_BATCH = 64;

/** A stored trial's records, read back. */
export interface TrialResult {
  key: string;
  config: TrialConfig;
  summary: Record<string, unknown>;
  backend: string;
  trainLoss: Float64Array;
  testLoss: Float64Array;
  trainAcc: Float64Array;
  testAcc: Float64Array;
  /** (steps+1, p) */
  signals: Float64Array;
  finalParams: Float64Array;
  gradSignals?: Float64Array;
  embeddings?: Float64Array;
  paramSnapshots?: { steps: number[]; data: Float64Array };
  /** The final embedding (p, d). */
  finalEmbedding(): Float64Array;
  /** The signals row after `step` updates. */
  signalsAt(step: number): Float64Array;
  /** Steps actually trained (fewer than config.steps when stopped by the early verdict). */
  stepsDone: number;
  /** The final signals row. */
  finalSignals(): Float64Array;
}

/** How to run what is missing. */
export interface ResolveOptions {
  store: ResultsStore;
  backend?: string;
  workers?: number;
  /** Ignore stored trials (rerun and replace them). */
  fresh?: boolean;
  onProgress?: (s: { done: number; total: number; finished: number; trials: number }) => void;
}

/** The key of a request. */
export function requestKey(req: TrialRequest, backend = "asm"): Promise<string> {
  return trialKey(
    { config: req.config, records: req.records ?? {}, embedding: req.embedding },
    backend,
  );
}

/**
 * Make sure every request is in the store (running the missing ones), then read them back.
 *
 * @example
 * ```ts ignore
 * const [run] = await resolveTrials([{ config }], { store });
 * ```
 */
export async function resolveTrials(
  reqs: TrialRequest[],
  opts: ResolveOptions,
): Promise<TrialResult[]> {
  const backend = opts.backend ?? "asm";
  const keys = await Promise.all(reqs.map((r) => requestKey(r, backend)));
  const todo = new Map<string, TrialRequest>();
  const ran = new Set<string>();
  reqs.forEach((r, i) => {
    if ((opts.fresh || !opts.store.has(keys[i])) && !todo.has(keys[i])) todo.set(keys[i], r);
  });
  if (backend === "webgpu" || backend === "tfjs") {
    // GPU batches: trials of one shape together; records the GPU path does not keep go to asm
    const groups = new Map<string, [string, TrialRequest][]>();
    for (const [key, r] of todo) {
      const rec = r.records ?? {};
      if (rec.paramsEvery || rec.embeddingsUntil || rec.untilDecided) continue;
      const c = r.config;
      const shape = [c.p, c.d, c.hidden, c.steps, c.trainFraction, rec.gradSignals ? 1 : 0].join(
        "/",
      );
      groups.set(shape, [...(groups.get(shape) ?? []), [key, r]]);
      todo.delete(key);
    }
    const total = [...groups.values()].reduce((s, g) => s + g.length, 0);
    let finished = 0;
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += GPU_BATCH) {
        const part = group.slice(i, i + GPU_BATCH);
        const specs = part.map(([, r]) => {
          const init = initialTrial(r.config);
          if (r.embedding) applyEmbedding(r.embedding, r.config, init.params);
          return { config: r.config, ...init };
        });
        const gradSignals = part[0][1].records?.gradSignals;
        const recs = backend === "webgpu"
          ? await trainBatchGpu(specs, { gradSignals })
          : await (await import("../gpu/tfjs.ts")).trainBatchTfjs(specs, { gradSignals });
        part.forEach(([key, r], j) => storeRecords(opts.store, key, r, recs[j]));
        finished += part.length;
        opts.onProgress?.({ done: finished, total, finished, trials: total });
      }
    }
  }
  if (todo.size > 0) {
    const entries = [...todo.entries()];
    const jobs: TrialJob[] = entries.map(([, r]) => ({
      config: r.config,
      records: r.records,
      embedding: r.embedding,
    }));
    await runTrials(jobs, {
      workers: opts.workers,
      onProgress: opts.onProgress,
      onResult: (i, rec) => {
        const [key, r] = entries[i];
        storeRecords(opts.store, key, r, rec);
        ran.add(key);
      },
    });
  }
  return keys.map((k) => loadResult(opts.store, k));
}

function storeRecords(
  store: ResultsStore,
  key: string,
  req: TrialRequest,
  rec: TrialRecords,
): void {
  const s = summarize(req.config, rec);
  const arrays = runArrays(rec);
  delete arrays.init_params; // a pure function of the config
  delete arrays.train_ids;
  store.put({
    key,
    request: { config: req.config, records: req.records ?? {}, embedding: req.embedding },
    backend: rec.backend,
    summary: { ...s, config: undefined },
  }, arrays);
}

/** Read a stored trial back. */
export function loadResult(store: ResultsStore, key: string): TrialResult {
  const t = store.get(key);
  if (!t) throw new Error(`trial ${key} is not in the store ${store.path}`);
  const req = t.request as TrialRequest;
  const a = (name: string) => {
    const arr = store.array(key, name);
    return arr ? Float64Array.from(arr.data) : undefined;
  };
  const { p, d } = req.config;
  const signals = a("signals")!;
  const finalParams = a("final_params")!;
  const snaps = a("param_snapshots");
  const snapSteps = a("param_snapshot_steps");
  const L = paramLayout(p, d, req.config.hidden);
  return {
    key,
    config: req.config,
    summary: t.summary,
    backend: t.backend,
    trainLoss: a("train_loss")!,
    testLoss: a("test_loss")!,
    trainAcc: a("train_acc")!,
    testAcc: a("test_acc")!,
    signals,
    finalParams,
    gradSignals: a("grad_signals"),
    embeddings: a("embeddings"),
    paramSnapshots: snaps && snapSteps ? { steps: Array.from(snapSteps), data: snaps } : undefined,
    finalEmbedding: () => finalParams.slice(0, L.embedding[1]),
    signalsAt: (step: number) => signals.slice(step * p, (step + 1) * p),
    stepsDone: signals.length / p - 1,
    finalSignals: () => signals.slice(signals.length - p),
  };
}
