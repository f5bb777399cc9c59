/**
 * Claims: named, machine-checked assertions of a figure. Each claim carries the sentence of the
 * paper it checks (verbatim, with its section), the words of that sentence its threshold reads,
 * and how those words give the threshold; the measured value and the paper's own value stand
 * beside it, and its evidence: the independent units it rests on, the test that decided it and
 * that test's result. Thresholds and error rates are fixed by the words before any run, never by
 * a measurement.
 *
 * One reading of words into decisions serves every figure (the rules: `../analysis/decide.ts`):
 *
 * - a bar stated in the text is the bar ("only 3-5 circles survive" → 3 ≤ n ≤ 5); a count is that
 *   count ("four learned circles" → = 4);
 * - a value the paper measured ("is 0.85", "83.8% accuracy") → an equivalence band fixed before
 *   the run: PASS when this reproduction's 95 % interval lies inside target ± tolerance, FAIL when
 *   it lies wholly outside, else INCONCLUSIVE ({@linkcode matches}); the tolerance is twice the
 *   half-width of the paper's own 95 % interval at the paper's n ({@linkcode paperTolerance}):
 *   at paper scale a PASS then needs this run's estimate inside the paper's own interval;
 * - "almost" / "near" X → within 1 % of the scale the sentence measures against
 *   ({@linkcode ALMOST});
 * - "all" / "always" / "every" → one counterexample fails; PASS needs enough cases that an
 *   exception rate of 5 % would have shown at α ({@linkcode always}); "sometimes" / "not always"
 *   mirror it ({@linkcode sometimes});
 * - a direction without a size ("increases", "upward", "lower than", "more likely to survive") →
 *   a two-sided test at α = 5 % over independent units (trials, seeds, embeddings — or the test
 *   the paper names, said so): its significant sign decides, else INCONCLUSIVE
 *   ({@linkcode correlates}, {@linkcode leans});
 * - a rate bounded by a word ("near 100 %", "rarely", "almost always") → the rate's exact
 *   interval wholly on one side of the bound ({@linkcode rateClaim});
 * - a word that bounds without a number ("considerably high", "a clear circle", "collapses
 *   towards") → the weakest bound the word certainly implies, said beside it;
 * - a measurement of one run (the authors' Fig. 2 run, seed for seed) is exact for that run and
 *   speaks for it alone: n = 1 run, said so ({@linkcode atLeast}, {@linkcode holds}, …);
 * - a claim about the end of training on a run cut short of the paper's steps → INCONCLUSIVE,
 *   unless the validated early verdict says the quantity is settled at the step reached
 *   ({@linkcode cutShort});
 * - words with neither number nor bound ("comparable", "well", "loose"), and measurements no
 *   sentence speaks of → REPORTED: the measurement is shown, never PASS or FAIL
 *   ({@linkcode reported}).
 *
 * A claim the scale does not run is UNTESTED ({@linkcode onlyAt}), never PASS.
 *
 * @module
 */
import {
  ALPHA,
  casesForAll,
  direction,
  equivalence,
  existential,
  nForDirection,
  nForEquivalence,
  nForRate,
  type Outcome,
  rateBound,
  universal,
  zQuantile,
} from "../analysis/decide.ts";
import { rateInterval } from "../analysis/stats.ts";
import type { DecisionInputs, SequentialEvidence } from "../analysis/sequential.ts";

/**
 * PASS or FAIL where the evidence decides at its error rate; INCONCLUSIVE where it cannot;
 * UNTESTED where this scale does not run it; REPORTED where the sentence gives no number: the
 * measurement is shown without a verdict.
 */
export type Verdict = "PASS" | "FAIL" | "INCONCLUSIVE" | "UNTESTED" | "REPORTED";

/** "Almost" / "near": within this fraction (1 %) of the scale the sentence measures against. */
export const ALMOST = 0.01;

/** A direction stated without a size is decided by a two-sided test at this level. */
export const SIGNIFICANT = ALPHA;

/** What a verdict rests on. */
export interface Evidence {
  /** Independent units the verdict rests on: an integer ≥ 1 for PASS and FAIL; an INCONCLUSIVE
   * may rest on none (every trial cut short and unsettled, say). */
  n: number;
  /** What a unit is: "trials", "runs", "seeds", "embeddings", "test points", "cases". */
  unit: string;
  /** What decided it. */
  test: string;
  /** The error rate fixed before the run. */
  alpha: number;
  /** The test's statistic, where it has one. */
  statistic?: number;
  /** The test's p-value, where it has one. */
  pValue?: number;
  /** The measured value's interval, where the rule reads one. */
  interval?: { low: number; high: number };
  /** The half-width of a value claim's equivalence band. */
  tolerance?: number;
  /** For INCONCLUSIVE: the units that would decide it, estimated from the observed spread. */
  nToDecide?: number;
  /** How {@linkcode Evidence.nToDecide} was estimated. */
  nToDecideHow?: string;
  /** The units the paper scale has for this claim. */
  paperN?: number;
  /** A trivial baseline's value beside a measured one (Fig. 7: always answering "dead"). */
  baseline?: number;
  /** What the rule decided from (its kind, the measured inputs, the claimed side): the same
   * claim can be decided again at another level, as a look of a sequential design does
   * (`../analysis/sequential.ts`). */
  inputs?: DecisionInputs;
  /** Where the claim was decided when its trials ran in rounds (`rounds.ts`): the look, its
   * information fraction, the level the rule was applied at there and the error spent. */
  sequential?: SequentialEvidence;
}

/** A sentence of the paper, verbatim from `survival-of-the-fittest.txt`, and where it stands. */
export interface Quote {
  /** "Sec. 4.2", "Fig. 3 caption", "App. C". */
  section: string;
  /** The sentence, character for character as the paper's text has it. */
  text: string;
}

/** One machine-checked assertion. */
export interface Claim {
  /** A short name for the measured quantity. */
  name: string;
  /** The paper's sentence this claim checks, verbatim. */
  quote: string;
  /** Where the sentence stands ("Sec. 4.2", "Fig. 3 caption"). */
  section: string;
  /** The measured value, as printed. */
  measured: string;
  /** The rule and how it follows from the words, e.g. "'almost perfect' → ≥ 0.99". */
  threshold: string;
  /** What the paper reports (its number or its words). */
  paper: string;
  /** PASS, FAIL, INCONCLUSIVE, UNTESTED or REPORTED (docs/claims.md). */
  verdict: Verdict;
  /** Why a claim is UNTESTED or INCONCLUSIVE, or a remark. */
  note?: string;
  /** What the verdict rests on (every PASS, FAIL and INCONCLUSIVE has it). */
  evidence?: Evidence;
}

/** What every claim says about itself: what it measures and which words give its threshold. */
export interface Reading {
  /** What is measured, shortly. */
  name: string;
  /** The sentence it checks. */
  quote: Quote;
  /** The words of the sentence that the threshold reads; they occur in `quote.text`. */
  words: string;
  /** How the words give the threshold, where that is not plain. */
  because?: string;
  /** What the paper reports (default: its words). */
  paper?: string;
  note?: string;
  /** The units the paper scale has for this claim ({@linkcode Evidence.paperN}). */
  paperN?: number;
}

/** A one-run measurement's evidence: which run(s) it is, exact for them (default 1 run). */
export interface Measured {
  /** Units measured (default 1) and what they are (default "run"). */
  n?: number;
  unit?: string;
  /** Default: "this run's measurement against the bar (exact for this run; it speaks for it alone)". */
  test?: string;
}

/** A number as the tables print it. */
export function fmt(v: number): string {
  return Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
    ? v.toPrecision(4)
    : v.toExponential(3);
}

function make(
  r: Reading,
  measured: string,
  rule: string,
  verdict: Verdict,
  evidence?: Evidence,
): Claim {
  return {
    name: r.name,
    quote: r.quote.text,
    section: r.quote.section,
    measured,
    threshold: `'${r.words}' → ${rule}${r.because ? ` (${r.because})` : ""}`,
    paper: r.paper ?? r.words,
    verdict,
    note: r.note,
    evidence: evidence && r.paperN !== undefined ? { ...evidence, paperN: r.paperN } : evidence,
  };
}

const pass = (ok: boolean): Verdict => ok ? "PASS" : "FAIL";

/** The evidence of an exact measurement of named runs. */
function exact(r: Reading & Measured): Evidence {
  const n = r.n ?? 1, unit = r.unit ?? (n === 1 ? "run" : "runs");
  return {
    n,
    unit,
    test: r.test ??
      `the measurement of ${
        n === 1 ? "this run" : `these ${n} ${unit}`
      } against the bar (exact for ${n === 1 ? "it" : "them"}; it speaks for ${
        n === 1 ? "this run" : "them"
      } alone)`,
    alpha: 0,
    // the named runs are the same at every scale that runs them
    paperN: n,
  };
}

/** A bar as written: short numbers as they are (0.99, 1e-7), long ones as {@linkcode fmt}. */
const bar = (v: number) => String(v).length <= 8 ? String(v) : fmt(v);

/**
 * A claim that `value ≥ min` (NaN fails), measured exactly on named runs (default one run).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { atLeast } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "linear regression gives us an almost perfect fit" };
 * const c = atLeast({ name: "OLS R²", quote, words: "almost perfect", value: 0.995, min: 0.99 });
 * assertEquals([c.verdict, c.threshold], ["PASS", "'almost perfect' → ≥ 0.99"]);
 * ```
 */
export function atLeast(c: Reading & Measured & { value: number; min: number }): Claim {
  return make(c, fmt(c.value), `≥ ${bar(c.min)}`, pass(c.value >= c.min), exact(c));
}

/**
 * A claim that `value ≤ max` (NaN fails).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { atMost } from "./claims.ts";
 * const quote = { section: "Sec. 2", text: "decay to almost zero" };
 * assertEquals(atMost({ name: "ratio", quote, words: "almost zero", value: 0.2, max: 0.01 }).verdict, "FAIL");
 * ```
 */
export function atMost(c: Reading & Measured & { value: number; max: number }): Claim {
  return make(c, fmt(c.value), `≤ ${bar(c.max)}`, pass(c.value <= c.max), exact(c));
}

/**
 * A claim that `lo ≤ value ≤ hi` (NaN fails).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { between } from "./claims.ts";
 * const quote = { section: "Sec. 1", text: "only 3-5 circles survive" };
 * assertEquals(between({ name: "circles", quote, words: "3-5", value: 4, lo: 3, hi: 5 }).verdict, "PASS");
 * ```
 */
export function between(
  c: Reading & Measured & { value: number; lo: number; hi: number },
): Claim {
  return make(
    c,
    fmt(c.value),
    `in [${bar(c.lo)}, ${bar(c.hi)}]`,
    pass(c.value >= c.lo && c.value <= c.hi),
    exact(c),
  );
}

/**
 * A claim decided by a boolean, with its measured and rule texts.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { holds } from "./claims.ts";
 * const quote = { section: "App. C", text: "at least three circles survive" };
 * const c = holds({ name: "C", quote, words: "at least three", ok: false, measured: "2", rule: "≥ 3" });
 * assertEquals(c.verdict, "FAIL");
 * ```
 */
export function holds(
  c: Reading & Measured & { ok: boolean; measured: string; rule: string },
): Claim {
  return make(c, c.measured, c.rule, pass(c.ok), exact(c));
}

/** An interval as printed. */
const ci = (low: number, high: number) => `95 % CI ${fmt(low)}–${fmt(high)}`;

/** The units-to-decide note of an INCONCLUSIVE claim. */
function toDecide(e: Evidence): string {
  if (e.nToDecide === undefined) return "";
  const need = Number.isFinite(e.nToDecide) ? `≈ ${e.nToDecide} ${e.unit}` : "no n at this effect";
  const paper = e.paperN === undefined
    ? ""
    : Number.isFinite(e.nToDecide)
    ? `; paper scale has ${e.paperN}${e.paperN >= e.nToDecide ? "" : " (too few)"}`
    : `; paper scale has ${e.paperN}`;
  return `needs ${need}${paper}`;
}

/** Attach the INCONCLUSIVE note (what would decide it) to a claim. */
function withDecide(c: Claim): Claim {
  if (c.verdict !== "INCONCLUSIVE" || !c.evidence) return c;
  return { ...c, note: [c.note, toDecide(c.evidence)].filter(Boolean).join("; ") };
}

/**
 * The tolerance of a value claim, fixed from the paper's words and n before the run: twice the
 * half-width of the paper's own 95 % interval at its n — for a rate (an accuracy) the normal
 * half-width z·√(p(1 − p)/n), for Pearson's r the Fisher-z half-width z/√(n − 3) (on the z scale).
 * At the paper's n a PASS then needs this run's estimate inside the paper's own interval.
 *
 * @example
 * ```ts
 * import { paperTolerance } from "./claims.ts";
 * // 83.8 % on 1 160 held-out points: half-width 2.12 %, tolerance 4.24 %
 * const t = paperTolerance({ kind: "rate", value: 0.838, n: 1160 });
 * if (Math.abs(t - 0.0424) > 1e-4) throw new Error(String(t));
 * ```
 */
export function paperTolerance(
  { kind, value, n, alpha = ALPHA }: {
    kind: "rate" | "pearson";
    value: number;
    n: number;
    alpha?: number;
  },
): number {
  const z = zQuantile(1 - alpha / 2);
  return kind === "rate" ? 2 * z * Math.sqrt((value * (1 - value)) / n) : 2 * z / Math.sqrt(n - 3);
}

/**
 * A value the paper measured, as an equivalence band: PASS when this reproduction's interval
 * [low, high] lies inside target ± tolerance, FAIL when wholly outside, else INCONCLUSIVE (NaN:
 * INCONCLUSIVE). `scale` "fisher" compares on Fisher's z (atanh) scale, where the tolerance of a
 * Pearson r is stated. A trivial `baseline` (a classifier that always answers one class) is shown
 * beside, and the note says when the interval holds it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { matches } from "./claims.ts";
 * const quote = { section: "Sec. 3.2.2", text: "achieving an 83.8% accuracy" };
 * const r = { name: "SVM", quote, words: "83.8%", target: 0.838, tolerance: 0.042, n: 93, unit: "test points" };
 * const c = matches({ ...r, value: 0.8, low: 0.7, high: 0.88, baseline: 0.85 });
 * assertEquals(
 *   [c.verdict, c.note],
 *   ["INCONCLUSIVE", "the interval holds the trivial baseline 0.8500; needs ≈ 47082 test points"],
 * );
 * ```
 */
export function matches(
  c: Reading & {
    value: number;
    low: number;
    high: number;
    target: number;
    tolerance: number;
    /** How the tolerance follows from the words. */
    toleranceFrom?: string;
    n: number;
    unit: string;
    test?: string;
    scale?: "linear" | "fisher";
    alpha?: number;
    baseline?: number;
    baselineName?: string;
  },
): Claim {
  const alpha = c.alpha ?? ALPHA;
  const f = c.scale === "fisher" ? Math.atanh : (v: number) => v;
  const [lo, hi, t] = [f(c.low), f(c.high), f(c.target)];
  const outcome: Outcome = [lo, hi, t].some(Number.isNaN)
    ? "INCONCLUSIVE"
    : equivalence({ low: lo, high: hi, target: t, tolerance: c.tolerance });
  const band = c.scale === "fisher"
    ? `${fmt(Math.tanh(t - c.tolerance))}–${fmt(Math.tanh(t + c.tolerance))}`
    : `${fmt(c.target - c.tolerance)}–${fmt(c.target + c.tolerance)}`;
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: c.test ??
      `equivalence: the 95 % interval inside the band ${band} (${bar(c.target)} ± ${
        fmt(c.tolerance)
      }${c.scale === "fisher" ? " on Fisher's z" : ""}${
        c.toleranceFrom ? `, ${c.toleranceFrom}` : ""
      })`,
    alpha,
    statistic: c.value,
    interval: { low: c.low, high: c.high },
    tolerance: c.tolerance,
    ...(c.baseline === undefined ? {} : { baseline: c.baseline }),
    inputs: { kind: "equivalence", target: c.target, tolerance: c.tolerance, scale: c.scale },
  };
  if (outcome === "INCONCLUSIVE") {
    evidence.nToDecide = nForEquivalence({
      n: c.n,
      estimate: f(c.value),
      halfWidth: (hi - lo) / 2,
      target: t,
      tolerance: c.tolerance,
    });
    evidence.nToDecideHow =
      "n·(half-width / room)², room = distance of the estimate from the band's edge";
  }
  const holdsBaseline = c.baseline !== undefined && c.low <= c.baseline &&
    c.baseline <= c.high;
  const base = c.baseline === undefined
    ? ""
    : `the interval ${holdsBaseline ? "holds" : "excludes"} the trivial baseline ${
      fmt(c.baseline)
    }${c.baselineName ? ` (${c.baselineName})` : ""}`;
  const claim = make(
    { ...c, note: [c.note, base].filter(Boolean).join("; ") || undefined },
    `${fmt(c.value)} (${ci(c.low, c.high)})`,
    `95 % CI within ${band}`,
    outcome,
    evidence,
  );
  return withDecide(claim);
}

/**
 * A direction decided by a two-sided test over independent units: `effect` of sign `sign` with
 * p < α passes, of the other sign with p < α fails, else INCONCLUSIVE with the units that would
 * reach p = α at the observed effect.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { leans } from "./claims.ts";
 * const quote = { section: "Sec. 3.1", text: "models with the small ds have lower loss" };
 * const c = leans({ name: "small < medium", quote, words: "lower loss", effect: -0.5, p: 0.33, sign: -1, n: 4, unit: "runs", test: "rank-sum", measured: "U = 0" });
 * assertEquals([c.verdict, c.evidence?.nToDecide], ["INCONCLUSIVE", 17]);
 * ```
 */
export function leans(
  c: Reading & {
    effect: number;
    p: number;
    sign: 1 | -1;
    n: number;
    unit: string;
    test: string;
    measured: string;
    rule?: string;
    alpha?: number;
    statistic?: number;
  },
): Claim {
  const alpha = c.alpha ?? SIGNIFICANT;
  const outcome = direction({ pValue: c.p, effect: c.effect, sign: c.sign, alpha });
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: c.test,
    alpha,
    statistic: c.statistic ?? c.effect,
    pValue: c.p,
    inputs: { kind: "direction", effect: c.effect, p: c.p, sign: c.sign },
  };
  if (outcome === "INCONCLUSIVE") {
    if (c.n > 0) {
      evidence.nToDecide = Number.isNaN(c.p) ? Infinity : nForDirection(c.n, c.p, alpha);
      evidence.nToDecideHow = "n·(z_{1−α/2} / z_obs)², z_obs = Φ⁻¹(1 − p/2)";
    }
  }
  const rule = c.rule ?? `${c.sign > 0 ? "> 0" : "< 0"}, two-sided p < ${bar(alpha)}`;
  const none = c.n === 0 ? "no units to test" : undefined;
  return withDecide(
    make(
      { ...c, note: [c.note, none].filter(Boolean).join("; ") || undefined },
      c.measured,
      rule,
      outcome,
      evidence,
    ),
  );
}

/**
 * Several directions that must all hold ("better at every snapshot"): PASS when every part is
 * significant in the claimed sign at α (an intersection–union test: its error rate is α, no
 * correction needed), FAIL when any part is significant against it at α/m (Bonferroni over the m
 * parts), else INCONCLUSIVE with the units the least decided part would need.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { leansEvery } from "./claims.ts";
 * const quote = { section: "Sec. 3.1", text: "the test loss is sharply better" };
 * const parts = [{ effect: -0.4, p: 0.001 }, { effect: -0.3, p: 0.2 }];
 * const c = leansEvery({ name: "x", quote, words: "sharply better", parts, sign: -1, n: 20, unit: "runs", test: "rank-sum", measured: "" });
 * assertEquals(c.verdict, "INCONCLUSIVE");
 * ```
 */
export function leansEvery(
  c: Reading & {
    parts: { effect: number; p: number }[];
    sign: 1 | -1;
    n: number;
    unit: string;
    test: string;
    measured: string;
    rule?: string;
    alpha?: number;
  },
): Claim {
  const alpha = c.alpha ?? SIGNIFICANT, m = c.parts.length;
  const each = c.parts.map((x) =>
    direction({ pValue: x.p, effect: x.effect, sign: c.sign, alpha })
  );
  const against = c.parts.some((x) =>
    direction({ pValue: x.p, effect: x.effect, sign: c.sign, alpha: alpha / m }) === "FAIL"
  );
  const outcome: Outcome = against
    ? "FAIL"
    : each.every((o) => o === "PASS")
    ? "PASS"
    : "INCONCLUSIVE";
  const worst = c.parts.reduce((w, x) => (x.p > w.p || Number.isNaN(x.p) ? x : w), c.parts[0]);
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: `${c.test}; every one of ${m} parts at α (intersection–union), any against at α/${m}`,
    alpha,
    statistic: worst.effect,
    pValue: worst.p,
    inputs: { kind: "every", parts: c.parts.map(({ effect, p }) => ({ effect, p })), sign: c.sign },
  };
  if (outcome === "INCONCLUSIVE") {
    evidence.nToDecide = Number.isNaN(worst.p) ? Infinity : nForDirection(c.n, worst.p, alpha);
    evidence.nToDecideHow = "the least decided part: n·(z_{1−α/2} / z_obs)²";
  }
  const rule = c.rule ?? `${c.sign > 0 ? "> 0" : "< 0"} in every part, two-sided p < ${bar(alpha)}`;
  return withDecide(make(c, c.measured, rule, outcome, evidence));
}

/**
 * A direction stated without a size, by Pearson's r over independent units (`unit`) and its
 * two-sided t-test: r of the stated sign (`sign` +1 rises, −1 falls) with p < α passes, of the
 * other sign with p < α fails, else INCONCLUSIVE (NaN too).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { correlates } from "./claims.ts";
 * const quote = { section: "App. F", text: "an upward trend can still be observed" };
 * const c = correlates({ name: "trend", quote, words: "upward trend", r: 0.4, p: 0.01, n: 40, sign: 1, unit: "trials" });
 * assertEquals([c.verdict, c.measured], ["PASS", "r = 0.4000, p = 0.01000 (n = 40 trials)"]);
 * ```
 */
export function correlates(
  c: Reading & {
    r: number;
    p: number;
    n: number;
    sign: 1 | -1;
    unit: string;
    alpha?: number;
    test?: string;
  },
): Claim {
  return leans({
    ...c,
    effect: c.r,
    statistic: c.r,
    test: c.test ?? `Pearson r over ${c.unit}, two-sided t-test`,
    measured: `r = ${fmt(c.r)}, p = ${fmt(c.p)} (n = ${c.n} ${c.unit})`,
    rule: `r ${c.sign > 0 ? ">" : "<"} 0, two-sided p < ${bar(c.alpha ?? SIGNIFICANT)}`,
  });
}

/**
 * "All" / "always" / "every" over `n` cases with `exceptions` counterexamples: one fails; none
 * passes where n ≥ 59 (a 5 % exception rate would have shown at α), else INCONCLUSIVE.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { always } from "./claims.ts";
 * const quote = { section: "Sec. 3.2.1", text: "the frequency with the highest signal will always survive" };
 * const c = always({ name: "k=1 survives", quote, words: "always survive", exceptions: 0, n: 24, unit: "runs" });
 * assertEquals([c.verdict, c.evidence?.nToDecide], ["INCONCLUSIVE", 59]);
 * ```
 */
export function always(
  c: Reading & { exceptions: number; n: number; unit: string; alpha?: number; measured?: string },
): Claim {
  const alpha = c.alpha ?? ALPHA;
  const outcome = c.n === 0 ? "INCONCLUSIVE" : universal({ ...c, alpha });
  const need = casesForAll(alpha);
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: `every case: one exception fails; none in ≥ ${need} passes (0.95^${need} ≤ ${
      bar(alpha)
    })`,
    alpha,
    statistic: c.exceptions,
    inputs: { kind: "universal", exceptions: c.exceptions, n: c.n },
    ...(outcome === "INCONCLUSIVE"
      ? { nToDecide: need, nToDecideHow: "ln α / ln 0.95 cases without an exception" }
      : {}),
  };
  return withDecide(
    make(
      c,
      c.measured ?? `${c.exceptions} exception(s) in ${c.n} ${c.unit}`,
      `no exception in ≥ ${need} ${c.unit}`,
      outcome,
      evidence,
    ),
  );
}

/**
 * "Sometimes" / "not always": `hits` cases of `n`; one passes, none in ≥ 59 fails, else
 * INCONCLUSIVE. With `notAll`, all n being hits (n ≥ 59) fails too ("sometimes … rather than
 * always").
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { sometimes } from "./claims.ts";
 * const quote = { section: "Sec. 2", text: "initially large frequencies do not *always* lead to surviving circles" };
 * assertEquals(sometimes({ name: "x", quote, words: "do not *always*", hits: 2, n: 24, unit: "trials" }).verdict, "PASS");
 * ```
 */
export function sometimes(
  c: Reading & {
    hits: number;
    n: number;
    unit: string;
    alpha?: number;
    notAll?: boolean;
    measured?: string;
  },
): Claim {
  const alpha = c.alpha ?? ALPHA;
  const need = casesForAll(alpha);
  let outcome: Outcome = c.n === 0 ? "INCONCLUSIVE" : existential({ ...c, alpha });
  if (c.notAll && outcome === "PASS") {
    const misses = c.n - c.hits;
    outcome = misses > 0 ? "PASS" : c.n >= need ? "FAIL" : "INCONCLUSIVE";
  }
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: `some case${c.notAll ? ", not every one" : ""}: one passes; none${
      c.notAll ? " (or all)" : ""
    } in ≥ ${need} fails (a 5 % rate would have shown at ${bar(alpha)})`,
    alpha,
    statistic: c.hits,
    inputs: { kind: "existential", hits: c.hits, n: c.n, notAll: c.notAll ?? false },
    ...(outcome === "INCONCLUSIVE"
      ? { nToDecide: need, nToDecideHow: "ln α / ln 0.95 cases" }
      : {}),
  };
  return withDecide(
    make(
      c,
      c.measured ?? `${c.hits} of ${c.n} ${c.unit}`,
      c.notAll ? `0 < cases < ${c.unit}` : "≥ 1 case",
      outcome,
      evidence,
    ),
  );
}

/**
 * A rate bounded by the words ("near 100 %" → ≥ 0.99, "rarely" → < 0.5, "almost always" → ≥
 * 0.99): k of n with its Clopper–Pearson 95 % interval wholly on the claimed side passes, wholly
 * on the other fails, else INCONCLUSIVE.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { rateClaim } from "./claims.ts";
 * const quote = { section: "Sec. 3.2.1", text: "the frequency rarely survives" };
 * const c = rateClaim({ name: "low", quote, words: "rarely", k: 0, n: 6, bound: 0.5, side: "below", unit: "trials" });
 * assertEquals([c.verdict, c.measured], ["PASS", "0 of 6 = 0 (95 % CI 0–0.4593)"]);
 * ```
 */
export function rateClaim(
  c: Reading & {
    k: number;
    n: number;
    bound: number;
    side: "above" | "below";
    unit: string;
    alpha?: number;
  },
): Claim {
  const alpha = c.alpha ?? ALPHA;
  const outcome = rateBound({ ...c, alpha });
  const iv = c.n > 0 ? rateInterval(c.k, c.n, 1 - alpha) : { low: NaN, high: NaN };
  const evidence: Evidence = {
    n: c.n,
    unit: c.unit,
    test: `Clopper–Pearson ${100 * (1 - alpha)} % interval wholly ${
      c.side === "above" ? "≥" : "<"
    } ${bar(c.bound)}`,
    alpha,
    statistic: c.n > 0 ? c.k / c.n : NaN,
    interval: { low: iv.low, high: iv.high },
    inputs: { kind: "rate", k: c.k, n: c.n, bound: c.bound, side: c.side },
    ...(outcome === "INCONCLUSIVE"
      ? {
        nToDecide: nForRate({ ...c, alpha }),
        nToDecideHow: "z²·r(1 − r)/(r − bound)² (no-exception case: ln(α/2)/ln(bound))",
      }
      : {}),
  };
  return withDecide(
    make(
      c,
      `${c.k} of ${c.n} = ${c.n > 0 ? fmt(c.k / c.n) : "NaN"} (${ci(iv.low, iv.high)})`,
      `${c.side === "above" ? "≥" : "<"} ${bar(c.bound)}, the whole 95 % CI`,
      outcome,
      evidence,
    ),
  );
}

/**
 * A claim about the end of training measured on a run cut short: PASS or FAIL becomes
 * INCONCLUSIVE unless `settled` (the validated early verdict says the quantity is settled at the
 * step reached); the measurement and evidence stay, the note says why.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { atMost, cutShort } from "./claims.ts";
 * const quote = { section: "Sec. 2", text: "decay to almost zero" };
 * const c = atMost({ name: "ratio", quote, words: "almost zero", value: 0.1, max: 0.01 });
 * assertEquals(cutShort(c, { settled: false, why: "10 000 of 30 000 steps" }).verdict, "INCONCLUSIVE");
 * ```
 */
export function cutShort(claim: Claim, o: { settled: boolean; why: string }): Claim {
  if (o.settled || (claim.verdict !== "PASS" && claim.verdict !== "FAIL")) return claim;
  return {
    ...claim,
    verdict: "INCONCLUSIVE",
    note: [claim.note, `${o.why}: the end of training is not reached`].filter(Boolean).join("; "),
    evidence: claim.evidence && {
      ...claim.evidence,
      nToDecideHow: "the paper's full run length (paper scale)",
    },
  };
}

/**
 * A measurement whose sentence gives no number: shown, never PASS or FAIL.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { reported } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "Lasso provides comparable estimations" };
 * const c = reported({ name: "Lasso R²", quote, words: "comparable", measured: "0.79" });
 * assertEquals([c.verdict, c.threshold], ["REPORTED", "'comparable' → no number in the text: reported"]);
 * ```
 */
export function reported(c: Reading & { measured: string }): Claim {
  return make(c, c.measured, "no number in the text: reported", "REPORTED");
}

/**
 * Turn a PASS or FAIL into UNTESTED unless `decidable` (keeps its measured value); a REPORTED
 * claim stays REPORTED, with the reason as its note.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { atLeast, onlyAt } from "./claims.ts";
 * const quote = { section: "Sec. 1", text: "only 3-5 circles survive" };
 * const c = atLeast({ name: "n", quote, words: "3-5", value: 0, min: 3 });
 * assertEquals(onlyAt(false, c, "tiny scale").verdict, "UNTESTED");
 * ```
 */
export function onlyAt(decidable: boolean, claim: Claim, why: string): Claim {
  if (decidable) return claim;
  if (claim.verdict === "REPORTED") {
    return { ...claim, note: [claim.note, why].filter(Boolean).join("; ") };
  }
  return { ...claim, verdict: "UNTESTED", note: why };
}

/**
 * A claim's evidence in one line: n and its unit, the test, and its result (p-value or
 * interval), with the units paper scale has.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { evidenceLine } from "./claims.ts";
 * const e = { n: 30, unit: "trials", test: "Pearson r, t-test", alpha: 0.05, pValue: 0.012, paperN: 2300 };
 * assertEquals(
 *   evidenceLine(e),
 *   "n = 30 trials (paper scale 2300) · Pearson r, t-test at α = 0.05 · p = 0.01200",
 * );
 * ```
 */
export function evidenceLine(e: Evidence | undefined): string {
  if (!e) return "no evidence recorded";
  const result = [
    e.pValue !== undefined ? `p = ${fmt(e.pValue)}` : "",
    e.interval ? ci(e.interval.low, e.interval.high) : "",
    e.baseline !== undefined ? `baseline ${fmt(e.baseline)}` : "",
  ].filter(Boolean).join(", ");
  return [
    `n = ${e.n} ${e.unit}${e.paperN !== undefined ? ` (paper scale ${e.paperN})` : ""}`,
    `${e.test}${e.alpha > 0 ? ` at α = ${bar(e.alpha)}` : ""}`,
    result,
  ].filter(Boolean).join(" · ");
}

/**
 * The claims table as text lines: one row per claim, under it the sentence it checks and the
 * evidence its verdict rests on.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { claimsTable, reported } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "Lasso provides comparable estimations" };
 * const t = claimsTable([reported({ name: "Lasso R²", quote, words: "comparable", measured: "0.79" })]);
 * assert(t.includes("Sec. 4.2: “Lasso provides comparable estimations”"), t);
 * ```
 */
export function claimsTable(claims: Claim[]): string {
  const rows = claims.map((
    c,
  ) => [c.verdict, c.name, c.measured, c.threshold, c.paper, c.note ?? ""]);
  const head = ["verdict", "claim", "measured", "threshold", "paper", "note"];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  const indent = " ".repeat(w[0] + 2);
  return [
    line(head),
    ...claims.flatMap((c, i) => [
      line(rows[i]),
      `${indent}└ ${c.section}: “${c.quote}”`,
      ...(c.verdict === "REPORTED" ? [] : [`${indent}  evidence: ${evidenceLine(c.evidence)}`]),
    ]),
  ].join("\n");
}
