/**
 * What a benchmark figure was measured on, and a clock that counts only this thread's CPU time:
 * the CPU's model, family/model numbers and SIMD flags (from /proc/cpuinfo), and the CPU time of
 * the calling thread (CLOCK_THREAD_CPUTIME_ID), so a figure taken on a machine shared with other
 * work is not stretched by the time another process held the core.
 *
 * @module
 */
import os from "node:os";
import process from "node:process";

/** The CPU a figure comes from. */
export interface CpuInfo {
  /** "model name", with family/model/stepping where /proc/cpuinfo gives them. */
  model: string;
  /** The SIMD-related flags (sse*, ssse3, avx*, fma, f16c, amx*), in /proc/cpuinfo's order. */
  simdFlags: string[];
  /** Logical CPUs this process may use. */
  cores: number;
}

const SIMD_FLAG = /^(sse|ssse3|avx|fma|f16c|amx|neon|asimd|sve)/;

/**
 * Parse the first processor block of a /proc/cpuinfo text.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseCpuinfo } from "./cpu.ts";
 * const text = "model name\t: AMD EPYC\ncpu family\t: 25\nmodel\t: 17\nflags\t: fpu avx2 fma\n";
 * const c = parseCpuinfo(text);
 * assertEquals([c.model, c.simdFlags], ["AMD EPYC (family 25, model 17)", ["avx2", "fma"]]);
 * ```
 */
export function parseCpuinfo(text: string): Omit<CpuInfo, "cores"> {
  const field = (name: string) =>
    text.match(new RegExp(`^${name}\\s*: (.*)$`, "m"))?.[1]?.trim() ?? "";
  const name = field("model name") || field("Processor") || "unknown CPU";
  const nums = [["family", field("cpu family")], ["model", field("model")], [
    "stepping",
    field("stepping"),
  ]].filter(([, v]) => v !== "").map(([k, v]) => `${k} ${v}`);
  const flags = (field("flags") || field("Features")).split(/\s+/).filter((f) => SIMD_FLAG.test(f));
  return { model: nums.length ? `${name} (${nums.join(", ")})` : name, simdFlags: flags };
}

/** /proc/cpuinfo's text: Deno reads /proc only with --allow-all, so else through `cat` (with
 * --allow-run=cat); undefined when neither is allowed or this is not Linux. */
function readCpuinfo(): string | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    return Deno.readTextFileSync("/proc/cpuinfo");
  } catch {
    // not --allow-all
  }
  if (Deno.permissions.querySync({ name: "run", command: "cat" }).state !== "granted") {
    return undefined;
  }
  const out = new Deno.Command("cat", { args: ["/proc/cpuinfo"], stderr: "null" }).outputSync();
  return out.success ? new TextDecoder().decode(out.stdout) : undefined;
}

/**
 * This machine's CPU: /proc/cpuinfo on Linux (with --allow-all or --allow-run=cat), else the
 * model from `node:os` and no flags.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { cpuInfo } from "./cpu.ts";
 * assert(cpuInfo().cores >= 1, JSON.stringify(cpuInfo()));
 * ```
 */
export function cpuInfo(): CpuInfo {
  const cores = navigator.hardwareConcurrency;
  const text = readCpuinfo();
  if (text) return { ...parseCpuinfo(text), cores };
  let model = `${Deno.build.arch} CPU`;
  try {
    model = os.cpus()[0]?.model ?? model;
  } catch {
    // no --allow-sys
  }
  return { model: `${model} (flags unknown: run with --allow-run=cat)`, simdFlags: [], cores };
}

/** One line naming the CPU and its SIMD flags, for the head of a benchmark's output. */
export function cpuLine(c: CpuInfo = cpuInfo()): string {
  return `CPU: ${c.model}, ${c.cores} logical cores; SIMD flags: ${c.simdFlags.join(" ") || "?"}`;
}

type ClockLib = Deno.DynamicLibrary<{
  clock_gettime: { parameters: ["i32", "buffer"]; result: "i32" };
}>;
let clock: ClockLib | null | undefined;
const timespec = new BigInt64Array(2);
const CLOCK_THREAD_CPUTIME_ID = 3;

/** libc's clock_gettime, where FFI is allowed and this is Linux; otherwise null. */
function openClock(): ClockLib | null {
  if (
    Deno.build.os !== "linux" || Deno.permissions.querySync({ name: "ffi" }).state !== "granted"
  ) {
    return null;
  }
  try {
    return Deno.dlopen(
      "libc.so.6",
      {
        clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
      } as const,
    );
  } catch {
    return null;
  }
}

/**
 * Which clock {@link threadCpuMs} reads: "thread" (CLOCK_THREAD_CPUTIME_ID through libc, with
 * --allow-ffi on Linux) or "process" (`process.cpuUsage`: every thread of the process, V8's
 * compiler and GC threads included).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { cpuClockKind } from "./cpu.ts";
 * assert(["thread", "process"].includes(cpuClockKind()), cpuClockKind());
 * ```
 */
export function cpuClockKind(): "thread" | "process" {
  if (clock === undefined) clock = openClock();
  return clock ? "thread" : "process";
}

/**
 * CPU time in milliseconds of the calling thread (CLOCK_THREAD_CPUTIME_ID, ns resolution; needs
 * --allow-ffi on Linux), else of the whole process (`process.cpuUsage`, µs). Differences only.
 * (Linux's /proc/thread-self/schedstat is not an option: for the running thread it lags by up to
 * a scheduler tick.)
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { threadCpuMs } from "./cpu.ts";
 * const t0 = threadCpuMs();
 * let s = 0;
 * for (let i = 0; i < 1e6; i++) s += i;
 * assert(threadCpuMs() >= t0, `${threadCpuMs()} < ${t0}`);
 * ```
 */
export function threadCpuMs(): number {
  if (
    cpuClockKind() === "thread" &&
    clock!.symbols.clock_gettime(CLOCK_THREAD_CPUTIME_ID, timespec) === 0
  ) {
    return Number(timespec[0]) * 1e3 + Number(timespec[1]) / 1e6;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall and thread-CPU milliseconds of one call. */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/**
 * Time `f` (which does `n` units of work) `reps` times after a warm-up; the minimum per unit of
 * both clocks (the least disturbed repetition: other work only ever adds time).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { timeMin } from "./cpu.ts";
 * const t = timeMin(10, () => { let s = 0; for (let i = 0; i < 1e5; i++) s += i; return s; }, 3);
 * assert(t.wallMs > 0 && t.cpuMs >= 0, JSON.stringify(t));
 * ```
 */
export function timeMin(n: number, f: () => unknown, reps = 5): Timing {
  f();
  let wallMs = Infinity, cpuMs = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = threadCpuMs(), t0 = performance.now();
    f();
    const t1 = performance.now(), c1 = threadCpuMs();
    wallMs = Math.min(wallMs, (t1 - t0) / n);
    cpuMs = Math.min(cpuMs, (c1 - c0) / n);
  }
  return { wallMs, cpuMs };
}
