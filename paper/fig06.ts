/**
 * Figure 6 — what decides survival: the initial signal. Three panels and protocols (docs/SPEC.md):
 *
 * - 6L: 10 init embeddings × 50 trials (fixed embedding; MLP and split vary), d = 128. Claim:
 *   survival rate of k rises with its initial signal: Pearson r = 0.85, p < 1e-3 over the 290
 *   (signal, rate) points.
 * - 6M: scale F_25 and F_34 of 8 init embeddings by linspace(0.85, 1.15, 50) (FFT → scale →
 *   IFFT, real part); 50 trials each. Claim: survival of k = 25 → ~1 far above the mean initial
 *   signal, → ~0 far below.
 * - 6R: constructed embeddings (random unit directions, F_k real; signal 80 for k = 1, 80·r for
 *   k = 2, 1e-6 for the rest, DC 0; r = exp(linspace(−4, 0, 16))); 100 seeds; MLP and split
 *   fixed from seed 0. Claim: the largest always survives; the second's survival rises with r;
 *   near-zero frequencies are sometimes revived. (Code: the trainer uses k = 1, 2 as here; its
 *   analysis and the text draw two random k per seed.)
 *
 * @module
 */
import { fourierNorms, survivingCircles } from "../analysis/fourier.ts";
import { linspace } from "../analysis/linear_ode.ts";
import { fmt } from "./claims.ts";
import { pearson } from "../analysis/stats.ts";
import { projectPearson } from "../analysis/attenuation.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { applyEmbedding } from "../protocol/embedding.ts";
import {
  ALMOST,
  always,
  correlates,
  matches,
  onlyAt,
  paperTolerance,
  type Quote,
  rateClaim,
  sometimes,
} from "./claims.ts";
import type { Figure } from "./figure.ts";
import { circlesSettled, converged, csv } from "./runs.ts";
import { QUICK_SWEEP_STEPS } from "./runs.ts";
import type { TrialResult } from "../store/requests.ts";

const P = 59, D = 128, HALF = 29;
const survived = (r: TrialResult, k: number) => survivingCircles(r.finalSignals()).includes(k);
/** The trials whose survival is that of the end of training: not diverged, and of full length or
 * with circles the early verdict has settled; and how many were left out. */
function settledRuns(rs: TrialResult[]): { runs: TrialResult[]; unsettled: number } {
  const { runs } = converged(rs);
  const kept = runs.filter((r) => circlesSettled(r).settled);
  return { runs: kept, unsettled: runs.length - kept.length };
}
/** k survived in `hits` of the `trials` settled trials (rate NaN when none). */
const tally = (rs: TrialResult[], k: number) => {
  const { runs } = settledRuns(rs);
  const hits = runs.filter((r) => survived(r, k)).length;
  return { hits, trials: runs.length, rate: hits / runs.length };
};
/** The fraction of the settled trials in which k survived (NaN if none). */
const rate = (rs: TrialResult[], k: number) => tally(rs, k).rate;
/** A note on trials left out as unsettled, if any. */
const leftOut = (n: number) =>
  n ? `${n} trial(s) cut short with circles the early verdict had not settled left out` : undefined;

const SAY = {
  pearson: {
    section: "Sec. 3.2.1",
    text:
      "To confirm, we find the Pearson correlation between survival rate and initial signal is 0.85 with a p-value smaller than 10^{-3} .",
  },
  perturb: {
    section: "Sec. 3.2.1",
    text:
      "We observe that if the frequency is much higher than the rest, survival rate is near 100%, while the frequency rarely survives if it is much lower than the mean.",
  },
  construct: {
    section: "Sec. 3.2.1",
    text:
      "In this setup, we show in Figure 6(Right) that the frequency with the highest signal will always survive, while the second highest frequency increases in survival rate as its signal increases and differentiates itself further from the rest of the signals.",
  },
  revive: {
    section: "Sec. 3.2.1",
    text:
      "Interestingly, despite all other frequencies having a signal near 0 at initialization, the model sometimes chooses to revive them rather than always choosing the two clear frontrunners, a phenomenon that warrants more investigation in the future.",
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
  scale: "paper" | "quick" | "tiny";
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
  sweep: true,
  params: {
    paper: { scale: "paper", embeddings: 10, trials: 50, steps: 30000 },
    quick: { scale: "quick", embeddings: 3, trials: 8, steps: QUICK_SWEEP_STEPS },
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
          note: leftOut(unsettled),
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

interface MParams {
  scale: "paper" | "quick" | "tiny";
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
  sweep: true,
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
      steps: QUICK_SWEEP_STEPS,
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

interface RParams {
  scale: "paper" | "quick" | "tiny";
  ratios: number[];
  seeds: number;
  steps: number;
}

export const fig06r: Figure<RParams> = {
  id: "fig6r",
  title: "Figure 6 (right): constructed embeddings with two large frequencies",
  spec:
    "constructed embeddings (random unit directions from the seed, F_k real; signal 80 for k=1, 80·r for k=2, 1e-6 for the rest, DC 0); r = exp(linspace(-4, 0, 16)); 100 seeds; MLP and split fixed from seed 0",
  claim:
    "the largest always survives; the second's survival rises with r; near-zero frequencies are sometimes revived",
  sweep: true,
  params: {
    paper: {
      scale: "paper",
      ratios: Array.from(linspace(-4, 0, 16), Math.exp),
      seeds: 100,
      steps: 30000,
    },
    quick: {
      scale: "quick",
      ratios: [-4, -2.4, -1.6, -0.8, -0.4, 0].map(Math.exp),
      seeds: 4,
      steps: QUICK_SWEEP_STEPS,
    },
    tiny: { scale: "tiny", ratios: [Math.exp(-4), 1], seeds: 1, steps: 40 },
  },
  requests: ({ ratios, seeds, steps }) =>
    ratios.flatMap((r) =>
      Array.from({ length: seeds }, (_, seed) => ({
        config: makeConfig({ p: P, d: D, seed, steps, mode: "fix-mlp", initSeed: 0 }),
        embedding: {
          kind: "construct" as const,
          seed,
          ks: [1, 2],
          signals: [80, 80 * r],
          floor: 1e-6,
        },
      }))
    ),
  compute({ scale, ratios, seeds }, runs) {
    let unsettled = 0;
    const pts = ratios.map((r, i) => {
      const kept = settledRuns(runs.slice(i * seeds, (i + 1) * seeds));
      const rs = kept.runs;
      unsettled += kept.unsettled;
      const revived = rs.map((x) =>
        survivingCircles(x.finalSignals()).filter((k) => k !== 1 && k !== 2).length
      );
      return {
        r,
        runs: rs.length,
        first: rate(rs, 1),
        second: rate(rs, 2),
        revived: revived.reduce((a, b) => a + b, 0) / rs.length,
        anyRevived: revived.filter((v) => v > 0).length,
        secondSurvived: rs.map((x) => (survived(x, 2) ? 1 : 0)),
      };
    });
    // one point per trial: log r against whether k = 2 survived (the design's r are log-spaced)
    const xs = pts.flatMap((x) => x.secondSurvived.map(() => Math.log(x.r)));
    const ys = pts.flatMap((x) => x.secondSurvived);
    const trendSecond = xs.length >= 3 && new Set(ys).size > 1 && new Set(xs).size > 1
      ? pearson(xs, ys)
      : { r: NaN, p: NaN };
    const firstDied = pts.reduce((s, x) => s + Math.round((1 - x.first) * x.runs), 0);
    const rp = fig06r.params.paper, paperRuns = rp.ratios.length * rp.seeds;
    const revivedRuns = pts.reduce((s, x) => s + x.anyRevived, 0);
    const kept = pts.reduce((s, x) => s + x.runs, 0);
    const decided = scale !== "tiny";
    const why = "tiny scale: too few steps and trials";
    return {
      data: { points: pts.map(({ secondSurvived: _, ...x }) => x), trendSecond },
      csv: {
        "survival_vs_r.csv": csv([
          "r",
          "first_survives",
          "second_survives",
          "revived_per_run",
          "runs_with_revival",
        ], pts.map((x) => [x.r, x.first, x.second, x.revived, x.anyRevived])),
      },
      panels: [{
        kind: "line",
        file: "survival_vs_r.png",
        title: `Constructed embeddings: survival vs r (${seeds} seeds each)`,
        xLabel: "r = signal of k=2 / signal of k=1",
        yLabel: "fraction of runs",
        xLog: true,
        series: [
          { label: "k=1 survives", x: ratios, y: pts.map((x) => x.first), radius: 4 },
          { label: "k=2 survives", x: ratios, y: pts.map((x) => x.second), radius: 4 },
          {
            label: "revived circles per run",
            x: ratios,
            y: pts.map((x) => x.revived),
            radius: 4,
            dashed: true,
          },
        ],
      }],
      claims: [
        always({
          name: "the largest (k=1) survives: runs where it died",
          quote: SAY.construct,
          words: "the frequency with the highest signal will always survive",
          because: "'always': in every run, at every r",
          exceptions: firstDied,
          n: kept,
          unit: "runs",
          paper: "always",
          paperN: paperRuns,
          note: leftOut(unsettled),
        }),
        correlates({
          name: "the second's (k=2) survival rises with r: Pearson r(log r, survived) over trials",
          quote: SAY.construct,
          words: "the second highest frequency increases in survival rate as its signal increases",
          ...trendSecond,
          n: xs.length,
          sign: 1,
          unit: "runs",
          paper: "increases",
          paperN: paperRuns,
        }),
        sometimes({
          name: "near-zero frequencies revived (circles other than k = 1, 2): runs",
          quote: SAY.revive,
          words: "the model sometimes chooses to revive them",
          because: "'sometimes … rather than always choosing the two': in some runs, not in all",
          hits: revivedRuns,
          n: kept,
          notAll: true,
          unit: "runs",
          paper: "sometimes",
          paperN: paperRuns,
        }),
      ].map((c) => onlyAt(decided, c, why)),
      notes: [
        "Survival by docs/SPEC.md's code rule on the final signals; rates count the trials that did not diverge and whose circles are those of the end of training (full length, or settled by the early verdict).",
      ],
    };
  },
};
