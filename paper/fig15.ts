/**
 * Figure 15 — three more Lasso coefficient matrices (no published script): the ODE fit of
 * Section 4 on fix-MLP runs with embedding seeds 2, 3 and 4. Claim: extremely sparse.
 *
 * @module
 */
import { onlyAt } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { coefRows, odeAnalysis } from "../analysis/ode_fits.ts";
import { odeRun } from "./runs.ts";
import { lassoMatrixClaims, SEC42 } from "./fig09.ts";

export const fig15: Figure<{ scale: Scale; seeds: number[] }> = {
  id: "fig15",
  title: "Figure 15: three more Lasso coefficient matrices",
  spec:
    "the Lasso fit of Section 4 on three more fix-MLP runs (embedding seeds 2, 3, 4; MLP and split from init seed 0)",
  claim: "extremely sparse",
  params: {
    paper: { scale: "paper", seeds: [2, 3, 4] },
    quick: { scale: "quick", seeds: [2, 3, 4] },
    tiny: { scale: "tiny", seeds: [2] },
  },
  requests: ({ scale, seeds }) => seeds.map((s) => odeRun(scale, s)),
  compute({ scale, seeds }, runs) {
    const fits = runs.map((r) => odeAnalysis(r, { trajectories: false }));
    return {
      data: {
        seeds,
        nonzeroFraction: fits.map((f) => f.nonzeroFraction),
        rank: fits.map((f) => f.lassoRank),
        lassoScore: fits.map((f) => f.lassoScore),
        coef: fits.map((f) => coefRows(f.lassoFit)),
      },
      panels: fits.map((f, i) => ({
        kind: "heatmap" as const,
        file: `lasso_coef_seed${seeds[i]}.png`,
        title: `Lasso A, embedding seed ${seeds[i]}: ${
          (100 * f.nonzeroFraction).toFixed(1)
        } % nonzero, R² ${f.lassoScore.toFixed(3)}`,
        matrix: coefRows(f.lassoFit),
        rowLabels: f.ks.map(String),
        colLabels: f.ks.map(String),
      })),
      claims: lassoMatrixClaims(fits, `embedding seeds ${seeds.join(", ")}`, {
        quote: SEC42.singular,
        words: "the matrix is extremely sparse",
      }).map((c) => onlyAt(scale !== "tiny", c, "tiny scale: 60 steps only")),
    };
  },
};
