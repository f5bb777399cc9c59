/**
 * Decisions over repeated looks: a group-sequential design with Lan–DeMets α spending, so that a
 * claim decided on the trials of a round, with more rounds to come, keeps the error rates of the
 * fixed-n rules (`decide.ts`).
 *
 * The trials of a figure come in rounds (seeds in order within each configuration, every
 * configuration in each round); look j sees a fraction t_j of the paper's units (the information
 * fraction), fixed by the schedule before the run. Under the canonical joint distribution of the
 * looks' z statistics (Brownian motion in t: Z_j ~ N(η√t_j, 1), Cov(Z_i, Z_j) = √(t_i/t_j)) the
 * boundary c_j is the one at which the two-sided chance of a first crossing at look j is
 * α(t_j) − α(t_{j−1}), α(t) a spending function with α(1) = α ({@linkcode boundaries}: recursive
 * numerical integration, Armitage–McPherson–Rowe). Each rule is then applied at look j with its
 * **nominal** level 2·Q(c_j) in place of α:
 *
 * - a direction (a two-sided test's significant sign): p < nominal_j; PASS and FAIL each spend
 *   α/2 (the two sides of a symmetric design);
 * - "every part" (intersection–union PASS, Bonferroni FAIL): PASS when every part has p <
 *   nominal_j(α), FAIL when one part is against at nominal_j(α/m);
 * - a rate against a bound: the exact binomial tail at the bound below nominal_j/2 (the
 *   Clopper–Pearson (1 − nominal_j) interval wholly on one side);
 * - an equivalence band: the figure's interval at level 1 − nominal_j inside (PASS) or wholly
 *   outside (FAIL) the band — two one-sided tests, each spending α/2;
 * - "all" / "sometimes": monotone in the trials (an exception is a fact, and "no exception in n ≥
 *   59 cases" can only happen once along the looks), so they need no spending: the fixed rule at
 *   each look, its reading on all the trials seen standing.
 *
 * A direction or rate claim's verdict is the one at its first crossing (later looks do not
 * change it: the spending bounds the chance of a wrong first crossing). The default spending is
 * O'Brien–Fleming-type, α(t) = 4·Q(z_{1−α/4}/√t): it spends almost nothing at early looks (a
 * claim decided there is decided by a large margin) and leaves the last look's boundary close to
 * the fixed-n one (1.969 against 1.960 at α = 0.05 over the doubling schedule), so a claim the paper's
 * N decides is still decided. Pocock-type spending, α·ln(1 + (e − 1)t), is there to compare.
 *
 * @module
 */
import jstat from "jstat";
import { AnalysisError } from "./fourier.ts";
import { direction, existential, type Outcome, universal } from "./decide.ts";

// deno-lint-ignore no-explicit-any
const J = jstat as any;

/** The spending functions of Lan and DeMets (1983). */
export type Spending = "obrien-fleming" | "pocock";

/** The standard normal density. */
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/**
 * The standard normal upper tail Q(z) = P(Z > z), to full relative precision far into the tail
 * (the Laplace continued fraction of the Mills ratio beyond z = 3, where erfc loses digits).
 *
 * @example
 * ```ts
 * import { normalTail } from "./sequential.ts";
 * const q = normalTail(10); // 7.619853024160527e-24
 * if (Math.abs(q / 7.619853024160527e-24 - 1) > 1e-12) throw new Error(String(q));
 * ```
 */
export function normalTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 1 - normalTail(-z);
  if (z < 3) return J.erfc(z / Math.SQRT2) / 2;
  // Q(z)/φ(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated from the tail
  let f = z;
  for (let k = z < 4 ? 50 : z < 6 ? 25 : 16; k >= 1; k--) f = z + k / f;
  return phi(z) / f;
}

/**
 * The z with Q(z) = q (0 < q < 1), exact to rounding also for tiny q.
 *
 * @example
 * ```ts
 * import { normalTail, normalTailInverse } from "./sequential.ts";
 * const z = normalTailInverse(1e-20);
 * if (Math.abs(normalTail(z) / 1e-20 - 1) > 1e-10) throw new Error(String(z));
 * ```
 */
export function normalTailInverse(q: number): number {
  if (!(q > 0 && q < 1)) throw new AnalysisError(`tail ${q}: allowed is 0 < q < 1`);
  if (q > 0.5) return -normalTailInverse(1 - q);
  let z = q > 1e-300 ? Math.sqrt(-2 * Math.log(q)) : 38;
  // Newton on ln Q(z) − ln q: (ln Q)' = −φ/Q
  for (let i = 0; i < 60; i++) {
    const Q = normalTail(z);
    const step = (Math.log(Q) - Math.log(q)) / (phi(z) / Q);
    z += step;
    if (Math.abs(step) < 1e-13 * Math.max(1, z)) break;
  }
  return z;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new AnalysisError(`alpha ${alpha}: allowed is 0 < α < 1`);
}

/**
 * The two-sided error spent by information fraction t (0 ≤ t ≤ 1): O'Brien–Fleming-type
 * 4·Q(z_{1−α/4}/√t) (each side α/2 by the one-sided O'Brien–Fleming-type function), or
 * Pocock-type α·ln(1 + (e − 1)t). Both reach α at t = 1.
 *
 * @example
 * ```ts
 * import { spent } from "./sequential.ts";
 * console.log(spent("obrien-fleming", 0.05, 1).toFixed(4), spent("pocock", 0.05, 1).toFixed(4)); // 0.0500 0.0500
 * if (!(spent("obrien-fleming", 0.05, 0.25) < 1e-4)) throw new Error("spends little early");
 * ```
 */
export function spent(spending: Spending, alpha: number, t: number): number {
  checkAlpha(alpha);
  if (!(t >= 0 && t <= 1)) throw new AnalysisError(`fraction ${t}: allowed is 0 <= t <= 1`);
  if (t === 0) return 0;
  if (spending === "pocock") return alpha * Math.log(1 + (Math.E - 1) * t);
  return Math.min(alpha, 4 * normalTail(normalTailInverse(alpha / 4) / Math.sqrt(t)));
}

/** One look of a design: where it stands and what it takes to decide there. */
export interface LookBoundary {
  /** 1-based. */
  look: number;
  /** Information fraction: the look's planned units over the paper's. */
  fraction: number;
  /** Two-sided error spent up to and including this look. */
  spent: number;
  /** |Z| at or beyond which the look decides. */
  z: number;
  /** The two-sided nominal level of the look, 2·Q(z): a rule applied at this α. */
  nominal: number;
}

/** A design's looks and spending. */
export interface DesignSpec {
  /** Information fractions of the looks, increasing, the last 1. */
  fractions: number[];
  alpha: number;
  spending?: Spending;
}

function checkFractions(fractions: number[]): void {
  const ok = fractions.length >= 1 &&
    fractions.every((t, i) => t > 0 && t <= 1 && (i === 0 || t > fractions[i - 1])) &&
    fractions[fractions.length - 1] === 1;
  if (!ok) {
    throw new AnalysisError(
      `fractions ${fractions.join(", ")}: allowed are increasing values in (0, 1], the last 1`,
    );
  }
}

/** A sub-density on a Simpson grid over (−c, c). */
interface Grid {
  z: Float64Array;
  /** Density times Simpson weight at each point. */
  wf: Float64Array;
}

/** Points per grid (odd, Simpson). */
const GRID = 801;
/** Beyond this |z| the null density is below 1e-31: the grid stops there. */
const REACH = 12;

function simpson(c: number, f: (z: number) => number): Grid {
  const half = Math.min(c, REACH), n = GRID, h = (2 * half) / (n - 1);
  const z = new Float64Array(n), wf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = -half + i * h;
    const w = i === 0 || i === n - 1 ? 1 : i % 2 ? 4 : 2;
    wf[i] = (w * h / 3) * f(z[i]);
  }
  return { z, wf };
}

/** The chance, from the sub-density at the previous look, of |Z_k| ≥ c at look k: above and
 * below, under drift η (E[Z at t = 1]). */
function exits(g: Grid, c: number, t0: number, t1: number, eta: number) {
  const d = t1 - t0, sd = Math.sqrt(d), a = Math.sqrt(t0), b = Math.sqrt(t1);
  let up = 0, down = 0;
  for (let i = 0; i < g.z.length; i++) {
    if (g.wf[i] === 0) continue;
    const m = g.z[i] * a + eta * d;
    up += g.wf[i] * normalTail((c * b - m) / sd);
    down += g.wf[i] * normalTail((c * b + m) / sd);
  }
  return { up, down };
}

/** The sub-density of Z_k on (−c, c) given no crossing before. */
function propagate(g: Grid, c: number, t0: number, t1: number, eta: number): Grid {
  const d = t1 - t0, sd = Math.sqrt(d), a = Math.sqrt(t0), b = Math.sqrt(t1);
  return simpson(c, (z) => {
    let s = 0;
    for (let i = 0; i < g.z.length; i++) {
      if (g.wf[i] !== 0) s += g.wf[i] * phi((z * b - g.z[i] * a - eta * d) / sd);
    }
    return (s * b) / sd;
  });
}

const memo = new Map<string, LookBoundary[]>();

/**
 * The boundaries of a design: at each look the |Z| that decides there, found so that the chance
 * of a first crossing up to look k under no effect is the spending function at t_k. Memoised per
 * design.
 *
 * @example
 * ```ts
 * import { boundaries } from "./sequential.ts";
 * // five equally spaced looks, O'Brien–Fleming-type spending, α = 0.05 two-sided (Lan & DeMets)
 * const b = boundaries({ fractions: [0.2, 0.4, 0.6, 0.8, 1], alpha: 0.05 });
 * console.log(b.map((x) => x.z.toFixed(3)).join(" ")); // 4.877 3.357 2.680 2.290 2.031
 * ```
 */
export function boundaries(spec: DesignSpec): LookBoundary[] {
  const { fractions, alpha } = spec, spending = spec.spending ?? "obrien-fleming";
  checkAlpha(alpha);
  checkFractions(fractions);
  const key = JSON.stringify([fractions, alpha, spending]);
  const known = memo.get(key);
  if (known) return known;
  const out: LookBoundary[] = [];
  let g: Grid | undefined, prevT = 0, prevSpent = 0;
  for (const [i, t] of fractions.entries()) {
    const total = spent(spending, alpha, t), target = total - prevSpent;
    let c: number;
    if (!(target > 0)) c = Infinity;
    else if (!g) c = normalTailInverse(target / 2);
    else {
      const exit = (x: number) => {
        const e = exits(g!, x, prevT, t, 0);
        return e.up + e.down;
      };
      let lo = 0, hi = REACH + 30;
      if (exit(hi) > target) c = hi;
      else {
        for (let k = 0; k < 200 && hi - lo > 1e-10; k++) {
          const mid = (lo + hi) / 2;
          if (exit(mid) > target) lo = mid;
          else hi = mid;
        }
        c = (lo + hi) / 2;
      }
    }
    out.push({ look: i + 1, fraction: t, spent: total, z: c, nominal: 2 * normalTail(c) });
    g = g ? propagate(g, c, prevT, t, 0) : simpson(c, phi);
    prevT = t;
    prevSpent = total;
  }
  memo.set(key, out);
  return out;
}

/**
 * The chance of a first crossing at each look, above (+c) and below (−c), when E[Z at t = 1] is
 * η (the drift; 0 under no effect): what a design does under an effect, for planning.
 *
 * @example
 * ```ts
 * import { boundaries, crossings } from "./sequential.ts";
 * const b = boundaries({ fractions: [0.25, 0.5, 1], alpha: 0.05 });
 * const none = crossings(b, 0);
 * const total = none.up.reduce((s, v) => s + v, 0) + none.down.reduce((s, v) => s + v, 0);
 * if (Math.abs(total - 0.05) > 1e-6) throw new Error(String(total));
 * ```
 */
export function crossings(looks: LookBoundary[], eta: number): { up: number[]; down: number[] } {
  const up: number[] = [], down: number[] = [];
  let g: Grid | undefined, prevT = 0;
  for (const b of looks) {
    const t = b.fraction;
    if (!g) {
      up.push(normalTail(b.z - eta * Math.sqrt(t)));
      down.push(normalTail(b.z + eta * Math.sqrt(t)));
      g = simpson(b.z, (z) => phi(z - eta * Math.sqrt(t)));
    } else {
      const e = exits(g, b.z, prevT, t, eta);
      up.push(e.up);
      down.push(e.down);
      g = propagate(g, b.z, prevT, t, eta);
    }
    prevT = t;
  }
  return { up, down };
}

/**
 * Seeds per configuration at each look of the doubling schedule: ⌈M / 2^(K−j)⌉ for j = 1..K
 * (M the paper's trials per configuration), repeats dropped, the last M.
 *
 * @example
 * ```ts
 * import { doublingSchedule } from "./sequential.ts";
 * console.log(doublingSchedule(100).join(" "), "|", doublingSchedule(5).join(" ")); // 7 13 25 50 100 | 1 2 3 5
 * ```
 */
export function doublingSchedule(perConfig: number, looks = 5): number[] {
  const n = Array.from({ length: looks }, (_, j) => doublingCount(perConfig, j + 1, looks));
  return n.filter((v, i) => i === 0 || v > n[i - 1]);
}

/**
 * The doubling schedule's seeds per configuration at round `look` of `looks`: ⌈M / 2^(looks −
 * look)⌉.
 *
 * @example
 * ```ts
 * import { doublingCount } from "./sequential.ts";
 * console.log(doublingCount(50, 1), doublingCount(50, 5)); // 4 50
 * ```
 */
export function doublingCount(perConfig: number, look: number, looks = 5): number {
  if (!(Number.isInteger(perConfig) && perConfig >= 1)) {
    throw new AnalysisError(`trials per configuration ${perConfig}: allowed is an integer >= 1`);
  }
  if (
    !(Number.isInteger(looks) && looks >= 1 && Number.isInteger(look) && look >= 1 && look <= looks)
  ) {
    throw new AnalysisError(`round ${look} of ${looks}: allowed are integers 1 <= look <= looks`);
  }
  return Math.ceil(perConfig / 2 ** (looks - look));
}

/**
 * The exact binomial tails at `q`: P(X ≥ k) and P(X ≤ k) for X ~ Binomial(n, q) (the incomplete
 * beta function, to ~3e-7 relative also in the far tail, where inverting it for a
 * Clopper–Pearson bound loses the answer).
 *
 * @example
 * ```ts
 * import { binomialTails } from "./sequential.ts";
 * const t = binomialTails(3, 3, 0.5);
 * console.log(t.atLeast, t.atMost); // 0.125 1
 * ```
 */
export function binomialTails(
  k: number,
  n: number,
  q: number,
): { atLeast: number; atMost: number } {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new AnalysisError(`${k} of ${n}: allowed are integers 0 <= k <= n`);
  }
  if (!(q >= 0 && q <= 1)) throw new AnalysisError(`rate ${q}: allowed is 0 <= q <= 1`);
  // k = n and k = 0 in closed form; otherwise the incomplete beta (jStat's converges to ~3e-7
  // relative, also far in the tail)
  const atLeast = k === 0 ? 1 : k === n ? q ** n : J.ibeta(q, k, n - k + 1);
  const atMost = k === n ? 1 : k === 0 ? (1 - q) ** n : J.ibeta(1 - q, n - k, k + 1);
  return { atLeast, atMost };
}

/**
 * A rate against a bound at level `alpha`: PASS when the Clopper–Pearson (1 − α) interval of
 * k/n lies wholly on the claimed side of `bound`, FAIL when wholly on the other, else
 * INCONCLUSIVE — decided by the exact binomial tails at the bound (the interval's lower end
 * exceeds the bound exactly when P(X ≥ k | bound) < α/2), so it stays exact at the small α of
 * early looks. At α = 0.05 it is `decide.ts`'s `rateBound`.
 *
 * @example
 * ```ts
 * import { rateAt } from "./sequential.ts";
 * // 320 of 320: the 99.9999 % interval's lower end 0.9576 is below 0.99 (1e-6^(1/320))
 * console.log(rateAt({ k: 320, n: 320, bound: 0.99, side: "above", alpha: 2e-6 })); // INCONCLUSIVE
 * console.log(rateAt({ k: 0, n: 320, bound: 0.5, side: "below", alpha: 1e-12 })); // PASS
 * ```
 */
export function rateAt(
  { k, n, bound, side, alpha }: {
    k: number;
    n: number;
    bound: number;
    side: "above" | "below";
    alpha: number;
  },
): Outcome {
  checkAlpha(alpha);
  if (n === 0) return "INCONCLUSIVE";
  const t = binomialTails(k, n, bound);
  // the interval's low end above the bound: k this large is unlikely at the bound; its high end
  // below: k this small is
  const [claimed, other] = side === "above"
    ? [t.atLeast < alpha / 2, t.atMost < alpha / 2]
    : [t.atMost < alpha / 2, t.atLeast < alpha / 2];
  return claimed ? "PASS" : other ? "FAIL" : "INCONCLUSIVE";
}

/** What a claim's rule decides from: the inputs its figure measured, by kind of rule. */
export type DecisionInputs =
  /** A two-sided test's p and effect, the claimed sign. */
  | { kind: "direction"; effect: number; p: number; sign: 1 | -1 }
  /** Several directions that must all hold (intersection–union PASS, Bonferroni FAIL). */
  | { kind: "every"; parts: { effect: number; p: number }[]; sign: 1 | -1 }
  /** k of n against a bound. */
  | { kind: "rate"; k: number; n: number; bound: number; side: "above" | "below" }
  /** "All": exceptions in n cases. */
  | { kind: "universal"; exceptions: number; n: number }
  /** "Sometimes" (with `notAll`: "sometimes, not always"): hits in n cases. */
  | { kind: "existential"; hits: number; n: number; notAll?: boolean }
  /** An equivalence band: decided only from an interval at the look's level (the figure's). */
  | { kind: "equivalence"; target: number; tolerance: number; scale?: "linear" | "fisher" };

/** The kinds of rule that spend α over the looks (the others are monotone in the trials). */
export const SPENDING_KINDS: readonly DecisionInputs["kind"][] = [
  "direction",
  "every",
  "rate",
  "equivalence",
];

/** A design of looks, its boundaries memoised for each α a rule asks for. */
export class SequentialDesign {
  readonly fractions: number[];
  readonly spending: Spending;

  constructor(fractions: number[], spending: Spending = "obrien-fleming") {
    checkFractions(fractions);
    this.fractions = [...fractions];
    this.spending = spending;
  }

  /** Number of looks. */
  get looks(): number {
    return this.fractions.length;
  }

  /** Look `look` (1-based) of the design at overall level `alpha`. */
  at(look: number, alpha: number): LookBoundary {
    if (!(Number.isInteger(look) && look >= 1 && look <= this.looks)) {
      throw new AnalysisError(`look ${look}: allowed is an integer 1..${this.looks}`);
    }
    return boundaries({ fractions: this.fractions, alpha, spending: this.spending })[look - 1];
  }
}

/** What a decision at a look rests on, beside the fixed-n evidence. */
export interface SequentialEvidence {
  /** The look (1-based). */
  look: number;
  /** How many looks the design has. */
  looks: number;
  /** The look's information fraction. */
  fraction: number;
  /** The level the rule was applied at here (α itself for the monotone rules). */
  nominalAlpha: number;
  /** The error spent up to this look (α·fraction-spending; α for the monotone rules). */
  spentAlpha: number;
  /** The spending function, said. */
  design: string;
}

/** What a rule answers at a look: its outcome there, and continue / decided for the rounds. */
export interface LookDecision {
  outcome: Outcome;
  /** PASS or FAIL: decided here (a spending rule's first decision stands); "continue": more
   * rounds may decide it; INCONCLUSIVE: the last look, undecided. */
  decision: "PASS" | "FAIL" | "continue" | "INCONCLUSIVE";
  evidence: SequentialEvidence;
}

/** How a monotone rule's looks are said. */
export const MONOTONE_WORDS = "monotone in the trials (an exception is a fact; no spending)";

/** The design said in words. */
export function designWords(design: SequentialDesign, alpha: number): string {
  const f = design.fractions.map((t) => t.toFixed(3).replace(/0+$/, "")).join(", ");
  return design.spending === "pocock"
    ? `Lan–DeMets Pocock-type spending of α = ${alpha} over looks at t = ${f}`
    : `Lan–DeMets O'Brien–Fleming-type spending of α = ${alpha} over looks at t = ${f}`;
}

/**
 * A rule at look `look` of `design`: the claim's inputs there (the units of this look), decided
 * at the look's nominal level (spending rules) or by the fixed rule (monotone ones), and whether
 * the rounds may stop for it. An equivalence band needs `interval`, computed by the figure at
 * level 1 − nominal (read it from {@linkcode SequentialDesign.at}).
 *
 * @example
 * ```ts
 * import { decideAtLook, SequentialDesign } from "./sequential.ts";
 * const design = new SequentialDesign([1 / 16, 1 / 8, 1 / 4, 1 / 2, 1]);
 * const inputs = { kind: "direction" as const, effect: 0.3, p: 1e-4, sign: 1 as const };
 * // p = 1e-4 is not enough at look 2 (nominal ≈ 6e-11), enough at the last (≈ 0.046)
 * const early = decideAtLook({ inputs, design, look: 2, alpha: 0.05 });
 * const last = decideAtLook({ inputs, design, look: 5, alpha: 0.05 });
 * console.log(early.decision, last.decision); // continue PASS
 * ```
 */
export function decideAtLook(
  { inputs, design, look, alpha, interval }: {
    inputs: DecisionInputs;
    design: SequentialDesign;
    look: number;
    alpha: number;
    interval?: { low: number; high: number };
  },
): LookDecision {
  const b = design.at(look, alpha);
  const spends = SPENDING_KINDS.includes(inputs.kind);
  let outcome: Outcome;
  switch (inputs.kind) {
    case "direction":
      outcome = direction({
        pValue: inputs.p,
        effect: inputs.effect,
        sign: inputs.sign,
        alpha: b.nominal,
      });
      break;
    case "every": {
      const m = inputs.parts.length;
      const against = design.at(look, alpha / m).nominal;
      const each = inputs.parts.map((x) =>
        direction({ pValue: x.p, effect: x.effect, sign: inputs.sign, alpha: b.nominal })
      );
      const fail = inputs.parts.some((x) =>
        direction({ pValue: x.p, effect: x.effect, sign: inputs.sign, alpha: against }) === "FAIL"
      );
      outcome = fail ? "FAIL" : m > 0 && each.every((o) => o === "PASS") ? "PASS" : "INCONCLUSIVE";
      break;
    }
    case "rate":
      outcome = rateAt({ ...inputs, alpha: b.nominal });
      break;
    case "universal":
      outcome = inputs.n === 0 ? "INCONCLUSIVE" : universal({ ...inputs, alpha });
      break;
    case "existential": {
      outcome = inputs.n === 0 ? "INCONCLUSIVE" : existential({ ...inputs, alpha });
      if (inputs.notAll && outcome === "PASS" && inputs.hits === inputs.n) {
        outcome = existential({ hits: 0, n: inputs.n, alpha }) === "FAIL" ? "FAIL" : "INCONCLUSIVE";
      }
      break;
    }
    case "equivalence": {
      if (!interval) {
        throw new AnalysisError(
          `an equivalence band at look ${look} needs its interval at level ${1 - b.nominal}`,
        );
      }
      const f = inputs.scale === "fisher" ? Math.atanh : (v: number) => v;
      const lo = f(interval.low), hi = f(interval.high), t = f(inputs.target);
      const a = t - inputs.tolerance, c = t + inputs.tolerance;
      outcome = !(lo <= hi)
        ? "INCONCLUSIVE"
        : lo >= a && hi <= c
        ? "PASS"
        : hi < a || lo > c
        ? "FAIL"
        : "INCONCLUSIVE";
      break;
    }
  }
  const last = look === design.looks;
  const decision = outcome !== "INCONCLUSIVE" ? outcome : last ? "INCONCLUSIVE" : "continue";
  return {
    outcome,
    decision,
    evidence: {
      look,
      looks: design.looks,
      fraction: b.fraction,
      nominalAlpha: spends ? b.nominal : alpha,
      spentAlpha: spends ? b.spent : alpha,
      design: spends ? designWords(design, alpha) : MONOTONE_WORDS,
    },
  };
}
