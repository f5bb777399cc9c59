/**
 * Figure 2 — a few circles survive. docs/SPEC.md: a fix-MLP run (MLP and split from init seed 0,
 * embedding from seed 10); signals of k = 1..29 every step on a log step axis; projections of a
 * dead (k = 1) and a surviving (k = 2) frequency at steps 0, 15 000, 30 000 onto the final
 * Fourier planes. Claim: a few (3–5) circles survive, the rest decay towards 0; the survivor
 * draws a clear circle, the dead one collapses to its centre. The authors' run: 5 survivors,
 * k = 2, 8, 22, 23, 3.
 *
 * @module
 */
import { circlePlane, dft, projectOnto, survivingCircles } from "../analysis/fourier.ts";
import { circularity } from "../analysis/circularity.ts";
import {
  ALMOST,
  atMost,
  between,
  cutShort,
  fmt,
  holds,
  onlyAt,
  type Quote,
  reported,
} from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { fig2Run, PAPER_STEPS } from "./runs.ts";
import { circlesSettled } from "./trial_views.ts";
import { csv } from "./csv.ts";
import { logSteps } from "./panel.ts";
import type { TrialResult } from "../store/requests.ts";

const PAPER_SURVIVORS = [2, 3, 8, 22, 23];

const SAY = {
  few: {
    section: "Sec. 1",
    text:
      "However, only 3-5 circles survive after training, while some frequencies do not form circles, as illustrated in Figure 1.",
  },
  decay: {
    section: "Sec. 2",
    text:
      "We observe that only a few circles have significant signals (hence *survived*) in the end, while the signals of all other circles decay to almost zero (hence *dead*).",
  },
  shapes: {
    section: "Sec. 2",
    text:
      "Shown in Figure 2(Bottom), projections of a surviving frequency stabilize into a clear circle (bottom), while a dead frequency collapses towards its center (top).",
  },
} satisfies Record<string, Quote>;

/** The embedding at a stored snapshot step. */
export function embeddingAt(run: TrialResult, step: number): Float64Array {
  const s = run.paramSnapshots!;
  const i = s.steps.indexOf(step);
  if (i < 0) throw new Error(`no parameter snapshot at step ${step}`);
  const n = s.data.length / s.steps.length;
  const { p, d } = run.config;
  return s.data.slice(i * n, i * n + p * d);
}

/** RMS distance of points (n, 2) from their centroid. */
function spread(xy: Float64Array): number {
  const n = xy.length / 2;
  let cx = 0, cy = 0;
  for (let i = 0; i < n; i++) [cx, cy] = [cx + xy[2 * i] / n, cy + xy[2 * i + 1] / n];
  let s = 0;
  for (let i = 0; i < n; i++) s += (xy[2 * i] - cx) ** 2 + (xy[2 * i + 1] - cy) ** 2;
  return Math.sqrt(s / n);
}

/** The figure's parameters: the scale, and the paper's training length (the end of training the
 * sentences speak of). */
interface Params {
  scale: Scale;
  paperSteps: number;
}

export const fig02: Figure<Params> = {
  id: "fig2",
  title: "Figure 2: a few circles survive, the rest decay",
  spec:
    "fix-MLP run (MLP and split from init seed 0, embedding from seed 10), p=59, d=128, wd 0.5; signals of k=1..29 every step; projections of a dead (k=1) and a surviving (k=2) frequency at steps 0, T/2, T onto the final Fourier planes",
  claim:
    "a few (3–5) circles survive, the rest decay towards 0; the survivor draws a clear circle, the dead one collapses to its centre (authors: 5 survivors, k = 2, 8, 22, 23, 3)",
  params: {
    paper: { scale: "paper", paperSteps: PAPER_STEPS },
    quick: { scale: "quick", paperSteps: PAPER_STEPS },
    tiny: { scale: "tiny", paperSteps: PAPER_STEPS },
  },
  requests: ({ scale }) => [fig2Run(scale)],
  compute({ scale, paperSteps }, [run]) {
    const { p, d, steps } = run.config;
    const final = run.signalsAt(steps), init = run.signalsAt(0);
    const survivors = survivingCircles(final).sort((a, b) => a - b);
    const half = Math.floor((p - 1) / 2);
    const dead = Array.from({ length: half }, (_, i) => i + 1).filter((k) =>
      !survivors.includes(k)
    );
    const kSurv = survivors.includes(2)
      ? 2
      : [...survivors].sort((a, b) => final[b] - final[a])[0] ?? 2;
    const kDead = dead.includes(1) ? 1 : dead[0] ?? 1;
    const Efinal = run.finalEmbedding();
    const S = dft(Efinal, p, d);
    const snapSteps = [0, steps / 2, steps].filter((s) => run.paramSnapshots!.steps.includes(s));
    const proj = (k: number) =>
      snapSteps.map((s) => ({
        step: s,
        xy: projectOnto(embeddingAt(run, s), p, d, circlePlane(S, k)),
      }));
    const projDead = proj(kDead), projSurv = proj(kSurv);
    const ts = logSteps(steps);
    const decided = scale !== "tiny";
    const why = "tiny scale: too few steps for survival to be decided";
    // the sentences speak of the end of training: on a run cut short, the circles stand where the
    // early verdict has settled them; the signals' sizes and shapes are not settled by it
    const circles = circlesSettled(run, paperSteps);
    const full = {
      settled: run.stepsDone >= paperSteps,
      why: `${run.stepsDone} of ${paperSteps} steps`,
    };
    const one = {
      test:
        "this run's count at its last step (the authors' Fig. 2 run, seed for seed: exact for it, it speaks for this run alone)",
    };
    const ratios = dead.map((k) => final[k] / init[k]);
    const worstDead = dead[ratios.indexOf(Math.max(...ratios))];
    const decayRatio = Math.max(...ratios);
    const circ = circularity(Efinal, p, d, kSurv, S);
    const collapse = spread(projDead.at(-1)!.xy) / spread(projDead[0].xy);
    const sameAsPaper = survivors.length === PAPER_SURVIVORS.length &&
      survivors.every((k, i) => k === PAPER_SURVIVORS[i]);
    const projPanel = (k: number, pr: typeof projDead, what: string) => ({
      kind: "line" as const,
      equalAxes: true,
      file: `projection_k${k}.png`,
      title: `${what} k=${k}: embedding on the final Fourier plane of k`,
      xLabel: "Re F_k direction",
      yLabel: "Im F_k direction",
      series: pr.map((x, i) => ({
        label: `step ${x.step}`,
        x: Array.from({ length: p }, (_, n) => x.xy[2 * n]),
        y: Array.from({ length: p }, (_, n) => x.xy[2 * n + 1]),
        points: true,
        pointLabels: i === pr.length - 1
          ? Array.from({ length: p }, (_, n) => String(n))
          : undefined,
      })),
    });
    return {
      data: {
        survivors,
        paperSurvivors: PAPER_SURVIVORS,
        finalSignals: Array.from(final),
        initialSignals: Array.from(init),
        kSurviving: kSurv,
        kDead,
        circularityOfSurvivor: circ,
        deadSignalRatios: Object.fromEntries(dead.map((k, i) => [k, ratios[i]])),
        deadSignalRatioMax: decayRatio,
        deadSpreadRatio: collapse,
        projections: {
          dead: projDead.map((x) => ({ step: x.step, xy: Array.from(x.xy) })),
          surviving: projSurv.map((x) => ({ step: x.step, xy: Array.from(x.xy) })),
        },
      },
      csv: {
        "signals.csv": csv(
          ["step", ...Array.from({ length: half }, (_, i) => `k${i + 1}`)],
          [0, ...ts].map((
            t,
          ) => [t, ...Array.from({ length: half }, (_, i) => run.signals[t * p + i + 1])]),
        ),
      },
      panels: [
        {
          kind: "line",
          file: "signals.png",
          title: `Signals ‖F_k‖ of k = 1..${half} (survivors: ${survivors.join(", ")})`,
          xLabel: "step",
          yLabel: "‖F_k‖",
          xLog: true,
          legend: false,
          series: Array.from({ length: half }, (_, i) => ({
            label: `k=${i + 1}`,
            x: ts,
            y: ts.map((t) => run.signals[t * p + i + 1]),
            dashed: !survivors.includes(i + 1),
          })),
        },
        projPanel(kDead, projDead, "dead"),
        projPanel(kSurv, projSurv, "surviving"),
      ],
      claims: [
        cutShort(
          between({
            ...one,
            name: "surviving circles (the code's counter)",
            quote: SAY.few,
            words: "only 3-5 circles survive",
            value: survivors.length,
            lo: 3,
            hi: 5,
            paper: "3-5 (the authors' run: 5)",
          }),
          circles,
        ),
        reported({
          name: "which circles survive (the authors' plot: k = 2, 3, 8, 22, 23)",
          quote: SAY.decay,
          words: "only a few circles have significant signals",
          because: "the text names no frequencies; docs/SPEC.md reads them off the authors' Fig. 2",
          measured: `{${survivors.join(", ")}}${sameAsPaper ? " (the same)" : ""}`,
          paper: "k = 2, 8, 22, 23, 3 (plot)",
        }),
        cutShort(
          atMost({
            name: `every dead frequency decays: largest final/initial signal (k=${worstDead})`,
            quote: SAY.decay,
            words: "the signals of all other circles decay to almost zero",
            because: `'all': every frequency that did not survive; 'almost zero': within ${
              100 * ALMOST
            } % of where it started`,
            value: decayRatio,
            max: ALMOST,
            paper: "almost zero",
          }),
          full,
        ),
        cutShort(
          holds({
            name: `survivor k=${kSurv} draws a circle: circularity at the end`,
            quote: SAY.shapes,
            words: "stabilize into a clear circle",
            because:
              "no number; a clear circle certainly has most of its projection on the circle (circularity = the share on it, 1 for a perfect circle)",
            ok: circ > 0.5,
            measured: fmt(circ),
            rule: "> 0.5",
            paper: "a clear circle",
          }),
          full,
        ),
        cutShort(
          holds({
            name: `dead k=${kDead} collapses: spread of its projection, final/initial`,
            quote: SAY.shapes,
            words: "collapses towards its center",
            because: "a direction without an amount: it shrinks",
            ok: collapse < 1,
            measured: fmt(collapse),
            rule: "< 1",
            paper: "collapses towards its center",
          }),
          full,
        ),
      ].map((c) => onlyAt(decided, c, why)),
      notes: [
        `Steps: ${steps} (${scale} scale); projections at steps ${
          snapSteps.join(", ")
        } onto the final planes.`,
        `Dead frequencies are drawn dashed in the signal panel.`,
        `End of training: ${circles.why}.`,
      ],
    };
  },
};
