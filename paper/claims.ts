/**
 * Claims: named, machine-checked assertions of a figure, each with the measured value, the
 * threshold and the paper's value beside it. A claim that the scale cannot decide says so
 * (UNTESTED) rather than passing.
 *
 * @module
 */

/** PASS, FAIL, or UNTESTED at this scale. */
export type Verdict = "PASS" | "FAIL" | "UNTESTED";

/** One machine-checked assertion. */
export interface Claim {
  name: string;
  /** The measured value, as printed. */
  measured: string;
  /** The rule, e.g. "≥ 0.9". */
  threshold: string;
  /** What the paper reports. */
  paper: string;
  verdict: Verdict;
  /** Why a claim is UNTESTED, or a remark. */
  note?: string;
}

const fmt = (v: number) =>
  Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
    ? v.toPrecision(4)
    : v.toExponential(3);

/**
 * A claim that `value ≥ min`.
 *
 * @example
 * ```ts
 * import { atLeast } from "./claims.ts";
 * console.log(atLeast("Lasso R²", 0.97, 0.9, "close to 1").verdict); // PASS
 * ```
 */
export function atLeast(
  name: string,
  value: number,
  min: number,
  paper: string,
  note?: string,
): Claim {
  return {
    name,
    measured: fmt(value),
    threshold: `≥ ${fmt(min)}`,
    paper,
    verdict: value >= min ? "PASS" : "FAIL",
    note,
  };
}

/** A claim that `value ≤ max`. */
export function atMost(
  name: string,
  value: number,
  max: number,
  paper: string,
  note?: string,
): Claim {
  return {
    name,
    measured: fmt(value),
    threshold: `≤ ${fmt(max)}`,
    paper,
    verdict: value <= max ? "PASS" : "FAIL",
    note,
  };
}

/** A claim that `lo ≤ value ≤ hi`. */
export function between(
  name: string,
  value: number,
  lo: number,
  hi: number,
  paper: string,
  note?: string,
): Claim {
  return {
    name,
    measured: fmt(value),
    threshold: `in [${fmt(lo)}, ${fmt(hi)}]`,
    paper,
    verdict: value >= lo && value <= hi ? "PASS" : "FAIL",
    note,
  };
}

/** A claim decided by a boolean, with its measured and rule texts. */
export function holds(
  name: string,
  ok: boolean,
  measured: string,
  threshold: string,
  paper: string,
  note?: string,
): Claim {
  return { name, measured, threshold, paper, verdict: ok ? "PASS" : "FAIL", note };
}

/** A claim this scale cannot decide. */
export function untested(
  name: string,
  measured: string,
  threshold: string,
  paper: string,
  why: string,
): Claim {
  return { name, measured, threshold, paper, verdict: "UNTESTED", note: why };
}

/** Turn a claim into UNTESTED unless `decidable` (keeps its measured value). */
export function onlyAt(decidable: boolean, claim: Claim, why: string): Claim {
  return decidable ? claim : { ...claim, verdict: "UNTESTED", note: why };
}

/** The claims table as text lines. */
export function claimsTable(claims: Claim[]): string {
  const rows = claims.map((
    c,
  ) => [c.verdict, c.name, c.measured, c.threshold, c.paper, c.note ?? ""]);
  const head = ["verdict", "claim", "measured", "threshold", "paper", "note"];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}
