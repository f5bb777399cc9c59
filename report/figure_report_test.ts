import { equal } from "node:assert/strict";
import { type FigureReport, indexHtml } from "./figure_report.ts";
import { always, atLeast, reported } from "../paper/claims.ts";

Deno.test("the report page shows each claim's sentence and section, its n, test and result, and counts INCONCLUSIVE and REPORTED apart", () => {
  const quote = { section: "Sec. 4.2", text: 'a "perfect" fit & <sparse> coefficients' };
  const report: FigureReport = {
    id: "fig9",
    title: "Figure 9",
    spec: "spec",
    claim: "claim",
    scale: "quick",
    backend: "asm",
    wallSeconds: 1,
    trials: 1,
    trialsRun: 0,
    claims: [
      atLeast({ name: "R²", quote, words: "perfect", value: 1, min: 0.99 }),
      reported({ name: "Lasso R²", quote, words: "sparse", measured: "0.79" }),
      always({ name: "every run", quote, words: "perfect", exceptions: 0, n: 24, unit: "runs" }),
    ],
    panels: [],
    notes: [],
    commit: "abc",
    version: "0",
  };
  const html = indexHtml([report], {
    scale: "quick",
    backend: "asm",
    commit: "abc",
    wallSeconds: 1,
  });
  equal(
    html.includes("Sec. 4.2: “a &quot;perfect&quot; fit &amp; &lt;sparse&gt; coefficients”"),
    true,
  );
  equal(html.includes("<b>1 PASS</b>, <b>0 FAIL</b>, <b>1 INCONCLUSIVE</b>"), true, html);
  equal(html.includes("0 UNTESTED (this scale does not run it), 1 REPORTED"), true);
  // n, the test and its result on the row; the units that would decide it in the note
  equal(html.includes("<td>24 runs</td><td>n = 24 runs · every case: one exception fails"), true);
  equal(html.includes("needs ≈ 59 runs"), true);
  equal(
    html.includes("<td>1 run</td><td>n = 1 run (paper scale 1) · the measurement of this run"),
    true,
  );
  equal(html.includes('<tr class="REPORTED"><td>REPORTED</td>'), true);
});
