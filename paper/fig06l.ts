/**
 * Figure 6 (left) — what decides survival: the initial signal (docs/SPEC.md). 10 init embeddings × 50
 * trials (fixed embedding; MLP and split vary), d = 128. Claim: survival rate of k rises with its
 * initial signal: Pearson r = 0.85, p < 1e-3 over the 290 (signal, rate) points.
 *
 * @module
 */
import { pearson } from "../analysis/stats.ts";
import { projectPearson } from "../analysis/attenuation.ts";
import { makeConfig } from "../protocol/config.ts";
import {
  correlates,
  fmt,
  matches,
  onlyAt,
  paperTolerance,
  type Quote,
  sometimes,
} from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { leftOutNote, settledRuns } from "./trial_views.ts";
import { survived, tally } from "./survival.ts";
import { csv } from "./csv.ts";
import { QUICK_SURVIVAL_STEPS } from "./runs.ts";

const P = 59, D = 128, HALF = 29;

const SAY = {
  pearson: {
    section: "Sec. 3.2.1",
    text:
      "To confirm, we find the Pearson correlation between survival rate and initial signal is 0.85 with a p-value smaller than 10^{-3} .",
  },
  notAlways: {
    section: "Sec. 2",
    text:
      "Unfortunately, we find that initially large frequencies do not *always* lead to surviving circles, but large initial signals do lead to *higher probability* of surviving.",
  },
} satisfies Record<string, Quote>;

/** The paper's r between initial signal and survival rate, and the points it is over. */
const PAPER_R = 0.85, PAPER_POINTS = 290;

interface LParams {
  scale: Scale;
  embeddings: number;
  trials: number;
  steps: number;
}

export const fig06l: Figure<LParams> = {
  id: "fig6l",
  title: "Figure 6 (left): survival rate vs initial signal",
  spec:
    "10 init embeddings (init seeds 0..9) × 50 trials (MLP, split from seeds 0..49), fix-embedding, d=128; survival rate of each k vs its initial signal",
  claim:
    "survival rate of k rises with its initial signal: Pearson r = 0.85, p < 1e-3 over 290 points",
  survivalFigure: true,
  params: {
    paper: { scale: "paper", embeddings: 10, trials: 50, steps: 30000 },
    quick: { scale: "quick", embeddings: 3, trials: 8, steps: QUICK_SURVIVAL_STEPS },
    tiny: { scale: "tiny", embeddings: 1, trials: 2, steps: 40 },
  },
  requests: ({ embeddings, trials, steps }) =>
    Array.from({ length: embeddings }, (_, e) =>
      Array.from({ length: trials }, (_, seed) => ({
        config: makeConfig({ p: P, d: D, seed, steps, mode: "fix-embedding", initSeed: e }),
      }))).flat(),
  compute({ scale, embeddings, trials }, runs) {
    const pts: {
      e: number;
      k: number;
      signal: number;
      rate: number;
      hits: number;
      trials: number;
    }[] = [];
    // Sec. 2: the largest initial frequency of each embedding dies in some trial
    let topDied = 0, topCases = 0, unsettled = 0;
    for (let e = 0; e < embeddings; e++) {
      const rs = runs.slice(e * trials, (e + 1) * trials);
      const s0 = rs[0].signalsAt(0);
      for (let k = 1; k <= HALF; k++) {
        const t = tally(rs, k);
        pts.push({ e, k, signal: s0[k], rate: t.rate, hits: t.hits, trials: t.trials });
      }
      let top = 1;
      for (let k = 2; k <= HALF; k++) if (s0[k] > s0[top]) top = k;
      const kept = settledRuns(rs);
      unsettled += kept.unsettled;
      topCases += kept.runs.length;
      topDied += kept.runs.filter((r) => !survived(r, top)).length;
    }
    const usable = pts.every((x) => x.trials >= 2) && new Set(pts.map((x) => x.rate)).size > 1;
    const pr = usable
      ? pearson(pts.map((x) => x.signal), pts.map((x) => x.rate))
      : { r: NaN, p: NaN };
    const paperTrials = fig06l.params.paper.trials;
    // r over rates from m trials each is attenuated by their binomial noise: carried to the
    // paper's trials per rate before it is set against the paper's r (analysis/attenuation.ts)
    const proj = usable && pts.length >= 4
      ? projectPearson({
        x: pts.map((x) => x.signal),
        hits: pts.map((x) => x.hits),
        trials: pts.map((x) => x.trials),
        target: paperTrials,
      })
      : undefined;
    const tolerance = paperTolerance({ kind: "pearson", value: PAPER_R, n: PAPER_POINTS });
    const decided = scale !== "tiny";
    const why = "tiny scale: too few steps and trials";
    return {
      data: { points: pts, pearson: pr, projected: proj ?? null, topDied, topCases },
      csv: {
        "rate_vs_signal.csv": csv(
          ["embedding", "k", "initial_signal", "survival_rate"],
          pts.map((x) => [x.e, x.k, x.signal, x.rate]),
        ),
      },
      panels: [{
        kind: "line",
        file: "rate_vs_signal.png",
        title: `Survival rate vs initial signal (${pts.length} points; r = ${pr.r.toFixed(3)})`,
        xLabel: "initial signal ‖F_k‖",
        yLabel: `survival rate over ${trials} trials`,
        series: Array.from({ length: embeddings }, (_, e) => ({
          label: `embedding ${e}`,
          x: pts.filter((x) => x.e === e).map((x) => x.signal),
          y: pts.filter((x) => x.e === e).map((x) => x.rate),
          points: true,
        })),
      }],
      claims: [
        correlates({
          name: "survival rate rises with the initial signal: Pearson r, its p-value",
          quote: SAY.pearson,
          words: "with a p-value smaller than 10^{-3}",
          ...pr,
          n: pts.length,
          sign: 1,
          alpha: 1e-3,
          unit: "(embedding, k) points",
          test:
            "the paper's test: Pearson r over the (embedding, k) points, two-sided t-test (the points of one embedding share its trials)",
          paper: "p < 1e-3",
          paperN: PAPER_POINTS,
          note: leftOutNote(unsettled),
        }),
        matches({
          name:
            `Pearson r(initial signal, survival rate) carried to ${paperTrials} trials per rate, against the paper's 0.85`,
          quote: SAY.pearson,
          words: "is 0.85",
          because:
            `a value the paper measured over ${PAPER_POINTS} points with ${paperTrials} trials per rate: r from ${trials} trials per rate is attenuated by the rates' binomial noise, so it is carried to ${paperTrials} (Spearman's correction, reliability from the binomial variance; observed r ${
              fmt(proj?.observed ?? NaN)
            }, reliability ${fmt(proj?.reliability ?? NaN)} → ${
              fmt(proj?.targetReliability ?? NaN)
            })`,
          value: proj?.r ?? NaN,
          low: proj?.low ?? NaN,
          high: proj?.high ?? NaN,
          target: PAPER_R,
          tolerance,
          toleranceFrom:
            `twice the half-width of the paper's own 95 % interval over its ${PAPER_POINTS} points`,
          scale: "fisher",
          n: pts.length,
          unit: "(embedding, k) points",
          paper: "r = 0.85",
          paperN: PAPER_POINTS,
        }),
        sometimes({
          name: "the largest initial frequency of an embedding dies: trials",
          quote: SAY.notAlways,
          words: "initially large frequencies do not *always* lead to surviving circles",
          because:
            "'initially large': the largest initial signal of its embedding; 'not always': it dies in some trial",
          hits: topDied,
          n: topCases,
          unit: "trials",
          measured: `${topDied} of ${topCases} trials`,
          paper: "not always",
          paperN: fig06l.params.paper.embeddings * paperTrials,
        }),
      ].map((c) => onlyAt(decided, c, why)),
      notes: [
        "Survival by docs/SPEC.md's code rule on the final signals; a survival rate counts the trials that did not diverge and whose circles are those of the end of training (full length, or settled by the early verdict).",
      ],
    };
  },
};
