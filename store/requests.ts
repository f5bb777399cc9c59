/**
 * Trial requests in the results store: what a request is (configuration, records asked for,
 * initial-embedding spec), its store key (which names the backend too), which requests a store
 * lacks, a trained trial's records stored under its key, and a stored trial read back. Two
 * figures asking for the same run share it. Training what is missing is
 * `../experiments/resolve.ts`'s.
 *
 * @module
 */
import type { EarlyStopRule } from "../analysis/early_stop.ts";
import { keyConfig, type TrialConfig } from "../protocol/config.ts";
import { paramLayout } from "../protocol/layout.ts";
import type { EmbeddingRecipe } from "../protocol/embedding.ts";
import type { TrialRecords } from "../train/trainer.ts";
import { initBytes, runArrays, runDirBytes, summarize } from "./run_dir.ts";
import { type ResultsStore, StoreError, trialKey } from "./store.ts";
import { checkTrial, type WholeTrial } from "./trial_check.ts";
import { isDiskFull } from "./disk.ts";

/** What a figure (or a sweep) asks to be trained. */
export interface TrialRequest {
  /** The trial's configuration. */
  config: TrialConfig;
  /** What to record beyond the standard log; part of the store key. */
  records?: {
    paramsEvery?: number;
    embeddingsUntil?: number;
    gradSignals?: boolean;
    /** Log every n-th update only (sweep trials: their final circles and the early stop's checks). */
    logEvery?: number;
    /** With logEvery: also log the first n updates. */
    logFirst?: number;
    /** Stop when the circles are decided by this rule (analysis/early_stop.ts): the rule itself is
     * part of the key, so a changed rule never serves trials stopped by another. */
    untilDecided?: EarlyStopRule;
    /** Store the log only — no final parameters, values as float32 (the trainers' precision):
     * a long study's trials, ~13× smaller (the store of a study is committed to git). */
    lean?: boolean;
  };
  /** Replace the seeds' initial embedding. */
  embedding?: EmbeddingRecipe;
}

/** A stored trial's records, read back. */
export interface TrialResult {
  /** The store key the trial is kept under. */
  key: string;
  /** The trial's configuration. */
  config: TrialConfig;
  /** Its summary (run.json's fields). */
  summary: Record<string, unknown>;
  /** The backend that trained it. */
  backend: string;
  /** The updates of the logged rows (1-based): row i of the scalars, row i+1 of `signals`. */
  loggedAt: Int32Array;
  /** Train loss per logged row. */
  trainLoss: Float64Array;
  /** Test loss per logged row. */
  testLoss: Float64Array;
  /** Train accuracy per logged row. */
  trainAcc: Float64Array;
  /** Test accuracy per logged row. */
  testAcc: Float64Array;
  /** (rows+1, p): row 0 at init. */
  signals: Float64Array;
  /** The final parameters (empty for a trial stored lean). */
  finalParams: Float64Array;
  /** ‖F_k(∂L/∂E)‖ per step, where requested (Fig. 13). */
  gradSignals?: Float64Array;
  /** The embedding after each of the first steps, where requested (Figs. 7, 9). */
  embeddings?: Float64Array;
  /** All parameters at every N-th step, where requested (Fig. 8). */
  paramSnapshots?: { steps: number[]; data: Float64Array };
  /** Steps actually trained (fewer than config.steps when stopped by the early stop or by
   * divergence). */
  stepsDone: number;
  /** The update at which the run diverged (non-finite loss or parameters), or null. */
  divergedAt: number | null;
  /** The step at which the early stop stopped the run, or null. */
  decidedAt: number | null;
  /** The final embedding (p, d). */
  finalEmbedding(): Float64Array;
  /** The signals row after `step` updates (0: init); the step must be logged. */
  signalsAt(step: number): Float64Array;
  /** The final signals row. */
  finalSignals(): Float64Array;
}

/**
 * What of a request its store key is made from: its config as `keyConfig` gives it (the paper's
 * optimiser left out, so keys made before `--optimizer` existed stay valid), its records and its
 * embedding spec.
 *
 * @example
 * ```ts
 * import { keyRequest } from "./requests.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const k = keyRequest({ config: makeConfig() }) as { config: Record<string, unknown> };
 * if ("optimizer" in k.config) throw new Error("adamw is left out of the key");
 * ```
 */
export function keyRequest(req: TrialRequest): unknown {
  return { config: keyConfig(req.config), records: req.records ?? {}, embedding: req.embedding };
}

/** The store key of a request trained on `backend` ({@linkcode keyRequest}, the backend and the
 * training version); with `version`, the key an earlier training version gave it (to read trials
 * stored by that one). */
export function requestKey(
  req: TrialRequest,
  backend: string,
  opts: { version?: string } = {},
): Promise<string> {
  return trialKey(keyRequest(req), backend, opts.version);
}

/**
 * The requests' keys and which of them the store lacks (each missing key once). Every stored
 * trial that would serve a request is checked whole first (store/trial_check.ts): a damaged or
 * incomplete one is a one-line `StoreError` naming the store and the trial, before any training.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { missingRequests } from "./requests.ts";
 * import { ResultsStore } from "./store.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:");
 * const reqs = [0, 1, 1].map((seed) => ({ config: makeConfig({ p: 5, d: 2, steps: 3, seed }) }));
 * const { keys, missing } = await missingRequests(reqs, store, "asm");
 * assertEquals([keys.length, keys[1] === keys[2], missing.size], [3, true, 2]); // seed 1 runs once
 * store.close();
 * ```
 */
export async function missingRequests(
  reqs: TrialRequest[],
  store: ResultsStore,
  backend: string,
  fresh = false,
): Promise<{ keys: string[]; missing: Map<string, TrialRequest> }> {
  const keys = await Promise.all(reqs.map((r) => requestKey(r, backend)));
  const missing = new Map<string, TrialRequest>();
  const checked = new Set<string>();
  reqs.forEach((r, i) => {
    const key = keys[i];
    if (fresh || !store.has(key)) {
      if (!missing.has(key)) missing.set(key, r);
    } else if (!checked.has(key)) {
      checkWhole(store, key);
      checked.add(key);
    }
  });
  return { keys, missing };
}

/** {@linkcode checkTrial}, its message telling how to replace the trial. */
function checkWhole(store: ResultsStore, key: string): WholeTrial {
  try {
    return checkTrial(store, key);
  } catch (e) {
    if (e instanceof StoreError && !isDiskFull(e)) {
      throw new StoreError(`${e.message}; --fresh trains it again`);
    }
    throw e;
  }
}

/** Bytes a request's trial takes in the store (its arrays as `.npy`; lean ones as float32 and
 * without parameters), for the disk check before training. */
export function storedBytes(req: TrialRequest): number {
  const r = req.records ?? {};
  const bytes = runDirBytes(req.config, r) - initBytes(req.config);
  return r.lean
    ? (bytes - 8 * paramLayout(req.config.p, req.config.d, req.config.hidden).total) / 2
    : bytes;
}

/** Store a trained trial's records under `key` (lean ones without parameters, as float32). */
export function storeRecords(
  store: ResultsStore,
  key: string,
  req: TrialRequest,
  rec: TrialRecords,
  precision: "f32" | "f64",
): void {
  const s = summarize(req.config, rec);
  const arrays = runArrays(rec);
  delete arrays.init_params; // a pure function of the request
  delete arrays.train_ids;
  if (req.records?.lean) {
    delete arrays.final_params;
    for (const a of Object.values(arrays)) {
      if (a.dtype === "<f8") a.dtype = "<f4";
    }
  }
  store.put({
    key,
    request: { config: req.config, records: req.records ?? {}, embedding: req.embedding },
    backend: rec.backend,
    summary: { ...s, config: undefined, precision },
  }, arrays);
}

/** Read a stored trial back: checked whole (every array its request implies there, verified
 * against its digest, of the shape the others give it; a one-line `StoreError` naming the store
 * and the trial otherwise). */
export function loadResult(store: ResultsStore, key: string): TrialResult {
  const { trial: t, arrays } = checkWhole(store, key);
  const req = t.request as TrialRequest;
  const a = (name: string) => {
    const arr = arrays[name];
    return arr ? Float64Array.from(arr.data) : undefined;
  };
  const need = (name: string) => a(name)!; // present: checkTrial saw to it
  const { p, d } = req.config;
  const signals = need("signals");
  const lean = req.records?.lean === true;
  const finalParams = lean ? new Float64Array(0) : need("final_params");
  const trainLoss = need("train_loss");
  const snaps = a("param_snapshots");
  const snapSteps = a("param_snapshot_steps");
  const logged = a("logged_at");
  const loggedAt = logged
    ? Int32Array.from(logged)
    : Int32Array.from({ length: trainLoss.length }, (_, i) => i + 1);
  const rowOf = new Map<number, number>([[0, 0]]);
  loggedAt.forEach((u, i) => rowOf.set(u, i + 1));
  const L = paramLayout(p, d, req.config.hidden);
  const summary = t.summary as { divergedAt?: number | null; decidedAt?: number | null };
  const stepsDone = loggedAt.length ? loggedAt[loggedAt.length - 1] : 0;
  return {
    key,
    // trials stored before the optimiser was an option ran the paper's AdamW
    config: { ...req.config, optimizer: req.config.optimizer ?? "adamw" },
    summary: t.summary,
    backend: t.backend,
    loggedAt,
    trainLoss,
    testLoss: need("test_loss"),
    trainAcc: need("train_acc"),
    testAcc: need("test_acc"),
    signals,
    finalParams,
    gradSignals: a("grad_signals"),
    embeddings: a("embeddings"),
    paramSnapshots: snaps && snapSteps ? { steps: Array.from(snapSteps), data: snaps } : undefined,
    stepsDone,
    divergedAt: summary.divergedAt ?? null,
    decidedAt: summary.decidedAt ?? null,
    finalEmbedding: () => {
      if (lean) throw new Error(`trial ${key} was stored lean: it has no final parameters`);
      return finalParams.slice(0, L.embedding[1]);
    },
    signalsAt: (step: number) => {
      const row = rowOf.get(step);
      if (row === undefined) {
        throw new Error(`trial ${key}: step ${step} is not logged (every ${logStep(loggedAt)})`);
      }
      return signals.slice(row * p, (row + 1) * p);
    },
    finalSignals: () => signals.slice(signals.length - p),
  };
}

function logStep(loggedAt: Int32Array): number {
  return loggedAt.length > 1 ? loggedAt[1] - loggedAt[0] : 1;
}
