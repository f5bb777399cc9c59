/**
 * Figure 14 — every modulus. docs/SPEC.md: #circles for every modulus 16..101 (plotted up to 97),
 * prime or not, 20 trials; d = 128, 30 000 steps. Claim: upward trend, noisier than Fig. 5.
 * (The code's table was not reset between figures, so p = 13 and others leaked into it; not
 * copied here.) "More variation" than Fig. 5(Left) compares the scatter of each trial's count
 * around a straight line in p, here and on Fig. 5's p sweep (its own trials, requested after
 * these: the store shares them with Fig. 5).
 *
 * @module
 */
import { QUICK_SURVIVAL_STEPS } from "./runs.ts";
import { makeConfig } from "../protocol/config.ts";
import { correlates, fmt, leans, onlyAt, type Quote } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import {
  countCsv,
  countPanel,
  type CountPoint,
  countPoints,
  countRequests,
  trend,
  unsettledNote,
} from "./circle_counts.ts";
import { fig05 } from "./fig05.ts";
import { varianceRatio } from "../analysis/variance_ratio.ts";

const SAY: Quote = {
  section: "App. F",
  text:
    "Compared with Figure 5(Left), one can observe more variation in Figure 14, but an upward trend can still be observed.",
};

interface Params {
  scale: Scale;
  moduli: number[];
  trials: number;
  steps: number;
  /** Fig. 5's p sweep at this scale (d = 128), compared with. */
  primes: number[];
  primeTrials: number;
}

/** Each settled trial's count less a least-squares line in p over all of them. */
export function residuals(points: CountPoint[]): number[] {
  const x = points.flatMap((pt) => pt.settled.map(() => pt.value));
  const y = points.flatMap((pt) => pt.settled);
  const n = x.length;
  if (n < 3) return [];
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    [sxy, sxx] = [sxy + (x[i] - mx) * (y[i] - my), sxx + (x[i] - mx) ** 2];
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return y.map((v, i) => v - my - b * (x[i] - mx));
}

const fig5 = (scale: Scale) => ({
  primes: fig05.params[scale].ps,
  primeTrials: fig05.params[scale].pTrials,
});

export const fig14: Figure<Params> = {
  id: "fig14",
  title: "Figure 14: number of circles for every modulus",
  spec: "#circles for every modulus 16..101, prime or not, 20 trials; d=128, wd 0.5, 30 000 steps",
  claim: "upward trend, noisier than Fig. 5",
  survivalFigure: true,
  params: {
    paper: {
      scale: "paper",
      moduli: Array.from({ length: 86 }, (_, i) => 16 + i),
      trials: 20,
      steps: 30000,
      ...fig5("paper"),
    },
    quick: {
      scale: "quick",
      moduli: [16, 20, 25, 32, 40, 49, 60],
      trials: 3,
      steps: QUICK_SURVIVAL_STEPS,
      ...fig5("quick"),
    },
    tiny: { scale: "tiny", moduli: [8, 9, 10], trials: 1, steps: 40, ...fig5("tiny") },
  },
  // this sweep, then Fig. 5's p sweep (the same configurations as Fig. 5's: one trial each)
  requests: ({ moduli, trials, steps, primes, primeTrials }) => [
    ...countRequests(moduli, trials, (p, seed) => makeConfig({ p, d: 128, seed, steps })),
    ...countRequests(primes, primeTrials, (p, seed) => makeConfig({ p, d: 128, seed, steps })),
  ],
  compute({ scale, moduli, trials, steps, primes, primeTrials }, results) {
    const pts = countPoints(moduli, trials, results.slice(0, moduli.length * trials));
    const fig5Pts = countPoints(primes, primeTrials, results.slice(moduli.length * trials));
    const t = trend(pts);
    const [r14, r5] = [residuals(pts), residuals(fig5Pts)];
    const vr = r14.length > 2 && r5.length > 2
      ? varianceRatio(r14, r5)
      : { f: NaN, dfA: 0, dfB: 0, p: NaN };
    const paper = fig14.params.paper;
    return {
      data: { points: pts, trend: t, fig5Points: fig5Pts, varianceRatio: vr },
      csv: { "circles_vs_modulus.csv": countCsv("modulus", pts) },
      panels: [
        countPanel(
          "circles_vs_modulus.png",
          `#circles vs modulus (${trials} trials each)`,
          "modulus p",
          pts,
        ),
      ],
      claims: [
        onlyAt(
          scale !== "tiny",
          correlates({
            name: "#circles rises with the modulus: Pearson r over trials",
            quote: SAY,
            words: "an upward trend can still be observed",
            ...t,
            sign: 1,
            unit: "trials",
            paper: "upward trend",
            note: unsettledNote(t),
            paperN: paper.moduli.length * paper.trials,
          }),
          "tiny scale: too few steps and trials",
        ),
        onlyAt(
          scale !== "tiny",
          leans({
            name:
              "more variation than Fig. 5(Left): variance of the counts about a line in p, Fig. 14 / Fig. 5",
            quote: SAY,
            words: "one can observe more variation in Figure 14",
            because:
              "a direction: each trial's count less a least-squares line in p, here against Fig. 5's p sweep",
            effect: Math.log(vr.f),
            statistic: vr.f,
            p: vr.p,
            sign: 1,
            n: r14.length + r5.length,
            unit: "trials",
            test: `F test of the residual variances (${vr.dfA}, ${vr.dfB} df), two-sided`,
            measured: `F = ${fmt(vr.f)}, p = ${fmt(vr.p)} (${r14.length} vs ${r5.length} trials)`,
            rule: "F > 1, two-sided p < 0.05",
            paper: "more variation",
            paperN: paper.moduli.length * paper.trials + paper.primes.length * paper.primeTrials,
          }),
          "tiny scale: too few steps and trials",
        ),
      ],
      notes: [
        `Steps per trial: ${steps}. The trend is Pearson's r of each trial's count against p; diverged trials are left out.`,
      ],
    };
  },
};
