import { deepEqual, equal, ok } from "node:assert/strict";
import { cpuClockKind, parseCpuinfo, threadCpuMs, timeMin } from "./cpu.ts";

Deno.test("parseCpuinfo: model with family/model/stepping, the SIMD flags only", () => {
  const text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n" +
    "model name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: fpu sse sse2 ssse3 fma sse4_1 avx avx2 " +
    "bmi2 avx512f\n\nprocessor\t: 1\nmodel name\t: other\n";
  deepEqual(parseCpuinfo(text), {
    model: "AMD EPYC (family 25, model 17, stepping 1)",
    simdFlags: ["sse", "sse2", "ssse3", "fma", "sse4_1", "avx", "avx2", "avx512f"],
  });
  deepEqual(parseCpuinfo("Processor\t: ARMv7\nFeatures\t: half neon vfp\n"), {
    model: "ARMv7",
    simdFlags: ["neon"],
  });
});

Deno.test({
  name: "threadCpuMs counts this thread's work, not the time it waits",
  ignore: Deno.build.os !== "linux", // the thread clock is Linux's CLOCK_THREAD_CPUTIME_ID
  fn: async () => {
    // with --allow-ffi (every test task has it) the clock is the thread's; without, the process's
    const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
    equal(cpuClockKind(), ffi ? "thread" : "process", `--allow-ffi ${ffi}`);
    const reads = Array.from({ length: 1000 }, () => threadCpuMs());
    ok(reads.every((t, i) => Number.isFinite(t) && (i === 0 || t >= reads[i - 1])), "monotonic");
    // a fixed amount of work (CPU time does not depend on what else the machine runs) against a
    // sleep: the work advances the clock, the sleep less
    const c0 = threadCpuMs();
    let s = 0;
    for (let i = 0; i < 5e6; i++) s += Math.sqrt(s + i);
    const busy = threadCpuMs() - c0;
    const c1 = threadCpuMs();
    await new Promise((r) => setTimeout(r, 50));
    const idle = threadCpuMs() - c1;
    ok(
      busy > 0 && idle < busy,
      `5e6 square roots: ${busy} ms CPU; 50 ms asleep: ${idle} ms (${s > 0})`,
    );
  },
});

Deno.test("timeMin: one warm-up call and reps timed ones, the per-unit minima of both clocks", () => {
  let calls = 0;
  const t = timeMin(4, () => calls++, 3);
  equal(calls, 4, "1 warm-up + 3 repetitions");
  ok(Number.isFinite(t.wallMs) && t.wallMs >= 0, `wall ${t.wallMs} ms per unit`);
  ok(Number.isFinite(t.cpuMs) && t.cpuMs >= 0, `cpu ${t.cpuMs} ms per unit`);
});
