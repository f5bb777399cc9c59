/**
 * Circle-count sweeps (Figs. 5, 10, 14): #surviving circles over trials at each value of one
 * parameter, with the mean, a 95 % t interval, and a trend test.
 *
 * @module
 */
import { survivingCircles } from "../analysis/fourier.ts";
import { pearson } from "../analysis/stats.ts";
import { countInterval, grokStep } from "../analysis/circle_stats.ts";
import type { TrialConfig } from "../protocol/config.ts";
import type { TrialRequest, TrialResult } from "../store/requests.ts";
import type { Panel } from "./panel.ts";
import { PAPER_STEPS } from "./runs.ts";
import { circlesSettled, converged, leftOutNote } from "./trial_views.ts";
import { csv } from "./csv.ts";

/** One value of the swept parameter and its trials' circle counts. */
export interface CountPoint {
  value: number;
  /** #circles of each trial that did not diverge. */
  counts: number[];
  /** Trials that diverged (non-finite loss or parameters): counted apart, never as 0 circles. */
  diverged: number;
  mean: number;
  low: number;
  high: number;
  /** Fraction of trials that grokked (`grokStep`: test accuracy ≥ `GROK_ACCURACY` at a
   * logged step). */
  grokked: number;
  /** #circles of each trial whose circles are those of the end of training: a full-length trial,
   * or one cut short whose circles the early stop has settled (`circlesSettled`). The claims
   * test these; the plots show every trial. */
  settled: number[];
  /** Trials that did not diverge but whose circles are not settled at the step reached. */
  unsettled: number;
}

/** Requests for `values × trials`, in that order. */
export function countRequests(
  values: number[],
  trials: number,
  make: (value: number, trial: number) => TrialConfig,
): TrialRequest[] {
  return values.flatMap((v) => Array.from({ length: trials }, (_, t) => ({ config: make(v, t) })));
}

/** Summaries of a sweep's results (in the order of {@linkcode countRequests}). */
export function countPoints(
  values: number[],
  trials: number,
  results: TrialResult[],
  fullSteps = PAPER_STEPS,
): CountPoint[] {
  return values.map((value, i) => {
    const { runs: rs, diverged } = converged(results.slice(i * trials, (i + 1) * trials));
    const counts = rs.map((r) => survivingCircles(r.finalSignals()).length);
    const isSettled = rs.map((r) => circlesSettled(r, fullSteps).settled);
    const settled = counts.filter((_, j) => isSettled[j]);
    const ci = countInterval(counts);
    const grokked = rs.filter((r) => grokStep(r.testAcc, r.loggedAt) !== null).length /
      Math.max(1, rs.length);
    return {
      value,
      counts,
      diverged,
      mean: ci.mean,
      low: ci.low,
      high: ci.high,
      grokked,
      settled,
      unsettled: counts.length - settled.length,
    };
  });
}

/**
 * Pearson r (and p) of the circle count against the parameter over every trial that did not
 * diverge and whose circles are settled (one point per trial, not per mean: "the number of
 * circles" of a trial is what varies with the parameter); n is the number of trials. NaN where
 * fewer than 3 trials or no variation.
 */
export function trend(
  points: CountPoint[],
  transform = (v: number) => v,
): { r: number; p: number; n: number; unsettled: number } {
  const x = points.flatMap((pt) => pt.settled.map(() => transform(pt.value)));
  const y = points.flatMap((pt) => pt.settled);
  const unsettled = points.reduce((s, pt) => s + pt.unsettled, 0);
  if (x.length < 3 || new Set(y).size < 2 || new Set(x).size < 2) {
    return { r: NaN, p: NaN, n: x.length, unsettled };
  }
  return { ...pearson(x, y), n: x.length, unsettled };
}

/** What the claims leave out of a sweep: trials cut short whose circles are not settled. */
export function unsettledNote(t: { n: number; unsettled: number }): string | undefined {
  const note = leftOutNote(t.unsettled);
  return note && `${note} (${t.n} tested)`;
}

/** A panel: mean #circles with its 95 % interval. */
export function countPanel(
  file: string,
  title: string,
  xLabel: string,
  points: CountPoint[],
  xLog = false,
): Panel {
  const x = points.map((p) => p.value);
  return {
    kind: "line",
    file,
    title,
    xLabel,
    yLabel: "# surviving circles",
    xLog,
    series: [
      { label: "mean", x, y: points.map((p) => p.mean), radius: 4, color: "#1f77b4" },
      { label: "95 % CI", x, y: points.map((p) => p.low), dashed: true, color: "#9ecae1" },
      { label: "", x, y: points.map((p) => p.high), dashed: true, color: "#9ecae1" },
    ],
  };
}

/** CSV of a sweep. */
export function countCsv(name: string, points: CountPoint[]): string {
  return csv(
    [
      name,
      "mean_circles",
      "ci_low",
      "ci_high",
      "trials",
      "diverged",
      "grokked_fraction",
      "counts",
      "unsettled",
    ],
    points.map((p) => [
      p.value,
      p.mean,
      p.low,
      p.high,
      p.counts.length,
      p.diverged,
      p.grokked,
      p.counts.join(" "),
      p.unsettled,
    ]),
  );
}
