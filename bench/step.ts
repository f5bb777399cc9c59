/**
 * The step benchmark (deno task bench:step): ms/step of the asm core at p=59, d=128 on one core,
 * its FLOPs and GFLOP/s, the forward / backward+AdamW / signals split, and trials per hour with
 * 1 and 2 Workers. Prints a table and one JSON line.
 *
 * @module
 */
import { createAsmKernel } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { runTrials } from "../train/pool.ts";
import { stepFlops } from "./flops.ts";

const args = new Set(Deno.args);
const steps = args.has("--short") ? 100 : 400;
const config = makeConfig({ p: 59, d: 128, seed: 0 });
const k = await createAsmKernel({ config, ...initialTrial(config) });
const sig = new Float64Array(config.p);

function timeIt(n: number, f: () => void): number {
  for (let i = 0; i < Math.min(20, n); i++) f(); // warm-up
  const reps: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    reps.push((performance.now() - t0) / n);
  }
  return reps.sort((a, b) => a - b)[2]; // median of 5
}

const step = timeIt(steps, () => k.step());
const fwd = timeIt(steps, () => k.evaluate());
const signals = timeIt(steps, () => k.signals(sig));
const f = stepFlops(config.p, config.d, config.hidden, 2784);
const row = (name: string, ms: number, flops?: number) =>
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(3).padStart(8)} ms` +
      (flops
        ? `  ${(flops / 1e9).toFixed(3)} GFLOP  ${(flops / ms / 1e6).toFixed(1)} GFLOP/s`
        : ""),
  );
console.log(`asm core, p=59 d=128 h=100, 2784 train pairs, one core (median of 5 × ${steps})`);
row("step (fwd + bwd + AdamW)", step, f.total);
row("  forward, all p² pairs + CE", fwd, f.forward);
row("  backward + AdamW (step − forward)", step - fwd, f.backward);
row("signals ‖F_k‖ (DFT, per logged step)", signals);
row("step + signals (what train logs)", step + signals);

const trials = args.has("--short") ? 2 : 4, trialSteps = args.has("--short") ? 100 : 500;
const jobs = Array.from({ length: trials }, (_, seed) => ({
  config: makeConfig({ p: 59, d: 128, steps: trialSteps, seed }),
}));
const perHour: number[] = [];
for (const workers of [1, 2]) {
  const t0 = performance.now();
  await runTrials(jobs, { workers });
  const s = (performance.now() - t0) / 1000;
  perHour.push((trials * trialSteps) / s);
  console.log(
    `${workers} worker(s): ${trials} trials × ${trialSteps} steps in ${s.toFixed(2)} s ` +
      `(${(trials * trialSteps / s).toFixed(0)} trial-steps/s)`,
  );
}
console.log(`scaling 2 workers / 1 worker: ${(perHour[1] / perHour[0]).toFixed(2)}×`);
console.log(JSON.stringify({
  msPerStep: step,
  msForward: fwd,
  msSignals: signals,
  gflop: f.total / 1e9,
  gflops: f.total / step / 1e6,
  scaling2: perHour[1] / perHour[0],
}));
