/**
 * A figure's trials in rounds, until its claims are decided: a pure decision procedure over looks.
 * It is given the figure's claims (which may be cut before the paper's N, and each cut claim's
 * planned units at every round), the schedule of rounds (the figure's trials at each round, in the
 * paper's own order, the last the paper's N), and after each round the claims as the figure
 * computed them on the trials so far (their fixed-n verdicts and decision inputs). It decides each
 * claim again at the look's level of a group-sequential design (`sequential.ts`), keeps a
 * spending rule's first PASS or FAIL, and says whether to stop: when no claim is left
 * INCONCLUSIVE, or at the last round.
 *
 * A plan with a claim that may not be cut runs in one round, at the paper's N, decided by the
 * fixed-n rules: looking earlier would spend α for no trial saved. Which claims those are is data
 * the figure gives (`../paper/rounds.ts`).
 *
 * @module
 */
import { AnalysisError } from "./fourier.ts";
import {
  decideAtLook,
  type DecisionInputs,
  designWords,
  MONOTONE_WORDS,
  SequentialDesign,
  type SequentialEvidence,
  type Spending,
  SPENDING_KINDS,
} from "./sequential.ts";

/** How one claim goes through the rounds. */
export interface RoundsClaim {
  name: string;
  /** Whether the rounds may stop on this claim's verdict before the paper's N. */
  cut: boolean;
  /** Why it may (what makes its looks valid) or may not (what depends on n). */
  why: string;
  /** Cut claims: the planned units at each round (non-decreasing, the last the paper's); a
   * look's information fraction is its units over the last. */
  units?: number[];
}

/** A figure's rounds: the trials at each round (increasing, the last the paper's N) and its
 * claims. */
export interface RoundsPlan {
  trials: number[];
  claims: RoundsClaim[];
  spending?: Spending;
}

/** What the rounds read of a claim computed on a round's trials (`paper/claims.ts`'s `Claim` is
 * one). */
export interface LookClaim {
  /** The claim's name, unique in its figure (or sweep). */
  name: string;
  /** PASS, FAIL, INCONCLUSIVE, UNTESTED or REPORTED. */
  verdict: string;
  /** What the verdict rests on, in words. */
  note?: string;
  /** The rule's level and inputs (the rounds decide from these again at each look). */
  evidence?: {
    alpha: number;
    inputs?: DecisionInputs;
    sequential?: SequentialEvidence;
  };
}

/** What the rounds did, for the report and the store key. */
export interface RoundsSummary {
  /** Whether the figure ran in rounds (every claim may be cut, more than one round). */
  cut: boolean;
  /** The round it stopped at (0 before the first), of how many. */
  stoppedAt: number;
  /** The rounds of the plan as run. */
  rounds: number;
  /** The figure's trials at the stop, against the paper's N. */
  trials: { at: number; of: number };
  /** The α-spending function of the design. */
  spending: Spending;
  /** The round at which each claim was decided (null: not decided). */
  decidedAt: Record<string, number | null>;
}

/** A plan that runs in rounds collapsed to one round where a claim may not be cut. */
function effectivePlan(plan: RoundsPlan): RoundsPlan {
  const { trials, claims } = plan;
  const ok = trials.length >= 1 &&
    trials.every((n, i) => Number.isInteger(n) && n >= 1 && (i === 0 || n > trials[i - 1]));
  if (!ok) {
    throw new AnalysisError(
      `rounds of ${trials.join(", ")} trials: allowed are increasing integers >= 1`,
    );
  }
  const names = new Set(claims.map((c) => c.name));
  if (names.size !== claims.length) throw new AnalysisError("rounds: a claim named twice");
  for (const c of claims) {
    if (!c.cut) continue;
    const u = c.units;
    if (
      !u || u.length !== trials.length || !u.every((v, i) => v > 0 && (i === 0 || v >= u[i - 1]))
    ) {
      throw new AnalysisError(
        `claim "${c.name}": units ${
          u?.join(", ")
        }: allowed are ${trials.length} non-decreasing values > 0`,
      );
    }
  }
  if (claims.every((c) => c.cut)) return plan;
  return {
    ...plan,
    trials: [trials[trials.length - 1]],
    claims: claims.map((c) => ({ ...c, cut: false })),
  };
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/**
 * The rounds of one figure as they go: give it each round's claims ({@linkcode
 * SequentialRounds.observe}); it decides each again at the round's level and says when to stop.
 *
 * @example
 * ```ts
 * import { SequentialRounds } from "./sequential_rounds.ts";
 * const r = new SequentialRounds({
 *   trials: [16, 32, 64, 128, 256],
 *   claims: [{ name: "rises", cut: true, why: "a trend over trials", units: [16, 32, 64, 128, 256] }],
 * });
 * // p = 1e-20 at round 1: past the O'Brien–Fleming-type boundary (nominal ≈ 6.2e-19), decided
 * const seen = r.observe(1, [{
 *   name: "rises",
 *   verdict: "PASS",
 *   evidence: { alpha: 0.05, inputs: { kind: "direction", effect: 0.6, p: 1e-20, sign: 1 } },
 * }]);
 * if (!(seen.stop && seen.claims[0].verdict === "PASS")) throw new Error(JSON.stringify(seen));
 * if (r.summary().trials.at !== 16) throw new Error(JSON.stringify(r.summary()));
 * ```
 */
export class SequentialRounds {
  /** The plan as run: one round where a claim may not be cut. */
  readonly plan: RoundsPlan;
  readonly spending: Spending;
  readonly #claims: Map<string, RoundsClaim>;
  readonly #designs = new Map<string, { design: SequentialDesign; lookOf: number[] }>();
  readonly #frozen = new Map<string, LookClaim>();
  readonly #decided = new Map<string, number | null>();
  #stoppedAt = 0;

  constructor(plan: RoundsPlan) {
    this.plan = effectivePlan(plan);
    this.spending = plan.spending ?? "obrien-fleming";
    this.#claims = new Map(this.plan.claims.map((c) => [c.name, c]));
  }

  /** Rounds of the plan as run. */
  get rounds(): number {
    return this.plan.trials.length;
  }

  /** Whether the figure runs in rounds. */
  get cut(): boolean {
    return this.rounds > 1;
  }

  /** A cut claim's design: its distinct looks' information fractions (rounds where its units do
   * not grow are one look) and which look each round is. */
  design(name: string): { design: SequentialDesign; lookOf: number[] } {
    const known = this.#designs.get(name);
    if (known) return known;
    const c = this.#claims.get(name);
    if (!c?.units) throw new AnalysisError(`claim "${name}": not a cut claim of these rounds`);
    const N = c.units[c.units.length - 1];
    const t = c.units.map((v) => v / N);
    const distinct = t.filter((v, i) => i === 0 || v > t[i - 1]);
    const out = {
      design: new SequentialDesign(distinct, this.spending),
      lookOf: t.map((v) => distinct.indexOf(v) + 1),
    };
    this.#designs.set(name, out);
    return out;
  }

  /**
   * Round `look`'s claims (the figure computed on that round's trials, by its fixed-n rules):
   * each decided at the round's level; `stop` when every claim is PASS or FAIL (REPORTED ones
   * aside) or the round is the last. Every claim of the plan must be there, and no other.
   */
  observe<C extends LookClaim>(
    look: number,
    claims: C[],
  ): { claims: C[]; stop: boolean; undecided: string[] } {
    if (!(Number.isInteger(look) && look === this.#stoppedAt + 1 && look <= this.rounds)) {
      throw new AnalysisError(
        `round ${look}: allowed is the next round, ${this.#stoppedAt + 1} of ${this.rounds}`,
      );
    }
    const given = claims.map((c) => c.name).sort().join("\n");
    const planned = [...this.#claims.keys()].sort().join("\n");
    if (given !== planned) {
      throw new AnalysisError(`round ${look}: claims\n${given}\nagainst the plan's\n${planned}`);
    }
    this.#stoppedAt = look;
    const out = claims.map((c) => {
      if (!this.cut) return c;
      const frozen = this.#frozen.get(c.name) as C | undefined;
      if (frozen) return frozen;
      const s = this.#atLook(c, look);
      const kind = c.evidence?.inputs?.kind;
      if (kind && SPENDING_KINDS.includes(kind) && s.verdict !== "INCONCLUSIVE") {
        this.#frozen.set(c.name, s);
      }
      return s;
    });
    // decided: PASS or FAIL; a REPORTED claim has no verdict to wait for; INCONCLUSIVE and
    // UNTESTED wait for the next round
    const decided = (v: string) => v === "PASS" || v === "FAIL";
    for (const c of out) {
      const prev = this.#decided.get(c.name);
      this.#decided.set(c.name, decided(c.verdict) ? (prev ?? look) : null);
    }
    const undecided = out.filter((c) => !decided(c.verdict) && c.verdict !== "REPORTED").map((c) =>
      c.name
    );
    return { claims: out, stop: look === this.rounds || undecided.length === 0, undecided };
  }

  /** One claim at a look of its design. */
  #atLook<C extends LookClaim>(c: C, look: number): C {
    const { design, lookOf } = this.design(c.name);
    const j = lookOf[look - 1], e = c.evidence;
    // only a PASS or FAIL is decided again: the look's level is at most the claim's α, so a
    // fixed-n INCONCLUSIVE stays so; other verdicts (REPORTED, UNTESTED) stand as given
    if (!e || (c.verdict !== "PASS" && c.verdict !== "FAIL")) {
      return e ? { ...c, evidence: { ...e, sequential: undecidedEvidence(design, j, e) } } : c;
    }
    if (!e.inputs) throw new AnalysisError(`claim "${c.name}" records no decision inputs`);
    if (e.inputs.kind === "equivalence") {
      throw new AnalysisError(
        `claim "${c.name}": an equivalence band is not cut (it needs its interval at each look's level)`,
      );
    }
    const d = decideAtLook({ inputs: e.inputs, design, look: j, alpha: e.alpha });
    const spends = SPENDING_KINDS.includes(e.inputs.kind);
    const words = spends
      ? `round ${look} of ${this.rounds} (information ${
        num(d.evidence.fraction)
      }): at this look's level α = ${num(d.evidence.nominalAlpha)} (${d.evidence.design})`
      : `round ${look} of ${this.rounds}: ${d.evidence.design}`;
    return {
      ...c,
      verdict: d.outcome,
      note: [c.note, words, d.outcome === "INCONCLUSIVE" ? "not yet decided at this look" : ""]
        .filter(Boolean).join("; "),
      evidence: { ...e, sequential: d.evidence },
    };
  }

  /** What the rounds did. */
  summary(): RoundsSummary {
    const { trials } = this.plan;
    return {
      cut: this.cut,
      stoppedAt: this.#stoppedAt,
      rounds: this.rounds,
      trials: {
        at: this.#stoppedAt ? trials[this.#stoppedAt - 1] : 0,
        of: trials[trials.length - 1],
      },
      spending: this.spending,
      decidedAt: Object.fromEntries(this.#decided),
    };
  }
}

/** The look's evidence of a claim not decided again (its verdict is the figure's). */
function undecidedEvidence(
  design: SequentialDesign,
  look: number,
  e: NonNullable<LookClaim["evidence"]>,
): SequentialEvidence {
  const b = design.at(look, e.alpha);
  const spends = e.inputs !== undefined && SPENDING_KINDS.includes(e.inputs.kind);
  return {
    look,
    looks: design.looks,
    fraction: b.fraction,
    nominalAlpha: spends ? b.nominal : e.alpha,
    spentAlpha: spends ? b.spent : e.alpha,
    design: spends ? designWords(design, e.alpha) : MONOTONE_WORDS,
  };
}
