// deno bench (deno task bench): one training step per backend, and the asm core kernel by kernel.
// Prints the CPU (model, SIMD flags) and this machine's WebAssembly FMA peak first, and after the
// benches each kernel's GFLOP/s and fraction of that peak, from the fastest iteration by this
// thread's CPU time (deno bench's own table is wall clock).
import { ReferenceKernel } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { stepFlops } from "./flops.ts";
import { cpuLine, threadCpuMs } from "./cpu.ts";
import { wasmFmaPeak } from "./peak.ts";
import { asmProfileTarget, kernelList, kernelTable, type KernelTiming } from "./asm_profile.ts";

console.log(cpuLine());
const peak = wasmFmaPeak();
console.log(
  `WebAssembly SIMD peak (f32x4.relaxed_madd, 12 accumulators, operands from memory): ` +
    `${peak.gflopsCpu.toFixed(1)} GFLOP/s by CPU time`,
);

const paper = makeConfig({ p: 59, d: 128, seed: 0 });
const asm = await asmProfileTarget(paper);
const sig = new Float64Array(paper.p);
const rows: KernelTiming[] = [];

/** A bench whose fastest iteration (wall and thread CPU time) goes into `rows`. */
function timed(name: string, flops: number, gemm: boolean, f: () => void): () => void {
  const row: KernelTiming = { name, flops, gemm, cpuMs: Infinity, wallMs: Infinity };
  rows.push(row);
  return () => {
    const c0 = threadCpuMs(), t0 = performance.now();
    f();
    const t1 = performance.now(), c1 = threadCpuMs();
    row.wallMs = Math.min(row.wallMs, t1 - t0);
    row.cpuMs = Math.min(row.cpuMs, c1 - c0);
  };
}

const f = stepFlops(paper.p, paper.d, paper.hidden, asm.nTrain);
Deno.bench(
  "asm step p=59 d=128 (1 core)",
  { group: "step p=59", baseline: true },
  timed("step (forward + backward + AdamW)", f.total, false, () => asm.kernel.step()),
);
Deno.bench(
  "asm forward only p=59 d=128",
  { group: "parts p=59" },
  timed("forward only (evaluate)", f.forward, false, () => asm.kernel.evaluate()),
);
Deno.bench(
  "asm signals p=59 d=128",
  { group: "parts p=59" },
  timed("signals ‖F_k‖", 0, false, () => asm.kernel.signals(sig)),
);
for (const k of kernelList(paper.p, paper.d, paper.hidden, asm.nTrain, true)) {
  Deno.bench(
    `asm kernel: ${k.name}`,
    { group: "asm kernels p=59" },
    timed(k.name, k.flops, k.gemm, () => asm.run(k.id, true)),
  );
}

const small = makeConfig({ p: 23, d: 32, seed: 0 });
const asmSmall = await asmProfileTarget(small);
const refSmall = new ReferenceKernel({ config: small, ...initialTrial(small) });
Deno.bench("asm step p=23 d=32", { group: "step p=23", baseline: true }, () => {
  asmSmall.kernel.step();
});
Deno.bench("ref (float64 TypeScript) step p=23 d=32", { group: "step p=23" }, () => {
  refSmall.step();
});

globalThis.addEventListener("unload", () => {
  const done = rows.filter((r) => Number.isFinite(r.cpuMs));
  if (done.length === 0) return;
  const gemms = done.filter((r) => r.gemm);
  const all: KernelTiming[] = [...done];
  if (gemms.length) {
    all.push({
      name: "all GEMMs (sum)",
      flops: gemms.reduce((s, r) => s + r.flops, 0),
      gemm: true,
      cpuMs: gemms.reduce((s, r) => s + r.cpuMs, 0),
      wallMs: gemms.reduce((s, r) => s + r.wallMs, 0),
    });
  }
  console.log(
    `\nasm core p=59 d=128, fastest iteration of each bench (peak ${
      peak.gflopsCpu.toFixed(1)
    } GFLOP/s):`,
  );
  console.log(kernelTable(all, peak.gflopsCpu));
});
