/**
 * A study's published report: the figures whose trials are all stored, written as `reproduce`
 * writes them (`./figure_report.ts`), the ones only partly stored listed with "n of N stored" and
 * no verdict; `index.html` for both and `claims.md`, the table of every claim's verdict, n and
 * evidence (the README quotes it). Written into a temporary folder and renamed into place whole.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Scale } from "../paper/figure.ts";
import { evidenceLine } from "../paper/claims.ts";
import { writeAtomic } from "../store/disk.ts";
import { gitCommit } from "../store/provenance.ts";
import type { FigureStatus } from "../experiments/study.ts";
import {
  type FigureReport,
  indexHtml,
  type PendingFigure,
  writeFigureReport,
} from "./figure_report.ts";

export type { PendingFigure };

/** A study's report: the figures decided from complete trials and the ones pending. */
export interface StudyReport {
  /** The scale of its figures. */
  scale: Scale;
  /** The complete figures' reports, each marked if its trials stopped at the early stop. */
  reports: (FigureReport & { untilDecided: boolean })[];
  /** The figures only partly stored. */
  pending: PendingFigure[];
  /** The store it was built from: its path, trials and digest (`ResultsStore.digest`). */
  source?: StudySource;
}

/** The store a study's report was built from. */
export interface StudySource {
  /** The store's path as given. */
  path: string;
  /** Its trials. */
  trials: number;
  /** `ResultsStore.digest()`: equal for stores that hold the same trials. */
  digest: string;
}

/** The line a study's claims table opens with: the store it was built from. */
export function sourceLine(src: StudySource): string {
  // the digest on a line of its own, where \`deno fmt\` would put it (the README holds this line)
  return `Built by \`deno task publish\` from \`${src.path}\`: ${src.trials} trials, digest\n\`${src.digest}\`.`;
}

/** A threshold's bar without the words it was read from: "'only 3-5 survive' → in [3, 5]" → "in [3, 5]". */
const bar = (threshold: string) => {
  const after = threshold.includes("→ ") ? threshold.slice(threshold.indexOf("→ ") + 2) : threshold;
  const cut = after.indexOf(" (");
  return cut > 0 ? after.slice(0, cut) : after;
};

/** A cell's width as a Markdown formatter aligns it: code points, combining marks taking none. */
const width = (s: string) => [...s.replace(/[\u0300-\u036f\u20d0-\u20ff]/g, "")].length;

/** A Markdown table with its columns padded to their widest cell, as `deno fmt` writes it (so a
 * formatted README stays formatted when the table is rewritten). */
export function markdownTable(head: string[], rows: string[][]): string {
  const w = head.map((h, j) => Math.max(3, width(h), ...rows.map((r) => width(r[j] ?? ""))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, j) => c + " ".repeat(w[j] - width(c))).join(" | ")} |`;
  return [line(head), `| ${w.map((n) => "-".repeat(n)).join(" | ")} |`, ...rows.map(line)].join(
    "\n",
  ) + "\n";
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * The claims table in Markdown: figure, claim, verdict, n and evidence for every claim of a
 * complete figure (REPORTED ones say what was measured), then one row per pending figure.
 * `compact`: the evidence as the measured value, the bar and the p-value (the README's table;
 * claims.md has the whole evidence).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { studyTable } from "./study_report.ts";
 * const t = studyTable({ scale: "paper", reports: [], pending: [
 *   { id: "fig4", title: "Figure 4", stored: 3, needed: 565, what: "trials", command: "deno task reproduce fig4 --scale paper" },
 * ] });
 * assert(t.includes("| — ") && t.includes("| 3 of 565 trials stored: no verdict from a partial set |"), t);
 * ```
 */
export function studyTable(s: StudyReport, opts: { compact?: boolean } = {}): string {
  const head = ["figure", "claim", "verdict", "n", "evidence"];
  const rows = s.reports.flatMap((r) =>
    r.claims.map((c): string[] => {
      const e = c.evidence;
      const evidence = c.verdict === "REPORTED"
        ? `measured ${c.measured} (the sentence gives no number)`
        : opts.compact
        ? `${c.measured}; bar ${bar(c.threshold)}${
          e?.pValue !== undefined ? `; p = ${e.pValue.toPrecision(2)}` : ""
        }`
        : `${c.measured} against ${c.threshold}; ${evidenceLine(e)}`;
      return [
        `${r.id}${r.untilDecided ? " (--until-decided)" : ""}`,
        cell(c.name),
        c.verdict === "PASS" || c.verdict === "FAIL" ? `**${c.verdict}**` : c.verdict,
        e ? `${e.n} ${e.unit}` : "",
        cell(evidence),
      ];
    })
  );
  const pending = s.pending.map((p) => [
    p.id,
    cell(p.title),
    "—",
    `${p.stored} of ${p.needed} ${p.what} stored: no verdict from a partial set`,
    `\`${p.command}\` trains the rest`,
  ]);
  const table = markdownTable(head, [...rows, ...pending]);
  return s.source ? `${sourceLine(s.source)}\n\n${table}` : table;
}

/** The tally line of a study: verdict counts over the complete figures, the pending ones. */
export function studyTally(s: StudyReport): string {
  const count = (v: string) =>
    s.reports.reduce((n, r) => n + r.claims.filter((c) => c.verdict === v).length, 0);
  const verdicts = ["PASS", "FAIL", "INCONCLUSIVE", "UNTESTED", "REPORTED"].map((v) =>
    `${count(v)} ${v}`
  ).join(", ");
  return `${s.reports.length} figures complete (${verdicts}); ${s.pending.length} pending${
    s.pending.length
      ? ` (${s.pending.map((p) => `${p.id} ${p.stored}/${p.needed}`).join(", ")})`
      : ""
  }`;
}

/** Options of {@linkcode writeStudyReport}. */
export interface WriteStudyOptions {
  /** The scale of its figures. */
  scale: Scale;
  /** Seconds the rebuild took (for the page). */
  wallSeconds?: number;
  /** The command that trains what a pending figure lacks. */
  continueCommand: (s: FigureStatus) => string;
  /** The store it is built from (said in claims.md and index.html). */
  source?: StudySource;
}

/**
 * Write a study's report into `outDir` (replaced whole): each complete figure's folder, the
 * pending list, `index.html` and `claims.md`. Returns what was written.
 */
export async function writeStudyReport(
  statuses: FigureStatus[],
  outDir: string,
  opts: WriteStudyOptions,
): Promise<StudyReport> {
  const tmp = join(dirname(outDir), `.${outDir.split("/").at(-1)}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  try {
    const study: StudyReport = {
      scale: opts.scale,
      reports: [],
      pending: [],
      ...(opts.source ? { source: opts.source } : {}),
    };
    for (const s of statuses) {
      if (s.kind === "complete") {
        const r = await writeFigureReport(s.run, tmp);
        study.reports.push({ ...r, untilDecided: s.untilDecided });
      } else {
        study.pending.push({
          id: s.fig.id,
          title: s.fig.title,
          stored: s.stored,
          needed: s.needed,
          what: s.what,
          command: opts.continueCommand(s),
        });
      }
    }
    const html = indexHtml(study.reports, {
      scale: opts.scale,
      backend: [...new Set(study.reports.map((r) => r.backend))].join(", ") || "asm",
      commit: await gitCommit(),
      wallSeconds: opts.wallSeconds ?? study.reports.reduce((s, r) => s + r.wallSeconds, 0),
      pending: study.pending,
      ...(opts.source ? { source: sourceLine(opts.source).replaceAll("`", "") } : {}),
    });
    await writeAtomic(join(tmp, "index.html"), html);
    await writeAtomic(join(tmp, "claims.md"), studyTable(study));
    await Deno.remove(outDir, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await Deno.rename(tmp, outDir);
    return study;
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}
