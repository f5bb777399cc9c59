import { deepEqual } from "node:assert/strict";
import * as ids from "../core_asm/assembly/ids.ts";
import { ASM_KERNELS } from "./flops.ts";

Deno.test("ASM_KERNELS lists every kernel id of the core (K_* in ids.ts) once, in order", () => {
  const kernelIds = Object.entries(ids).filter(([name]) => name.startsWith("K_"))
    .map(([, id]) => id).sort((a, b) => a - b);
  deepEqual(kernelIds, kernelIds.map((_, i) => i), "ids.ts numbers the kernels 0, 1, 2, …");
  deepEqual(ASM_KERNELS.map((k) => k.id), kernelIds);
});

Deno.test("the core uses every kernel id of ids.ts (a case of its runKernel each)", async () => {
  const src = await Deno.readTextFile(new URL("../core_asm/assembly/core.ts", import.meta.url));
  for (const name of Object.keys(ids).filter((n) => n.startsWith("K_"))) {
    if (!new RegExp(`case ${name}:`).test(src)) throw new Error(`core.ts has no case ${name}`);
  }
});
