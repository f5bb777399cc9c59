import { equal } from "node:assert/strict";
import { type FigureReport, indexHtml } from "./figure_report.ts";
import { atLeast, reported } from "../paper/claims.ts";

Deno.test("the report page shows each claim's sentence and section, and counts REPORTED apart", () => {
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
  equal(html.includes("<b>1 PASS</b>, <b>0 FAIL</b>, 0 UNTESTED at this scale, 1 REPORTED"), true);
  equal(html.includes('<tr class="REPORTED"><td>REPORTED</td>'), true);
});
