/**
 * Figure 14 — every modulus. SPEC.md: #circles for every modulus 16..101 (plotted up to 97),
 * prime or not, 20 trials; d = 128, 30 000 steps. Claim: upward trend, noisier than Fig. 5.
 * (The code's table was not reset between figures, so p = 13 and others leaked into it; not
 * copied here.)
 *
 * @module
 */
import { makeConfig } from "../protocol/config.ts";
import { correlates, onlyAt, type Quote } from "./claims.ts";
import type { Figure } from "./figure.ts";
import { sweepCsv, sweepPanel, sweepPoints, sweepRequests, trend } from "./sweep.ts";

const SAY: Quote = {
  section: "App. F",
  text:
    "Compared with Figure 5(Left), one can observe more variation in Figure 14, but an upward trend can still be observed.",
};

interface Params {
  scale: "paper" | "quick" | "tiny";
  moduli: number[];
  trials: number;
  steps: number;
}

export const fig14: Figure<Params> = {
  id: "fig14",
  title: "Figure 14: number of circles for every modulus",
  spec: "#circles for every modulus 16..101, prime or not, 20 trials; d=128, wd 0.5, 30 000 steps",
  claim: "upward trend, noisier than Fig. 5",
  sweep: true,
  params: {
    paper: {
      scale: "paper",
      moduli: Array.from({ length: 86 }, (_, i) => 16 + i),
      trials: 20,
      steps: 30000,
    },
    quick: { scale: "quick", moduli: [16, 20, 25, 32, 40, 49, 60], trials: 3, steps: 6000 },
    tiny: { scale: "tiny", moduli: [8, 9, 10], trials: 1, steps: 40 },
  },
  requests: ({ moduli, trials, steps }) =>
    sweepRequests(moduli, trials, (p, seed) => makeConfig({ p, d: 128, seed, steps })),
  compute({ scale, moduli, trials, steps }, results) {
    const pts = sweepPoints(moduli, trials, results);
    const t = trend(pts);
    return {
      data: { points: pts, trend: t },
      csv: { "circles_vs_modulus.csv": sweepCsv("modulus", pts) },
      panels: [
        sweepPanel(
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
            paper: "upward trend",
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
