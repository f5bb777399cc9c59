/**
 * Figure 13 — the embedding gradient's Fourier norms. docs/SPEC.md: ‖F_k‖ of the raw embedding
 * gradient ∂L/∂E (weight decay excluded) over training (the Fig. 2 run). No published script.
 * Claim: spikes near step 100, ~0 after step 1 000.
 *
 * @module
 */
import { ALMOST, cutShort, fmt, holds, onlyAt, type Quote } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { fig2Run, PAPER_STEPS } from "./runs.ts";
import { csv } from "./csv.ts";
import { logSteps } from "./panel.ts";

const SAY: Quote = {
  section: "App. D",
  text:
    "The Fourier gradient spikes around 100 steps and quickly diminishes to near zero after 1000 steps.",
};

export const fig13: Figure<{ scale: Scale; paperSteps: number }> = {
  id: "fig13",
  title: "Figure 13: Fourier norms of the embedding gradient",
  spec:
    "Fourier norm of the raw embedding gradient ∂L/∂E (weight decay excluded) over training of the Fig. 2 run",
  claim: "spikes near step 100, ~0 after step 1 000",
  params: {
    paper: { scale: "paper", paperSteps: PAPER_STEPS },
    quick: { scale: "quick", paperSteps: PAPER_STEPS },
    tiny: { scale: "tiny", paperSteps: PAPER_STEPS },
  },
  requests: ({ scale }) => [fig2Run(scale)],
  compute({ scale, paperSteps }, [run]) {
    const { p, steps } = run.config;
    const g = run.gradSignals!;
    const half = Math.floor((p - 1) / 2);
    // mean over k = 1..29 at each step (row t = the gradient of step t+1)
    const mean = Array.from({ length: steps }, (_, t) => {
      let s = 0;
      for (let k = 1; k <= half; k++) s += g[t * p + k];
      return s / half;
    });
    const peakAt = mean.indexOf(Math.max(...mean)) + 1;
    const peak = mean[peakAt - 1];
    const late = mean.slice(1000);
    const lateMean = late.length ? late.reduce((a, b) => a + b, 0) / late.length : NaN;
    const lateMax = late.length ? Math.max(...late) : NaN;
    const ts = logSteps(steps);
    return {
      data: { peakStep: peakAt, peak, meanAfter1000: lateMean, maxAfter1000: lateMax },
      csv: { "grad_signals_mean.csv": csv(["step", "mean_k1_29"], mean.map((v, t) => [t + 1, v])) },
      panels: [{
        kind: "line",
        file: "grad_signals.png",
        title: "‖F_k(∂L/∂E)‖, k = 1..29 (thin) and their mean (black)",
        xLabel: "step",
        yLabel: "Fourier norm of ∂L/∂E",
        xLog: true,
        legend: false,
        series: [
          ...Array.from(
            { length: half },
            (_, i) => ({ label: `k=${i + 1}`, x: ts, y: ts.map((t) => g[(t - 1) * p + i + 1]) }),
          ),
          { label: "mean", x: ts, y: ts.map((t) => mean[t - 1]), color: "#000" },
        ],
      }],
      claims: [
        onlyAt(
          steps >= 1000,
          holds({
            name: "peak of the mean gradient norm over k: step",
            quote: SAY,
            words: "spikes around 100 steps",
            because: "100 is given to one figure: steps that round to it",
            ok: peakAt >= 50 && peakAt < 150,
            measured: String(peakAt),
            rule: "in [50, 150)",
            paper: "around 100",
          }),
          "needs 1 000 steps to place the peak",
        ),
        onlyAt(
          steps > 2000,
          (() => {
            const c = holds({
              name: "after step 1 000: largest mean gradient norm over k / its peak",
              quote: SAY,
              words: "quickly diminishes to near zero after 1000 steps",
              because: `at every later step; 'near' = within ${100 * ALMOST} % of the peak`,
              ok: lateMax / peak <= ALMOST,
              measured: `${fmt(lateMax / peak)} (mean over the steps: ${fmt(lateMean / peak)})`,
              rule: `≤ ${ALMOST}`,
              paper: "near zero after 1000 steps",
            });
            // every later step: a run cut short can show an exceedance (it stands), not its
            // absence
            return cutShort(c, {
              settled: steps >= paperSteps || c.verdict === "FAIL",
              why: `${steps} of ${paperSteps} steps`,
            });
          })(),
          "needs more than 2 000 steps",
        ),
      ].map((c) =>
        onlyAt(run.divergedAt === null, c, `the run diverged at step ${run.divergedAt}`)
      ),
      notes: [
        "Row t of grad_signals is ‖F_k‖ of ∂L/∂E at step t+1, computed before the update; AdamW's decay is not part of ∂L/∂E.",
        ...(scale === "tiny"
          ? ["tiny scale: the run is too short for the late-training claim."]
          : []),
      ],
    };
  },
};
