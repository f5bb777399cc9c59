/**
 * Two builds of the asm core side by side in one process (deno task bench:compare): this
 * checkout's core and the one of another checkout (`--before DIR`: a `git worktree add DIR
 * <commit>` with `deno task build:asm` run there), each a trial of p=59, d=128 from the same seed,
 * measured alternately round by round: the whole step, the step without the test rows' forward,
 * the forward alone, and every kernel of each core's own table (bench/flops.ts of its checkout),
 * matched by name. Each figure is the minimum over the rounds of the minimum over 5 runs of
 * `steps` calls, by this thread's CPU time; the FMA peak (bench/peak.ts) is measured in every
 * round too and its maximum quoted.
 *
 *   deno task bench:compare --before /tmp/core-main [--rounds 4] [--steps 100]
 *
 * @module
 */
import { AsmKernel } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { pairRows } from "../protocol/task.ts";
import { ASM_KERNELS, type AsmKernelInfo, stepFlops } from "./flops.ts";
import { cpuClockKind, cpuLine, timeMin } from "./cpu.ts";
import { wasmFmaPeak } from "./peak.ts";

const USAGE = "usage: core_compare.ts --before DIR [--rounds N] [--steps N]";

/** Parsed command line, validated (one line and exit 2 on bad input). */
function parseArgs(argv: string[]): { before: string; rounds: number; steps: number } {
  const out = { before: "", rounds: 4, steps: 100 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--before" && value) out.before = value;
    else if ((flag === "--rounds" || flag === "--steps") && value) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        console.error(`${flag} ${value}: must be a positive integer`);
        Deno.exit(2);
      }
      out[flag === "--rounds" ? "rounds" : "steps"] = n;
    } else {
      console.error(`${flag}: unknown or missing its value; ${USAGE}`);
      Deno.exit(2);
    }
    i++;
  }
  if (!out.before) {
    console.error(`--before is required; ${USAGE}`);
    Deno.exit(2);
  }
  return out;
}

const opts = parseArgs(Deno.args);
const beforeDir = new URL(`file://${Deno.realPathSync(opts.before)}/`);
const beforeWasm = new URL("core_asm/build/core.wasm", beforeDir);
try {
  Deno.statSync(beforeWasm);
} catch {
  console.error(
    `--before ${opts.before}: no ${beforeWasm.pathname} (run deno task build:asm there)`,
  );
  Deno.exit(2);
}
const beforeKernels = (await import(new URL("bench/flops.ts", beforeDir).href))
  .ASM_KERNELS as AsmKernelInfo[];
// each core with its own host (the other checkout's AsmKernel: its buffers, its setup)
const BeforeKernel = (await import(new URL("core_asm/asm_backend.ts", beforeDir).href))
  .AsmKernel as typeof AsmKernel;

const config = makeConfig({ p: 59, d: 128, seed: 0 });
const init = initialTrial(config);
const nt = pairRows(config.p, init.trainIds).nTrain;

const imports = {
  env: {
    abort(_m: number, _f: number, line: number, col: number) {
      throw new Error(`core.wasm aborted at ${line}:${col}`);
    },
  },
};

/** One core: a trial for the steps and one for the kernels alone (AdamW's kernel, run alone,
 * moves its trial's parameters), each on its own instance through its checkout's host. */
async function load(
  wasm: Uint8Array<ArrayBuffer>,
  kernels: AsmKernelInfo[],
  Host: typeof AsmKernel,
) {
  const module = await WebAssembly.compile(wasm);
  const kernel = new Host(await WebAssembly.instantiate(module, imports), { config, ...init });
  const alone = await WebAssembly.instantiate(module, imports);
  const other = new Host(alone, { config, ...init });
  for (let i = 0; i < 20; i++) {
    kernel.step();
    other.step();
  }
  const run = alone.exports.kernel as (id: number, withTest: number) => void;
  return { kernel, kernels, run };
}

const here = new URL("../core_asm/build/core.wasm", import.meta.url);
const cores = [
  await load(await Deno.readFile(beforeWasm), beforeKernels, BeforeKernel),
  await load(await Deno.readFile(here), ASM_KERNELS, AsmKernel),
];

type Row = { name: string; flops: number; ms: [number, number] };
const f = stepFlops(config.p, config.d, config.hidden, nt);
const rows = new Map<string, Row>();
const put = (name: string, flops: number, which: number, ms: number) => {
  const row = rows.get(name) ?? { name, flops, ms: [Infinity, Infinity] };
  row.ms[which] = Math.min(row.ms[which], ms);
  rows.set(name, row);
};
let peak = 0;
const many = (g: () => void) => () => {
  for (let i = 0; i < opts.steps; i++) g();
};
for (let round = 0; round < opts.rounds; round++) {
  peak = Math.max(peak, wasmFmaPeak().gflopsCpu);
  for (const [which, c] of cores.entries()) {
    put(
      "step (forward + backward + AdamW)",
      f.total,
      which,
      timeMin(opts.steps, many(() => c.kernel.step()), 5).cpuMs,
    );
    put(
      "step without the test rows' forward",
      f.total - 2 * (config.p ** 2 - nt) * config.hidden * (config.hidden + config.p),
      which,
      timeMin(opts.steps, many(() => c.kernel.step(false)), 5).cpuMs,
    );
    put(
      "forward only (evaluate)",
      f.forward,
      which,
      timeMin(opts.steps, many(() => c.kernel.evaluate()), 5).cpuMs,
    );
    for (const k of c.kernels) {
      const flops = k.flops(config.p, config.d, config.hidden, nt, true);
      put(k.name, flops, which, timeMin(opts.steps, many(() => c.run(k.id, 1)), 5).cpuMs);
    }
  }
}

console.log(cpuLine());
console.log(
  `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; CPU clock: ${cpuClockKind()}; ` +
    `WebAssembly FMA peak ${peak.toFixed(1)} GFLOP/s (max over ${opts.rounds} rounds)`,
);
console.log(
  `before: ${beforeWasm.pathname}; after: ${here.pathname}; p=59 d=128, ${nt} train pairs; ` +
    `min over ${opts.rounds} alternating rounds × 5 runs of ${opts.steps} calls, thread CPU ms`,
);
const cell = (ms: number, flops: number) =>
  !Number.isFinite(ms) ? "—".padStart(24) : `${ms.toFixed(3).padStart(7)} ` +
    (flops
      ? `${(flops / ms / 1e6).toFixed(1).padStart(6)} ${
        ((100 * flops) / ms / 1e6 / peak).toFixed(0).padStart(4)
      } %`
      : "".padStart(15));
console.log(
  `${"kernel".padEnd(44)} ${"MFLOP".padStart(6)} ${"before ms GFLOP/s  peak".padStart(24)} ` +
    `${"after ms GFLOP/s  peak".padStart(24)}`,
);
for (const r of rows.values()) {
  console.log(
    `${r.name.padEnd(44)} ${r.flops ? (r.flops / 1e6).toFixed(1).padStart(6) : "".padStart(6)} ` +
      `${cell(r.ms[0], r.flops)} ${cell(r.ms[1], r.flops)}`,
  );
}
const s = rows.get("step (forward + backward + AdamW)")!;
console.log(JSON.stringify({
  peakGflops: peak,
  before: { msPerStep: s.ms[0], fractionOfPeak: f.total / s.ms[0] / 1e6 / peak },
  after: { msPerStep: s.ms[1], fractionOfPeak: f.total / s.ms[1] / 1e6 / peak },
  speedup: s.ms[0] / s.ms[1],
}));
