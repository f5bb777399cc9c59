/**
 * The sequential design's error rates on every sweep figure's paper-scale schedule, with more
 * runs than the unit test (`../paper/rounds_test.ts`): false PASS, false FAIL, INCONCLUSIVE and
 * the average sample number of each scenario (`../paper/rounds_scenarios.ts`), seeded, and
 * whether each error rate is within its bound plus 3 binomial standard errors.
 *
 *   deno run -A bench/sequential_validation.ts [RUNS=4000] [SEED=20261202] [obrien-fleming|pocock]
 *
 * @module
 */
import { paperScenarios } from "../paper/rounds_scenarios.ts";
import { sideBound, simulate } from "../analysis/sequential_sim.ts";
import type { Spending } from "../analysis/sequential.ts";

const runs = Number(Deno.args[0] ?? 4000), seed = Number(Deno.args[1] ?? 20261202);
const spending = (Deno.args[2] ?? "obrien-fleming") as Spending;
if (!(Number.isInteger(runs) && runs > 0) || !Number.isInteger(seed)) {
  console.error(`runs ${Deno.args[0]}, seed ${Deno.args[1]}: allowed are integers, runs > 0`);
  Deno.exit(2);
}
if (spending !== "obrien-fleming" && spending !== "pocock") {
  console.error(`spending ${spending}: allowed is obrien-fleming or pocock`);
  Deno.exit(2);
}
let worst = 0, bad = 0;
const t0 = performance.now();
for (const { claim, scenarios } of paperScenarios()) {
  console.log(claim);
  for (const sc of scenarios) {
    const r = simulate(sc, runs, seed, spending), b = sideBound(sc);
    const top = b + 3 * Math.sqrt((b * (1 - b)) / runs);
    const falsePass = sc.truth !== "true" ? r.PASS / runs : NaN;
    const falseFail = sc.truth !== "false" && sc.truth !== "indifferent" ? r.FAIL / runs : NaN;
    // inside the rule's indifference zone: printed, not held
    for (const v of sc.truth === "indifferent" ? [] : [falsePass, falseFail]) {
      if (v > top) bad++;
      if (v / b > worst) worst = v / b;
    }
    const f = (v: number) => (Number.isNaN(v) ? "  —   " : v.toFixed(4));
    console.log(
      `  [${sc.truth.padEnd(11)}] false PASS ${f(falsePass)} false FAIL ${f(falseFail)} PASS ${
        f(r.PASS / runs)
      } INCONCLUSIVE ${f(r.INCONCLUSIVE / runs)} mean units ${r.meanUnits.toFixed(0)}/${
        sc.units.at(-1)
      } (bound ${b}) ${sc.label}`,
    );
  }
}
console.log(
  `runs ${runs}, seed ${seed}, ${spending}: ${bad} error rate(s) above bound + 3 se; worst rate / bound ${
    worst.toFixed(3)
  }; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
if (bad > 0) Deno.exit(1);
