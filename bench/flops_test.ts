import { deepEqual } from "node:assert/strict";
import { ASM_KERNELS } from "./flops.ts";

Deno.test("ASM_KERNELS lists the core's kernel ids (K_* in core.ts) once, in order", async () => {
  const src = await Deno.readTextFile(new URL("../core_asm/assembly/core.ts", import.meta.url));
  const ids = [...src.matchAll(/^const K_\w+: i32 = (\d+);/gm)].map((m) => Number(m[1]));
  deepEqual(ASM_KERNELS.map((k) => k.id), ids);
});
