// deno bench (deno task bench): a sweep trial's step, which logs only what its figure reads
// (test forward and signals every 100th update), against a fully logged step — asm, p = 59,
// d = 128, one core, 200 steps per iteration.
import { train } from "../train/trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { SURVIVAL_LOG } from "../paper/figure.ts";

const config = makeConfig({ p: 59, d: 128, steps: 200, seed: 0 });
const spec = { config, ...initialTrial(config) };

Deno.bench("asm, fully logged: 200 steps", { group: "logging", baseline: true, n: 5 }, async () => {
  await train(asmBackend, spec);
});
Deno.bench("asm, sweep log (every 100th): 200 steps", { group: "logging", n: 5 }, async () => {
  await train(asmBackend, spec, SURVIVAL_LOG);
});
