/**
 * The asm core kernel by kernel, for the benchmarks: an instance whose `kernel(id, withTest)`
 * export runs one kernel of the step alone (on every block it runs on in a step), and the table
 * that reports each kernel's time, GFLOP/s and fraction of this machine's WebAssembly FMA peak.
 *
 * @module
 */
import { AsmKernel, coreModule } from "../core_asm/asm_backend.ts";
import type { TrialConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { pairRows } from "../protocol/task.ts";
import { ASM_KERNELS } from "./flops.ts";

/** A trial on the asm core with its kernels exposed one by one. */
export interface AsmProfileTarget {
  kernel: AsmKernel;
  /** Train pairs of the trial. */
  nTrain: number;
  /** Run kernel `id` alone, as a step (`withTest`: over all p² rows where it runs on them). */
  run(id: number, withTest: boolean): void;
}

/**
 * A fresh trial of `config` (the seeds' initialisation) on its own instance of the core.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { asmProfileTarget } from "./asm_profile.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const t = await asmProfileTarget(makeConfig({ p: 23, d: 32 }));
 * t.kernel.step();
 * t.run(2, true);
 * assertEquals(t.nTrain, 423);
 * ```
 */
export async function asmProfileTarget(config: TrialConfig): Promise<AsmProfileTarget> {
  const instance = await WebAssembly.instantiate(await coreModule(), {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`core.wasm aborted at ${line}:${col}`);
      },
    },
  });
  const init = initialTrial(config);
  const kernel = new AsmKernel(instance, { config, ...init });
  const run = instance.exports.kernel as (id: number, withTest: number) => void;
  return {
    kernel,
    nTrain: pairRows(config.p, init.trainIds).nTrain,
    run: (id, withTest) => run(id, withTest ? 1 : 0),
  };
}

/** One measured row of the table. */
export interface KernelTiming {
  name: string;
  /** Useful FLOPs (0: element-wise). */
  flops: number;
  gemm: boolean;
  /** Milliseconds per call by this thread's CPU time, and by the wall clock. */
  cpuMs: number;
  wallMs: number;
}

/** The kernels of `ASM_KERNELS` with their FLOPs for one step of this shape. */
export function kernelList(
  p: number,
  d: number,
  h: number,
  nTrain: number,
  withTest: boolean,
): { id: number; name: string; gemm: boolean; flops: number }[] {
  return ASM_KERNELS.map((k) => ({
    id: k.id,
    name: k.name,
    gemm: k.gemm,
    flops: k.flops(p, d, h, nTrain, withTest),
  }));
}

const fmt = (x: number, w: number, dp = 3) => x.toFixed(dp).padStart(w);

/**
 * Format timings as a table: ms by CPU time and by wall clock, MFLOP, GFLOP/s (by CPU time) and
 * % of `peak` GFLOP/s; rows without FLOPs leave those columns empty.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { kernelTable } from "./asm_profile.ts";
 * const t = kernelTable([{ name: "GEMM", flops: 5e7, gemm: true, cpuMs: 1, wallMs: 1.1 }], 50);
 * assert(t.split("\n")[2].includes("50.0"), t); // 50 GFLOP/s, 100 % of the peak
 * ```
 */
export function kernelTable(rows: KernelTiming[], peak: number): string {
  const head = `${"kernel".padEnd(40)} ${"ms CPU".padStart(8)} ${"ms wall".padStart(8)} ` +
    `${"MFLOP".padStart(7)} ${"GFLOP/s".padStart(8)} ${"% peak".padStart(7)}`;
  const lines = rows.map((r) => {
    const g = r.flops / r.cpuMs / 1e6;
    return `${r.name.padEnd(40)} ${fmt(r.cpuMs, 8)} ${fmt(r.wallMs, 8)} ` +
      (r.flops
        ? `${fmt(r.flops / 1e6, 7, 1)} ${fmt(g, 8, 1)} ${fmt((100 * g) / peak, 6, 0)} %`
        : "");
  });
  return [head, "-".repeat(head.length), ...lines].join("\n");
}
