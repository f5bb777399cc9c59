import { equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { roundsPlan } from "../paper/rounds.ts";
import { type MeasuredClaim, projectRounds } from "./rounds_projection.ts";

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
