/**
 * Several figures reproduced as one pool: every figure's trials that the store lacks, each once,
 * scheduled together longest first (so no core idles at the end while one long trial finishes);
 * a figure's follow-up trials (Fig. 12's ablations) join the pool as soon as the trials they
 * depend on are stored; each figure is analysed as soon as all of its trials are, while the pool
 * goes on training the others. `reproduce all` runs it.
 *
 * @module
 */
import type { Figure } from "../paper/figure.ts";
import { figureRequests } from "../paper/figure.ts";
import { loadResult, missingRequests, type TrialRequest } from "../store/requests.ts";
import { runTrials, type TrialJob } from "../train/pool.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { MEAN_EARLY_STOP_STEP } from "./cost_plan.ts";
import { checkRoomFor, storeFinished } from "./resolve.ts";
import {
  analyseFigure,
  type FigureRun,
  figureRun,
  type ReproduceOptions,
} from "./reproduce_figure.ts";

/** Options of {@linkcode reproduceFigures}. */
export interface PoolReproduceOptions extends ReproduceOptions {
  /** Called with each figure as soon as it is analysed, in the order figures complete. */
  onFigure?: (run: FigureRun) => void | Promise<void>;
}

/**
 * A trial's work, for the pool's order: steps (a trial cut at the early stop counted at its mean
 * stop) × the multiply-adds of a step over the p² pairs. Only the order matters.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { trialWork } from "./reproduce_all.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const long = trialWork({ config: makeConfig({ p: 59, d: 128, steps: 30000 }) });
 * const short = trialWork({ config: makeConfig({ p: 59, d: 128, steps: 1000 }) });
 * assert(long === 30 * short, `${long} vs ${short}`);
 * ```
 */
export function trialWork(req: TrialRequest): number {
  const { p, d, hidden, steps } = req.config;
  const n = req.records?.untilDecided ? Math.min(steps, MEAN_EARLY_STOP_STEP) : steps;
  return n * p * p * hidden * (2 * d + hidden + p);
}

interface FigureState {
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>;
  requests: TrialRequest[];
  keys: string[];
  /** Keys of this figure not yet stored. */
  pending: Set<string>;
  /** Whether its follow-up requests have been added. */
  followed: boolean;
  /** Its keys trained by this pool. */
  trained: Set<string>;
}

/**
 * Reproduce `figs` at one scale as one pool (see the module's text); resolves with their runs in
 * the order of `figs`. Each trial is stored as it finishes; an analysis's error is thrown after
 * the pool has stored what it was training.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { reproduceFigures } from "./reproduce_all.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * const store = await ResultsStore.open(":memory:");
 * const figs = ["fig11", "fig3"].map((id) => figureById(id)!);
 * const runs = await reproduceFigures(figs, { scale: "tiny", store, workers: 2 });
 * assertEquals(runs.map((r) => r.fig.id), ["fig11", "fig3"]); // in the order asked
 * store.close();
 * ```
 */
export async function reproduceFigures(
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[],
  opts: PoolReproduceOptions,
): Promise<FigureRun[]> {
  const backend = opts.backend ?? asmBackend;
  const t0 = performance.now();
  const { store, scale } = opts;
  // Keys in the pool (queued, running or stored by it), by pool index, and their requests.
  const poolKeys: string[] = [];
  const poolReqs: TrialRequest[] = [];
  const inPool = new Set<string>();
  const states: FigureState[] = [];
  const lacking = async (reqs: TrialRequest[]) => {
    const { keys, missing } = await missingRequests(reqs, store, backend.name, opts.fresh);
    // With --fresh, a key the pool already trained is not trained again.
    return { keys, missing: [...missing].filter(([k]) => !(opts.fresh && inPool.has(k))) };
  };
  for (const fig of figs) {
    const requests = figureRequests(fig, scale, opts.untilDecided);
    const { keys, missing } = await lacking(requests);
    states.push({
      fig,
      requests,
      keys,
      pending: new Set(missing.map(([k]) => k)),
      followed: !fig.followUp,
      trained: new Set(),
    });
  }
  const queue = (entries: [string, TrialRequest][]): TrialJob[] => {
    const fresh = entries.filter(([k]) => !inPool.has(k));
    checkRoomFor(store, fresh.map(([, r]) => r));
    return fresh.map(([k, r]) => {
      inPool.add(k);
      poolKeys.push(k);
      poolReqs.push(r);
      return { config: r.config, records: r.records, embedding: r.embedding };
    });
  };

  // The analyses run one after another on this thread while the Workers train.
  const runs = new Map<FigureState, FigureRun>();
  let analyses = Promise.resolve();
  let failure: unknown;
  const analyse = (s: FigureState) => {
    analyses = analyses.then(async () => {
      if (failure !== undefined) return;
      try {
        const results = s.keys.map((k) => loadResult(store, k));
        const output = await analyseFigure(s.fig, scale, results);
        const run = figureRun(
          s.fig,
          scale,
          { requests: s.requests, results, trialsRun: s.trained.size },
          output,
          { t0, fallback: backend.name },
        );
        runs.set(s, run);
        await opts.onFigure?.(run);
      } catch (e) {
        failure = e;
      }
    });
  };
  /** A figure whose pending trials are all stored: its follow-ups join the pool, or it is
   * analysed. Returns the jobs that join. */
  const advance = async (s: FigureState): Promise<TrialJob[]> => {
    if (s.pending.size > 0) return [];
    if (!s.followed) {
      s.followed = true;
      const first = s.keys.map((k) => loadResult(store, k));
      const more = s.fig.followUp!(s.fig.params[scale], first);
      const { keys, missing } = await lacking(more);
      s.requests.push(...more);
      s.keys.push(...keys);
      for (const [k] of missing) s.pending.add(k);
      if (s.pending.size > 0) return queue(missing);
    }
    analyse(s);
    return [];
  };

  // Longest first over every figure's missing trials, each key once.
  const first = new Map<string, TrialRequest>();
  for (const s of states) {
    s.requests.forEach((r, i) => {
      if (s.pending.has(s.keys[i])) first.set(s.keys[i], r);
    });
  }
  const initial = queue([...first].sort((a, b) => trialWork(b[1]) - trialWork(a[1])));
  for (const s of states) initial.push(...await advance(s));

  await runTrials(initial, {
    backend,
    workers: opts.workers,
    keepResults: false,
    onProgress: opts.onProgress,
    onResult: (i, rec) => storeFinished(store, poolKeys[i], poolReqs[i], rec, backend),
    more: async (i, rec) => {
      if (rec.interrupted) return [];
      const key = poolKeys[i];
      const jobs: TrialJob[] = [];
      for (const s of states) {
        if (!s.pending.delete(key)) continue;
        s.trained.add(key);
        jobs.push(...await advance(s));
      }
      return jobs;
    },
  });
  await analyses;
  if (failure !== undefined) throw failure;
  const missing = states.filter((s) => !runs.has(s)).map((s) => s.fig.id);
  if (missing.length > 0) {
    throw new Error(`pool ended with figures not analysed: ${missing.join(", ")}`);
  }
  return states.map((s) => runs.get(s)!);
}
