/**
 * The step benchmark (deno task bench:step): the CPU (model, SIMD flags), this machine's
 * WebAssembly FMA peak (bench/peak.ts), then the asm core at p=59, d=128 on one thread — the
 * whole step and each kernel alone: ms by this thread's CPU time and by the wall clock, GFLOP/s
 * and the fraction of the peak — and trials per second with 1 and 2 Workers. Prints tables and
 * one JSON line. `--short`: fewer calls and trials. `--torch [--python PATH]`: also the authors'
 * loop in PyTorch float32 on one thread (bench/torch_step.py), measured alternately with the asm
 * step in 3 rounds, and the ratio of the two minima.
 *
 * Times are minima over 5 runs of `steps` calls after a warm-up: on a machine shared with other
 * work the least disturbed run is the one that measures the code. The CPU clock is the calling
 * thread's (CLOCK_THREAD_CPUTIME_ID; needs --allow-ffi, else the process's).
 *
 * @module
 */
import process from "node:process";
import { makeConfig } from "../protocol/config.ts";
import { runTrials } from "../train/pool.ts";
import { stepFlops } from "./flops.ts";
import { cpuClockKind, cpuInfo, cpuLine, timeMin, type Timing } from "./cpu.ts";
import { wasmFmaPeak } from "./peak.ts";
import { asmProfileTarget, kernelList, kernelTable, type KernelTiming } from "./asm_profile.ts";
import { findTorchPython, sideBySide } from "./torch_side.ts";

const USAGE = "usage: step.ts [--short] [--torch [--python PATH]]";
const args = new Set<string>();
let pythonArg: string | undefined;
for (let i = 0; i < Deno.args.length; i++) {
  const a = Deno.args[i];
  if (a === "--python" && Deno.args[i + 1]) pythonArg = Deno.args[++i];
  else if (a === "--short" || a === "--torch") args.add(a);
  else {
    console.error(`${a}: unknown option; ${USAGE}`);
    Deno.exit(2);
  }
}
const short = args.has("--short");
const python = args.has("--torch") ? await findTorchPython(pythonArg) : undefined;
if (args.has("--torch") && !python) {
  console.error(
    `--torch: ${pythonArg ?? "python3 and /usr/bin/python3"} cannot import torch; ` +
      `install PyTorch or name a Python that has it with --python PATH`,
  );
  Deno.exit(2);
}
const steps = short ? 50 : 200;
const config = makeConfig({ p: 59, d: 128, seed: 0 });
const { p, d, hidden: h } = config;

console.log(cpuLine());
console.log(
  `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; CPU clock: ${cpuClockKind()} ` +
    `(${cpuClockKind() === "thread" ? "this thread" : "whole process: run with --allow-ffi"}); ` +
    `load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
const peak = wasmFmaPeak();
console.log(
  `WebAssembly SIMD peak (f32x4.relaxed_madd, 12 accumulators, operands from memory): ` +
    `${peak.gflopsCpu.toFixed(1)} GFLOP/s by CPU time (${peak.gflops.toFixed(1)} by wall clock)`,
);

const t = await asmProfileTarget(config);
const nt = t.nTrain;
const sig = new Float64Array(p);
const many = (f: () => void) => () => {
  for (let i = 0; i < steps; i++) f();
};
for (let i = 0; i < 20; i++) t.kernel.step();
// The step and the peak alternately, 3 rounds: this machine's speed drifts by several percent
// over a minute (a shared host), so the step's fraction of the peak takes the fastest of each,
// measured at nearly the same moments, and the rounds' own fractions are printed too.
const fastest = (a: Timing, b: Timing) => a.cpuMs <= b.cpuMs ? a : b;
let step = timeMin(steps, many(() => t.kernel.step()), 5);
let stepNoTest = timeMin(steps, many(() => t.kernel.step(false)), 5);
const peakRounds: { peak: number; stepMs: number }[] = [];
let peakBest = peak.gflopsCpu;
for (let r = 0; r < 3; r++) {
  const pk = wasmFmaPeak().gflopsCpu;
  const st = timeMin(steps, many(() => t.kernel.step()), 5);
  step = fastest(step, st);
  stepNoTest = fastest(stepNoTest, timeMin(steps, many(() => t.kernel.step(false)), 5));
  peakBest = Math.max(peakBest, pk);
  peakRounds.push({ peak: pk, stepMs: st.cpuMs });
}
const signals = timeMin(steps, many(() => t.kernel.signals(sig)), 5);
const rows: KernelTiming[] = kernelList(p, d, h, nt, true).map((k) => ({
  ...k,
  ...timeMin(steps, many(() => t.run(k.id, true)), 5),
}));
const sum = (xs: KernelTiming[], key: "cpuMs" | "wallMs" | "flops") =>
  xs.reduce((s, r) => s + r[key], 0);
const gemms = rows.filter((r) => r.gemm);
const f = stepFlops(p, d, h, nt);
const summary: KernelTiming[] = [
  {
    name: "the rest (step − the kernels)",
    flops: 0,
    gemm: false,
    cpuMs: step.cpuMs - sum(rows, "cpuMs"),
    wallMs: step.wallMs - sum(rows, "wallMs"),
  },
  {
    name: "all GEMMs (sum of the rows above)",
    flops: sum(gemms, "flops"),
    gemm: true,
    cpuMs: sum(gemms, "cpuMs"),
    wallMs: sum(gemms, "wallMs"),
  },
  { name: "step (forward + backward + AdamW)", flops: f.total, gemm: false, ...step },
  {
    name: "step without the test rows' forward",
    flops: f.total - 2 * (p * p - nt) * h * (h + p),
    gemm: false,
    ...stepNoTest,
  },
  { name: "signals ‖F_k‖ (DFT, per logged step)", flops: 0, gemm: false, ...signals },
];
console.log(
  `\nasm core, p=${p} d=${d} h=${h}, ${nt} train pairs, one thread; ` +
    `min over 5 runs of ${steps} calls`,
);
console.log(kernelTable([...rows, ...summary], peakBest));
const fraction = (ms: number, pk: number) => f.total / ms / 1e6 / pk;
console.log(
  `(% of the fastest peak of 4 measurements, ${peakBest.toFixed(1)} GFLOP/s; the step and the ` +
    `peak alternately: ${
      peakRounds.map((r) =>
        `${r.stepMs.toFixed(3)} ms at ${r.peak.toFixed(1)} GFLOP/s = ${
          (100 * fraction(r.stepMs, r.peak)).toFixed(1)
        } %`
      ).join("; ")
    })`,
);

let torchSide: Record<string, unknown> | undefined;
if (python) {
  // a fresh trial (the kernels above, AdamW's among them, ran on the other one alone)
  const fresh = await asmProfileTarget(config);
  for (let i = 0; i < 20; i++) fresh.kernel.step();
  const rounds = 3;
  const side = await sideBySide(
    python,
    rounds,
    () => timeMin(steps, many(() => fresh.kernel.step()), 5).cpuMs,
    { steps: short ? 20 : 50, runs: 5, warmup: 20 },
  );
  const asmMin = Math.min(...side.rounds.map((r) => r.asmMs));
  const torchMin = Math.min(...side.rounds.map((r) => r.torchMs));
  console.log(
    `\nSide by side with the authors' loop in PyTorch (bench/torch_step.py: torch ` +
      `${side.torch.torch}, BLAS ${side.torch.blas}` +
      `${
        side.torch.openblasCore ? ` = OpenBLAS, core ${side.torch.openblasCore}` : ""
      }, float32, ` +
      `${side.torch.threads} thread; ${python}), ${rounds} rounds alternately, thread CPU time:`,
  );
  for (const [i, r] of side.rounds.entries()) {
    console.log(
      `round ${i + 1}: asm ${r.asmMs.toFixed(3)} ms/step, PyTorch ${
        r.torchMs.toFixed(3)
      } ms/step ` +
        `(${(r.torchMs / r.asmMs).toFixed(2)}×)`,
    );
  }
  console.log(
    `minima: asm ${asmMin.toFixed(3)}, PyTorch ${torchMin.toFixed(3)} ms/step: the asm core ` +
      `${(torchMin / asmMin).toFixed(2)}× as fast`,
  );
  torchSide = {
    torchVersion: side.torch.torch,
    torchBlas: side.torch.openblasCore ? `OpenBLAS ${side.torch.openblasCore}` : side.torch.blas,
    torchMsPerStep: torchMin,
    asmMsPerStepSideBySide: asmMin,
    speedupVsTorch: torchMin / asmMin,
  };
}

const trials = short ? 2 : 4, trialSteps = short ? 100 : 500;
const jobs = Array.from({ length: trials }, (_, seed) => ({
  config: makeConfig({ p: 59, d: 128, steps: trialSteps, seed }),
}));
const perSecond = [0, 0], cpuPerStep = [Infinity, Infinity];
console.log(
  `\nWorkers (wall clock; process CPU time = main thread + Workers), ${trials} trials × ` +
    `${trialSteps} steps, all logged; 1 and 2 Workers alternately, the best of 2 rounds:`,
);
for (let round = 0; round < 2; round++) {
  for (const workers of [1, 2]) {
    const u0 = process.cpuUsage(), t0 = performance.now();
    await runTrials(jobs, { workers });
    const s = (performance.now() - t0) / 1000, u = process.cpuUsage(u0);
    const i = workers - 1, cpu = (u.user + u.system) / 1000 / (trials * trialSteps);
    perSecond[i] = Math.max(perSecond[i], (trials * trialSteps) / s);
    cpuPerStep[i] = Math.min(cpuPerStep[i], cpu);
    console.log(
      `${workers} worker(s): ${s.toFixed(2)} s, ${((trials * trialSteps) / s).toFixed(0)} ` +
        `trial-steps/s; CPU ${cpu.toFixed(2)} ms per trial-step`,
    );
  }
}
console.log(
  `scaling 2 workers / 1 worker: ${(perSecond[1] / perSecond[0]).toFixed(2)}× by wall clock ` +
    `(CPU time per trial-step ${(cpuPerStep[1] / cpuPerStep[0]).toFixed(2)}× that of one worker; ` +
    `with ${cpuInfo().cores} cores and nothing else running, the wall-clock figure is the one)`,
);
console.log(JSON.stringify({
  cpu: cpuInfo().model,
  peakGflops: peakBest,
  msPerStep: step.cpuMs,
  msPerStepWall: step.wallMs,
  gflops: f.total / step.cpuMs / 1e6,
  fractionOfPeak: fraction(step.cpuMs, peakBest),
  fractionOfPeakByRound: peakRounds.map((r) => fraction(r.stepMs, r.peak)),
  gemmGflops: sum(gemms, "flops") / sum(gemms, "cpuMs") / 1e6,
  gemmFractionOfPeak: sum(gemms, "flops") / sum(gemms, "cpuMs") / 1e6 / peakBest,
  msSignals: signals.cpuMs,
  scaling2: perSecond[1] / perSecond[0],
  ...torchSide,
}));
