import { equal } from "node:assert/strict";
import {
  atLeast,
  atMost,
  between,
  claimsTable,
  correlates,
  covers,
  holds,
  onlyAt,
  reported,
} from "./claims.ts";

const quote = { section: "Sec. 0", text: "the words of the paper" };
const r = { name: "x", quote, words: "words" };

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
    [
      "covers 0.85 in [0.7, 0.9]",
      () => covers({ ...r, value: 0.8, low: 0.7, high: 0.9, target: 0.85 }).verdict,
      "PASS",
    ],
    [
      "covers 0.85 in [0.5, 0.8]",
      () => covers({ ...r, value: 0.6, low: 0.5, high: 0.8, target: 0.85 }).verdict,
      "FAIL",
    ],
    [
      "covers NaN interval",
      () => covers({ ...r, value: NaN, low: NaN, high: NaN, target: 0.85 }).verdict,
      "FAIL",
    ],
    ["rises, p 0.01", () => correlates({ ...r, r: 0.5, p: 0.01, n: 9, sign: 1 }).verdict, "PASS"],
    ["rises, p 0.2", () => correlates({ ...r, r: 0.5, p: 0.2, n: 9, sign: 1 }).verdict, "FAIL"],
    ["rises, r < 0", () => correlates({ ...r, r: -0.5, p: 0.01, n: 9, sign: 1 }).verdict, "FAIL"],
    ["falls, r < 0", () => correlates({ ...r, r: -0.5, p: 0.01, n: 9, sign: -1 }).verdict, "PASS"],
    [
      "p < 1e-3 asked, 0.01 got",
      () => correlates({ ...r, r: 0.5, p: 0.01, n: 9, sign: 1, alpha: 1e-3 }).verdict,
      "FAIL",
    ],
    ["rises, NaN", () => correlates({ ...r, r: NaN, p: NaN, n: 2, sign: 1 }).verdict, "FAIL"],
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
  equal(table.split("\n").length, 3, table);
});
