/**
 * The training protocol, once for every backend: the trainer drives a backend's
 * {@linkcode BatchKernel} (B trials per step; B = 1 on the CPU backends) and owns everything
 * around the steps — the record layout and which steps are logged, snapshots (parameters every N
 * steps for Fig. 8, the first embeddings for Figs. 7 and 9), gradient signals (Fig. 13), the early
 * verdict (`untilDecided`), divergence (a non-finite loss or parameter norm ends a trial, recorded
 * as diverged at that step), abort (SIGINT: the records keep the steps done), progress.
 *
 * @module
 */
import { type Backend, checkBatch, type TrialStart } from "../backends/contract.ts";
import { isLogged, loggedSteps, recordLayout } from "../protocol/records.ts";
import { fourierNorms } from "../analysis/fourier.ts";
import { type EarlyStopRule, EarlyStopTracker } from "../analysis/early_stop.ts";

/** What to record beyond the standard log, and how to run. */
export interface RecordOptions {
  /** Store all parameters at step 0 and every `paramsEvery` steps (0: never). */
  paramsEvery?: number;
  /** Store the embedding after each of the first `embeddingsUntil` updates (row 0 = init). */
  embeddingsUntil?: number;
  /** Store ‖F_k(∂L/∂E)‖ of every logged step. */
  gradSignals?: boolean;
  /** Log every `logEvery`-th update (and the last); 1 (default) logs every update. Sweep trials,
   * which read only their final circles and the early stop's checks, log every 100th. Unlogged
   * steps skip the test forward and the signals. */
  logEvery?: number;
  /** With `logEvery` > 1: also log each of the first `logFirst` updates (Fig. 7 reads them). */
  logFirst?: number;
  /** Stop once the surviving circles are decided (analysis/early_stop.ts); `true` = default rule. */
  untilDecided?: boolean | Partial<EarlyStopRule>;
  /** Called after each run of steps with the steps done, the steps to do and a view of the run so
   * far (the explorer page draws from it); a returned promise is awaited before the next steps
   * (the page pauses a run that way). */
  onProgress?: (done: number, total: number, live: LiveRun) => void | Promise<void>;
  /** Stop early when aborted: the records then hold the steps completed (`steps` says how many). */
  signal?: AbortSignal;
}

/** What {@linkcode RecordOptions.onProgress} sees of a run while it trains. */
export interface LiveRun {
  /** Each trial's records as they are being filed: the first `rows[b]` entries of trial b's
   * per-update arrays (`loggedAt`, the losses, accuracies, `paramNorm`, `gradSignals`) and the
   * first `rows[b] + 1` rows of its `signals` (row 0 at init) are written. The arrays are the
   * run's own: copy what you keep. */
  readonly records: readonly TrialRecords[];
  /** Rows filed per trial (read it at each call). */
  readonly rows: readonly number[];
  /** The current fused parameters of trial b. */
  params(b: number): Promise<Float64Array>;
}

/** Everything a run records. Arrays are float64, step-major. */
export interface TrialRecords {
  /** The modulus. */
  p: number;
  /** The embedding dimension. */
  d: number;
  /** Updates completed (fewer than configured when stopped early). */
  steps: number;
  /** The updates logged, when not every one was (undefined: rows are updates 1..steps). The
   * scalar arrays have one entry per logged update; `signals` has a row for init first. */
  loggedAt?: Int32Array;
  /** True when `signal` stopped the run early. */
  interrupted: boolean;
  /** The step at which `untilDecided` stopped the run (null: it ran all its steps). */
  decidedAt: number | null;
  /** The update at which the loss or the parameter norm became non-finite (null: never). */
  divergedAt: number | null;
  /** The backend that trained it. */
  backend: string;
  /** Train loss per logged update. */
  trainLoss: Float64Array;
  /** Test loss per logged update. */
  testLoss: Float64Array;
  /** Train accuracy per logged update. */
  trainAcc: Float64Array;
  /** Test accuracy per logged update. */
  testAcc: Float64Array;
  /** L2 norm of all parameters after each logged update. */
  paramNorm: Float64Array;
  /** (rows+1, p): row 0 at init, then after each logged update. */
  signals: Float64Array;
  /** (rows, p) when asked. */
  gradSignals?: Float64Array;
  /** (min(steps, until)+1, p, d) when asked. */
  embeddings?: Float64Array;
  /** Parameter snapshots when asked: the step of each row and the rows (fused layout). */
  paramSnapshots?: { steps: number[]; data: Float64Array };
  /** The fused parameters the run started from (the authors' layout). */
  initParams: Float64Array;
  /** The training pair ids (the test set is the sorted rest). */
  trainIds: Int32Array;
  /** The fused parameters after the last update. */
  finalParams: Float64Array;
  /** Wall time of the training loop per step. */
  msPerStep: number;
}

/**
 * The update of each logged row of `rec` (1-based).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { loggedUpdates } from "./trainer.ts";
 * import { tinyRun } from "../tests/example_runs.ts";
 * const { records } = await tinyRun({ steps: 3 });
 * // t[i] is the update of records.trainLoss[i] and of records.signals' row i + 1
 * assertEquals(loggedUpdates(records), [1, 2, 3]); // every step logged
 * assertEquals(loggedUpdates({ loggedAt: Int32Array.of(1, 100), steps: 100 }), [1, 100]);
 * ```
 */
export function loggedUpdates(rec: Pick<TrialRecords, "loggedAt" | "steps">): Int32Array {
  return rec.loggedAt ?? Int32Array.from({ length: rec.steps }, (_, i) => i + 1);
}

/**
 * Train one trial on `backend` and return its records.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { train } from "./trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 3 });
 * const rec = await train(referenceBackend, { config, ...initialTrial(config) });
 * assertEquals(rec.signals.length, (3 + 1) * 5); // the initial row and one per step, p each
 * ```
 */
export async function train(
  backend: Backend,
  spec: TrialStart,
  opts: RecordOptions = {},
): Promise<TrialRecords> {
  return (await trainBatch(backend, [spec], opts))[0];
}

/** A trial of a batch as it trains: its records, rows filed, and whether it still runs. */
interface Lane {
  rec: TrialRecords;
  rows: number;
  live: boolean;
  tracker?: EarlyStopTracker;
  snaps: Float64Array[];
  snapSteps: number[];
}

/**
 * Train trials of one shape together on `backend` (at most `backend.caps.maxBatch`); each
 * trial's records as {@linkcode train} gives them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { trainBatch } from "./trainer.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8, steps: 250 });
 * const [rec] = await trainBatch(referenceBackend, [{ config, ...initialTrial(config) }], {
 *   logEvery: 100,
 * });
 * assertEquals(Array.from(rec.loggedAt!), [100, 200, 250]);
 * ```
 */
export async function trainBatch(
  backend: Backend,
  specs: TrialStart[],
  opts: RecordOptions = {},
): Promise<TrialRecords[]> {
  const { p, d, steps } = checkBatch(specs, backend.name);
  const B = specs.length;
  if (B > backend.caps.maxBatch) {
    throw new Error(
      `${B} trials: the ${backend.name} backend takes at most ${backend.caps.maxBatch}`,
    );
  }
  const gradSignals = opts.gradSignals ?? false;
  if (gradSignals && !backend.caps.gradSignals) {
    throw new Error(`the ${backend.name} backend does not record gradient signals`);
  }
  const every = Math.max(1, Math.floor(opts.logEvery ?? 1));
  const first = every > 1 ? Math.max(0, Math.floor(opts.logFirst ?? 0)) : 0;
  const embUntil = Math.min(opts.embeddingsUntil ?? 0, steps);
  const paramsEvery = opts.paramsEvery ?? 0;
  const rule = opts.untilDecided === true ? {} : opts.untilDecided || undefined;
  const checkEvery = rule ? new EarlyStopTracker(p, rule).rule.every : 0;
  if (rule && every > 1 && checkEvery % every !== 0) {
    throw new Error(`logEvery ${every} must divide the verdict's check interval ${checkEvery}`);
  }
  const layout = recordLayout(p, gradSignals);
  const W = layout.width;
  const nRows = every === 1 ? steps : loggedSteps(steps, every, first).length;

  const lanes: Lane[] = specs.map((s) => {
    const rec: TrialRecords = {
      p,
      d,
      steps,
      loggedAt: every > 1 ? new Int32Array(nRows) : undefined,
      interrupted: false,
      decidedAt: null,
      divergedAt: null,
      backend: backend.name,
      trainLoss: new Float64Array(nRows),
      testLoss: new Float64Array(nRows),
      trainAcc: new Float64Array(nRows),
      testAcc: new Float64Array(nRows),
      paramNorm: new Float64Array(nRows),
      signals: new Float64Array((nRows + 1) * p),
      gradSignals: gradSignals ? new Float64Array(nRows * p) : undefined,
      embeddings: embUntil > 0 ? new Float64Array((embUntil + 1) * p * d) : undefined,
      initParams: Float64Array.from(s.params),
      trainIds: Int32Array.from(s.trainIds),
      finalParams: new Float64Array(0),
      msPerStep: 0,
    };
    const E0 = s.params.subarray(0, p * d);
    rec.signals.set(fourierNorms(E0, p, d), 0); // row 0: the initial embedding, in float64
    rec.embeddings?.set(E0, 0);
    return {
      rec,
      rows: 0,
      live: true,
      tracker: rule ? new EarlyStopTracker(p, rule) : undefined,
      snaps: paramsEvery > 0 ? [Float64Array.from(s.params)] : [],
      snapSteps: paramsEvery > 0 ? [0] : [],
    };
  });

  const kernel = await backend.create(specs, { gradSignals });
  const view: LiveRun = {
    records: lanes.map((l) => l.rec),
    get rows() {
      return lanes.map((l) => l.rows);
    },
    params: async (b) => await kernel.params(b),
  };
  try {
    const chunk = Math.max(1, kernel.chunk);
    const out = new Float64Array(chunk * B * W);
    const log = new Uint8Array(chunk);
    const t0 = performance.now();
    let lastYield = t0;
    let t = 0;
    let live = B;
    while (t < steps && live > 0) {
      if (opts.signal) {
        // let signal handlers run (a CPU kernel's loop is otherwise synchronous): ~every 250 ms
        if (performance.now() - lastYield > 250) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = performance.now();
        }
        if (opts.signal.aborted) {
          for (const lane of lanes) if (lane.live) lane.rec.interrupted = true;
          break;
        }
      }
      // the next run of steps ends at every boundary something is read at
      let n = Math.min(chunk, steps - t);
      if (t < embUntil) n = 1;
      if (paramsEvery > 0) n = Math.min(n, paramsEvery - (t % paramsEvery));
      if (checkEvery > 0) n = Math.min(n, checkEvery - (t % checkEvery));
      for (let c = 0; c < n; c++) log[c] = isLogged(t + c + 1, steps, every, first) ? 1 : 0;
      out.fill(NaN, 0, n * B * W);
      await kernel.run(n, out, log);
      const ended: number[] = [];
      for (let c = 0; c < n; c++) {
        const u = t + c + 1;
        for (const [b, lane] of lanes.entries()) {
          if (!lane.live || ended.includes(b)) continue;
          const o = (c * B + b) * W;
          const diverged = !Number.isFinite(out[o + layout.trainLoss]) ||
            !Number.isFinite(out[o + layout.paramNorm]);
          if (!log[c] && !diverged) continue;
          fileRow(lane, u, out.subarray(o, o + W), layout, every > 1);
          if (diverged) {
            lane.rec.divergedAt = u;
            ended.push(b);
          } else if (lane.tracker?.observe(u, lastSignals(lane)) && u < steps) {
            lane.rec.decidedAt = u;
            ended.push(b);
          }
        }
      }
      t += n;
      for (const [b, lane] of lanes.entries()) {
        const end = ended.includes(b);
        if (!lane.live) continue;
        const emb = t <= embUntil, snap = paramsEvery > 0 && t % paramsEvery === 0;
        if (!emb && !snap && !end) continue;
        const params = await kernel.params(b);
        // a lane that diverged inside this run of steps has no valid state at step t
        const valid = lane.rec.divergedAt === null || lane.rec.divergedAt === t;
        if (emb && valid) lane.rec.embeddings!.set(params.subarray(0, p * d), t * p * d);
        if (snap && valid) {
          lane.snapSteps.push(t);
          lane.snaps.push(params);
        }
        if (end) {
          lane.rec.finalParams = params;
          lane.live = false;
          live--;
        }
      }
      const waiting = opts.onProgress?.(t, steps, view);
      if (waiting) await waiting;
    }
    const ms = t > 0 ? (performance.now() - t0) / t : 0;
    for (const [b, lane] of lanes.entries()) {
      if (lane.live) lane.rec.finalParams = await kernel.params(b);
      finish(lane, t, ms);
    }
    return lanes.map((l) => l.rec);
  } finally {
    kernel.dispose();
  }
}

/** The signals of a lane's last filed row. */
function lastSignals(lane: Lane): Float64Array {
  const p = lane.rec.p;
  return lane.rec.signals.subarray(lane.rows * p, (lane.rows + 1) * p);
}

/** File the record of update `u` as the lane's next row. */
function fileRow(
  lane: Lane,
  u: number,
  row: Float64Array,
  L: ReturnType<typeof recordLayout>,
  sparse: boolean,
): void {
  const { rec } = lane;
  const i = lane.rows++, p = rec.p;
  if (sparse) rec.loggedAt![i] = u;
  rec.trainLoss[i] = row[L.trainLoss];
  rec.testLoss[i] = row[L.testLoss];
  rec.trainAcc[i] = row[L.trainAcc];
  rec.testAcc[i] = row[L.testAcc];
  rec.paramNorm[i] = row[L.paramNorm];
  rec.signals.set(row.subarray(L.signals, L.signals + p), (i + 1) * p);
  if (rec.gradSignals) rec.gradSignals.set(row.subarray(L.gradSignals, L.gradSignals + p), i * p);
}

/** Cut a lane's arrays to the rows filed and set its steps done. */
function finish(lane: Lane, t: number, msPerStep: number): void {
  const { rec } = lane;
  const n = lane.rows, p = rec.p, d = rec.d;
  rec.msPerStep = msPerStep;
  const stopped = rec.divergedAt ?? rec.decidedAt;
  const done = stopped ?? t;
  if (lane.snaps.length) {
    const size = rec.initParams.length;
    const data = new Float64Array(lane.snaps.length * size);
    lane.snaps.forEach((s, i) => data.set(s, i * size));
    rec.paramSnapshots = { steps: lane.snapSteps, data };
  }
  if (done === rec.steps && n === rec.trainLoss.length) return;
  rec.steps = done;
  rec.loggedAt = rec.loggedAt?.slice(0, n);
  rec.trainLoss = rec.trainLoss.slice(0, n);
  rec.testLoss = rec.testLoss.slice(0, n);
  rec.trainAcc = rec.trainAcc.slice(0, n);
  rec.testAcc = rec.testAcc.slice(0, n);
  rec.paramNorm = rec.paramNorm.slice(0, n);
  rec.signals = rec.signals.slice(0, (n + 1) * p);
  if (rec.gradSignals) rec.gradSignals = rec.gradSignals.slice(0, n * p);
  if (rec.embeddings) {
    const rows = Math.min(done, rec.embeddings.length / (p * d) - 1) + 1;
    rec.embeddings = rec.embeddings.slice(0, rows * p * d);
  }
}
