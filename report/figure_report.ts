/**
 * A reproduced figure's report: its panels rendered (PNG) and written with its data (JSON, CSV)
 * and claims into its folder; `indexHtml`, the one page of several figures.
 *
 * @module
 */
import { join } from "node:path";
import type { Scale } from "../paper/figure.ts";
import { type Claim, evidenceLine } from "../paper/claims.ts";
import { writeAtomic } from "../store/disk.ts";
import { gitCommit, VERSION } from "../store/provenance.ts";
import type { FigureRun } from "../experiments/reproduce_figure.ts";
import { renderPanel } from "./plot.ts";
import { type ExplorerLink, figureExplorerLinks } from "./explorer_link.ts";

/** What one figure's reproduction produced. */
export interface FigureReport {
  /** The figure's id (fig2, fig9, ...). */
  id: string;
  /** Its title. */
  title: string;
  /** The protocol it follows (docs/SPEC.md). */
  spec: string;
  /** What the paper claims of it. */
  claim: string;
  /** The scale it ran at. */
  scale: Scale;
  /** The backend that trained its trials. */
  backend: string;
  /** Wall time of the reproduction. */
  wallSeconds: number;
  /** Trials the figure needs. */
  trials: number;
  /** Of those, trials trained by this run (the rest came from the store). */
  trialsRun: number;
  /** Its claims with their verdicts and evidence. */
  claims: Claim[];
  /** The PNG files written. */
  panels: string[];
  /** Remarks: protocol choices, findings. */
  notes: string[];
  /** The git commit of the code that ran (`+dirty` with uncommitted changes; "unknown" outside git). */
  commit: string;
  /** The suite's version. */
  version: string;
  /** The figure's runs as explorer links (query strings), where one page can show them. */
  explorer?: ExplorerLink[];
}

/**
 * Stage 4 of a figure's reproduction (`../experiments/reproduce_figure.ts`): render its panels (PNG) and
 * write them, its CSVs, `data.json` (everything plotted and asserted) and `report.json` into
 * `outDir/<id>/`; returns the report.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { reproduceFigure } from "../experiments/reproduce_figure.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { writeFigureReport } from "./figure_report.ts";
 * const store = await ResultsStore.open(":memory:"), outDir = await Deno.makeTempDir();
 * // `deno task reproduce fig11 --scale tiny`: seconds, and no claim decided at that scale
 * const run = await reproduceFigure(figureById("fig11")!, { scale: "tiny", store, workers: 1 });
 * const report = await writeFigureReport(run, outDir);
 * assertEquals(report.claims.map((c) => c.verdict), ["UNTESTED", "UNTESTED", "REPORTED"]);
 * assert(Deno.statSync(`${outDir}/fig11/data.json`).isFile, "data.json written"); // with the panels and CSVs
 * store.close();
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function writeFigureReport(run: FigureRun, outDir: string): Promise<FigureReport> {
  const t0 = performance.now();
  const { fig, output: out } = run;
  const dir = join(outDir, fig.id);
  await Deno.mkdir(dir, { recursive: true });
  const panels: string[] = [];
  for (const panel of out.panels) {
    await writeAtomic(join(dir, panel.file), await renderPanel(panel));
    panels.push(panel.file);
  }
  for (const [name, text] of Object.entries(out.csv ?? {})) {
    await writeAtomic(join(dir, name), text);
  }
  const report: FigureReport = {
    id: fig.id,
    title: fig.title,
    spec: fig.spec,
    claim: fig.claim,
    scale: run.scale,
    backend: run.backend,
    wallSeconds: run.wallSeconds + (performance.now() - t0) / 1000,
    trials: run.requests.length,
    trialsRun: run.trialsRun,
    claims: out.claims,
    panels,
    notes: out.notes ?? [],
    commit: await gitCommit(),
    version: VERSION,
    explorer: figureExplorerLinks(fig, run.scale),
  };
  await writeAtomic(
    join(dir, "data.json"),
    JSON.stringify({ report, data: out.data }, null, 1) + "\n",
  );
  await writeAtomic(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  return report;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Where the report's explorer links point: `deno task explore` serves the page at / and this
 * report at /results/. */
export const EXPLORER_BASE = "../";

/** A figure's "open in the explorer" line (empty when it has no runs one page can show). */
function explorerLinks(r: FigureReport, base: string): string {
  if (!r.explorer?.length) return "";
  return `\n<p class="explore">Watch ${
    r.explorer.length > 1 ? "its runs" : "its run"
  } train in the explorer (<code>deno task explore</code>): ${
    r.explorer.map((l) => `<a href="${esc(base + l.query)}">${esc(l.label)}</a>`).join(" · ")
  }</p>`;
}

/** The one-page report of several figures. */
/** A figure of a study not yet complete in its store. */
export interface PendingFigure {
  /** The figure's id. */
  id: string;
  /** Its title. */
  title: string;
  /** Distinct trials stored. */
  stored: number;
  /** Distinct trials it needs. */
  needed: number;
  /** "trials" or "follow-up trials". */
  what: string;
  /** The command that trains the rest. */
  command: string;
}

function pendingHtml(pending: PendingFigure[]): string {
  if (pending.length === 0) return "";
  return `<section id="pending"><h2>Not yet decided: trials only partly stored</h2>
<p>A partial set of trials decides nothing: these figures get no verdict until all of their trials are stored.</p>
<table><tr><th>figure</th><th>stored</th><th>the rest trains with</th></tr>
${
    pending.map((p) =>
      `<tr><td>${esc(p.title)}</td><td>${p.stored} of ${p.needed} ${esc(p.what)}</td><td><code>${
        esc(p.command)
      }</code></td></tr>`
    ).join("\n")
  }
</table></section>`;
}

/**
 * The one page of several figures' reports (and, for a study, the figures still pending).
 */
export function indexHtml(
  reports: FigureReport[],
  meta: {
    scale: Scale;
    backend: string;
    commit: string;
    wallSeconds: number;
    /** Base URL of the explorer links (default {@linkcode EXPLORER_BASE}). */
    explorer?: string;
    /** Figures whose trials are only partly stored: listed with their count, no verdict. */
    pending?: PendingFigure[];
    /** Where the trials came from (a study's store, said as a sentence). */
    source?: string;
  },
): string {
  const count = (v: string) =>
    reports.reduce((n, r) => n + r.claims.filter((c) => c.verdict === v).length, 0);
  const figs = reports.map((r) => `
<section id="${r.id}">
<h2>${esc(r.title)}</h2>
<p class="meta">scale <b>${r.scale}</b> · backend ${esc(r.backend)} · ${
    r.wallSeconds.toFixed(1)
  } s · ${r.trials} trials · commit ${esc(r.commit)}</p>
<p><b>Protocol</b> (docs/SPEC.md): ${esc(r.spec)}</p>
<p><b>Claim</b>: ${esc(r.claim)}</p>
<table><tr><th>verdict</th><th>claim</th><th>measured</th><th>threshold (from the paper's words)</th><th>n</th><th>evidence: test and result</th><th>paper</th><th>note</th></tr>
${
    r.claims.map((c) =>
      `<tr class="${c.verdict}"><td>${c.verdict}</td><td>${esc(c.name)}</td><td>${
        esc(c.measured)
      }</td><td>${esc(c.threshold)}</td><td>${
        c.evidence ? `${c.evidence.n} ${esc(c.evidence.unit)}` : ""
      }</td><td>${c.verdict === "REPORTED" ? "" : esc(evidenceLine(c.evidence))}</td><td>${
        esc(c.paper)
      }</td><td>${esc(c.note ?? "")}</td></tr>\n<tr class="quote"><td></td><td colspan="7">${
        esc(c.section)
      }: “${esc(c.quote)}”</td></tr>`
    ).join("\n")
  }
</table>
${r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join("\n")}
<div class="panels">${
    r.panels.map((p) => `<a href="${r.id}/${p}"><img src="${r.id}/${p}" alt="${esc(p)}"></a>`).join(
      "",
    )
  }</div>
<p><a href="${r.id}/data.json">data.json</a></p>${explorerLinks(r, meta.explorer ?? EXPLORER_BASE)}
</section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>circle-survival: reproduction report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.9em;text-align:left}
tr.PASS td:first-child{background:#d4f7d4}tr.FAIL td:first-child{background:#f7d4d4}tr.INCONCLUSIVE td:first-child{background:#f7ecc8}tr.UNTESTED td:first-child{background:#eee}tr.REPORTED td:first-child{background:#e4ecf7}tr.quote td{font-style:italic;color:#444;border-top:none}
.panels img{width:380px;margin:4px;border:1px solid #ddd}.meta,.note{color:#555;font-size:.9em}
</style></head><body>
<h1>Survival of the Fittest Representation — reproduction report</h1>
<p>${reports.length} figures at <b>${meta.scale}</b> scale, backend ${esc(meta.backend)}, commit ${
    esc(meta.commit)
  }, ${meta.wallSeconds.toFixed(0)} s in all.
Claims: <b>${count("PASS")} PASS</b>, <b>${count("FAIL")} FAIL</b>, <b>${
    count("INCONCLUSIVE")
  } INCONCLUSIVE</b> (the trials at this scale cannot decide: the note says how many would), ${
    count("UNTESTED")
  } UNTESTED (this scale does not run it), ${
    count("REPORTED")
  } REPORTED (the sentence gives no number: measured, no verdict). Each threshold is read from the paper's sentence beside it; PASS and FAIL are decided at the error rate α shown with each claim's test, over the independent units n counts; a claim about one named run (n = 1 run, α = 0: the authors' own run, seed for seed) compares that run's measured value with the bar — exact for that run, silent about other seeds.${
    meta.source ? ` ${esc(meta.source)}` : ""
  }</p>
<ul>${
    reports.map((r) =>
      `<li><a href="#${r.id}">${esc(r.title)}</a>: ${r.claims.map((c) => c.verdict).join(" ")}</li>`
    ).join("")
  }</ul>
${pendingHtml(meta.pending ?? [])}
${figs}
</body></html>
`;
}
