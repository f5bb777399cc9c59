import { equal } from "node:assert/strict";
import { ResultsStore } from "../store/store.ts";
import { figureById } from "../paper/figures.ts";
import { reproduceFigure } from "./reproduce_figure.ts";
import { continueCommand, studyFigure } from "./study.ts";
import { studyTable, writeStudyReport } from "../report/study_report.ts";

Deno.test("a study's report from its store: complete figures analysed as reproduce does, partial ones 'n of N stored' with no verdict, nothing trained", async () => {
  const store = await ResultsStore.open(":memory:");
  const fig11 = figureById("fig11")!;
  const direct = await reproduceFigure(fig11, { scale: "tiny", store, workers: 2 });
  const stored = store.count();
  const statuses = [
    await studyFigure({ id: "fig11" }, { store, scale: "tiny" }),
    await studyFigure({ id: "fig2" }, { store, scale: "tiny" }),
  ];
  equal(store.count(), stored, "nothing trained");
  const [a, b] = statuses;
  equal(a.kind, "complete");
  equal(
    a.kind === "complete" && JSON.stringify(a.run.output.claims),
    JSON.stringify(direct.output.claims),
    "the complete figure's claims are reproduce's",
  );
  equal(b.kind === "partial" && `${b.stored} of ${b.needed} ${b.what}`, "0 of 1 trials");
  const out = `${await Deno.makeTempDir()}/study`;
  const study = await writeStudyReport(statuses, out, {
    scale: "tiny",
    continueCommand: (s) => continueCommand(s, "tiny", "S.sqlite"),
  });
  const html = await Deno.readTextFile(`${out}/index.html`);
  equal(html.includes("0 of 1 trials"), true, "the page lists the pending figure");
  equal(
    html.includes("deno task reproduce fig2 --scale tiny --store S.sqlite"),
    true,
    "with its command",
  );
  equal((await Deno.stat(`${out}/fig11/report.json`)).isFile, true, "the complete figure's folder");
  let fig2Dir = true;
  await Deno.stat(`${out}/fig2`).catch(() => (fig2Dir = false));
  equal(fig2Dir, false, "no folder (no verdict) for the partial figure");
  const md = await Deno.readTextFile(`${out}/claims.md`);
  equal(md, studyTable(study), "claims.md is the study's table");
  const rows = md.split("\n").filter((l) => l.startsWith("| ")).map((l) =>
    l.slice(2, -2).split(/(?<!\\)\|/).map((x) => x.trim()).join(" | ")
  );
  for (const c of direct.output.claims) {
    const verdict = c.verdict === "PASS" || c.verdict === "FAIL" ? `**${c.verdict}**` : c.verdict;
    const row = `fig11 | ${c.name.replace(/\|/g, "\\|")} | ${verdict} |`;
    equal(rows.some((r) => r.startsWith(row)), true, `row '${row}'\n${md}`);
  }
  equal(
    rows.some((r) =>
      r.startsWith("fig2 |") && r.includes("0 of 1 trials stored: no verdict from a partial set")
    ),
    true,
    md,
  );
  // Written whole: a second report replaces the first, no temporary folder left.
  await writeStudyReport(statuses.slice(0, 1), out, {
    scale: "tiny",
    continueCommand: (s) => continueCommand(s, "tiny", "S.sqlite"),
  });
  const left = [...Deno.readDirSync(`${out}/..`)].map((e) => e.name);
  equal(left.join(" "), "study", `only the report in its parent: ${left}`);
  equal(
    (await Deno.readTextFile(`${out}/index.html`)).includes("0 of 1 trials"),
    false,
    "replaced whole",
  );
  store.close();
});
