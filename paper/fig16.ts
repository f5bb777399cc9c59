/**
 * Figure 16 — every frequency against the ODE: the real trajectories of all 29 frequencies of the
 * Fig. 9 run beside the Lasso rollout. Claim: tracked frequency by frequency.
 *
 * @module
 */
import { fmt, onlyAt, reported } from "./claims.ts";
import { SEC42 } from "./fig09.ts";
import type { Figure, Scale } from "./figure.ts";
import { odeAnalysis } from "../analysis/ode_fits.ts";
import { odeRun } from "./runs.ts";
import { csv } from "./csv.ts";

export const fig16: Figure<{ scale: Scale }> = {
  id: "fig16",
  title: "Figure 16: all 29 trajectories against the ODE",
  spec: "original vs ODE (Lasso rollout) trajectories for all 29 frequencies of the Fig. 9 run",
  claim: "tracked frequency by frequency",
  params: { paper: { scale: "paper" }, quick: { scale: "quick" }, tiny: { scale: "tiny" } },
  requests: ({ scale }) => [odeRun(scale, 1)],
  compute({ scale }, [run]) {
    const a = odeAnalysis(run);
    const { n, m, ks, x } = a;
    const t = Array.from({ length: n }, (_, i) => i);
    const groups = [ks.slice(0, 10), ks.slice(10, 20), ks.slice(20)].filter((g) => g.length > 0);
    const decided = scale !== "tiny";
    return {
      data: { ks, rolloutR2: a.rolloutR2, closedR2: a.closedR2 },
      csv: {
        "tracking_r2.csv": csv(
          ["k", "rollout_r2", "closed_form_r2"],
          ks.map((k, j) => [k, a.rolloutR2[j], a.closedR2[j]]),
        ),
      },
      panels: groups.map((g, gi) => ({
        kind: "line" as const,
        file: `trajectories_${gi + 1}.png`,
        title: `k = ${g[0]}..${g.at(-1)}: real (solid) and Lasso rollout (dashed)`,
        xLabel: "step",
        yLabel: "‖F_k‖",
        legend: false,
        series: g.flatMap((k, i) => {
          const j = ks.indexOf(k);
          return [
            {
              label: `k=${k}`,
              x: t,
              y: t.map((s) => x[s * m + j]),
              color: `hsl(${36 * i}, 70%, 40%)`,
            },
            {
              label: `k=${k} ODE`,
              x: t,
              y: t.map((s) => a.rollout[s * m + j]),
              color: `hsl(${36 * i}, 70%, 40%)`,
              dashed: true,
            },
          ];
        }),
      })),
      claims: [
        reported({
          name: "Lasso rollout R² per frequency: median / 10th percentile / lowest",
          quote: SEC42.trajectory,
          words: "model the trajectory well",
          measured: [0.5, 0.1, 0].map((q) =>
            fmt([...a.rolloutR2].sort((p, q) => p - q)[Math.floor(q * (m - 1))])
          ).join(" / "),
          paper: "well",
        }),
      ].map((c) => onlyAt(decided, c, "tiny scale: 60 steps only")),
      notes: [
        "R² of a frequency = 1 − Σ(real − rollout)²/Σ(real − mean)² over its 1 000 steps. The text gives no number for 'well': reported.",
      ],
    };
  },
};
