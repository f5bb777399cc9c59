/**
 * Figure 6 (middle) — what decides survival: the initial signal (docs/SPEC.md). Scale F_25 and F_34 of
 * 8 init embeddings by linspace(0.85, 1.15, 50) (FFT → scale → IFFT, real part); 50 trials each.
 * Claim: survival of k = 25 → ~1 far above the mean initial signal, → ~0 far below.
 *
 * @module
 */
import { fourierNorms } from "../analysis/fourier.ts";
import { linspace } from "../analysis/linalg.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { applyEmbedding } from "../protocol/embedding.ts";
import { ALMOST, onlyAt, type Quote, rateClaim } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { tally } from "./survival.ts";
import { csv } from "./csv.ts";
import { QUICK_SURVIVAL_STEPS } from "./runs.ts";

const P = 59, D = 128, HALF = 29;

const SAY = {
  perturb: {
    section: "Sec. 3.2.1",
    text:
      "We observe that if the frequency is much higher than the rest, survival rate is near 100%, while the frequency rarely survives if it is much lower than the mean.",
  },
} satisfies Record<string, Quote>;

interface MParams {
  scale: Scale;
  embeddings: number;
  factors: number[];
  trials: number;
  steps: number;
}

export const fig06m: Figure<MParams> = {
  id: "fig6m",
  title: "Figure 6 (middle): perturbing one frequency's initial signal",
  spec:
    "F_25 and F_34 of 8 init embeddings (init seeds 0..7) scaled by linspace(0.85, 1.15, 50) (FFT → scale → IFFT, real part); 50 trials each (MLP, split from seeds); survival of k = 25 vs its deviation from the mean initial signal",
  claim: "survival rate of k = 25 → ~1 far above the mean initial signal, → ~0 far below",
  survivalFigure: true,
  params: {
    paper: {
      scale: "paper",
      embeddings: 8,
      factors: Array.from(linspace(0.85, 1.15, 50)),
      trials: 50,
      steps: 30000,
    },
    quick: {
      scale: "quick",
      embeddings: 1,
      factors: [0.85, 0.925, 1, 1.075, 1.15],
      trials: 6,
      steps: QUICK_SURVIVAL_STEPS,
    },
    tiny: { scale: "tiny", embeddings: 1, factors: [0.85, 1.15], trials: 1, steps: 40 },
  },
  requests: ({ embeddings, factors, trials, steps }) =>
    Array.from(
      { length: embeddings },
      (_, e) =>
        factors.flatMap((factor) =>
          Array.from({ length: trials }, (_, seed) => ({
            config: makeConfig({ p: P, d: D, seed, steps, mode: "fix-embedding", initSeed: e }),
            embedding: { kind: "scale" as const, ks: [25], factor },
          }))
        ),
    ).flat(),
  compute({ scale, embeddings, factors, trials }, runs) {
    const pts: {
      e: number;
      factor: number;
      deviation: number;
      rate: number;
      hits: number;
      trials: number;
    }[] = [];
    let i = 0;
    for (let e = 0; e < embeddings; e++) {
      for (const factor of factors) {
        const rs = runs.slice(i, i + trials);
        i += trials;
        const config = makeConfig({ p: P, d: D, mode: "fix-embedding", initSeed: e });
        const params = applyEmbedding(
          { kind: "scale", ks: [25], factor },
          config,
          initialTrial(config).params,
        );
        const s = fourierNorms(params.subarray(0, P * D), P, D);
        // "the mean of the rest of the signals": k = 1..29 without k = 25 itself
        const rest = Array.from(s.subarray(1, HALF + 1)).filter((_, j) => j + 1 !== 25);
        const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
        const t = tally(rs, 25);
        pts.push({
          e,
          factor,
          deviation: s[25] - mean,
          rate: t.rate,
          hits: t.hits,
          trials: t.trials,
        });
      }
    }
    const sorted = [...pts].sort((a, b) => a.deviation - b.deviation);
    const q = Math.max(1, Math.floor(sorted.length / 5));
    // the trials of the top (bottom) fifth of the deviations, pooled: each trial one unit
    const pool = (xs: typeof pts) => ({
      k: xs.reduce((s, x) => s + x.hits, 0),
      n: xs.reduce((s, x) => s + x.trials, 0),
    });
    const low = pool(sorted.slice(0, q)), high = pool(sorted.slice(-q));
    const lowRate = low.k / low.n, highRate = high.k / high.n;
    const mp = fig06m.params.paper;
    const paperFifth = Math.max(1, Math.floor((mp.embeddings * mp.factors.length) / 5)) * mp.trials;
    const decided = scale !== "tiny";
    const why = "tiny scale: too few steps and trials";
    return {
      data: { points: pts, lowRate, highRate, low, high },
      csv: {
        "rate_vs_deviation.csv": csv(
          ["embedding", "factor", "deviation", "survival_rate"],
          pts.map((x) => [x.e, x.factor, x.deviation, x.rate]),
        ),
      },
      panels: [{
        kind: "line",
        file: "rate_vs_deviation.png",
        title:
          "Survival rate of k = 25 vs its initial signal's deviation from the mean of the others",
        xLabel: "‖F_25‖ − mean of the other ‖F_k‖ at init",
        yLabel: `survival rate over ${trials} trials`,
        series: Array.from({ length: embeddings }, (_, e) => ({
          label: `embedding ${e}`,
          x: pts.filter((x) => x.e === e).map((x) => x.deviation),
          y: pts.filter((x) => x.e === e).map((x) => x.rate),
          points: true,
          radius: 4,
        })),
      }],
      claims: [
        rateClaim({
          name: "survival of k = 25, top fifth of deviations: trials",
          quote: SAY.perturb,
          words: "if the frequency is much higher than the rest, survival rate is near 100%",
          because:
            `'much higher': the top fifth of the deviations from the mean of the other signals; 'near' = within ${
              100 * ALMOST
            } %`,
          ...high,
          bound: 1 - ALMOST,
          side: "above",
          unit: "trials",
          paper: "near 100%",
          paperN: paperFifth,
        }),
        rateClaim({
          name: "survival of k = 25, bottom fifth of deviations: trials",
          quote: SAY.perturb,
          words: "rarely survives if it is much lower than the mean",
          because: "no number; 'rarely' certainly means less often than not",
          ...low,
          bound: 0.5,
          side: "below",
          unit: "trials",
          paper: "rarely",
          paperN: paperFifth,
        }),
      ].map((c) => onlyAt(decided, c, why)),
    };
  },
};
