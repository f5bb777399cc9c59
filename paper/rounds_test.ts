/**
 * The rounds of `--until-claims-decided`: every claim of every figure in rounds is declared (and
 * nothing else is), each round's trials are the first seeds of the paper's own (nested, in
 * order), a figure stops when its claims are decided and runs to N when one is not, and — the
 * statistics — the design keeps each claim's false PASS and false FAIL within its bound over the
 * looks, on every sweep figure's real paper-scale schedule, where the claim is true, false and at
 * its boundary. With R runs a rate may exceed its bound b by 3·√(b(1 − b)/R) (a one-sided
 * binomial bound, exceeded by chance with probability ≈ 0.1 %); the rates and the average
 * sample number are printed. A naive control (the fixed-n rule at every look) must exceed the
 * same bound, so the check can fail. `../bench/sequential_validation.ts` runs the same with more
 * runs.
 */
import { CUTS, lookParams, mayCut, notCut, rounds, roundsPlan } from "./rounds.ts";
import { SequentialRounds } from "../analysis/sequential_rounds.ts";
import { paperScenarios } from "./rounds_scenarios.ts";
import { figureById } from "./figures.ts";
import type { Figure, Scale } from "./figure.ts";
import { figureRequests } from "./figure.ts";
import { keyRequest, type TrialRequest, type TrialResult } from "../store/requests.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { type Scenario, sideBound, simulate } from "../analysis/sequential_sim.ts";
import { rateLooks } from "../analysis/sequential_plan.ts";
import { decideAtLook, SequentialDesign } from "../analysis/sequential.ts";
import { rng } from "../analysis/sequential_sim.ts";
import { pearson } from "../analysis/stats.ts";
import { fig05 } from "./fig05.ts";
import { fig06r } from "./fig06r.ts";
import { fig07 } from "./fig07.ts";

/** A trial for any request: signals at init, steps 1..4 (Fig. 7's gradients) and the end, with
 * `alive(req)` the frequencies that survive; every step logged where the figure reads test
 * losses by step (Fig. 4). */
function trialFor(req: TrialRequest, alive: (r: TrialRequest) => number[], everyStep = false) {
  const { p, steps } = req.config;
  const init = symmetric(p, (k) => 80 + k), end = survivors(p, alive(req));
  const loggedAt = everyStep ? Array.from({ length: steps }, (_, i) => i + 1) : [1, 2, 3, 4, steps];
  const rows = loggedAt.map((_, i) => (i === loggedAt.length - 1 ? end : init));
  return syntheticTrial({ config: req.config, signals: [init, ...rows], loggedAt });
}

/** The small parameters each figure's claim names are read at (Fig. 4's names carry its last
 * snapshot: the paper's 10 000). */
// deno-lint-ignore no-explicit-any
function smallParams(fig: Figure<any>): { params: unknown; scale: Scale } {
  if (fig.id === "fig4") {
    return {
      params: {
        ...fig.params.tiny,
        dims: [16, 59, 64],
        steps: 10000,
        checkpoints: [500, 1000, 5000, 10000],
      },
      scale: "quick",
    };
  }
  return { params: fig.params.tiny, scale: "tiny" };
}

Deno.test("rounds: every claim of a figure in rounds is declared, and every declaration is a claim", async () => {
  for (const [id, cuts] of Object.entries(CUTS)) {
    const fig = figureById(id)!;
    const { params, scale } = smallParams(fig);
    const reqs = fig.requests(params);
    const results = reqs.map((r) => trialFor(r, () => [1, 2, 3], id === "fig4"));
    const out = await fig.compute(params, results, scale);
    const names = out.claims.map((c) => c.name).sort(), declared = Object.keys(cuts.claims).sort();
    if (names.join("\n") !== declared.join("\n")) {
      throw new Error(`${id}: claims\n${names.join("\n")}\ndeclared\n${declared.join("\n")}`);
    }
    for (const [name, c] of Object.entries(cuts.claims)) {
      if (c.cut && !c.units) throw new Error(`${id}: "${name}" may be cut but has no units`);
      if (!c.why) throw new Error(`${id}: "${name}" says no why`);
    }
    for (const k of cuts.counts) {
      if (!Number.isInteger(fig.params.paper[k])) throw new Error(`${id}: ${k} is not a count`);
    }
  }
  const cut = Object.keys(CUTS).filter((id) => mayCut(figureById(id)!));
  console.log(
    `  in rounds: ${cut.join(", ")}; to N: ${
      Object.keys(CUTS).filter((id) => !cut.includes(id)).join(", ")
    }`,
  );
  if (cut.join(" ") !== "fig4 fig5 fig6m fig6r fig10 fig14") throw new Error(cut.join(" "));
});

Deno.test("rounds: each round's trials are the first seeds of the paper's, nested, the last round the paper's N", () => {
  for (const id of ["fig5", "fig6m", "fig6r", "fig10", "fig14", "fig4"]) {
    const fig = figureById(id)!;
    const paper = figureRequests(fig, "paper"), records = paper[0].records;
    const all = new Set(paper.map((r) => JSON.stringify(keyRequest(r))));
    let prev = new Set<string>();
    const rs = rounds(fig, "paper");
    for (const r of rs) {
      const reqs = fig.requests(r.params).map((q) => ({ ...q, records }));
      const keys = new Set(reqs.map((q) => JSON.stringify(keyRequest(q))));
      for (const k of keys) {
        if (!all.has(k)) throw new Error(`${id} round ${r.look}: a trial not in the paper's`);
      }
      for (const k of prev) {
        if (!keys.has(k)) throw new Error(`${id} round ${r.look}: drops a trial`);
      }
      prev = keys;
    }
    if (prev.size !== all.size) {
      throw new Error(`${id}: the last round has ${prev.size} of ${all.size}`);
    }
    console.log(
      `  ${id}: ${
        rs.map((r) => r.params === undefined ? "" : fig.requests(r.params).length).join(" → ")
      } trials`,
    );
  }
  // a figure with a claim that may not be cut: one round, at N
  if (rounds(fig07, "paper").length !== 1) throw new Error("fig7 is not cut");
  const p = lookParams(fig05, "paper", 1);
  if (p.pTrials !== 7 || p.dTrials !== 4 || p.ps.length !== 23) throw new Error(JSON.stringify(p));
});

Deno.test("rounds: a figure whose claims decide early stops there; a claim undecided runs it to N; verdicts carry the look", async () => {
  // Fig. 6 (right) at paper scale: k = 1 always survives, k = 2 survives from r ≈ 0.2 on, and
  // near-zero frequencies are revived in some runs: decided at the first round (112 runs)
  const alive = (q: TrialRequest) => {
    const e = q.embedding as { signals: number[]; seed: number };
    const r = e.signals[1] / e.signals[0];
    return [1, ...(r > 0.2 ? [2] : []), ...(e.seed % 3 === 0 ? [7] : [])];
  };
  const run = async (fig: Figure<unknown>, who: (q: TrialRequest) => number[]) => {
    const rr = new SequentialRounds(roundsPlan(fig, "paper"));
    for (const round of rounds(fig, "paper")) {
      const results: TrialResult[] = fig.requests(round.params).map((q) => trialFor(q, who));
      const out = await fig.compute(round.params, results, "paper");
      const seen = rr.observe(round.look, out.claims);
      if (seen.stop) {
        return { rr, claims: seen.claims, look: round.look, undecided: seen.undecided };
      }
    }
    throw new Error("the last round always stops");
  };
  const early = await run(fig06r, alive);
  console.log(
    `  fig6r: stopped at round ${early.look}: ${
      early.claims.map((c) => `${c.verdict} (${c.evidence?.n})`).join(", ")
    }`,
  );
  if (early.look !== 1 || early.claims.some((c) => c.verdict !== "PASS")) {
    throw new Error(JSON.stringify(early.claims.map((c) => [c.verdict, c.note])));
  }
  const trend = early.claims[1].evidence!;
  if (!(trend.sequential?.look === 1 && trend.sequential.nominalAlpha < 1e-15)) {
    throw new Error(`the trend's look: ${JSON.stringify(trend.sequential)}`);
  }
  const s = early.rr.summary();
  if (!s.cut || s.stoppedAt !== 1 || s.trials.at !== 112 || s.trials.of !== 1600) {
    throw new Error(JSON.stringify(s));
  }
  // k = 2 never survives: its trend has no variation, INCONCLUSIVE at every round → to N
  const flat = await run(fig06r, (q) => alive(q).filter((k) => k !== 2));
  if (flat.look !== 5 || flat.undecided.join() !== early.claims[1].name) {
    throw new Error(`flat: round ${flat.look}, undecided ${flat.undecided}`);
  }
  if (flat.claims[0].verdict !== "PASS" || flat.rr.summary().decidedAt[flat.claims[0].name] !== 1) {
    throw new Error("k = 1 decided at round 1 stands");
  }
});

/** The largest rate `runs` runs may show when the true rate is at most `bound`. */
const ceiling = (bound: number, runs: number) =>
  bound + 3 * Math.sqrt((bound * (1 - bound)) / runs);

/** Runs per scenario in the unit tier: fewer where a run is long (thousands of units). */
const runsFor = (sc: Scenario) => (sc.units[sc.units.length - 1] > 3000 ? 400 : 1000);

Deno.test("simulation: on every sweep figure's paper-scale schedule, false PASS and false FAIL stay within the design's bound over the looks", () => {
  const seed = 20261202;
  const bad: string[] = [];
  for (const { claim, scenarios } of paperScenarios()) {
    console.log(claim);
    for (const sc of scenarios) {
      const R = runsFor(sc), r = simulate(sc, R, seed);
      const b = sideBound(sc), top = ceiling(b, R);
      const f = (v: number) => (v / R).toFixed(4);
      console.log(
        `  [${sc.truth}] ${sc.label}: PASS ${f(r.PASS)} FAIL ${f(r.FAIL)} INCONCLUSIVE ${
          f(r.INCONCLUSIVE)
        }; mean units ${r.meanUnits.toFixed(0)} of ${sc.units.at(-1)} (R = ${R}, bound ${b} → ${
          top.toFixed(4)
        })`,
      );
      // inside the rule's indifference zone: measured and printed, not held
      if (sc.truth === "indifferent") continue;
      if (sc.truth !== "true" && r.PASS / R > top) {
        bad.push(`${sc.label} [${sc.truth}]: false PASS ${f(r.PASS)} > ${top.toFixed(4)}`);
      }
      if (sc.truth !== "false" && r.FAIL / R > top) {
        bad.push(`${sc.label} [${sc.truth}]: false FAIL ${f(r.FAIL)} > ${top.toFixed(4)}`);
      }
    }
  }
  if (bad.length) throw new Error(bad.join("\n"));
});

Deno.test("simulation through the library: SequentialRounds on each run's looks ends where the first crossing does", () => {
  // the figure gives its fixed-n verdicts; the library must turn them into the design's
  const picks = paperScenarios().flatMap((g) => g.scenarios)
    .filter((sc) => sc.kind !== "equivalence" && sc.units.at(-1)! <= 3000);
  const fixed = new SequentialDesign([1]), u = rng(3);
  let runs = 0;
  for (const sc of picks) {
    const design = new SequentialDesign(sc.units.map((v) => v / sc.units.at(-1)!));
    for (let r = 0; r < 40; r++, runs++) {
      const look = sc.start(u);
      const rr = new SequentialRounds({
        trials: sc.units,
        claims: [{ name: "c", cut: true, why: "simulated", units: sc.units }],
      });
      let first: string | undefined, lib = "";
      for (let j = 1; j <= sc.units.length; j++) {
        const d = look(j, design.at(j, sc.alpha).nominal);
        const own = decideAtLook({ inputs: d.inputs, design, look: j, alpha: sc.alpha });
        if (!first && own.outcome !== "INCONCLUSIVE") first = own.outcome;
        const verdict = decideAtLook({ inputs: d.inputs, design: fixed, look: 1, alpha: sc.alpha });
        const seen = rr.observe(j, [{
          name: "c",
          verdict: verdict.outcome,
          evidence: { alpha: sc.alpha, inputs: d.inputs },
        }]);
        lib = seen.claims[0].verdict;
        if (seen.stop) break;
      }
      if (lib !== (first ?? "INCONCLUSIVE")) {
        throw new Error(`${sc.label} run ${r}: library ${lib}, first crossing ${first}`);
      }
    }
  }
  console.log(
    `  ${runs} runs of ${picks.length} scenarios: the library's verdicts equal the first crossings`,
  );
});

Deno.test("simulation control: the fixed-n rule at every look of the same schedule exceeds the bound (the check can fail)", () => {
  // Fig. 5's p sweep under no effect, every look at α = 0.05 with no spending
  const sc = paperScenarios()[0].scenarios.find((s) => s.truth === "boundary")!;
  const R = 1000, u = rng(7), fixed = new SequentialDesign([1]);
  let pass = 0;
  for (let r = 0; r < R; r++) {
    const look = sc.start(u);
    for (let j = 1; j <= sc.units.length; j++) {
      const d = decideAtLook({ inputs: look(j, 0.05).inputs, design: fixed, look: 1, alpha: 0.05 });
      if (d.outcome !== "INCONCLUSIVE") {
        if (d.outcome === "PASS") pass++;
        break;
      }
    }
  }
  const top = ceiling(sideBound(sc), R);
  console.log(
    `  naive looks, ${sc.label}: false PASS ${(pass / R).toFixed(4)} (bound → ${top.toFixed(4)})`,
  );
  if (!(pass / R > top)) throw new Error(`naive looks stayed within the bound: ${pass / R}`);
});

Deno.test("not cut: the claims whose statistic depends on n are data, and a figure with one runs one round at N", () => {
  const listed = notCut().map((x) => `${x.figure}: ${x.claim}`);
  for (const x of listed) console.log(`  not cut: ${x}`);
  const want = [
    "fig6l: survival rate rises with the initial signal: Pearson r, its p-value",
    "fig6l: Pearson r(initial signal, survival rate) carried to 50 trials per rate, against the paper's 0.85",
    "fig7: linear SVM accuracy on (step-4 gradient, initial signal), held-out 20 %",
    "fig11: d = 128: circularity at init, survived vs died: Student's t",
  ];
  if (listed.join("\n") !== want.join("\n")) throw new Error(listed.join("\n"));
  for (const id of ["fig6l", "fig7", "fig11"]) {
    const fig = figureById(id)!, plan = roundsPlan(fig, "paper");
    const r = new SequentialRounds(plan);
    const N = figureRequests(fig, "paper").length;
    if (r.cut || plan.trials.join() !== String(N) || plan.claims.some((c) => c.cut)) {
      throw new Error(`${id}: ${JSON.stringify(plan)}`);
    }
  }
});

Deno.test("not cut, why: a correlation over rates estimated from m trials each is attenuated at small m (Fig. 6 left's design)", () => {
  // 10 embeddings × 29 frequencies: survival probability logistic in the initial signal; the
  // rate of each from m trials; E[r(signal, rate)] over 200 draws at m = 4 (a first round) and
  // m = 50 (the paper's)
  const points = 290, u = rng(11);
  const signal = Array.from({ length: points }, () => u());
  const prob = signal.map((s) => 1 / (1 + Math.exp(-6 * (s - 0.5))));
  const meanR = (m: number) => {
    let s = 0;
    for (let d = 0; d < 200; d++) {
      const rate = prob.map((q) => {
        let k = 0;
        for (let i = 0; i < m; i++) if (u() < q) k++;
        return k / m;
      });
      s += pearson(signal, rate).r / 200;
    }
    return s;
  };
  const small = meanR(4), paper = meanR(50);
  console.log(`  E[r] at m = 4: ${small.toFixed(4)}, at m = 50: ${paper.toFixed(4)}`);
  // each mean's Monte-Carlo sd is below 0.003; a difference of 0.05 is far outside it
  if (!(paper - small > 0.05)) throw new Error(`no attenuation: ${small} vs ${paper}`);
});

Deno.test("exact: the rate claims' error at their bound over the real looks (binomial recursion), each side ≤ α/2", () => {
  for (const { claim, scenarios } of paperScenarios()) {
    for (const sc of scenarios.filter((s) => s.kind === "rate" && s.truth === "boundary")) {
      const N = sc.units.at(-1)!, design = new SequentialDesign(sc.units.map((v) => v / N));
      const nominal = sc.units.map((_, j) => design.at(j + 1, sc.alpha).nominal);
      // the scenario's label names its bound and side
      const m = / rate ([\d.]+) (above|below) ([\d.]+)$/.exec(sc.label)!;
      const r = rateLooks({ n: sc.units, nominal, bound: +m[3], side: m[2] as "above", q: +m[1] });
      const pass = r.pass.reduce((s, v) => s + v, 0), fail = r.fail.reduce((s, v) => s + v, 0);
      console.log(
        `  ${claim}: at the bound, false PASS ${pass.toExponential(3)}, false FAIL ${
          fail.toExponential(3)
        }`,
      );
      if (pass > sc.alpha / 2 || fail > sc.alpha / 2) {
        throw new Error(`${sc.label}: ${pass} ${fail}`);
      }
    }
  }
});
