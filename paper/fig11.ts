/**
 * Figure 11 — circularity at initialisation. docs/SPEC.md: circularity at init vs d = 16..128 (50
 * embeddings each; mean and max over k); histogram at d = 128 by survival with Student's t-test.
 * Claim: circularity rises with d; the histogram is inconclusive: report the t-test, assert
 * nothing more.
 *
 * Initial embeddings are the default-mode seeds' (0..49); the survival runs at d = 128 are
 * Fig. 5's d-sweep runs (shared through the store).
 *
 * @module
 */
import { circularities } from "../analysis/circularity.ts";
import { survivingCircles } from "../analysis/fourier.ts";
import { pearson, tTest } from "../analysis/stats.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { type Claim, correlates, fmt, onlyAt, type Quote, reported } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { converged } from "./trial_views.ts";
import { csv } from "./csv.ts";

const SAY = {
  rises: {
    section: "App. B",
    text:
      "Indeed, circularity increases as dimensionality increases, confirming our observation that higher-dimensional embedding encodes more complex information at initialization.",
  },
  histogram: {
    section: "App. B",
    text:
      "However, the evidence shown in Figure 11(Right) is inconclusive as to whether larger initial circularity implies a better chance of survival.",
  },
} satisfies Record<string, Quote>;

/** One initial embedding's circularity: its mean and its largest over k. */
export interface InitCircularity {
  d: number;
  mean: number;
  max: number;
}

/**
 * Fig. 11's claims: circularity rises with d (Pearson r over the embeddings, for the mean over k
 * and for the largest), and the histogram's t-test, reported only.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { circularityClaims } from "./fig11.ts";
 * const pts = [16, 32, 64, 128].flatMap((d) => [0, 1].map((i) => ({ d, mean: d / 200 + i / 100, max: d / 100 })));
 * const c = circularityClaims(pts, { t: 0.5, p: 0.6, alive: 40, dead: 300 });
 * assertEquals(c.map((x) => x.verdict), ["PASS", "PASS", "REPORTED"]);
 * ```
 */
export function circularityClaims(
  points: InitCircularity[],
  t: { t: number; p: number; alive: number; dead: number },
  paperN?: number,
): Claim[] {
  const d = points.map((x) => x.d);
  const trend = (y: number[]) =>
    points.length >= 3 && new Set(y).size > 1 && new Set(d).size > 1
      ? pearson(d, y)
      : { r: NaN, p: NaN };
  return [
    correlates({
      name: "circularity at init rises with d: Pearson r over embeddings, mean over k",
      quote: SAY.rises,
      words: "circularity increases as dimensionality increases",
      ...trend(points.map((x) => x.mean)),
      n: points.length,
      sign: 1,
      unit: "embeddings",
      paper: "increases",
      paperN,
    }),
    correlates({
      name: "circularity at init rises with d: Pearson r over embeddings, largest over k",
      quote: SAY.rises,
      words: "circularity increases as dimensionality increases",
      ...trend(points.map((x) => x.max)),
      n: points.length,
      sign: 1,
      unit: "embeddings",
      paper: "increases",
      paperN,
    }),
    reported({
      name: "d = 128: circularity at init, survived vs died: Student's t",
      quote: SAY.histogram,
      words: "inconclusive",
      because: "docs/SPEC.md: report the t-test, assert nothing more",
      measured: `t = ${fmt(t.t)}, p = ${fmt(t.p)} (${t.alive} vs ${t.dead} frequencies)`,
      paper: "inconclusive",
    }),
  ];
}
import { QUICK_SURVIVAL_STEPS } from "./runs.ts";

interface Params {
  scale: Scale;
  dims: number[];
  embeddings: number;
  trials: number;
  steps: number;
}

export const fig11: Figure<Params> = {
  id: "fig11",
  title: "Figure 11: circularity at initialisation",
  spec:
    "circularity at init vs d = 16..128 (50 embeddings each; mean and max over k); histogram at d = 128 by survival, Student's t-test",
  claim: "circularity rises with d; the histogram is inconclusive (t-test reported only)",
  survivalFigure: true,
  params: {
    paper: {
      scale: "paper",
      dims: Array.from({ length: 113 }, (_, i) => 16 + i),
      embeddings: 50,
      trials: 50,
      steps: 30000,
    },
    quick: {
      scale: "quick",
      dims: [16, 24, 32, 48, 64, 96, 128],
      embeddings: 10,
      trials: 6,
      steps: QUICK_SURVIVAL_STEPS,
    },
    tiny: { scale: "tiny", dims: [16, 32, 48], embeddings: 2, trials: 1, steps: 40 },
  },
  requests: ({ trials, steps }) =>
    Array.from(
      { length: trials },
      (_, seed) => ({ config: makeConfig({ p: 59, d: 128, seed, steps }) }),
    ),
  compute({ scale, dims, embeddings, trials }, runs) {
    const p = 59;
    const points: InitCircularity[] = dims.flatMap((d) =>
      Array.from({ length: embeddings }, (_, seed) => {
        const init = initialTrial(makeConfig({ p, d, seed }));
        const c = Array.from(circularities(init.params.subarray(0, p * d), p, d));
        return { d, mean: c.reduce((a, b) => a + b, 0) / c.length, max: Math.max(...c) };
      })
    );
    const byD = dims.map((d) => {
      const at = points.filter((x) => x.d === d);
      return {
        d,
        mean: at.reduce((s, x) => s + x.mean, 0) / at.length,
        max: at.reduce((s, x) => s + x.max, 0) / at.length,
      };
    });
    // the histogram: circularity at init of each frequency of the d = 128 runs, by survival
    const alive: number[] = [], dead: number[] = [];
    const { diverged } = converged(runs);
    for (const [seed, r] of runs.entries()) {
      if (r.divergedAt !== null) continue; // no final circles: counted apart
      const circ = circularities(
        initialTrial(makeConfig({ p, d: 128, seed })).params.subarray(0, p * 128),
        p,
        128,
      );
      const surv = survivingCircles(r.finalSignals());
      circ.forEach((c, i) => (surv.includes(i + 1) ? alive : dead).push(c));
    }
    const t = alive.length >= 2 && dead.length >= 2
      ? tTest(alive, dead)
      : { t: NaN, p: NaN, df: 0 };
    const bins = 20, lo = Math.min(...alive, ...dead), hi = Math.max(...alive, ...dead);
    const hist = (xs: number[]) => {
      const h = new Array(bins).fill(0);
      for (const x of xs) {
        h[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo || 1)) * bins))] += 1 / xs.length;
      }
      return h;
    };
    const centres = Array.from({ length: bins }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / bins);
    return {
      data: { byD, points, tTest: t, alive: alive.length, dead: dead.length, diverged },
      csv: {
        "circularity_vs_d.csv": csv(
          ["d", "mean", "mean_of_max"],
          byD.map((x) => [x.d, x.mean, x.max]),
        ),
      },
      panels: [
        {
          kind: "line",
          file: "circularity_vs_d.png",
          title: `Circularity at init vs d (${embeddings} embeddings each)`,
          xLabel: "d",
          yLabel: "circularity",
          series: [
            { label: "mean over k", x: dims, y: byD.map((x) => x.mean), radius: 3 },
            { label: "max over k", x: dims, y: byD.map((x) => x.max), radius: 3 },
          ],
        },
        {
          kind: "line",
          file: "histogram_by_survival.png",
          title: `d = 128: circularity at init by survival (t = ${t.t.toFixed(2)}, p = ${
            t.p.toPrecision(2)
          })`,
          xLabel: "circularity at init",
          yLabel: "fraction of frequencies",
          series: [
            { label: `survived (${alive.length})`, x: centres, y: hist(alive) },
            { label: `died (${dead.length})`, x: centres, y: hist(dead) },
          ],
        },
      ],
      claims: circularityClaims(
        points,
        { ...t, alive: alive.length, dead: dead.length },
        fig11.params.paper.dims.length * fig11.params.paper.embeddings,
      ).map(
        (c) => onlyAt(scale !== "tiny", c, "tiny scale: too few d"),
      ),
      notes: [
        `Histogram: ${alive.length} vs ${dead.length} frequencies of ${trials} runs at d = 128${
          diverged ? ` (${diverged} diverged run(s) left out)` : ""
        }; the t-test is reported, as docs/SPEC.md asks.`,
      ],
    };
  },
};
