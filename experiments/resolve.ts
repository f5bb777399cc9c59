/**
 * Requests resolved through the results store: each request's key (`../store/requests.ts`), the
 * requests the store lacks run on the backend named (`../train/pool.ts`: Workers or GPU batches)
 * and stored as each finishes, then every request's records read back. Figures, sweeps and
 * shards all resolve their trials here.
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import { type PoolProgress, runTrials, type TrialJob } from "../train/pool.ts";
import type { TrialRecords } from "../train/trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { checkFreeSpace } from "../store/disk.ts";
import type { ResultsStore } from "../store/store.ts";
import {
  loadResult,
  missingRequests,
  storedBytes,
  storeRecords,
  type TrialRequest,
  type TrialResult,
} from "../store/requests.ts";

/** How to run what is missing. */
export interface ResolveOptions {
  /** The store to read the trials from and to keep the new ones in. */
  store: ResultsStore;
  /** The backend that trains what is missing (default asm); it is part of every key. */
  backend?: Backend;
  /** Workers of a CPU backend (default: every core). */
  workers?: number;
  /** Ignore stored trials (rerun and replace them). */
  fresh?: boolean;
  /** With `fresh`: the keys already trained again by this run (rounds that ask again for earlier
   * rounds' trials): not trained a second time; each key trained is added. */
  retrained?: Set<string>;
  /** Called as the trials' steps progress. */
  onProgress?: (s: PoolProgress) => void;
  /** Stop the trials at their next step when aborted; the finished ones are stored, the ones
   * cut short are not. */
  signal?: AbortSignal;
}

/** Refuse before any training when the store's disk cannot hold these requests' records (with
 * 16 MiB to spare); an in-memory store is not checked. */
export function checkRoomFor(store: ResultsStore, reqs: TrialRequest[]): void {
  if (store.path === ":memory:" || reqs.length === 0) return;
  checkFreeSpace(
    store.path,
    reqs.reduce((s, r) => s + storedBytes(r), 0) + 16 * 2 ** 20,
    `store ${store.path}: ${reqs.length} trials to train`,
  );
}

/** A trial's records into the store under its key — unless it was cut short (then it is not the
 * trial its key names, and nothing is stored). */
export function storeFinished(
  store: ResultsStore,
  key: string,
  req: TrialRequest,
  rec: TrialRecords,
  backend: Backend,
): void {
  if (rec.interrupted) return;
  storeRecords(store, key, req, rec, backend.caps.precision ?? "f32");
}

/**
 * Run the requests the store lacks (each once) and store them as each finishes; returns the keys
 * of all requests, in order.
 */
export async function trainMissing(
  reqs: TrialRequest[],
  opts: ResolveOptions,
): Promise<string[]> {
  const backend = opts.backend ?? asmBackend;
  const { keys, missing } = await missingRequests(reqs, opts.store, backend.name, opts.fresh);
  const done = opts.fresh ? opts.retrained : undefined;
  const entries = [...missing.entries()].filter(([k]) => !done?.has(k));
  const jobs: TrialJob[] = entries.map(([, r]) => ({
    config: r.config,
    records: r.records,
    embedding: r.embedding,
  }));
  checkRoomFor(opts.store, entries.map(([, r]) => r));
  await runTrials(jobs, {
    backend,
    workers: opts.workers,
    keepResults: false,
    signal: opts.signal,
    onProgress: opts.onProgress,
    onResult: (i, rec) => {
      storeFinished(opts.store, entries[i][0], entries[i][1], rec, backend);
      if (!rec.interrupted) done?.add(entries[i][0]);
    },
  });
  return keys;
}

/**
 * Make sure every request is in the store (running the missing ones), then read them back.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { resolveTrials } from "./resolve.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:"); // or a file, kept between runs
 * const config = makeConfig({ p: 5, d: 2, steps: 3 });
 * const [run] = await resolveTrials([{ config }], { store, workers: 1 }); // trained on asm
 * const [again] = await resolveTrials([{ config }], { store }); // read back: nothing trains
 * assertEquals([run.stepsDone, store.count(), again.trainLoss], [3, 1, run.trainLoss]);
 * store.close();
 * ```
 */
export async function resolveTrials(
  reqs: TrialRequest[],
  opts: ResolveOptions,
): Promise<TrialResult[]> {
  const keys = await trainMissing(reqs, opts);
  return keys.map((k) => loadResult(opts.store, k));
}
