/**
 * What the early stop does to the figures: every sweep figure computed twice from
 * the same trials — from the full runs, and from each run cut where `--until-decided`'s rule
 * (analysis/early_stop.ts) would have stopped it — with each claim's measurement side by side. A
 * statistic that moves says the verdict is not a free shortcut for that figure.
 *
 * @module
 */
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import { survivingCircles } from "../analysis/fourier.ts";
import { rateInterval } from "../analysis/stats.ts";
import { type Claim, reported } from "./claims.ts";
import { type Figure, type FigureOutput, figureRequests, type Scale } from "./figure.ts";
import { csv } from "./csv.ts";
import { earlyStopView } from "./trial_views.ts";
import { fig05 } from "./fig05.ts";
import { fig06l } from "./fig06l.ts";
import { fig06m } from "./fig06m.ts";
import { fig06r } from "./fig06r.ts";
import { fig07 } from "./fig07.ts";
import { fig10 } from "./fig10.ts";
import { fig11 } from "./fig11.ts";
import { fig14 } from "./fig14.ts";
import type { TrialRequest } from "../store/requests.ts";

// deno-lint-ignore no-explicit-any
const SURVIVAL_FIGURES: Figure<any>[] = [fig05, fig06l, fig06m, fig06r, fig07, fig10, fig11, fig14];

const STEPS = {
  section: "App. E",
  text: "In each experiment, the model is trained for 3×10^4 steps.",
};

interface Params {
  scale: Scale;
}

/** A sweep figure's trials as `reproduce` asks for them (full runs, the sweep log). */
// deno-lint-ignore no-explicit-any
const requestsOf = (f: Figure<any>, scale: Scale): TrialRequest[] => figureRequests(f, scale);

export const earlyStopEffect: Figure<Params> = {
  id: "verdict",
  title: "Early verdict: each sweep figure from full runs and from early verdicts",
  spec:
    "the trials of Figs. 5, 6L, 6M, 6R, 7, 10, 11 and 14 at this scale, each figure computed from the full runs and from the runs cut where --until-decided's rule stops them",
  claim: "how each sweep figure's statistics move when early verdicts replace full runs",
  params: { paper: { scale: "paper" }, quick: { scale: "quick" }, tiny: { scale: "tiny" } },
  fullRunsOnly: true,
  requests: ({ scale }) => SURVIVAL_FIGURES.flatMap((f) => requestsOf(f, scale)),
  async compute({ scale }, results) {
    const rows: (string | number)[][] = [];
    const agreement: {
      id: string;
      agree: number;
      of: number;
      rate: number;
      low: number;
      high: number;
    }[] = [];
    const claims: Claim[] = [];
    const notes: string[] = [];
    let at = 0;
    for (const f of SURVIVAL_FIGURES) {
      const n = requestsOf(f, scale).length;
      const mine = results.slice(at, at + n);
      at += n;
      const early = mine.map((r) => earlyStopView(r, DEFAULT_EARLY_STOP));
      const stopped = early.filter((r) => r.decidedAt !== null);
      const full: FigureOutput = await f.compute(f.params[scale], mine, scale);
      const cut: FigureOutput = await f.compute(f.params[scale], early, scale);
      const stops = stopped.map((r) => r.stepsDone);
      const live = mine.filter((r) => r.divergedAt === null);
      const same = live.filter((r) =>
        survivingCircles(r.finalSignals()).sort().join() ===
          survivingCircles(early[mine.indexOf(r)].finalSignals()).sort().join()
      ).length;
      if (live.length) {
        agreement.push({
          id: f.id,
          agree: same,
          of: live.length,
          ...rateInterval(same, live.length),
        });
      }
      notes.push(
        `${f.id}: the verdict stopped ${stopped.length} of ${mine.length} trials${
          stops.length
            ? ` (mean stop ${(stops.reduce((s, x) => s + x, 0) / stops.length).toFixed(0)} of ${
              mine[0].config.steps
            } steps)`
            : ""
        }.`,
      );
      full.claims.forEach((c, i) => {
        const e = cut.claims[i];
        rows.push([f.id, c.name, c.measured, e?.measured ?? "-", c.verdict, e?.verdict ?? "-"]);
        claims.push(reported({
          name: `${f.id}: ${c.name}`,
          quote: STEPS,
          words: "trained for 3×10^4 steps",
          because: "full runs against early verdicts of the same trials: measured, not judged",
          measured: `full ${c.measured} (${c.verdict}) · early ${e?.measured ?? "-"} (${
            e?.verdict ?? "-"
          })`,
          paper: "30 000 steps",
        }));
      });
    }
    return {
      data: { rule: DEFAULT_EARLY_STOP, rows, agreement },
      csv: {
        "statistics.csv": csv(
          ["figure", "claim", "full", "early verdict", "full verdict", "early verdict verdict"],
          rows.map((r) => r.map((v) => `"${String(v).replaceAll('"', "'")}"`)),
        ),
      },
      panels: [{
        kind: "line",
        file: "agreement.png",
        title: "Early verdict's circles = full run's circles, per sweep figure (95 % CI)",
        xLabel: "figure",
        yLabel: "fraction of trials",
        xCategories: agreement.map((a) => a.id),
        series: [{
          label: "agreement",
          x: agreement.map((_, i) => i),
          y: agreement.map((a) => a.rate),
          points: true,
          errorBars: { low: agreement.map((a) => a.low), high: agreement.map((a) => a.high) },
        }],
      }],
      claims,
      notes,
    };
  },
};
