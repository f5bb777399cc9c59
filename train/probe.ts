/**
 * A short measured probe of a backend's time per step for one shape of trial, on this machine:
 * a few warm-up steps, then timed steps with the full log and with the sparse log (test forward
 * and signals skipped), so a plan can weigh them by how often a trial logs.
 *
 * @module
 */
import type { Backend, TrialStart } from "../backends/contract.ts";
import { recordLayout } from "../protocol/records.ts";

/** Milliseconds per step of one kernel call over `batch` trials (the whole batch). */
export interface ProbeResult {
  /** A fully logged step. */
  logged: number;
  /** A step that logs nothing (test forward and signals skipped). */
  unlogged: number;
  /** The trials in the batch probed. */
  batch: number;
}

/**
 * Time `backend` on `specs` (one shape; their number is the batch): `steps` steps each way after
 * `warmup` steps, the faster of two repetitions.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { probeStep } from "./probe.ts";
 * import { referenceBackend } from "../backends/reference.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 5, d: 4, hidden: 8 });
 * const r = await probeStep(referenceBackend, [{ config, ...initialTrial(config) }], { steps: 2 });
 * assert(r.logged > 0 && r.unlogged > 0, JSON.stringify(r));
 * ```
 */
export async function probeStep(
  backend: Backend,
  specs: TrialStart[],
  opts: { steps?: number; warmup?: number; gradSignals?: boolean } = {},
): Promise<ProbeResult> {
  const steps = opts.steps ?? 8, warmup = opts.warmup ?? 3;
  const gradSignals = opts.gradSignals ?? false;
  const kernel = await backend.create(specs, { gradSignals });
  try {
    const n = Math.max(1, Math.min(kernel.chunk, steps));
    const out = new Float64Array(
      n * specs.length * recordLayout(specs[0].config.p, gradSignals).width,
    );
    const on = new Uint8Array(n).fill(1), off = new Uint8Array(n);
    const time = async (log: Uint8Array, total: number) => {
      const t0 = performance.now();
      for (let done = 0; done < total; done += n) await kernel.run(n, out, log);
      return (performance.now() - t0) / (Math.ceil(total / n) * n);
    };
    await time(on, warmup);
    const logged = Math.min(await time(on, steps), await time(on, steps));
    const unlogged = Math.min(await time(off, steps), await time(off, steps));
    return { logged, unlogged, batch: specs.length };
  } finally {
    kernel.dispose();
  }
}
