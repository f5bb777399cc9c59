/**
 * The explorer's Web Worker: trains one run with the project's own trainer (train/trainer.ts)
 * on the backend `--backend` would take (every backend registered by train/backends.ts; `auto`
 * resolved by the registry as the CLI resolves it), from the seeds' initial parameters
 * (protocol/init.ts) or a loaded run's, and streams the records to the page as they are filed:
 * the new rows and the current embedding, at most every {@linkcode POST_MS} ms, so drawing on the
 * page never holds the training back. Pause, single steps and stop act between steps.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type LiveRun, train, type TrialRecords } from "../train/trainer.ts";
import { backendNames, resolveBackend } from "../train/backends.ts";
import { fitsInMemory } from "../train/memory.ts";
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { type RunSummary, summarize } from "../store/run_dir.ts";

/** Most often the worker posts progress (ms): ~20 frames a second is enough to watch. */
export const POST_MS = 50;

/** What the page asks of the worker. */
export type ToWorker =
  | {
    type: "start";
    config: TrialConfig;
    backend: string;
    records: { gradSignals: boolean; paramsEvery: number; embeddingsUntil: number };
    /** Start from these parameters and split instead of the seeds' (a loaded run's). */
    init?: { params: Float64Array; trainIds: Int32Array };
  }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "step" }
  | { type: "stop" };

/** New rows of a run, as the page appends them. */
export interface RowsDelta {
  /** The rows' updates (1-based). */
  steps: Int32Array;
  trainLoss: Float64Array;
  testLoss: Float64Array;
  trainAcc: Float64Array;
  testAcc: Float64Array;
  /** (rows, p) signals after each of these updates. */
  signals: Float64Array;
  /** (rows, p) when recorded. */
  gradSignals?: Float64Array;
}

/** What the worker tells the page. */
export type FromWorker =
  | { type: "ready"; backends: string[] }
  | {
    type: "started";
    backend: string;
    /** Why `auto` chose it, when it was asked. */
    note?: string;
    config: TrialConfig;
    /** The embedding at init (p, d). */
    embedding: Float64Array;
  }
  | {
    type: "progress";
    done: number;
    total: number;
    rows: RowsDelta;
    /** The current embedding (p, d). */
    embedding: Float64Array;
    /** Wall time per step since the last post (pauses excluded). */
    msPerStep: number;
    paused: boolean;
  }
  | { type: "done"; summary: RunSummary; records: TrialRecords }
  | { type: "error"; message: string };

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);

let paused = false;
let stepOnce = false;
let stop: AbortController | undefined;
let wake: (() => void) | undefined;
const rouse = () => {
  const w = wake;
  wake = undefined;
  w?.();
};

// A macrotask without timer clamping: lets the page's messages (pause, stop) in between steps.
const channel = new MessageChannel();
let tick: (() => void) | undefined;
channel.port1.onmessage = () => tick?.();
const macrotask = () =>
  new Promise<void>((r) => {
    tick = r;
    channel.port2.postMessage(0);
  });

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case "start":
      if (stop && !stop.signal.aborted) {
        post({ type: "error", message: "a run is in progress: stop it first" });
        return;
      }
      paused = false;
      stepOnce = false;
      run(m).catch((e) => post({ type: "error", message: (e as Error).message ?? String(e) }));
      break;
    case "pause":
      paused = true;
      break;
    case "resume":
      paused = false;
      rouse();
      break;
    case "step":
      paused = true;
      stepOnce = true;
      rouse();
      break;
    case "stop":
      stop?.abort();
      rouse();
      break;
  }
};

async function run(m: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const controller = new AbortController();
  stop = controller;
  try {
    const config = makeConfig(m.config);
    const { backend, note } = await resolveBackend(m.backend);
    const why = fitsInMemory(config, m.records, backend);
    if (why) throw new Error(`p ${config.p}, dim ${config.d}, steps ${config.steps}: ${why}`);
    const init = m.init ?? initialTrial(config);
    const { p, d } = config;
    post({
      type: "started",
      backend: backend.name,
      note,
      config,
      embedding: init.params.slice(0, p * d),
    });
    let posted = 0, lastPost = performance.now(), lastDone = 0, pausedMs = 0;
    let sentPausedAt = -1; // the step whose post told the page "paused"
    const send = async (done: number, total: number, live: LiveRun) => {
      const r = live.records[0], rows = live.rows[0];
      const now = performance.now();
      const ms = done > lastDone ? (now - lastPost) / (done - lastDone) : 0;
      const steps = r.loggedAt
        ? r.loggedAt.slice(posted, rows)
        : Int32Array.from({ length: rows - posted }, (_, i) => posted + i + 1);
      const delta: RowsDelta = {
        steps,
        trainLoss: r.trainLoss.slice(posted, rows),
        testLoss: r.testLoss.slice(posted, rows),
        trainAcc: r.trainAcc.slice(posted, rows),
        testAcc: r.testAcc.slice(posted, rows),
        signals: r.signals.slice((posted + 1) * p, (rows + 1) * p),
        gradSignals: r.gradSignals?.slice(posted * p, rows * p),
      };
      const embedding = (await live.params(0)).slice(0, p * d);
      posted = rows;
      sentPausedAt = paused ? done : -1;
      const buffers = [...Object.values(delta), embedding]
        .filter((v) => v !== undefined)
        .map((v) => (v as Float64Array).buffer as ArrayBuffer);
      post(
        { type: "progress", done, total, rows: delta, embedding, msPerStep: ms, paused },
        buffers,
      );
      await macrotask(); // the page's messages come in here
      lastPost = performance.now();
      lastDone = done;
    };
    const rec = await train(backend, { config, ...init }, {
      ...m.records,
      signal: controller.signal,
      onProgress: async (done, total, live) => {
        if (performance.now() - lastPost >= POST_MS || done === total || paused) {
          await send(done, total, live);
        }
        while (paused && !controller.signal.aborted) {
          if (stepOnce) {
            stepOnce = false;
            break;
          }
          if (sentPausedAt !== done) {
            await send(done, total, live); // the pause came in after this step's post
            continue;
          }
          const t = performance.now();
          await new Promise<void>((r) => (wake = r));
          pausedMs += performance.now() - t;
          lastPost = performance.now();
          lastDone = done;
        }
      },
    });
    // the trainer's wall time per step, less the time spent paused
    if (rec.steps > 0) rec.msPerStep = Math.max(0, rec.msPerStep - pausedMs / rec.steps);
    const summary = summarize(config, rec);
    post({ type: "done", summary, records: rec });
  } finally {
    controller.abort();
  }
}

post({ type: "ready", backends: backendNames() });
