/**
 * Benchmark script: what a GPU machine does for this project, in one command that needs no
 * network (gpu/README.md: what to carry to a lent machine and how to run it there).
 *
 * `deno task bench:device [--quick] [--seconds S]` prints
 * 1. the WebGPU adapter: vendor, architecture, device, description, software or hardware, and
 *    the limits the batch size is chosen by;
 * 2. parity of the fused `webgpu` backend against the `asm` core from the same seeds (p 31, d 24,
 *    300 steps): the largest |Δ signal| over every step and frequency, and the largest relative
 *    Δ of the train and test losses;
 * 3. trial-steps per second at p 59, d 128 for B = 64, 128, 256, … doubling while the device's
 *    limits and memory allow, until the throughput stops rising (< 5 % over the best so far) or
 *    the time budget runs short (each B: two warm-up steps, then steps timed for a few seconds);
 * 4. the paper-scale cost projected from the best B: the trial-steps of `reproduce all --scale
 *    paper --plan` (experiments/cost_plan.ts; with `--until-decided`, its assumed mean stop) over the
 *    best trial-steps per second;
 * and, as its last line, one JSON object `{adapter, parity: {maxSignalDiff, maxLossRelDiff, …},
 * batches: [{B, trialStepsPerSecond, …}], paperScaleHours, paperScaleHoursUntilDecided, …}`.
 * `--quick` measures small sizes (p 23, d 32, B = 8 … 64) for a software adapter, within 4 minutes
 * on a 2-core machine; `--seconds S` sets the whole command's budget (default 420, quick 240).
 * `--adapter` prints the adapter alone (seconds). `--check FILE` reads such an output and exits 0 when its last line is that JSON with finite
 * parity within {@linkcode PARITY_BOUNDS} (CI runs it on `--quick`'s output), else 1 with the
 * reason. Bad input: one line, exit 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { TrialStart } from "../backends/contract.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { trainCount } from "../protocol/task.ts";
import { recordLayout } from "../protocol/records.ts";
import { train, trainBatch } from "../train/trainer.ts";
import { gpuDevice, isSoftwareAdapter, releaseGpu } from "../gpu/adapter.ts";
import { webgpuBackend } from "../gpu/webgpu_backends.ts";
import { createFusedKernel, GpuOutOfMemory } from "../gpu/fused.ts";
import { deviceBatchLimit, fusedBytes, type FusedShape, gpuMemoryBudget } from "../gpu/batch.ts";
import { FIGURES } from "../paper/figures.ts";
import { figureRequests } from "../paper/figure.ts";
import { costPlan } from "../experiments/cost_plan.ts";
import { ResultsStore } from "../store/store.ts";

/** What one run of the benchmark measures. */
export interface DeviceBenchSizes {
  /** webgpu against asm: `trials` seeds (0, 1, …) of this shape, `steps` steps each. */
  parity: { p: number; d: number; steps: number; trials: number };
  /** Throughput: batches of trials of this shape, B = `first`, 2·first, … up to `last`
   * (undefined: as the device allows). */
  throughput: { p: number; d: number; first: number; last?: number };
  /** Seconds a batch's timed steps should take (after two warm-up steps). */
  timedSeconds: number;
  /** The whole command's budget in seconds. */
  seconds: number;
}

/** The GPU machine's run: the paper's shape p 59, d 128, batches from 64. */
export const FULL: DeviceBenchSizes = {
  parity: { p: 31, d: 24, steps: 300, trials: 4 },
  throughput: { p: 59, d: 128, first: 64 },
  timedSeconds: 4,
  seconds: 420,
};

/** `--quick`: a software adapter on a 2-core machine (CI). Parity as on a GPU machine. */
export const QUICK: DeviceBenchSizes = {
  parity: { p: 31, d: 24, steps: 300, trials: 4 },
  throughput: { p: 23, d: 32, first: 8, last: 64 },
  timedSeconds: 2,
  seconds: 240,
};

/**
 * The parity bounds `--check` holds an output to, set from Mesa's lavapipe before any GPU run:
 * there (p 31, d 24, 300 steps, 4 trials) two f32 implementations with different summation
 * orders and exp/log drift apart to max |Δsignal| = 9·10⁻⁶ of the largest signal and a relative
 * Δloss of 2·10⁻⁴ (the train loss near step 50, where it is ~7·10⁻³); the bounds are 10× those.
 * An error in a kernel (a wrong index or a missing term) moves the losses by ≥ 10⁻² within a few
 * steps.
 */
export const PARITY_BOUNDS = {
  /** max |Δ signal| over max signal */
  signalRel: 1e-4,
  /** max |Δ loss| / |loss|, train and test */
  lossRel: 2e-3,
};

/** The adapter as the benchmark reports it. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  /** The device limits the batch size is chosen by. */
  limits: Record<string, number>;
  /** The Vulkan / GL libraries loaded (Linux, under --allow-all): which loader and driver. */
  libraries: string[];
}

/** webgpu against asm. */
export interface ParityReport {
  p: number;
  d: number;
  steps: number;
  trials: number;
  /** max |signal_webgpu − signal_asm| over trials, steps and frequencies */
  maxSignalDiff: number;
  /** max |signal_asm| (the scale of maxSignalDiff) */
  maxSignal: number;
  /** max |loss_webgpu − loss_asm| / |loss_asm| over trials, steps, train and test loss */
  maxLossRelDiff: number;
}

/** One batch size measured. */
export interface BatchReport {
  B: number;
  trialStepsPerSecond: number;
  /** Milliseconds per step of the whole batch. */
  msPerStep: number;
  /** Steps timed. */
  steps: number;
  /** The fused step's device memory (gpu/batch.ts's estimate), GiB. */
  deviceGiB: number;
}

/** The benchmark's result: the last line of its output. */
export interface DeviceBenchResult {
  adapter: AdapterReport;
  parity: ParityReport;
  /** The shape the batches were measured at. */
  throughput: { p: number; d: number; hidden: number };
  batches: BatchReport[];
  /** Why no larger batch was measured. */
  stopped: string;
  best: { B: number; trialStepsPerSecond: number } | null;
  /** Trial-steps of `reproduce all --scale paper`, without and with `--until-decided`. */
  paperScaleTrialSteps: number;
  paperScaleTrialStepsUntilDecided: number;
  paperScaleHours: number | null;
  paperScaleHoursUntilDecided: number | null;
  wallSeconds: number;
}

/** Options of {@linkcode runDeviceBench}. */
export interface DeviceBenchOptions {
  /** Where lines go (default console.log). */
  print?: (line: string) => void;
  /** The paper-scale trial-steps (default {@linkcode paperScaleTrialSteps}). */
  trialSteps?: () => Promise<{ full: number; untilDecided: number }>;
}

/**
 * The trial-steps of every figure at paper scale, as `reproduce all --scale paper --plan` counts
 * them (experiments/cost_plan.ts on an empty store; repeated requests are one trial): all figures, and
 * with `--until-decided` the figures that allow it, each stopped trial assumed to stop at the
 * plan's mean decided step.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it builds every figure's paper-scale requests (a minute)
 * const { full, untilDecided } = await paperScaleTrialSteps(); // 985 834 001, 181 108 001
 * ```
 */
export async function paperScaleTrialSteps(): Promise<{ full: number; untilDecided: number }> {
  const full = FIGURES.flatMap((f) => figureRequests(f, "paper"));
  const decided = FIGURES.filter((f) => !f.fullRunsOnly)
    .flatMap((f) => figureRequests(f, "paper", true));
  const store = await ResultsStore.open(":memory:");
  try {
    // the step count needs no timing: a fixed probe, on the CPU backend (batches of one trial)
    const probe = () => Promise.resolve({ logged: 1, unlogged: 1, batch: 1 });
    const opts = { store, backend: asmBackend, probe };
    return {
      full: (await costPlan(full, opts)).trialSteps,
      untilDecided: (await costPlan(decided, opts)).trialSteps,
    };
  } finally {
    store.close();
  }
}

const seedsOf = (n: number) => Array.from({ length: n }, (_, seed) => seed);
const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toLocaleString("en-US");

/** webgpu against asm from the same seeds. */
async function parity(s: DeviceBenchSizes["parity"]): Promise<ParityReport> {
  const specs: TrialStart[] = seedsOf(s.trials).map((seed) => {
    const config = makeConfig({ p: s.p, d: s.d, steps: s.steps, seed });
    return { config, ...initialTrial(config) };
  });
  const gpu = await trainBatch(webgpuBackend, specs);
  let maxSignalDiff = 0, maxSignal = 0, maxLossRelDiff = 0;
  for (const [i, spec] of specs.entries()) {
    const cpu = await train(asmBackend, spec);
    cpu.signals.forEach((v, j) => {
      maxSignal = Math.max(maxSignal, Math.abs(v));
      maxSignalDiff = Math.max(maxSignalDiff, Math.abs(gpu[i].signals[j] - v));
      if (Number.isNaN(gpu[i].signals[j])) maxSignalDiff = NaN;
    });
    for (const key of ["trainLoss", "testLoss"] as const) {
      cpu[key].forEach((v, j) => {
        const rel = Math.abs(gpu[i][key][j] - v) / Math.abs(v);
        maxLossRelDiff = Number.isNaN(rel) ? NaN : Math.max(maxLossRelDiff, rel);
      });
    }
  }
  return { ...s, maxSignalDiff, maxSignal, maxLossRelDiff };
}

/** Trial-steps per second for doubling batches, within the device's limits and the budget. */
async function batches(
  sizes: DeviceBenchSizes,
  deadline: number,
  print: (line: string) => void,
): Promise<{ batches: BatchReport[]; stopped: string; hidden: number }> {
  const { p, d, first, last } = sizes.throughput;
  const { device } = await gpuDevice();
  // 64 distinct initial trials, repeated to fill a batch (the time of a step does not depend on
  // the values; 64 draws keep the set-up short at thousands of trials)
  const steps = 1_000_000;
  const distinct = seedsOf(Math.min(64, last ?? 64)).map((seed) => {
    const config = makeConfig({ p, d, steps, seed });
    return { config, ...initialTrial(config) };
  });
  const hidden = distinct[0].config.hidden;
  const chunk = 200;
  const shape: FusedShape = { p, d, hidden, nTrain: trainCount(p), gradSignals: false, chunk };
  const most = deviceBatchLimit(shape, device.limits);
  const budget = Deno.env.get("CIRCLE_SURVIVAL_GPU_MEMORY_GIB") ? gpuMemoryBudget() : Infinity;
  const cap = Math.min(last ?? Infinity, most.batch);
  const candidates: number[] = [];
  for (let B = first; B <= cap; B *= 2) candidates.push(B);
  if (Number.isFinite(cap) && cap > 1.25 * (candidates.at(-1) ?? 0)) candidates.push(cap);
  const out: BatchReport[] = [];
  const W = recordLayout(p, false).width;
  let stopped = candidates.length === 0
    ? `B ${first} exceeds the device's ${most.bound}`
    : `B ${candidates.at(-1)} is the last the device's ${most.bound} allows`;
  if (last !== undefined && last < most.batch) stopped = `B ${last} is this run's last`;
  let lastSeconds = 0;
  for (const B of candidates) {
    const bytes = fusedBytes(shape, B);
    if (bytes > budget) {
      stopped = `B ${B} needs ${fmt(bytes / 2 ** 30)} GiB, above CIRCLE_SURVIVAL_GPU_MEMORY_GIB`;
      break;
    }
    // the next batch takes about twice the last one's time; stop while there is time to report
    if (lastSeconds > 0 && performance.now() + 2.5 * lastSeconds * 1000 > deadline) {
      stopped = `the time budget: B ${B} would take about ${fmt(2 * lastSeconds)} s more`;
      break;
    }
    const t0 = performance.now();
    const specs = Array.from({ length: B }, (_, i) => distinct[i % distinct.length]);
    let kernel;
    try {
      kernel = await createFusedKernel(specs, { chunk });
    } catch (e) {
      if (!(e instanceof GpuOutOfMemory)) throw e;
      stopped = `B ${B}: ${e.message}`;
      break;
    }
    try {
      const outBuf = new Float64Array(chunk * B * W);
      await kernel.run(1, outBuf); // compiles the pipelines on the first batch
      const tw = performance.now();
      await kernel.run(1, outBuf);
      const one = (performance.now() - tw) / 1000;
      const n = Math.max(2, Math.min(chunk, Math.ceil(sizes.timedSeconds / one)));
      const ts = performance.now();
      await kernel.run(n, outBuf);
      const seconds = (performance.now() - ts) / 1000;
      const row: BatchReport = {
        B,
        trialStepsPerSecond: (B * n) / seconds,
        msPerStep: (1000 * seconds) / n,
        steps: n,
        deviceGiB: bytes / 2 ** 30,
      };
      out.push(row);
      print(
        `  B ${String(B).padStart(5)}: ${fmt(row.trialStepsPerSecond).padStart(9)} trial-steps/s ` +
          `(${fmt(row.msPerStep)} ms per step of the batch, ${n} steps timed, ` +
          `${fmt(row.deviceGiB)} GiB of device memory)`,
      );
    } finally {
      kernel.dispose();
    }
    lastSeconds = (performance.now() - t0) / 1000;
    const best = Math.max(...out.slice(0, -1).map((r) => r.trialStepsPerSecond), 0);
    if (out.length > 1 && out.at(-1)!.trialStepsPerSecond < 1.05 * best) {
      stopped = `throughput stopped rising: B ${B} is within 5 % of the best before it (or below)`;
      break;
    }
  }
  return { batches: out, stopped, hidden };
}

/**
 * The process's WebGPU adapter, printed in two lines and returned: what it says of itself,
 * software or hardware, the device limits a batch is sized by, and (Linux, under --allow-all as
 * tools/device_run.sh runs it: Deno reads /proc/self/maps only then) the Vulkan and GL
 * libraries the process has loaded — which loader and driver WebGPU went through (wgpu falls
 * back from Vulkan to GL through EGL when no Vulkan loader is found).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * const a = await describeAdapter(console.log); // prints the adapter's lines as it finds them
 * if (typeof a.software !== "boolean") throw new Error(`software or hardware: ${JSON.stringify(a)}`);
 * ```
 */
export async function describeAdapter(print: (line: string) => void): Promise<AdapterReport> {
  const { adapter, device } = await gpuDevice();
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (
    const k of [
      "maxBufferSize",
      "maxStorageBufferBindingSize",
      "maxComputeWorkgroupsPerDimension",
      "maxStorageBuffersPerShaderStage",
    ] as const
  ) limits[k] = device.limits[k];
  const software = isSoftwareAdapter(adapter);
  let libraries: string[] = [];
  try {
    libraries = [
      ...new Set(
        Deno.readTextFileSync("/proc/self/maps").split("\n").map((l) => l.split(/\s+/).at(-1)!)
          .filter((path) => /\/lib(vulkan|EGL|GLX|nvidia)[^/]*\.so/.test(path)),
      ),
    ];
  } catch { /* not Linux, or not --allow-all */ }
  print(
    `adapter: ${info.description || "(no description)"}; vendor ${info.vendor || "?"}, ` +
      `architecture ${info.architecture || "?"}, device ${info.device || "?"}; ` +
      `${software ? "software" : "hardware"}`,
  );
  print(`limits used: ${Object.entries(limits).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (libraries.length) print(`libraries loaded: ${libraries.join(" ")}`);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software,
    limits,
    libraries,
  };
}

/**
 * Run the benchmark at `sizes`: prints its lines and, last, its result as one JSON line.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a WebGPU adapter
 * const r = await runDeviceBench(QUICK);
 * if (!(r.parity.maxSignalDiff <= PARITY_BOUNDS.signalRel * r.parity.maxSignal)) throw new Error(`parity ${JSON.stringify(r.parity)}`);
 * ```
 */
export async function runDeviceBench(
  sizes: DeviceBenchSizes,
  opts: DeviceBenchOptions = {},
): Promise<DeviceBenchResult> {
  const print = opts.print ?? console.log;
  const t0 = performance.now();
  const deadline = t0 + sizes.seconds * 1000;
  const adapterInfo = await describeAdapter(print);

  const par = await parity(sizes.parity);
  print(
    `parity, webgpu vs asm from the same seeds (p ${par.p}, d ${par.d}, ${par.steps} steps, ` +
      `${par.trials} trials): max |Δsignal| ${par.maxSignalDiff.toExponential(2)} (max signal ` +
      `${fmt(par.maxSignal)}), max relative Δloss ${par.maxLossRelDiff.toExponential(2)}`,
  );

  const tPlan = performance.now();
  const steps = await (opts.trialSteps ?? paperScaleTrialSteps)();
  print(
    `paper scale: ${steps.full.toLocaleString("en-US")} trial-steps, ` +
      `${steps.untilDecided.toLocaleString("en-US")} with --until-decided ` +
      `(counted in ${fmt((performance.now() - tPlan) / 1000)} s)`,
  );

  const { p, d } = sizes.throughput;
  print(`trial-steps per second at p ${p}, d ${d}:`);
  const run = await batches(sizes, deadline, print);
  print(`  stopped: ${run.stopped}`);
  const best = run.batches.reduce<BatchReport | null>(
    (a, r) => (a === null || r.trialStepsPerSecond > a.trialStepsPerSecond ? r : a),
    null,
  );
  const hours = (n: number) => (best ? n / best.trialStepsPerSecond / 3600 : null);
  const result: DeviceBenchResult = {
    adapter: adapterInfo,
    parity: par,
    throughput: { p, d, hidden: run.hidden },
    batches: run.batches,
    stopped: run.stopped,
    best: best && { B: best.B, trialStepsPerSecond: best.trialStepsPerSecond },
    paperScaleTrialSteps: steps.full,
    paperScaleTrialStepsUntilDecided: steps.untilDecided,
    paperScaleHours: hours(steps.full),
    paperScaleHoursUntilDecided: hours(steps.untilDecided),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  if (best) {
    print(
      `paper scale at B ${best.B} (${fmt(best.trialStepsPerSecond)} trial-steps/s, every ` +
        `trial-step counted at p ${p}, d ${d}): ${fmt(result.paperScaleHours!)} h; ` +
        `--until-decided: ${fmt(result.paperScaleHoursUntilDecided!)} h`,
    );
  }
  print(`wall time: ${fmt(result.wallSeconds)} s`);
  print(JSON.stringify(result));
  return result;
}

/**
 * What is wrong with a benchmark output's last line (empty: nothing): it must be the result JSON
 * with finite parity within {@linkcode PARITY_BOUNDS}, at least one batch measured and finite
 * projections.
 *
 * @example
 * ```ts
 * import { checkOutput } from "./device.ts";
 * const problems = checkOutput("adapter: …\n{}");
 * if (problems.length === 0) throw new Error("an empty object is not a result");
 * ```
 */
export function checkOutput(text: string): string[] {
  const last = text.trimEnd().split("\n").at(-1) ?? "";
  let r: DeviceBenchResult;
  try {
    r = JSON.parse(last);
  } catch {
    return [`the last line is not JSON: ${JSON.stringify(last.slice(0, 80))}`];
  }
  const problems: string[] = [];
  const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  if (typeof r?.adapter?.description !== "string") problems.push("adapter.description missing");
  const par = r?.parity;
  if (!finite(par?.maxSignalDiff) || !finite(par?.maxSignal) || !finite(par?.maxLossRelDiff)) {
    problems.push(`parity not finite: ${JSON.stringify(par)}`);
  } else {
    if (par.maxSignalDiff > PARITY_BOUNDS.signalRel * par.maxSignal) {
      problems.push(
        `parity: max |Δsignal| ${par.maxSignalDiff} above ${PARITY_BOUNDS.signalRel} × max ` +
          `signal ${par.maxSignal}`,
      );
    }
    if (par.maxLossRelDiff > PARITY_BOUNDS.lossRel) {
      problems.push(
        `parity: max relative Δloss ${par.maxLossRelDiff} above ${PARITY_BOUNDS.lossRel}`,
      );
    }
  }
  const rows = Array.isArray(r?.batches) ? r.batches : [];
  if (rows.length === 0) problems.push("no batch measured");
  for (const b of rows) {
    if (!Number.isInteger(b?.B) || !finite(b?.trialStepsPerSecond) || b.trialStepsPerSecond <= 0) {
      problems.push(`batch row not a positive measurement: ${JSON.stringify(b)}`);
    }
  }
  for (const k of ["paperScaleHours", "paperScaleHoursUntilDecided"] as const) {
    if (!finite(r?.[k]) || r[k]! <= 0) problems.push(`${k} not a positive number: ${r?.[k]}`);
  }
  return problems;
}

const USAGE = "usage: bench:device [--quick] [--seconds S] | --adapter | --check FILE";

if (import.meta.main) {
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        quick: { type: "boolean" },
        seconds: { type: "string" },
        check: { type: "string" },
        adapter: { type: "boolean" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (e) {
    console.error(`bench:device: ${(e as Error).message.split("\n")[0]} (${USAGE})`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  if (values.check !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(values.check);
    } catch (e) {
      console.error(`bench:device: check ${JSON.stringify(values.check)}: ${(e as Error).message}`);
      Deno.exit(2);
    }
    const problems = checkOutput(text);
    console.log(
      problems.length === 0
        ? `bench:device check: ok (parity within ${JSON.stringify(PARITY_BOUNDS)})`
        : `bench:device check: FAILED: ${problems.join("; ")}`,
    );
    Deno.exit(problems.length === 0 ? 0 : 1);
  }
  if (values.adapter) {
    try {
      console.log(JSON.stringify(await describeAdapter(console.log)));
    } catch (e) {
      console.error(`bench:device: ${(e as Error).message.split("\n")[0]}`);
      Deno.exit(1);
    }
    await releaseGpu();
    Deno.exit(0);
  }
  const sizes = { ...(values.quick ? QUICK : FULL) };
  if (values.seconds !== undefined) {
    const s = Number(values.seconds);
    if (!Number.isFinite(s) || s < 10 || s > 3600) {
      console.error(
        `bench:device: seconds ${JSON.stringify(values.seconds)}: allowed is 10 … 3600`,
      );
      Deno.exit(2);
    }
    sizes.seconds = s;
  }
  try {
    gpuMemoryBudget();
  } catch (e) {
    console.error(`bench:device: ${(e as Error).message}`);
    Deno.exit(2);
  }
  try {
    await runDeviceBench(sizes);
  } catch (e) {
    console.error(`bench:device: ${(e as Error).message.split("\n")[0]}`);
    await releaseGpu();
    Deno.exit(1);
  }
  await releaseGpu();
}
