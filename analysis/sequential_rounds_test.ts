/**
 * The rounds' decision procedure on hand-made looks: a spending rule's first decision stands, a
 * monotone rule is read afresh on all the trials seen, a claim that may not be cut puts the whole
 * plan in one round at N, the rounds stop when nothing is left undecided and at the last round,
 * and bad plans and out-of-order looks are refused with one line.
 */
import { type LookClaim, SequentialRounds } from "./sequential_rounds.ts";
import { SequentialDesign } from "./sequential.ts";
import { AnalysisError } from "./fourier.ts";

const doubling = [16, 32, 64, 128, 256];
const trend = { name: "trend", cut: true, why: "a trend over trials", units: doubling };
const all = { name: "all", cut: true, why: "monotone", units: doubling };

const dir = (p: number, verdict = p < 0.05 ? "PASS" : "INCONCLUSIVE"): LookClaim => ({
  name: "trend",
  verdict,
  evidence: {
    alpha: 0.05,
    inputs: { kind: "direction" as const, effect: 0.3, p, sign: 1 as const },
  },
});
const uni = (exceptions: number, n: number): LookClaim => ({
  name: "all",
  verdict: exceptions > 0 ? "FAIL" : n >= 59 ? "PASS" : "INCONCLUSIVE",
  evidence: { alpha: 0.05, inputs: { kind: "universal" as const, exceptions, n } },
});

function throws(f: () => unknown, words: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof AnalysisError && e.message.includes(words)) return;
    throw new Error(`expected an AnalysisError with "${words}", got ${e}`);
  }
  throw new Error(`expected an AnalysisError with "${words}", nothing thrown`);
}

Deno.test("rounds: a direction significant at α but not at the look's level continues; decided at the boundary it stops, and the decision stands", () => {
  const r = new SequentialRounds({ trials: doubling, claims: [trend] });
  const nominal = new SequentialDesign(doubling.map((v) => v / 256)).at(1, 0.05).nominal;
  const a = r.observe(1, [dir(1e-4)]);
  if (a.stop || a.claims[0].verdict !== "INCONCLUSIVE" || a.undecided[0] !== "trend") {
    throw new Error(`p = 1e-4 at round 1 (nominal ${nominal}): ${JSON.stringify(a)}`);
  }
  const b = r.observe(2, [dir(nominal / 1e6)]);
  if (!b.stop || b.claims[0].verdict !== "PASS") throw new Error(JSON.stringify(b));
  if (b.claims[0].evidence?.sequential?.look !== 2) throw new Error("the look is recorded");
  // a later look (the figure asked to go on by another claim) does not undo a spending decision
  const c = r.observe(3, [dir(0.9)]);
  if (c.claims[0].verdict !== "PASS") throw new Error(`decision undone: ${c.claims[0].verdict}`);
  const s = r.summary();
  if (s.stoppedAt !== 3 || s.trials.at !== 64 || s.decidedAt.trend !== 2) {
    throw new Error(JSON.stringify(s));
  }
});

Deno.test("rounds: a monotone rule is read on all trials seen; undecided at the last round it says INCONCLUSIVE and stops", () => {
  const r = new SequentialRounds({ trials: doubling, claims: [trend, all] });
  // 16 clean cases: not enough for "all" (59); p = 0.3: no direction
  let seen = r.observe(1, [dir(0.3), uni(0, 16)]);
  if (seen.stop || seen.undecided.length !== 2) throw new Error(JSON.stringify(seen.undecided));
  seen = r.observe(2, [dir(0.3), uni(0, 64)]);
  if (seen.claims[1].verdict !== "PASS") throw new Error("64 clean cases: PASS");
  // an exception found later (the trend still runs): the monotone claim reads it
  seen = r.observe(3, [dir(0.3), uni(1, 128)]);
  if (seen.claims[1].verdict !== "FAIL") throw new Error("an exception is a fact: FAIL");
  r.observe(4, [dir(0.3), uni(1, 200)]);
  seen = r.observe(5, [dir(0.3), uni(1, 256)]);
  if (!seen.stop || seen.undecided.join() !== "trend") throw new Error(JSON.stringify(seen));
  if (r.summary().decidedAt.trend !== null || r.summary().decidedAt.all !== 2) {
    throw new Error(JSON.stringify(r.summary().decidedAt));
  }
});

Deno.test("rounds: a claim that may not be cut puts the plan in one round at N, its verdicts the fixed-n ones", () => {
  const r = new SequentialRounds({
    trials: doubling,
    claims: [trend, { name: "all", cut: false, why: "its expectation depends on n" }],
  });
  if (r.cut || r.rounds !== 1 || r.plan.trials[0] !== 256) throw new Error(JSON.stringify(r.plan));
  const seen = r.observe(1, [dir(0.04), uni(0, 256)]);
  // p = 0.04 is a PASS at the fixed-n α; at a cut design's last look (nominal ≈ 0.046) too, but
  // here no look level is applied at all
  if (!seen.stop || seen.claims[0].verdict !== "PASS" || seen.claims[0].evidence?.sequential) {
    throw new Error(JSON.stringify(seen.claims[0]));
  }
  if (r.summary().trials.at !== 256 || r.summary().cut) {
    throw new Error(JSON.stringify(r.summary()));
  }
});

Deno.test("rounds: bad plans and looks are refused with one line", () => {
  throws(() => new SequentialRounds({ trials: [16, 16, 32], claims: [] }), "increasing");
  throws(
    () => new SequentialRounds({ trials: [16, 32], claims: [{ ...trend, units: [16] }] }),
    "non-decreasing",
  );
  throws(
    () => new SequentialRounds({ trials: [16, 32], claims: [{ ...trend, units: undefined }] }),
    "units",
  );
  const r = new SequentialRounds({ trials: doubling, claims: [trend] });
  throws(() => r.observe(2, [dir(0.3)]), "the next round, 1 of 5");
  throws(() => r.observe(1, []), "against the plan's");
  throws(() => r.observe(1, [{ ...dir(0.01), evidence: { alpha: 0.05 } }]), "no decision inputs");
});
