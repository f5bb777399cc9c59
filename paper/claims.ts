/**
 * Claims: named, machine-checked assertions of a figure. Each claim carries the sentence of the
 * paper it checks (verbatim, with its section), the words of that sentence its threshold reads,
 * and how those words give the threshold; the measured value and the paper's own value stand
 * beside it. Thresholds are fixed by the words before any run, never by a measurement.
 *
 * One reading of words into numbers serves every figure:
 *
 * - a bar stated in the text is the bar ("only 3-5 circles survive" → 3 ≤ n ≤ 5, "p-value
 *   smaller than 10⁻³" → p < 10⁻³); a count is that count ("four learned circles" → = 4);
 * - a value the paper measured ("is 0.85", "83.8% accuracy") is met when this reproduction's
 *   95 % interval contains it ({@linkcode covers});
 * - "almost" / "near" X → within 1 % of the scale the sentence measures against
 *   ({@linkcode ALMOST});
 * - "all" / "always" → every case;
 * - a direction without a size ("increases", "upward", "drops", "more likely to survive") → the
 *   sign, significant at the two-sided 5 % level ({@linkcode SIGNIFICANT}; {@linkcode correlates});
 * - a word that bounds without a number ("rarely", "considerably high", "a clear circle",
 *   "collapses towards") → the weakest bound the word certainly implies, said beside it: a FAIL
 *   then contradicts the text, a PASS only agrees with it;
 * - words with neither number nor bound ("comparable", "well", "loose"), and measurements no
 *   sentence speaks of → REPORTED: the measurement is shown, never PASS or FAIL
 *   ({@linkcode reported}).
 *
 * A claim the scale cannot decide is UNTESTED ({@linkcode onlyAt}), never PASS.
 *
 * @module
 */

/**
 * PASS or FAIL against a threshold read from the paper's words; UNTESTED where this scale cannot
 * decide; REPORTED where the sentence gives no number: the measurement is shown without a verdict.
 */
export type Verdict = "PASS" | "FAIL" | "UNTESTED" | "REPORTED";

/** "Almost" / "near": within this fraction (1 %) of the scale the sentence measures against. */
export const ALMOST = 0.01;

/** A direction stated without a size holds when its test is significant at this level. */
export const SIGNIFICANT = 0.05;

/** A sentence of the paper, verbatim from `survival-of-the-fittest.txt`, and where it stands. */
export interface Quote {
  /** "Sec. 4.2", "Fig. 3 caption", "App. C". */
  section: string;
  /** The sentence, character for character as the paper's text has it. */
  text: string;
}

/** One machine-checked assertion. */
export interface Claim {
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
  verdict: Verdict;
  /** Why a claim is UNTESTED, or a remark. */
  note?: string;
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
}

/** A number as the tables print it. */
export function fmt(v: number): string {
  return Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
    ? v.toPrecision(4)
    : v.toExponential(3);
}

function make(r: Reading, measured: string, rule: string, verdict: Verdict): Claim {
  return {
    name: r.name,
    quote: r.quote.text,
    section: r.quote.section,
    measured,
    threshold: `'${r.words}' → ${rule}${r.because ? ` (${r.because})` : ""}`,
    paper: r.paper ?? r.words,
    verdict,
    note: r.note,
  };
}

const pass = (ok: boolean): Verdict => ok ? "PASS" : "FAIL";

/** A bar as written: short numbers as they are (0.99, 1e-7), long ones as {@linkcode fmt}. */
const bar = (v: number) => String(v).length <= 8 ? String(v) : fmt(v);

/**
 * A claim that `value ≥ min` (NaN fails).
 *
 * @example
 * ```ts
 * import { atLeast } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "linear regression gives us an almost perfect fit" };
 * const c = atLeast({ name: "OLS R²", quote, words: "almost perfect", value: 0.995, min: 0.99 });
 * console.log(c.verdict, c.threshold); // PASS 'almost perfect' → ≥ 0.99
 * ```
 */
export function atLeast(c: Reading & { value: number; min: number }): Claim {
  return make(c, fmt(c.value), `≥ ${bar(c.min)}`, pass(c.value >= c.min));
}

/**
 * A claim that `value ≤ max` (NaN fails).
 *
 * @example
 * ```ts
 * import { atMost } from "./claims.ts";
 * const quote = { section: "Sec. 2", text: "decay to almost zero" };
 * console.log(atMost({ name: "ratio", quote, words: "almost zero", value: 0.2, max: 0.01 }).verdict);
 * // FAIL
 * ```
 */
export function atMost(c: Reading & { value: number; max: number }): Claim {
  return make(c, fmt(c.value), `≤ ${bar(c.max)}`, pass(c.value <= c.max));
}

/**
 * A claim that `lo ≤ value ≤ hi` (NaN fails).
 *
 * @example
 * ```ts
 * import { between } from "./claims.ts";
 * const quote = { section: "Sec. 1", text: "only 3-5 circles survive" };
 * console.log(between({ name: "circles", quote, words: "3-5", value: 4, lo: 3, hi: 5 }).verdict);
 * // PASS
 * ```
 */
export function between(c: Reading & { value: number; lo: number; hi: number }): Claim {
  return make(
    c,
    fmt(c.value),
    `in [${bar(c.lo)}, ${bar(c.hi)}]`,
    pass(c.value >= c.lo && c.value <= c.hi),
  );
}

/**
 * A claim decided by a boolean, with its measured and rule texts.
 *
 * @example
 * ```ts
 * import { holds } from "./claims.ts";
 * const quote = { section: "App. C", text: "at least three circles survive" };
 * const c = holds({ name: "C", quote, words: "at least three", ok: false, measured: "2", rule: "≥ 3" });
 * console.log(c.verdict); // FAIL
 * ```
 */
export function holds(c: Reading & { ok: boolean; measured: string; rule: string }): Claim {
  return make(c, c.measured, c.rule, pass(c.ok));
}

/**
 * A value the paper measured, checked by whether this reproduction's interval [low, high]
 * contains it.
 *
 * @example
 * ```ts
 * import { covers } from "./claims.ts";
 * const quote = { section: "Sec. 3.2.2", text: "achieving an 83.8% accuracy" };
 * const c = covers({ name: "SVM", quote, words: "83.8%", value: 0.8, low: 0.7, high: 0.88, target: 0.838 });
 * console.log(c.verdict, c.measured); // PASS 0.8000 (95 % CI 0.7000–0.8800)
 * ```
 */
export function covers(
  c: Reading & { value: number; low: number; high: number; target: number },
): Claim {
  return make(
    c,
    `${fmt(c.value)} (95 % CI ${fmt(c.low)}–${fmt(c.high)})`,
    `95 % CI ∋ ${bar(c.target)}`,
    pass(c.low <= c.target && c.target <= c.high),
  );
}

/**
 * A direction stated without a size: Pearson's r of the stated sign (`sign` +1 rises, −1 falls)
 * with p < `alpha` ({@linkcode SIGNIFICANT} by default). NaN fails.
 *
 * @example
 * ```ts
 * import { correlates } from "./claims.ts";
 * const quote = { section: "App. F", text: "an upward trend can still be observed" };
 * const c = correlates({ name: "trend", quote, words: "upward trend", r: 0.4, p: 0.01, n: 40, sign: 1 });
 * console.log(c.verdict, c.measured); // PASS r = 0.4000, p = 0.01000 (n = 40)
 * ```
 */
export function correlates(
  c: Reading & { r: number; p: number; n: number; sign: 1 | -1; alpha?: number },
): Claim {
  const alpha = c.alpha ?? SIGNIFICANT;
  return make(
    c,
    `r = ${fmt(c.r)}, p = ${fmt(c.p)} (n = ${c.n})`,
    `r ${c.sign > 0 ? ">" : "<"} 0 with p < ${bar(alpha)}`,
    pass(c.sign * c.r > 0 && c.p < alpha),
  );
}

/**
 * A measurement whose sentence gives no number: shown, never PASS or FAIL.
 *
 * @example
 * ```ts
 * import { reported } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "Lasso provides comparable estimations" };
 * const c = reported({ name: "Lasso R²", quote, words: "comparable", measured: "0.79" });
 * console.log(c.verdict, c.threshold); // REPORTED 'comparable' → no number in the text: reported
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
 * import { atLeast, onlyAt } from "./claims.ts";
 * const quote = { section: "Sec. 1", text: "only 3-5 circles survive" };
 * const c = atLeast({ name: "n", quote, words: "3-5", value: 0, min: 3 });
 * console.log(onlyAt(false, c, "tiny scale").verdict); // UNTESTED
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
 * The claims table as text lines: one row per claim, and under it the sentence it checks.
 *
 * @example
 * ```ts
 * import { claimsTable, reported } from "./claims.ts";
 * const quote = { section: "Sec. 4.2", text: "Lasso provides comparable estimations" };
 * const t = claimsTable([reported({ name: "Lasso R²", quote, words: "comparable", measured: "0.79" })]);
 * console.log(t.includes("Sec. 4.2: “Lasso provides comparable estimations”")); // true
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
    ...claims.flatMap((c, i) => [line(rows[i]), `${indent}└ ${c.section}: “${c.quote}”`]),
  ].join("\n");
}
