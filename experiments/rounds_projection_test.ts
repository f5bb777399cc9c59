import { equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { rounds, roundsPlan } from "../paper/rounds.ts";
import { figureRequests } from "../paper/figure.ts";
import { ResultsStore } from "../store/store.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { costPlan } from "./cost_plan.ts";
import { type MeasuredClaim, projectRounds, unionRounds } from "./rounds_projection.ts";

// a fixed probe: 10 ms a logged step, 6 ms an unlogged one, per trial
const FIXED_PROBE = () => Promise.resolve({ logged: 10, unlogged: 6, batch: 1 });

// Fig. 14's two cut claims, measured as a quick run might have: a clear effect decides in the
// first rounds, no effect never before N.
const fig14 = figureById("fig14")!;
const names = roundsPlan(fig14, "paper").claims.map((c) => c.name);
const claims = (p: number, effect: number): MeasuredClaim[] =>
  names.map((name) => ({
    name,
    verdict: "INCONCLUSIVE",
    evidence: { n: 30, inputs: { kind: "direction", effect, p, sign: 1 } },
  }));

Deno.test("rounds projection: a clear effect stops early, no effect runs to N, P(decided) never falls", () => {
  const clear = projectRounds(fig14, "paper", claims(1e-3, 0.5));
  const none = projectRounds(fig14, "paper", claims(0.9, 0.01));
  const N = clear.rounds.at(-1)!;
  equal(clear.expected < N / 2, true, `clear effect: ${clear.expected} of ${N}`);
  equal(none.expected > 0.9 * N, true, `no effect: ${none.expected} of ${N}`);
  for (const p of [clear, none]) {
    equal(
      p.decidedByRound.every((v, j) => j === 0 || v >= p.decidedByRound[j - 1] - 1e-12),
      true,
      `non-decreasing: ${p.decidedByRound}`,
    );
  }
  const absent = projectRounds(fig14, "paper", []);
  equal(absent.expected, N, "claims absent from the report: planned at N");
});

Deno.test("union projection: a trial two figures share is counted once, and trained while either needs it", async () => {
  const store = await ResultsStore.open(":memory:");
  try {
    const plan = { store, backend: asmBackend, workers: 2, probe: FIXED_PROBE };
    const fig5 = figureById("fig5")!, scale = "quick" as const;
    const at5 = projectRounds(fig5, scale, undefined); // planned at N: every round reached
    const at14 = projectRounds(fig14, scale, undefined);
    // Fig. 14 certainly decided at its first round
    const stop14 = { ...at14, decidedByRound: at14.rounds.map(() => 1) };
    const union = await unionRounds([fig5, fig14], scale, {
      projections: new Map([["fig5", at5], ["fig14", stop14]]),
      untilDecided: () => false,
      plan,
    });
    // what must be trained: all of Fig. 5, and of Fig. 14 its first round
    const first14 = figureRequests(fig14, scale, false, rounds(fig14, scale)[0].params);
    const full5 = figureRequests(fig5, scale, false);
    const expect = await costPlan([...full5, ...first14], plan);
    const apart = (await costPlan(full5, plan)).busySeconds +
      (await costPlan(first14, plan)).busySeconds;
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, b);
    equal(
      close(union.busySeconds, expect.busySeconds),
      true,
      `${union.busySeconds} vs ${expect.busySeconds}`,
    );
    equal(close(union.trials, expect.trials), true, `${union.trials} vs ${expect.trials} trials`);
    equal(close(union.apartSeconds, apart), true, `${union.apartSeconds} vs ${apart}`);
    // Fig. 14 shares Fig. 5's p sweep: counted apart, those trials count twice
    equal(
      union.apartSeconds > union.busySeconds,
      true,
      `${union.apartSeconds} ≤ ${union.busySeconds}`,
    );
  } finally {
    store.close();
  }
});
