// deno bench: one training step per backend (deno task bench).
import { createAsmKernel } from "../core_asm/asm_backend.ts";
import { ReferenceKernel } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";

const paper = makeConfig({ p: 59, d: 128, seed: 0 });
const asm = await createAsmKernel({ config: paper, ...initialTrial(paper) });
const sig = new Float64Array(paper.p);

Deno.bench("asm step p=59 d=128 (1 core)", { group: "step p=59", baseline: true }, () => {
  asm.step();
});
Deno.bench("asm forward only p=59 d=128", { group: "parts p=59" }, () => {
  asm.evaluate();
});
Deno.bench("asm signals p=59 d=128", { group: "parts p=59" }, () => {
  asm.signals(sig);
});

const small = makeConfig({ p: 23, d: 32, seed: 0 });
const asmSmall = await createAsmKernel({ config: small, ...initialTrial(small) });
const refSmall = new ReferenceKernel({ config: small, ...initialTrial(small) });
Deno.bench("asm step p=23 d=32", { group: "step p=23", baseline: true }, () => {
  asmSmall.step();
});
Deno.bench("ref (float64 TypeScript) step p=23 d=32", { group: "step p=23" }, () => {
  refSmall.step();
});
