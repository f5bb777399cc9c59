/**
 * A grid sweep's outputs: `summary.csv` and `summary.json` (a row per cell), PNG panels —
 * #circles and the grokking step against each axis with their 95 % intervals, a heatmap when two
 * axes are swept, the per-frequency survival rates — and an `index.html`, from the summary
 * `../experiments/grid_sweep.ts` returns.
 *
 * @module
 */
import { join } from "node:path";
import type { TrialConfig } from "../protocol/config.ts";
import { type GridAxis, gridAxis } from "../protocol/grid_spec.ts";
import { rowLevels, type SweepRow, type SweepSummary } from "../experiments/grid_sweep.ts";
import { CONTRAST_ALPHA, type SweepRoundsSummary } from "../experiments/sweep_rounds.ts";
import { csv } from "../paper/csv.ts";
import type { Panel, Series } from "../paper/panel.ts";
import { color, renderPanel } from "./plot.ts";
import { writeAtomic } from "../store/disk.ts";
import { gitCommit } from "../store/provenance.ts";

const fmt = (v: number | null, digits = 2) =>
  v === null || !Number.isFinite(v) ? "–" : v.toFixed(digits);
const step = (v: number | null) => (v === null ? "never" : String(v));

/** A file-name-safe form of an axis name. */
const slug = (name: string) => name.replace(/[^\w.-]+/g, "-");

function axesOf(s: SweepSummary): GridAxis[] {
  return s.axes.map((a) => gridAxis(a.name, a.levels));
}

/** The label of a row's cell: its levels on every axis. */
export function cellLabel(s: SweepSummary, row: SweepRow): string {
  const levels = rowLevels(axesOf(s), row);
  return s.axes.map((a, i) => `${a.name}=${levels[i]}`).join(", ") || "all";
}

/** Numeric positions of an axis's levels (log-scaled when wide and positive) and the range that
 * shows them all, or categories. */
function axisPositions(
  axis: SweepSummary["axes"][0],
): { x: number[]; cats?: string[]; log: boolean; min?: number; max?: number } {
  const nums = axis.levels.map(Number);
  if (axis.keys.length > 1 || nums.some((v) => !Number.isFinite(v))) {
    return { x: nums.map((_, i) => i), cats: axis.levels, log: false };
  }
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  const log = lo > 0 && hi / lo >= 10;
  if (log) return { x: nums, log, min: lo / 1.25, max: hi * 1.25 };
  const pad = 0.05 * (hi - lo || Math.abs(hi) || 1);
  return { x: nums, log, min: lo - pad, max: hi + pad };
}

/**
 * The panels of a sweep: for every axis, #circles and the grokking step against it (one series
 * per combination of the other axes, 95 % interval bars); a heatmap of each when exactly two axes
 * are swept; the per-frequency survival rate of each cell.
 */
export function sweepPanels(s: SweepSummary): Panel[] {
  const axes = axesOf(s);
  const levelsOf = s.rows.map((r) => rowLevels(axes, r));
  const panels: Panel[] = [];
  const grokLabel = `grokking step (first logged step with test acc ≥ ${s.grokAccuracy})`;
  s.axes.forEach((axis, a) => {
    const { x, cats, log, min, max } = axisPositions(axis);
    const groups = new Map<string, SweepRow[]>();
    s.rows.forEach((row, r) => {
      const rest = s.axes.map((o, i) => (i === a ? "" : `${o.name}=${levelsOf[r][i]}`))
        .filter(Boolean).join(", ") || "all";
      groups.set(rest, [...(groups.get(rest) ?? []), row]);
    });
    const G = groups.size;
    // value, low, high; a null high is +∞ (an open interval), other nulls are not drawn
    const series = (pick: (row: SweepRow) => [number | null, number | null, number | null]) =>
      [...groups.entries()].map(([label, rows], g): Series => {
        const pos = rows.map((row) => x[axis.levels.indexOf(rowLevels(axes, row)[a])]);
        // categories: spread the groups a little so their bars do not overlap
        const xs = cats ? pos.map((v) => v + (g - (G - 1) / 2) * Math.min(0.1, 0.6 / G)) : pos;
        const v = rows.map(pick).map(([m, l, h]) => [m ?? NaN, l ?? NaN, h ?? Infinity]);
        return {
          label,
          x: xs,
          y: v.map((t) => t[0]),
          errorBars: { low: v.map((t) => t[1]), high: v.map((t) => t[2]) },
          color: color(g, G),
          radius: 5,
          points: !!cats,
        };
      });
    const common = {
      kind: "line" as const,
      xLabel: axis.name,
      xLog: log,
      xCategories: cats,
      xMin: min,
      xMax: max,
      legend: G > 1,
    };
    panels.push({
      ...common,
      file: `circles_vs_${slug(axis.name)}.png`,
      title: `# surviving circles vs ${axis.name} (mean, 95 % t interval; ${s.seeds.length} seeds)`,
      yLabel: "# surviving circles",
      series: series((r) => [r.stats.circles.mean, r.stats.circles.low, r.stats.circles.high]),
    });
    panels.push({
      ...common,
      file: `grok_vs_${slug(axis.name)}.png`,
      title: `grokking step vs ${axis.name} (median, sign-test interval)`,
      yLabel: grokLabel,
      series: series((r) => [r.stats.grok.median, r.stats.grok.low, r.stats.grok.high]),
    });
  });
  if (s.axes.length === 2) {
    const [A, B] = s.axes;
    const cell = (i: number, j: number) =>
      s.rows.find((_, r) => levelsOf[r][0] === A.levels[i] && levelsOf[r][1] === B.levels[j])!;
    const heat = (
      file: string,
      title: string,
      value: (row: SweepRow) => number | null,
      label: (row: SweepRow) => string,
    ): Panel => ({
      kind: "heatmap",
      file,
      title,
      scale: "sequential",
      matrix: A.levels.map((_, i) => B.levels.map((_, j) => value(cell(i, j)) ?? NaN)),
      cellLabels: A.levels.map((_, i) => B.levels.map((_, j) => label(cell(i, j)))),
      rowLabels: A.levels,
      colLabels: B.levels,
      rowTitle: A.name,
      colTitle: B.name,
    });
    panels.push(
      heat(
        "heatmap_circles.png",
        "# surviving circles: mean [95 % interval]",
        (r) => r.stats.circles.mean,
        (r) => {
          const c = r.stats.circles;
          return `${fmt(c.mean)}\n[${fmt(c.low)}, ${fmt(c.high)}]`;
        },
      ),
      heat(
        "heatmap_grok.png",
        "grokking step: median [interval]",
        (r) => r.stats.grok.median,
        (r) => {
          const g = r.stats.grok;
          return `${step(g.median)}\n[${step(g.low)}, ${step(g.high)}]`;
        },
      ),
    );
  }
  const kMax = Math.max(...s.rows.map((r) => r.stats.survival.length - 1));
  panels.push({
    kind: "line",
    file: "survival.png",
    title: "survival rate of each frequency (95 % Clopper–Pearson interval)",
    xLabel: "frequency k",
    yLabel: "share of trials in which k survives",
    series: s.rows.map((row, r): Series => ({
      label: cellLabel(s, row),
      x: row.stats.survival.map((f) =>
        f.k + (r - (s.rows.length - 1) / 2) * Math.min(0.3, 0.7 / s.rows.length)
      ),
      y: row.stats.survival.map((f) => f.rate),
      errorBars: {
        low: row.stats.survival.map((f) => f.low),
        high: row.stats.survival.map((f) => f.high),
      },
      radius: 3,
      points: true,
      color: color(r, s.rows.length),
    })),
    xCategories: Array.from({ length: kMax + 1 }, (_, k) => String(k)),
    width: Math.max(900, 30 * kMax),
  });
  return panels;
}

/** `summary.csv`: a row per cell (swept options, then the statistics, then the survival rate
 * of each frequency). */
export function sweepCsv(s: SweepSummary): string {
  const keys = s.axes.flatMap((a) => a.keys);
  const kMax = Math.max(...s.rows.map((r) => r.stats.survival.length - 1));
  const header = [
    ...keys,
    "trials",
    "diverged",
    "circles_mean",
    "circles_ci_low",
    "circles_ci_high",
    "grokked",
    "grok_step_median",
    "grok_step_ci_low",
    "grok_step_ci_high",
    "grok_ci_coverage",
    "final_train_loss_mean",
    "final_train_loss_median",
    "final_test_loss_mean",
    "final_test_loss_median",
    "circle_counts",
    ...Array.from({ length: kMax + 1 }, (_, k) => `survival_k${k}`),
  ];
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? "" : v);
  const never = (v: number | null) => (v === null ? "never" : v);
  return csv(
    header,
    s.rows.map((r) => {
      const t = r.stats;
      return [
        ...keys.map((k) => r.values[k]),
        t.trials,
        t.diverged,
        num(t.circles.mean),
        num(t.circles.low),
        num(t.circles.high),
        t.grok.grokked,
        never(t.grok.median),
        never(t.grok.low),
        never(t.grok.high),
        num(t.grok.coverage),
        num(t.finalTrainLoss.mean),
        num(t.finalTrainLoss.median),
        num(t.finalTestLoss.mean),
        num(t.finalTestLoss.median),
        t.circles.counts.join(" "),
        ...Array.from({ length: kMax + 1 }, (_, k) => num(t.survival[k]?.rate ?? NaN)),
      ];
    }),
  );
}

/**
 * What `--until-claims-decided` did, as text: the round it stopped at, the seeds a cell and the
 * trials against the full grid, then each contrast's decision with its rank-sum test and the level
 * of the look that decided it.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { roundsText } from "./sweep_report.ts";
 * import { runSweepInRounds } from "../experiments/sweep_rounds.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * const store = await ResultsStore.open(":memory:");
 * const spec = { axes: [parseGridAxis("wd=0.5,1")], seeds: [0, 1], base: { p: 5, d: 2, steps: 5 } };
 * const text = roundsText(await runSweepInRounds(spec, { store, workers: 1 }));
 * assert(text.includes("round 2 of 2") && text.includes("undecided"), text);
 * store.close();
 * ```
 */
export function roundsText(s: SweepRoundsSummary): string {
  const r = s.rounds;
  const head = !r.cut
    ? `--until-claims-decided: not cut (${
      s.decisions.length ? "one seed a cell: one round" : "no contrast to decide"
    }); ${r.trials.at} trials`
    : `--until-claims-decided: ${
      r.stoppedAt < r.rounds ? "cut" : "ran to the last round"
    } at round ${r.stoppedAt} of ${r.rounds} (seeds a cell ${
      s.seedsAt.join("/")
    }), ${r.trials.at} of ${r.trials.of} trials;\n  each contrast a two-sided rank-sum test of #circles, ${r.spending}-type α spending of ${CONTRAST_ALPHA}\n  over the rounds (per contrast; docs/sweep.md):`;
  const lines = s.decisions.map((d) => {
    const q = d.sequential;
    const at = d.round === null
      ? `not decided by round ${r.stoppedAt}${
        r.stoppedAt < r.rounds ? "" : " (no difference shown)"
      }`
      : `round ${d.round}`;
    return `  ${d.name}: ${d.decision} — ${at}; rank-sum effect ${fmt(d.effect)}, p ${
      Number.isFinite(d.p) ? d.p.toPrecision(3) : "–"
    }${q ? ` against the look's level ${q.nominalAlpha.toPrecision(3)}` : ""}`;
  });
  return [head, ...lines].join("\n");
}

/**
 * The summary as text: a table of the cells and the differences in mean #circles.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { sweepTable } from "./sweep_report.ts";
 * import { runSweep } from "../experiments/grid_sweep.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * const store = await ResultsStore.open(":memory:");
 * const axes = [parseGridAxis("lr=0.01,0.02")];
 * const summary = await runSweep({ axes, seeds: [0, 1], base: { p: 5, d: 2, steps: 5 } }, { store, workers: 1 });
 * const text = sweepTable(summary); // what `deno task sweep` prints
 * assert(text.includes("0.02") && text.includes("#circles"), text);
 * store.close();
 * ```
 */
export function sweepTable(s: SweepSummary): string {
  const head = [
    "cell",
    "trials",
    "diverged",
    "#circles mean [95% CI]",
    "grok step median [CI]",
    "test loss (median)",
  ];
  const rows = s.rows.map((r) => {
    const t = r.stats;
    return [
      cellLabel(s, r),
      String(t.trials),
      String(t.diverged),
      `${fmt(t.circles.mean)} [${fmt(t.circles.low)}, ${fmt(t.circles.high)}]`,
      `${step(t.grok.median)} [${step(t.grok.low)}, ${step(t.grok.high)}]` +
      (t.grok.coverage < 0.95 ? ` ${(100 * t.grok.coverage).toFixed(1)}% cov.` : "") +
      ` (${t.grok.grokked}/${t.trials - t.diverged} grokked)`,
      Number.isFinite(t.finalTestLoss.median) ? t.finalTestLoss.median.toExponential(2) : "–",
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  const out = [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)];
  const rounds = (s as Partial<SweepRoundsSummary>).rounds;
  if (rounds) out.push("", roundsText(s as SweepRoundsSummary));
  if (s.contrasts.length) {
    out.push("", "difference in mean #circles (95 % Welch interval):");
    for (const c of s.contrasts) {
      const at = Object.entries(c.at).map(([k, v]) => `${k}=${v}`).join(", ");
      const sign = c.diff >= 0 ? "+" : "";
      out.push(
        `  ${c.axis}=${c.level} − ${c.axis}=${c.reference}${at ? ` at ${at}` : ""}: ` +
          `${sign}${fmt(c.diff)} [${fmt(c.low)}, ${fmt(c.high)}]` +
          (Number.isFinite(c.low)
            ? c.low > 0 || c.high < 0 ? "  (interval excludes 0)" : "  (interval includes 0)"
            : ""),
      );
    }
  }
  return out.join("\n");
}

const esc = (t: string) =>
  t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** The sweep's one-page report. */
export function sweepHtml(
  s: SweepSummary,
  panels: string[],
  meta: { commit: string; base: Partial<TrialConfig> },
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>circle-survival: grid sweep</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}
.panels img{width:560px;margin:4px;border:1px solid #ddd}.meta{color:#555;font-size:.9em}
</style></head><body>
<h1>Grid sweep</h1>
<p class="meta">${s.rows.length} cells × ${s.seeds.length} seeds = ${s.trials} trials
(${s.trialsRun} trained now, the rest from the store) · backend ${esc(s.backend)} · logged every
${s.records.logEvery} steps${s.records.untilDecided ? " · until decided" : ""} · commit ${
    esc(meta.commit)
  }</p>
<p>Axes: ${s.axes.map((a) => `<b>${esc(a.name)}</b> = ${esc(a.levels.join(", "))}`).join("; ")}.
Seeds ${esc(JSON.stringify(s.seeds))}. Base configuration: <code>${
    esc(JSON.stringify(meta.base))
  }</code>.</p>
<p>#circles: the authors' survivor rule on the final embedding; mean over the trials that did not
diverge, 95 % Student t interval. Grokking step: the first logged step whose test accuracy (of the
parameters before that step's update) reaches ${s.grokAccuracy}; median over the trials, runs that
never reached it counted as later than all ("never"), with the sign-test interval of the median.
Survival: share of trials in which each frequency survives, 95 % Clopper–Pearson interval.</p>
<pre>${esc(sweepTable(s))}</pre>
<div class="panels">${
    panels.map((p) => `<a href="${p}"><img src="${p}" alt="${esc(p)}"></a>`).join("")
  }</div>
<p><a href="summary.csv">summary.csv</a> · <a href="summary.json">summary.json</a></p>
</body></html>
`;
}

/**
 * Write a sweep's outputs into `dir`: summary.csv, summary.json, the PNG panels, index.html.
 * Returns the panel files.
 */
export async function writeSweepReport(
  s: SweepSummary,
  dir: string,
  base: Partial<TrialConfig> = {},
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const panels = sweepPanels(s);
  for (const p of panels) await writeAtomic(join(dir, p.file), await renderPanel(p));
  const commit = await gitCommit();
  await writeAtomic(join(dir, "summary.csv"), sweepCsv(s));
  await writeAtomic(
    join(dir, "summary.json"),
    JSON.stringify({ commit, base, ...s }, (_, v) => (Number.isNaN(v) ? null : v), 1) + "\n",
  );
  const files = panels.map((p) => p.file);
  await writeAtomic(join(dir, "index.html"), sweepHtml(s, files, { commit, base }));
  return files;
}
