/**
 * Reproduce a figure: resolve its trials through the store (running what is missing on every
 * core), run its analysis, write its panels (PNG), data (JSON, CSV) and claims, and print the
 * claims table. `reproduceAll` does every figure and writes `index.html`.
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backends/contract.ts";
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";
import { type Claim, claimsTable, evidenceLine } from "../paper/claims.ts";
import { resolveTrials } from "../store/requests.ts";
import { costPlan, planLine } from "../store/cost_plan.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import type { ResultsStore } from "../store/store.ts";
import { renderPanel } from "./plot.ts";
import { sweepProgress } from "../train/progress.ts";
import { VERSION } from "../store/run_dir.ts";
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

/** Options of {@linkcode reproduceFigure}. */
export interface ReproduceOptions {
  scale: Scale;
  store: ResultsStore;
  outDir: string;
  /** The backend that trains what the store lacks (default asm). */
  backend?: Backend;
  workers?: number;
  fresh?: boolean;
  /** Stop sweep trials once their circles are decided. */
  untilDecided?: boolean;
  /** Print progress and the claims table (default true). */
  verbose?: boolean;
}

/** The project's git commit, or "unknown". */
export async function gitCommit(): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--short=12", "HEAD"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    const dirty = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=no"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    const c = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || !c) return "unknown";
    return new TextDecoder().decode(dirty.stdout).trim() ? `${c}+dirty` : c;
  } catch {
    return "unknown";
  }
}

/** Write a file whole or not at all: a temporary sibling, renamed into place. */
export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * Reproduce one figure into `outDir/<id>/`.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { reproduceFigure } from "./figure_report.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * const store = await ResultsStore.open(":memory:"), outDir = await Deno.makeTempDir();
 * // `deno task reproduce fig11 --scale tiny`: seconds, and no claim decided at that scale
 * const report = await reproduceFigure(figureById("fig11")!, { scale: "tiny", store, outDir, workers: 1, verbose: false });
 * assertEquals(report.claims.map((c) => c.verdict), ["UNTESTED", "UNTESTED", "REPORTED"]);
 * assert(Deno.statSync(`${outDir}/fig11/data.json`).isFile, "data.json written"); // with the panels and CSVs
 * store.close();
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function reproduceFigure(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ReproduceOptions,
): Promise<FigureReport> {
  const verbose = opts.verbose ?? true;
  const t0 = performance.now();
  const params = fig.params[opts.scale];
  const reqs = figureRequests(fig, opts.scale, opts.untilDecided);
  const before = opts.store.count();
  const tty = verbose && Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  if (verbose) {
    const plan = await costPlan(reqs, {
      store: opts.store,
      backend: opts.backend ?? asmBackend,
      workers: opts.workers,
      fresh: opts.fresh,
    });
    console.error(`${fig.id} (${opts.scale}): ${planLine(plan)}`);
  }
  const resolve = (rs: typeof reqs) =>
    resolveTrials(rs, {
      store: opts.store,
      backend: opts.backend,
      workers: opts.workers,
      fresh: opts.fresh,
      onProgress: verbose ? sweepProgress(fig.id) : undefined,
    });
  const results = await resolve(reqs);
  if (fig.followUp) {
    const more = fig.followUp(params, results);
    reqs.push(...more);
    results.push(...await resolve(more));
  }
  if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
  const out = await fig.compute(params, results, opts.scale);
  const diverged = results.filter((r) => r.divergedAt !== null);
  if (diverged.length) {
    (out.notes ??= []).unshift(
      `${diverged.length} of ${results.length} trials diverged (non-finite loss or parameters, at steps ${
        diverged.slice(0, 5).map((r) => r.divergedAt).join(", ")
      }${diverged.length > 5 ? ", …" : ""}): they are counted apart, never as 0 circles.`,
    );
  }
  const dir = join(opts.outDir, fig.id);
  await Deno.mkdir(dir, { recursive: true });
  const panels: string[] = [];
  for (const panel of out.panels) {
    await writeAtomic(join(dir, panel.file), renderPanel(panel));
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
    scale: opts.scale,
    backend: [...new Set(results.map((r) => r.backend))].join(", ") ||
      (opts.backend?.name ?? "asm"),
    wallSeconds: (performance.now() - t0) / 1000,
    trials: reqs.length,
    trialsRun: opts.store.count() - before,
    claims: out.claims,
    panels,
    notes: out.notes ?? [],
    commit: await gitCommit(),
    version: VERSION,
    explorer: figureExplorerLinks(fig, opts.scale),
  };
  await writeAtomic(
    join(dir, "data.json"),
    JSON.stringify({ report, data: out.data }, null, 1) + "\n",
  );
  await writeAtomic(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  if (verbose) {
    console.log(
      `\n${fig.title} — ${opts.scale} scale, ${
        report.wallSeconds.toFixed(1)
      } s, ${report.trials} trials (${report.trialsRun} run now)`,
    );
    console.log(claimsTable(out.claims));
    console.log(`panels and data: ${dir}/`);
  }
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
export function indexHtml(
  reports: FigureReport[],
  meta: {
    scale: Scale;
    backend: string;
    commit: string;
    wallSeconds: number;
    /** Base URL of the explorer links (default {@linkcode EXPLORER_BASE}). */
    explorer?: string;
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
  } REPORTED (the sentence gives no number: measured, no verdict). Each threshold is read from the paper's sentence beside it; PASS and FAIL are decided at the error rate α shown with each claim's test, over the independent units n counts.</p>
<ul>${
    reports.map((r) =>
      `<li><a href="#${r.id}">${esc(r.title)}</a>: ${r.claims.map((c) => c.verdict).join(" ")}</li>`
    ).join("")
  }</ul>
${figs}
</body></html>
`;
}
