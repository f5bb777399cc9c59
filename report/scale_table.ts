/**
 * "What each scale decides": a Markdown table of every claim of a `reproduce` output folder — its
 * verdict and n at the scale run, the n that would decide it (INCONCLUSIVE), and the n paper scale
 * has (an exact measurement of named runs: the same runs). `deno run --allow-read
 * report/scale_table.ts DIR` prints it from DIR/<figure>/data.json.
 *
 * @module
 */
import { join } from "node:path";
import type { Claim } from "../paper/claims.ts";

/** One figure's report as data.json has it (the fields the table reads). */
export interface ReportClaims {
  id: string;
  scale: string;
  claims: Claim[];
}

const cell = (s: string) => s.replace(/\|/g, "\\|");
const units = (n: number | null | undefined) =>
  n === undefined ? "" : n === null || !Number.isFinite(n) ? "∞" : String(n);

/**
 * The table's rows, one per claim that is not REPORTED.
 *
 * @example
 * ```ts
 * import { scaleTable } from "./scale_table.ts";
 * import { always } from "../paper/claims.ts";
 * const quote = { section: "Sec. 3.2.1", text: "will always survive" };
 * const c = always({ name: "k=1 survives", quote, words: "always survive", exceptions: 0, n: 24, unit: "runs", paperN: 1600 });
 * const t = scaleTable([{ id: "fig6r", scale: "quick", claims: [c] }]);
 * if (!t.includes("| fig6r | k=1 survives | INCONCLUSIVE | 24 runs | 59 | 1600 |")) throw new Error(t);
 * ```
 */
export function scaleTable(reports: ReportClaims[]): string {
  const scale = reports[0]?.scale ?? "?";
  const head =
    `| figure | claim | verdict at ${scale} scale | n | n to decide | n at paper scale |\n| --- | --- | --- | --- | --- | --- |`;
  const rows = reports.flatMap((r) =>
    r.claims.filter((c) => c.verdict !== "REPORTED").map((c) => {
      const e = c.evidence;
      return `| ${r.id} | ${cell(c.name)} | ${c.verdict} | ${e ? `${e.n} ${e.unit}` : ""} | ${
        c.verdict === "INCONCLUSIVE" ? units(e?.nToDecide) : ""
      } | ${units(e?.paperN ?? (e?.alpha === 0 ? e.n : undefined))} |`;
    })
  );
  return [head, ...rows].join("\n");
}

/** The reports of every figure folder under `dir` that has a data.json, in folder order. */
export async function readReports(dir: string): Promise<ReportClaims[]> {
  const out: ReportClaims[] = [];
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isDirectory) names.push(e.name);
  const order = (s: string) => {
    const m = /^fig(\d+)([a-z]?)$/.exec(s);
    return m ? Number(m[1]) * 100 + (m[2] ? m[2].charCodeAt(0) - 96 : 0) : 100000;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const name of names) {
    try {
      const j = JSON.parse(await Deno.readTextFile(join(dir, name, "data.json")));
      out.push(j.report as ReportClaims);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return out;
}

if (import.meta.main) {
  const dir = Deno.args[0];
  if (!dir) {
    console.error("scale_table: DIR: allowed is a reproduce output folder");
    Deno.exit(2);
  }
  console.log(scaleTable(await readReports(dir)));
}
