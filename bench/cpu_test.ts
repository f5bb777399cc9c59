import { deepEqual, ok } from "node:assert/strict";
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

Deno.test("threadCpuMs counts this thread's work, not the time it waits", async () => {
  if (cpuClockKind() !== "thread") return; // needs --allow-ffi on Linux (deno task test has it)
  const c0 = threadCpuMs(), t0 = performance.now();
  let s = 0;
  while (performance.now() - t0 < 30) s += Math.sqrt(s + 1);
  const busy = threadCpuMs() - c0, wall = performance.now() - t0;
  ok(busy > 0 && busy <= wall + 1, `busy loop: ${busy} ms CPU in ${wall} ms (${s > 0})`);
  const c1 = threadCpuMs();
  await new Promise((r) => setTimeout(r, 50));
  const idle = threadCpuMs() - c1;
  ok(idle < 10, `50 ms asleep took ${idle} ms of CPU`);
});

Deno.test("timeMin: per-unit minima over repetitions", () => {
  const t = timeMin(4, () => {
    const t0 = performance.now();
    while (performance.now() - t0 < 4);
  }, 3);
  ok(t.wallMs >= 1 && t.wallMs < 4, `wall ${t.wallMs} ms per unit`);
  ok(t.cpuMs <= t.wallMs + 0.1, `cpu ${t.cpuMs} ms per unit`);
});
