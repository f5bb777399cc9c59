/**
 * The trial worker's message handler: receives jobs from `runTrials`, trains them on the CPU
 * backend they name and posts the records back (their buffers transferred, not copied); it also
 * answers `train/evaluate.ts`'s restriction jobs (Fig. 8's restricted embeddings). Installed
 * by `worker_entry.ts`, or by `main.ts` when the single-file bundle runs as its own Worker.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { coreModule } from "../core_asm/asm_backend.ts";
import "../backends/reference.ts";
import { getBackend } from "../backends/registry.ts";
import { train, type TrialRecords } from "./trainer.ts";
import { jobInit, type WorkerReply, type WorkerRequest } from "./pool.ts";
import { answerRestriction, type RestrictionRequest } from "./evaluate.ts";

function buffersOf(rec: TrialRecords): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(rec)) {
    if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  }
  if (rec.paramSnapshots) out.push(rec.paramSnapshots.data.buffer as ArrayBuffer);
  return out;
}

/** Handle trial jobs on this Worker's global scope. */
export function installTrialWorker(): void {
  self.onmessage = onMessage;
}

/** The running trial's stop (a "stop" message aborts it: the trainer ends after its step). */
let stop: AbortController | undefined;

async function onMessage(ev: MessageEvent<WorkerRequest | RestrictionRequest>): Promise<void> {
  const msg = ev.data;
  if (msg.kind === "module") {
    await coreModule(msg.module);
    return;
  }
  if (msg.kind === "restricted") {
    self.postMessage(await answerRestriction(msg));
    return;
  }
  if (msg.kind === "stop") {
    stop?.abort();
    return;
  }
  const { job } = msg;
  const controller = new AbortController();
  stop = controller;
  try {
    let last = 0, lastAt = performance.now();
    const rec = await train(getBackend(msg.backend), { config: job.config, ...jobInit(job) }, {
      ...job.records,
      signal: controller.signal,
      onProgress: (done, total) => {
        // the first step (the caller then knows that steps are done), every 250 steps, and at
        // least every second for slow steps (the float64 reference)
        const due = last === 0 || done - last >= 250 || performance.now() - lastAt >= 1000;
        if (!due && done < total) return;
        last = done;
        lastAt = performance.now();
        self.postMessage({ kind: "progress", index: msg.index, done, total } as WorkerReply);
      },
    });
    self.postMessage({ kind: "done", index: msg.index, rec } as WorkerReply, buffersOf(rec));
  } catch (e) {
    self.postMessage({ kind: "error", index: msg.index, message: String(e) } as WorkerReply);
  }
}
