/**
 * Benchmark script: where a fused WebGPU step spends its time, kernel by kernel.
 *
 * `deno task bench:gpu [--batch 8] [--p 59] [--dim 128] [--reps 10]` builds the step of a batch
 * of B trials (gpu/fused.ts), then times each of its dispatches alone — `reps` copies of it in
 * one submission, waited for with `onSubmittedWorkDone` — and `reps` whole steps. Prints ms per
 * dispatch (the whole batch), ms per trial, GFLOP/s of the GEMMs, and each kernel's share.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { buildFusedStep } from "../gpu/fused.ts";
import { gpuDevice, releaseGpu } from "../gpu/adapter.ts";

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "8" },
    p: { type: "string", default: "59" },
    dim: { type: "string", default: "128" },
    reps: { type: "string", default: "10" },
  },
});
const [B, p, d, reps] = [values.batch, values.p, values.dim, values.reps].map(Number);
for (const [name, v] of [["batch", B], ["p", p], ["dim", d], ["reps", reps]] as const) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name} ${v}: allowed is a positive integer`);
    Deno.exit(2);
  }
}

const { adapter } = await gpuDevice();
const specs = Array.from({ length: B }, (_, seed) => {
  const config = makeConfig({ p, d, steps: reps, seed });
  return { config, ...initialTrial(config) };
});
const step = await buildFusedStep(specs, { chunk: reps });
const { device } = step;

const time = async (encode: (enc: GPUCommandEncoder) => void) => {
  step.begin(0, reps);
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  const enc = device.createCommandEncoder();
  encode(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / reps;
};

await time((enc) => step.encode(enc, 1)); // warm-up: compiles every pipeline
const rows: { name: string; ms: number; flops?: number }[] = [];
for (const ps of step.passes) {
  if (ps.name === "advance counter") continue;
  const ms = await time((enc) => {
    const pass = enc.beginComputePass();
    pass.setPipeline(ps.pipeline);
    pass.setBindGroup(0, ps.bind);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...ps.groups);
    pass.end();
  });
  rows.push({ name: ps.name, ms, flops: ps.flops });
}
const whole = await time((enc) => step.encode(enc, reps));
step.destroy();
await releaseGpu();

const sum = rows.reduce((a, r) => a + r.ms, 0);
console.log(
  `adapter: ${adapter.info.description || adapter.info.device || adapter.info.vendor}; ` +
    `p=${p} d=${d}, B=${B} trials, ${reps} repetitions each`,
);
console.log("kernel                      ms/dispatch  ms/trial  GFLOP/s  share");
for (const r of rows.toSorted((a, b) => b.ms - a.ms)) {
  const gf = r.flops ? (r.flops / r.ms / 1e6).toFixed(2) : "";
  console.log(
    `${r.name.padEnd(28)}${r.ms.toFixed(2).padStart(11)}${(r.ms / B).toFixed(3).padStart(10)}` +
      `${gf.padStart(9)}${((100 * r.ms) / sum).toFixed(1).padStart(6)} %`,
  );
}
const flops = rows.reduce((a, r) => a + (r.flops ?? 0), 0);
console.log(
  `sum of kernels: ${sum.toFixed(1)} ms; whole step: ${whole.toFixed(1)} ms = ` +
    `${(whole / B).toFixed(2)} ms per trial-step; GEMM work ${(flops / B / 1e9).toFixed(3)} ` +
    `GFLOP per trial-step`,
);
