import { equal } from "node:assert/strict";
import {
  always,
  atLeast,
  atMost,
  between,
  claimsTable,
  correlates,
  cutShort,
  holds,
  leans,
  matches,
  onlyAt,
  rateClaim,
  reported,
  sometimes,
} from "./claims.ts";

const quote = { section: "Sec. 0", text: "the words of the paper" };
const r = { name: "x", quote, words: "words" };
const v = { ...r, target: 0.85, tolerance: 0.05, n: 100, unit: "points" };
const d = { ...r, n: 30, unit: "trials" };

Deno.test("each claim helper passes on passing data and fails on failing data; NaN never passes", () => {
  const cases: [string, () => string, string][] = [
    ["atLeast 0.95 ≥ 0.9", () => atLeast({ ...r, value: 0.95, min: 0.9 }).verdict, "PASS"],
    ["atLeast 0.5 ≥ 0.9", () => atLeast({ ...r, value: 0.5, min: 0.9 }).verdict, "FAIL"],
    ["atLeast NaN", () => atLeast({ ...r, value: NaN, min: 0 }).verdict, "FAIL"],
    ["atMost 0.5 ≤ 1", () => atMost({ ...r, value: 0.5, max: 1 }).verdict, "PASS"],
    ["atMost 2 ≤ 1", () => atMost({ ...r, value: 2, max: 1 }).verdict, "FAIL"],
    ["atMost NaN", () => atMost({ ...r, value: NaN, max: 1 }).verdict, "FAIL"],
    ["between 4 in [3, 5]", () => between({ ...r, value: 4, lo: 3, hi: 5 }).verdict, "PASS"],
    ["between 6 in [3, 5]", () => between({ ...r, value: 6, lo: 3, hi: 5 }).verdict, "FAIL"],
    ["between NaN", () => between({ ...r, value: NaN, lo: 3, hi: 5 }).verdict, "FAIL"],
    ["holds true", () => holds({ ...r, ok: true, measured: "", rule: "" }).verdict, "PASS"],
    ["holds false", () => holds({ ...r, ok: false, measured: "", rule: "" }).verdict, "FAIL"],
    // a value the paper measured: the equivalence band 0.85 ± 0.05
    [
      "matches: CI inside the band",
      () => matches({ ...v, value: 0.85, low: 0.82, high: 0.88 }).verdict,
      "PASS",
    ],
    [
      "matches: CI wholly below the band",
      () => matches({ ...v, value: 0.6, low: 0.5, high: 0.75 }).verdict,
      "FAIL",
    ],
    [
      "matches: CI holds the target but is wider than the band",
      () => matches({ ...v, value: 0.85, low: 0.7, high: 0.95 }).verdict,
      "INCONCLUSIVE",
    ],
    [
      "matches: NaN interval",
      () => matches({ ...v, value: NaN, low: NaN, high: NaN }).verdict,
      "INCONCLUSIVE",
    ],
    [
      "matches on Fisher's z: r 0.85 ± z 0.2",
      () =>
        matches({ ...v, tolerance: 0.2, scale: "fisher", value: 0.84, low: 0.8, high: 0.88 })
          .verdict,
      "PASS",
    ],
    // a direction: the significant sign decides
    ["rises, p 0.01", () => correlates({ ...d, r: 0.5, p: 0.01, sign: 1 }).verdict, "PASS"],
    ["rises, p 0.2", () => correlates({ ...d, r: 0.5, p: 0.2, sign: 1 }).verdict, "INCONCLUSIVE"],
    ["rises, r < 0", () => correlates({ ...d, r: -0.5, p: 0.01, sign: 1 }).verdict, "FAIL"],
    ["falls, r < 0", () => correlates({ ...d, r: -0.5, p: 0.01, sign: -1 }).verdict, "PASS"],
    [
      "p < 1e-3 asked, 0.01 got",
      () => correlates({ ...d, r: 0.5, p: 0.01, sign: 1, alpha: 1e-3 }).verdict,
      "INCONCLUSIVE",
    ],
    ["rises, NaN", () => correlates({ ...d, r: NaN, p: NaN, sign: 1 }).verdict, "INCONCLUSIVE"],
    [
      "leans: lower, p 0.02",
      () => leans({ ...d, effect: -1, p: 0.02, sign: -1, test: "t", measured: "" }).verdict,
      "PASS",
    ],
    // all / sometimes / a rate bound
    ["always: 0 in 59", () => always({ ...r, exceptions: 0, n: 59, unit: "runs" }).verdict, "PASS"],
    [
      "always: 0 in 24",
      () => always({ ...r, exceptions: 0, n: 24, unit: "runs" }).verdict,
      "INCONCLUSIVE",
    ],
    ["always: 1 in 24", () => always({ ...r, exceptions: 1, n: 24, unit: "runs" }).verdict, "FAIL"],
    ["sometimes: 1 in 5", () => sometimes({ ...r, hits: 1, n: 5, unit: "runs" }).verdict, "PASS"],
    ["sometimes: 0 in 80", () => sometimes({ ...r, hits: 0, n: 80, unit: "runs" }).verdict, "FAIL"],
    [
      "sometimes, not all: 80 of 80",
      () => sometimes({ ...r, hits: 80, n: 80, unit: "runs", notAll: true }).verdict,
      "FAIL",
    ],
    [
      "rate ≥ 0.99: 400 of 400",
      () => rateClaim({ ...r, k: 400, n: 400, bound: 0.99, side: "above", unit: "t" }).verdict,
      "PASS",
    ],
    [
      "rate ≥ 0.99: 3 of 6",
      () => rateClaim({ ...r, k: 3, n: 6, bound: 0.99, side: "above", unit: "t" }).verdict,
      "FAIL",
    ],
    [
      "rate ≥ 0.99: 6 of 6",
      () => rateClaim({ ...r, k: 6, n: 6, bound: 0.99, side: "above", unit: "t" }).verdict,
      "INCONCLUSIVE",
    ],
    // cut short of the paper's steps
    [
      "cut short, not settled",
      () => cutShort(atLeast({ ...r, value: 1, min: 0 }), { settled: false, why: "cut" }).verdict,
      "INCONCLUSIVE",
    ],
    [
      "cut short, settled",
      () => cutShort(atLeast({ ...r, value: -1, min: 0 }), { settled: true, why: "cut" }).verdict,
      "FAIL",
    ],
    ["reported", () => reported({ ...r, measured: "0.7" }).verdict, "REPORTED"],
  ];
  const wrong = cases.filter(([, f, want]) => f() !== want).map(([n, f, w]) =>
    `${n}: ${f()} where ${w}`
  );
  equal(wrong.length, 0, wrong.join("; "));
});

Deno.test("onlyAt: PASS and FAIL become UNTESTED where the scale cannot decide; REPORTED stays", () => {
  const pass = atLeast({ ...r, value: 1, min: 0 }), fail = atLeast({ ...r, value: -1, min: 0 });
  equal(onlyAt(false, pass, "tiny").verdict, "UNTESTED");
  equal(onlyAt(false, fail, "tiny").note, "tiny");
  equal(onlyAt(true, fail, "tiny").verdict, "FAIL");
  const rep = onlyAt(false, reported({ ...r, measured: "1", note: "n" }), "tiny");
  equal(rep.verdict, "REPORTED");
  equal(rep.note, "n; tiny");
});

Deno.test("a claim carries its sentence, and its threshold names the words it reads", () => {
  const c = atLeast({ ...r, value: 1, min: 0.99, because: "within 1 %" });
  equal(c.quote, quote.text);
  equal(c.section, quote.section);
  equal(c.threshold, "'words' → ≥ 0.99 (within 1 %)");
  const table = claimsTable([c]);
  equal(table.includes("Sec. 0: “the words of the paper”"), true, table);
  equal(table.split("\n").length, 4, table);
  equal(table.includes("evidence: n = 1 run"), true, table);
});

Deno.test("every PASS, FAIL and INCONCLUSIVE carries evidence; INCONCLUSIVE says the units that would decide it", () => {
  const cs = [
    correlates({ ...d, r: 0.3, p: 0.2, sign: 1, paperN: 2300 }),
    matches({ ...v, value: 0.85, low: 0.7, high: 0.95 }),
    always({ ...r, exceptions: 0, n: 24, unit: "runs" }),
    atLeast({ ...r, value: 1, min: 0 }),
  ];
  for (const c of cs) {
    const e = c.evidence;
    if (!e || !Number.isInteger(e.n) || e.n < 1 || !e.test || !(e.alpha >= 0)) {
      throw new Error(`${c.verdict}: evidence ${JSON.stringify(e)}`);
    }
    if (c.verdict === "INCONCLUSIVE" && !(e.nToDecide! >= 1 && c.note?.includes("needs"))) {
      throw new Error(`INCONCLUSIVE without n to decide: ${JSON.stringify(c)}`);
    }
  }
  // the direction's n to decide: 30·(1.96/z(0.2))² = 30·(1.96/1.2816)² = 70.2 → 71
  equal(cs[0].evidence!.nToDecide, 71);
  equal(cs[0].note, "needs ≈ 71 trials; paper scale has 2300");
});
