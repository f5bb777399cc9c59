import { equal } from "node:assert/strict";
import { figureById, FIGURES } from "./figures.ts";
import { ResultsStore } from "../store/store.ts";
import { reproduceFigure } from "../experiments/reproduce_figure.ts";
import { writeFigureReport } from "../report/figure_report.ts";
import { assertQuoted } from "../tests/claim_checks.ts";

const PNG = [0x89, 0x50, 0x4e, 0x47];

Deno.test("every figure's pipeline runs at tiny scale: trials, analysis, quoted claims, PNG panels", async () => {
  const out = await Deno.makeTempDir();
  const store = await ResultsStore.open(`${out}/store.sqlite`);
  for (const fig of FIGURES) {
    const r = await writeFigureReport(
      await reproduceFigure(fig, { scale: "tiny", store, workers: 2 }),
      out,
    );
    if (r.claims.length === 0) throw new Error(`${fig.id}: no claims`);
    // each claim quotes the paper verbatim, and its threshold reads words of that sentence
    assertQuoted(r.claims);
    for (const c of r.claims) {
      if (c.verdict === "UNTESTED" && !c.note) {
        throw new Error(`${fig.id}: ${c.name} is UNTESTED without a reason`);
      }
    }
    if (r.panels.length === 0) throw new Error(`${fig.id}: no panels`);
    for (const p of r.panels) {
      const bytes = await Deno.readFile(`${out}/${fig.id}/${p}`);
      equal(PNG.every((b, i) => bytes[i] === b), true, `${fig.id}/${p} is not a PNG`);
    }
    JSON.parse(await Deno.readTextFile(`${out}/${fig.id}/data.json`));
  }
  // the shared Fig. 2 run was trained once for Figs. 2, 3, 8 and 13
  const again = await reproduceFigure(figureById("fig8")!, { scale: "tiny", store });
  equal(again.trialsRun, 0, "a rerun must reuse the stored trial");
  store.close();
  await Deno.remove(out, { recursive: true });
});

Deno.test("figure ids resolve in every spelling", () => {
  equal(figureById("fig9")?.id, "fig9");
  equal(figureById("fig09")?.id, "fig9");
  equal(figureById("9")?.id, "fig9");
  equal(figureById("fig99"), undefined);
});
