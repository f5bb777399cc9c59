/**
 * Figure 11 — circularity at initialisation. SPEC.md: circularity at init vs d = 16..128 (50
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
import { atLeast, onlyAt } from "./claims.ts";
import type { Figure } from "./figure.ts";
import { csv } from "./runs.ts";
import { QUICK_SWEEP_STEPS } from "./decided.ts";

interface Params {
  scale: "paper" | "quick" | "tiny";
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
  sweep: true,
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
      steps: QUICK_SWEEP_STEPS,
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
    const byD = dims.map((d) => {
      const vals = Array.from({ length: embeddings }, (_, seed) => {
        const init = initialTrial(makeConfig({ p, d, seed }));
        return circularities(init.params.subarray(0, p * d), p, d);
      });
      const all = vals.flatMap((v) => Array.from(v));
      return {
        d,
        mean: all.reduce((a, b) => a + b, 0) / all.length,
        max: vals.reduce((m, v) => m + Math.max(...v), 0) / vals.length,
      };
    });
    // the histogram: circularity at init of each frequency of the d = 128 runs, by survival
    const alive: number[] = [], dead: number[] = [];
    for (const [seed, r] of runs.entries()) {
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
    const rMean = pearson(dims, byD.map((x) => x.mean));
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
      data: { byD, tTest: t, alive: alive.length, dead: dead.length, pearsonMean: rMean },
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
      claims: [
        onlyAt(
          scale !== "tiny",
          atLeast("circularity rises with d: Pearson r(d, mean)", rMean.r, 0.7, "rises with d"),
          "tiny scale: too few d",
        ),
      ],
      notes: [
        `Histogram (report only, as SPEC.md asks): Student's t-test survived vs died: t = ${
          t.t.toFixed(3)
        }, p = ${
          t.p.toPrecision(3)
        } (${alive.length} vs ${dead.length} frequencies of ${trials} runs).`,
      ],
    };
  },
};
