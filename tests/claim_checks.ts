/**
 * Checks of a figure's claims for the tests: each quotes the paper verbatim and its threshold
 * reads words of that sentence; verdicts as expected, claim by claim (the message names every
 * claim with its measured value); every PASS, FAIL and INCONCLUSIVE carries its evidence (n an
 * integer ≥ 1 — ≥ 0 for an INCONCLUSIVE —, the test, α; an INCONCLUSIVE its n to decide); every claim seen PASS and FAIL —
 * and INCONCLUSIVE where it can be — across the datasets built for it, a REPORTED claim never
 * either.
 *
 * @module
 */
import type { Claim, Verdict } from "../paper/claims.ts";

const PAPER = new URL("./fixtures/paper/survival-of-the-fittest.txt", import.meta.url);
const squash = (s: string) => s.replace(/\s+/g, " ").trim();
let cached: string | undefined;

/**
 * The paper's text (the copy in tests/fixtures), whitespace runs squashed to one space.
 *
 * @example
 * ```ts
 * import { assert } from "./assert.ts";
 * import { paperText } from "./claim_checks.ts";
 * assert(paperText().includes("only 3-5 circles survive"), "the quote is in the paper");
 * ```
 */
export function paperText(): string {
  return cached ??= squash(Deno.readTextFileSync(PAPER));
}

/**
 * Throws unless every claim's sentence occurs verbatim in the paper, it names a section, and the
 * words its threshold reads ('…' → …) occur in that sentence.
 *
 * @example
 * ```ts
 * import { assertQuoted } from "./claim_checks.ts";
 * import { between } from "../paper/claims.ts";
 * const quote = { section: "Sec. 1", text: "However, only 3-5 circles survive after training" };
 * assertQuoted([between({ name: "n", quote, words: "only 3-5 circles survive", value: 4, lo: 3, hi: 5 })]);
 * ```
 */
export function assertQuoted(claims: Claim[]): void {
  const text = paperText();
  const bad: string[] = [];
  for (const c of claims) {
    const words = /^'(.+?)' → /.exec(c.threshold)?.[1];
    if (!text.includes(squash(c.quote))) bad.push(`${c.name}: not in the paper: “${c.quote}”`);
    if (!c.section) bad.push(`${c.name}: no section`);
    if (!words) bad.push(`${c.name}: threshold "${c.threshold}" names no words of the paper`);
    else if (!c.quote.includes(words)) bad.push(`${c.name}: '${words}' is not in its sentence`);
    const e = c.evidence;
    if (["PASS", "FAIL", "INCONCLUSIVE"].includes(c.verdict)) {
      // a PASS or FAIL rests on at least one unit; an INCONCLUSIVE may rest on none (say so)
      const least = c.verdict === "INCONCLUSIVE" ? 0 : 1;
      if (!e || !Number.isInteger(e.n) || e.n < least || !e.test || !e.unit || !(e.alpha >= 0)) {
        bad.push(
          `${c.name}: ${c.verdict} without evidence (n ≥ 1, unit, test, α): ${JSON.stringify(e)}`,
        );
      } else if (c.verdict === "INCONCLUSIVE" && e.nToDecide === undefined && !c.note) {
        bad.push(`${c.name}: INCONCLUSIVE says neither what would decide it nor why`);
      }
    }
  }
  if (bad.length) throw new Error(bad.join("\n"));
}

const show = (cs: Claim[]) =>
  cs.map((c, i) => `  ${i}. ${c.verdict} ${c.name}: ${c.measured} (${c.threshold})`).join("\n");

/**
 * Throws unless the claims' verdicts are `expected`, in order, and every claim is quoted
 * ({@linkcode assertQuoted}).
 *
 * @example
 * ```ts
 * import { assertVerdicts } from "./claim_checks.ts";
 * import { atLeast } from "../paper/claims.ts";
 * const quote = { section: "Sec. 4.2", text: "linear regression gives us an almost perfect fit" };
 * assertVerdicts([atLeast({ name: "R²", quote, words: "almost perfect", value: 1, min: 0.99 })], ["PASS"], "ok");
 * ```
 */
export function assertVerdicts(claims: Claim[], expected: Verdict[], label: string): void {
  assertQuoted(claims);
  const got = claims.map((c) => c.verdict);
  if (got.length !== expected.length || got.some((v, i) => v !== expected[i])) {
    throw new Error(
      `${label}: verdicts ${got.join(" ")} where ${expected.join(" ")}:\n${show(claims)}`,
    );
  }
}

/**
 * Throws unless every claim (by its place in the list) is PASS in one of `sets` and FAIL in
 * another — and INCONCLUSIVE in a third, unless its place is in `decisive` (a claim that cannot
 * be undecided, e.g. an exact count of one run) — or REPORTED in all of them.
 *
 * @example
 * ```ts
 * import { assertBothWays } from "./claim_checks.ts";
 * import { atLeast } from "../paper/claims.ts";
 * const quote = { section: "Sec. 4.2", text: "an almost perfect fit" };
 * const c = (value: number) => [atLeast({ name: "R²", quote, words: "almost perfect", value, min: 0.99 })];
 * assertBothWays([c(1), c(0.5)], [0]);
 * ```
 */
export function assertBothWays(sets: Claim[][], decisive: number[] = []): void {
  const bad: string[] = [];
  sets[0].forEach((c, i) => {
    const seen = new Set(sets.map((s) => s[i]?.verdict));
    const ok = c.verdict === "REPORTED"
      ? seen.size === 1
      : seen.has("PASS") && seen.has("FAIL") && (decisive.includes(i) || seen.has("INCONCLUSIVE"));
    if (!ok) bad.push(`${i}. ${c.name}: seen ${[...seen].join(", ")}`);
  });
  if (bad.length) throw new Error(`claims not seen every way:\n${bad.join("\n")}`);
}
