/**
 * The early-verdict study (issue #7): how often do a run's circles at fewer steps — the quick
 * scale's step count, and where `--until-decided` stops — equal its circles at 30 000 steps?
 * Measured on ≥ 30 full runs (default mode, p = 59, d = 128, wd 0.5, seeds 0..29) by replaying
 * the rule on their stored signal trajectories.
 *
 * @module
 */
import { survivingCircles } from "../analysis/fourier.ts";
import { decidedStep, DEFAULT_DECIDED } from "../analysis/verdict.ts";
import { rateInterval } from "../analysis/stats.ts";
import { makeConfig } from "../protocol/config.ts";
import { fmt, onlyAt, type Quote, reported } from "./claims.ts";
import type { Figure } from "./figure.ts";
import { converged, csv } from "./runs.ts";

const STEPS: Quote = {
  section: "App. E",
  text: "In each experiment, the model is trained for 3×10^4 steps.",
};

/** The quick scale's step count of the sweep figures. */
export const QUICK_SWEEP_STEPS = 6000;

interface Params {
  scale: "paper" | "quick" | "tiny";
  trials: number;
  steps: number;
  checkpoints: number[];
}

const key = (s: Float64Array) => survivingCircles(s).sort((a, b) => a - b).join(",");

export const decided: Figure<Params> = {
  id: "decided",
  title: "Early verdict: are the circles decided before 30 000 steps?",
  spec:
    "default-mode runs (p=59, d=128, wd 0.5), seeds 0..29, 30 000 steps; circles at earlier steps and at the --until-decided stop vs at 30 000",
  claim: "(issue #7) survival is decided long before step 30 000 — measured, not assumed",
  params: {
    paper: {
      scale: "paper",
      trials: 30,
      steps: 30000,
      checkpoints: [2000, 3000, 4000, QUICK_SWEEP_STEPS, 10000, 20000],
    },
    quick: {
      scale: "quick",
      trials: 4,
      steps: 30000,
      checkpoints: [2000, 3000, 4000, QUICK_SWEEP_STEPS, 10000, 20000],
    },
    tiny: { scale: "tiny", trials: 2, steps: 300, checkpoints: [100, 200] },
  },
  requests: ({ trials, steps }) =>
    Array.from(
      { length: trials },
      (_, seed) => ({ config: makeConfig({ p: 59, d: 128, seed, steps }) }),
    ),
  compute({ scale, steps, checkpoints }, results) {
    const p = 59;
    const { runs, diverged } = converged(results);
    const trials = runs.length;
    const ci = (k: number) =>
      trials > 0 ? rateInterval(k, trials) : { rate: NaN, low: NaN, high: NaN };
    const finals = runs.map((r) => key(r.finalSignals()));
    const agree = checkpoints.map((c) => {
      const k = runs.filter((r, i) => key(r.signalsAt(c)) === finals[i]).length;
      return { step: c, agree: k, of: trials, ...ci(k) };
    });
    const stops = runs.map((r) => decidedStep(r.signals, p));
    const stopAgree =
      runs.filter((r, i) => stops[i] !== null && key(r.signalsAt(stops[i]!)) === finals[i]).length;
    const stopped = stops.filter((s) => s !== null) as number[];
    const quick = agree.find((a) => a.step === QUICK_SWEEP_STEPS);
    const enough = scale === "paper";
    const why = "needs ≥ 30 runs of 30 000 steps (paper scale)";
    return {
      data: { checkpoints: agree, rule: DEFAULT_DECIDED, stops, stopAgree, finals },
      csv: {
        "agreement.csv": csv(
          ["step", "agree", "of", "ci_low", "ci_high"],
          agree.map((a) => [a.step, a.agree, a.of, a.low, a.high]),
        ),
      },
      panels: [{
        kind: "line",
        file: "agreement.png",
        title: `Circles at step t equal those at step ${steps} (${trials} runs, 95 % CI)`,
        xLabel: "step t",
        yLabel: "fraction of runs",
        series: [
          { label: "agreement", x: checkpoints, y: agree.map((a) => a.rate), radius: 4 },
          {
            label: "95 % CI",
            x: checkpoints,
            y: agree.map((a) => a.low),
            dashed: true,
            color: "#9ecae1",
          },
          {
            label: "",
            x: checkpoints,
            y: agree.map((a) => a.high),
            dashed: true,
            color: "#9ecae1",
          },
        ],
      }],
      claims: [
        reported({
          name: `circles at step ${QUICK_SWEEP_STEPS} (quick sweeps) = at ${steps}: runs`,
          quote: STEPS,
          words: "trained for 3×10^4 steps",
          because:
            "the text trains every run 30 000 steps and says nothing of fewer: how often fewer give the same circles is measured (issue #7)",
          measured: quick
            ? `${quick.agree}/${quick.of} (95 % CI ${fmt(quick.low)}–${fmt(quick.high)})`
            : "-",
          paper: "30 000 steps",
        }),
        reported({
          name: `--until-decided verdict = circles at ${steps}: runs`,
          quote: STEPS,
          words: "trained for 3×10^4 steps",
          because: "as above",
          measured: `${stopAgree}/${trials} (95 % CI ${fmt(ci(stopAgree).low)}–${
            fmt(ci(stopAgree).high)
          })`,
          paper: "30 000 steps",
        }),
      ].map((c) => onlyAt(enough, c, why)),
      notes: [
        ...(diverged ? [`${diverged} run(s) diverged and are left out.`] : []),
        `--until-decided stopped ${stopped.length} of ${trials} runs, at steps ${
          stopped.length ? `${Math.min(...stopped)}..${Math.max(...stopped)}` : "-"
        }; its verdict equalled the 30 000-step circles in ${stopAgree} of ${trials}.`,
        ...agree.map((a) =>
          `step ${a.step}: ${a.agree}/${a.of} runs already have their final circles (95 % CI ${
            a.low.toFixed(2)
          }–${a.high.toFixed(2)}).`
        ),
      ],
    };
  },
};
