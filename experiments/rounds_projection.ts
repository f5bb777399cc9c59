/**
 * The expected trials of `--until-claims-decided` for a figure, planned from an earlier run's
 * claims (a quick-scale report): each cut claim's fixed-n evidence as that run measured it carried
 * to the figure's rounds at the target scale (`../analysis/sequential_plan.ts`: a direction by its
 * z per √unit, a rate at its measured rate, "all" / "sometimes" at their measured rates), the
 * figure stopping at the first round where all its claims are decided (claims taken as
 * independent), and the expected trials Σ P(stop at round j)·trials_j against the scale's N.
 * `reproduce --plan --until-claims-decided --plan-from DIR` prints it; docs/sequential.md records
 * the paper-scale projection.
 *
 * @module
 */
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";
import { mayCut, rounds, roundsPlan } from "../paper/rounds.ts";
import { keyRequest, type TrialRequest } from "../store/requests.ts";
import { canonicalJson } from "../store/store.ts";
import { costPlan, type PlanOptions } from "./cost_plan.ts";
import { decidedBy, planLooks } from "../analysis/sequential_plan.ts";
import { type DecisionInputs, SequentialDesign } from "../analysis/sequential.ts";

/** A claim as an earlier run's report.json holds it (the fields the projection reads). */
export interface MeasuredClaim {
  name: string;
  verdict: string;
  evidence?: {
    n?: number;
    test?: string;
    statistic?: number | null;
    pValue?: number | null;
    inputs?: DecisionInputs;
  };
}

/** A figure's projected rounds. */
export interface RoundsProjection {
  figure: string;
  /** The trials at each round; the last is the scale's N. */
  rounds: number[];
  /** P(every claim decided by round j). */
  decidedByRound: number[];
  /** The expected trials at the stop. */
  expected: number;
  /** Per claim: what was measured and P(decided by round j); "absent" where the report lacks it
   * (then it is never counted as decided before the last round). */
  claims: { name: string; measured: string; decidedBy: number[] }[];
}

/** The claimed sign of each figure's direction claims (Fig. 4: lower loss; Fig. 10: fewer). */
const SIGN: Record<string, 1 | -1> = { fig4: -1, fig10: -1 };

/** A measured claim's decision inputs: recorded in its evidence, or read back from the test's
 * words and numbers (reports written before the inputs were recorded). */
export function inputsOf(fig: string, c: MeasuredClaim): DecisionInputs | undefined {
  const e = c.evidence, n = e?.n ?? 0, test = e?.test ?? "", s = e?.statistic;
  if (e?.inputs) return e.inputs;
  if (!e || !n || s === null || s === undefined) return undefined;
  const bound = /wholly ([≥<≤>]) ([\d.]+)/.exec(test);
  if (test.startsWith("Clopper") && bound) {
    const side = bound[1] === "≥" || bound[1] === ">" ? "above" : "below";
    return { kind: "rate", k: Math.round(s * n), n, bound: +bound[2], side };
  }
  if (test.startsWith("every case")) return { kind: "universal", exceptions: s, n };
  if (test.startsWith("some case")) {
    return { kind: "existential", hits: s, n, notAll: test.includes("not every") };
  }
  if (e.pValue === null || e.pValue === undefined) return undefined;
  return { kind: "direction", effect: s, p: e.pValue, sign: SIGN[fig] ?? 1 };
}

/**
 * The projection of a figure's rounds at `scale` from `measured` claims (undefined: no earlier
 * run, so the figure is planned at N). A figure that is not cut has one round at N.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { projectRounds } from "./rounds_projection.ts";
 * import { figureById } from "../paper/figures.ts";
 * const p = projectRounds(figureById("fig6r")!, "paper", undefined);
 * assertEquals([p.rounds.join(" "), p.expected], ["112 208 400 800 1600", 1600]);
 * ```
 */
export function projectRounds(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  scale: Scale,
  measured: MeasuredClaim[] | undefined,
): RoundsProjection {
  const plan = roundsPlan(fig, scale), N = plan.trials.at(-1)!;
  if (!mayCut(fig) || plan.trials.length === 1 || measured === undefined) {
    return {
      figure: fig.id,
      rounds: plan.trials,
      decidedByRound: plan.trials.map((_, j) => (j === plan.trials.length - 1 ? 1 : 0)),
      expected: N,
      claims: [],
    };
  }
  const claims = plan.claims.map((c) => {
    const q = measured.find((x) => x.name === c.name);
    const inputs = q && inputsOf(fig.id, q);
    const units = c.units!, total = units.at(-1)!;
    const t = units.map((v) => v / total);
    const distinct = t.filter((v, i) => i === 0 || v > t[i - 1]);
    const lookOf = t.map((v) => distinct.indexOf(v));
    const design = new SequentialDesign(distinct);
    const byLook = inputs
      ? decidedBy(planLooks({
        inputs,
        measuredN: q!.evidence!.n!,
        design,
        units: units.filter((v, i) => i === 0 || v > units[i - 1]),
        alpha: 0.05,
      }))
      : distinct.map(() => 0);
    return {
      name: c.name,
      measured: q
        ? `${q.verdict} n=${q.evidence?.n} p=${q.evidence?.pValue} stat=${q.evidence?.statistic}`
        : "absent",
      decidedBy: lookOf.map((j) => byLook[j]),
    };
  });
  const all = plan.trials.map((_, j) => claims.reduce((s, c) => s * c.decidedBy[j], 1));
  let expected = 0, before = 0;
  for (const [j, n] of plan.trials.entries()) {
    const last = j === plan.trials.length - 1;
    expected += (last ? 1 - before : all[j] - before) * n;
    before = last ? 1 : all[j];
  }
  return { figure: fig.id, rounds: plan.trials, decidedByRound: all, expected, claims };
}

/** What {@linkcode unionRounds} projects for several figures together. */
export interface UnionProjection {
  /** Expected distinct trials trained. */
  trials: number;
  /** Expected core seconds (CPU backends; device seconds on a GPU) of training them. */
  busySeconds: number;
  /** The same counted figure by figure, a trial shared by two figures counted twice. */
  apartSeconds: number;
}

/**
 * The expected cost of several figures under `--until-claims-decided` counting each trial once:
 * a trial is trained when some figure that reads it reaches the first round that holds it, each
 * figure reaching round r with the chance its projection gives (1 − P(all its claims decided by
 * round r − 1)), figures taken as independent. A trial two figures share (Fig. 14 reads Fig. 5's
 * p sweep) is trained when either needs it, so a figure's early stop saves only the trials no
 * other figure still needs. `base(fig)` says whether its survival trials stop at the early stop
 * (`--until-decided`). Costs are `costPlan`'s per trial (its probes, its store: a stored trial
 * costs nothing).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { projectRounds, unionRounds } from "./rounds_projection.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { asmBackend } from "../core_asm/asm_backend.ts";
 * const store = await ResultsStore.open(":memory:");
 * const probe = () => Promise.resolve({ logged: 10, unlogged: 6, batch: 1 });
 * const figs = ["fig5", "fig14"].map((id) => figureById(id)!);
 * const u = await unionRounds(figs, "quick", {
 *   projections: new Map(figs.map((f) => [f.id, projectRounds(f, "quick", undefined)])),
 *   untilDecided: () => false,
 *   plan: { store, backend: asmBackend, workers: 2, probe },
 * });
 * // planned at N (no claims to plan from): every trial once, the shared ones not twice
 * assertEquals(u.busySeconds < u.apartSeconds, true);
 * store.close();
 * ```
 */
export async function unionRounds(
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[],
  scale: Scale,
  o: {
    projections: Map<string, RoundsProjection>;
    untilDecided: (fig: Figure<unknown>) => boolean;
    plan: PlanOptions;
  },
): Promise<UnionProjection> {
  // each distinct trial: its request and the chance that no figure needing it reaches its round
  const trials = new Map<string, { req: TrialRequest; untrained: number }>();
  let apartSeconds = 0;
  for (const fig of figs) {
    const ud = o.untilDecided(fig);
    const proj = o.projections.get(fig.id) ?? projectRounds(fig, scale, undefined);
    const looks = proj.rounds.length > 1 ? rounds(fig, scale) : [{ look: 1, params: undefined }];
    if (looks.length !== proj.rounds.length) {
      throw new Error(
        `${fig.id}: ${looks.length} rounds against its projection's ${proj.rounds.length}`,
      );
    }
    const firstRound = new Map<string, { req: TrialRequest; round: number }>();
    looks.forEach((l, r) => {
      const reqs = figureRequests(fig, scale, ud, l.params ?? fig.params[scale]);
      for (const req of reqs) {
        const id = canonicalJson(keyRequest(req));
        if (!firstRound.has(id)) firstRound.set(id, { req, round: r });
      }
    });
    const reach = (r: number) => (r === 0 ? 1 : 1 - proj.decidedByRound[r - 1]);
    const own: { req: TrialRequest; p: number }[] = [];
    for (const [id, { req, round }] of firstRound) {
      const p = reach(round);
      own.push({ req, p });
      const t = trials.get(id) ?? { req, untrained: 1 };
      t.untrained *= 1 - p;
      trials.set(id, t);
    }
    apartSeconds += await weighted(own, o.plan);
  }
  const all = [...trials.values()].map((t) => ({ req: t.req, p: 1 - t.untrained }));
  return {
    trials: all.reduce((s, t) => s + t.p, 0),
    busySeconds: await weighted(all, o.plan),
    apartSeconds,
  };
}

/** Σ p × the trial's cost, the trials grouped by their p (costPlan shares its probes). */
async function weighted(trials: { req: TrialRequest; p: number }[], plan: PlanOptions) {
  const byP = new Map<number, TrialRequest[]>();
  for (const t of trials) {
    if (t.p <= 0) continue;
    const p = Math.round(t.p * 1e9) / 1e9;
    const list = byP.get(p);
    if (list) list.push(t.req);
    else byP.set(p, [t.req]);
  }
  let s = 0;
  for (const [p, reqs] of byP) s += p * (await costPlan(reqs, plan)).busySeconds;
  return s;
}
