/**
 * Figure 9 — the signals follow a sparse linear ODE. SPEC.md: the ODE fits of Section 4 on one
 * fix-MLP run (code: embedding seed 1), and R² over d = 4..95 (10 seeds each). Claim: R² close to
 * 1 for both fits; the Lasso matrix is extremely sparse; rollout and closed form track the real
 * trajectories.
 *
 * The d-sweep's runs are default-mode runs of seeds 0..9 (SPEC.md names no mode for it).
 *
 * @module
 */
import { makeConfig } from "../protocol/config.ts";
import { ols, predict, r2Score } from "../analysis/linear_ode.ts";
import { atLeast, atMost, onlyAt } from "./claims.ts";
import type { Figure } from "./figure.ts";
import { coefRows, odeAnalysis } from "../analysis/ode.ts";
import { csv, median, odeRun } from "./runs.ts";
import type { TrialRequest } from "../store/requests.ts";

interface Params {
  scale: "paper" | "quick" | "tiny";
  dims: number[];
  seeds: number[];
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const fig09: Figure<Params> = {
  id: "fig9",
  title: "Figure 9: a sparse linear ODE describes the signals",
  spec:
    "Lasso (α=0.01) and the code's α=0 fit of Δx_t on x_t (x = signals of k=1..29, t < 1000) on one fix-MLP run (embedding seed 1, MLP and split from init seed 0); R² for d = 4..95, 10 seeds each; rollout and closed form for a dead and a surviving frequency; the coefficient heatmap",
  claim:
    "R² close to 1 for both fits; the Lasso matrix is extremely sparse; rollout and closed form track the real trajectories",
  params: {
    paper: { scale: "paper", dims: range(4, 95), seeds: range(0, 9) },
    quick: { scale: "quick", dims: [4, 8, 16, 32, 48, 64, 95], seeds: [0, 1] },
    tiny: { scale: "tiny", dims: [4, 8], seeds: [0] },
  },
  requests({ scale, dims, seeds }) {
    const steps = scale === "tiny" ? 60 : 1000;
    const sweep: TrialRequest[] = dims.flatMap((d) =>
      seeds.map((seed) => ({ config: makeConfig({ p: 59, d, seed, steps }) }))
    );
    return [odeRun(scale, 1), ...sweep];
  },
  compute({ scale, dims, seeds }, [run, ...sweep]) {
    const a = odeAnalysis(run);
    const { n, m, ks, x } = a;
    const finalX = ks.map((_, j) => x[(n - 1) * m + j]);
    const jSurv = finalX.indexOf(Math.max(...finalX)), jDead = finalX.indexOf(Math.min(...finalX));
    const perD = dims.map((d, di) => {
      const runs = seeds.map((_, si) => odeAnalysis(sweep[di * seeds.length + si]));
      const mean = (f: (r: typeof runs[0]) => number) =>
        runs.reduce((s, r) => s + f(r), 0) / runs.length;
      return { d, lasso: mean((r) => r.lassoScore), lasso0: mean((r) => r.lasso0Score) };
    });
    const meanOver = (f: (r: typeof perD[0]) => number) =>
      perD.reduce((s, r) => s + f(r), 0) / perD.length;
    const decided = scale !== "tiny";
    const why = "tiny scale: 60 steps only";
    let olsScore: number | null = null;
    try {
      const y = Float64Array.from({ length: (n - 1) * m }, (_, i) => x[i + m] - x[i]);
      const xs = x.subarray(0, (n - 1) * m);
      olsScore = r2Score(y, predict(ols(xs, y, n - 1, m, m), xs, n - 1), n - 1, m);
    } catch { /* rank-deficient at tiny scale */ }
    const t = Array.from({ length: n }, (_, i) => i);
    const traj = (j: number, label: string) => ({
      kind: "line" as const,
      file: `trajectory_k${ks[j]}.png`,
      title: `${label} frequency k=${ks[j]}: real signal, Lasso rollout, closed form`,
      xLabel: "step",
      yLabel: "‖F_k‖",
      series: [
        { label: "real", x: t, y: t.map((i) => x[i * m + j]) },
        { label: "rollout", x: t, y: t.map((i) => a.rollout[i * m + j]), dashed: true },
        { label: "closed form", x: t, y: t.map((i) => a.closed[i * m + j]), dashed: true },
      ],
    });
    return {
      data: {
        lassoScore: a.lassoScore,
        lasso0Score: a.lasso0Score,
        holdout: a.holdout,
        nonzeroFraction: a.nonzeroFraction,
        lassoCoef: coefRows(a.lassoFit),
        lassoIntercept: Array.from(a.lassoFit.intercept),
        rolloutR2: a.rolloutR2,
        closedR2: a.closedR2,
        r2VsD: perD,
      },
      csv: {
        "r2_vs_d.csv": csv(
          ["d", "lasso_r2", "lasso0_r2"],
          perD.map((r) => [r.d, r.lasso, r.lasso0]),
        ),
      },
      panels: [
        {
          kind: "line",
          file: "r2_vs_d.png",
          title: `In-sample R² vs d (mean of ${seeds.length} seed${seeds.length > 1 ? "s" : ""})`,
          xLabel: "embedding dimension d",
          yLabel: "R²",
          series: [
            { label: "Lasso α=0.01", x: dims, y: perD.map((r) => r.lasso), radius: 3 },
            {
              label: "α=0 (code's linear regression)",
              x: dims,
              y: perD.map((r) => r.lasso0),
              radius: 3,
            },
          ],
        },
        traj(jDead, "dead"),
        traj(jSurv, "surviving"),
        {
          kind: "heatmap",
          file: "lasso_coef.png",
          title: `Lasso coefficients A (row: d x_k/dt, column: x_j), ${
            (100 * a.nonzeroFraction).toFixed(1)
          } % nonzero`,
          matrix: coefRows(a.lassoFit),
          rowLabels: ks.map(String),
          colLabels: ks.map(String),
        },
      ],
      claims: [
        onlyAt(
          decided,
          atLeast("Lasso R² (in-sample, the code's)", a.lassoScore, 0.9, "close to 1"),
          why,
        ),
        onlyAt(decided, atLeast("α=0 fit R² (in-sample)", a.lasso0Score, 0.9, "close to 1"), why),
        onlyAt(
          decided,
          atLeast("Lasso R² over d: mean", meanOver((r) => r.lasso), 0.9, "close to 1"),
          why,
        ),
        onlyAt(
          decided,
          atLeast("α=0 fit R² over d: mean", meanOver((r) => r.lasso0), 0.9, "close to 1"),
          why,
        ),
        onlyAt(
          decided,
          atMost("Lasso matrix: fraction nonzero", a.nonzeroFraction, 0.2, "extremely sparse"),
          why,
        ),
        onlyAt(
          decided,
          atLeast(
            "rollout tracks each frequency: median R²",
            median(a.rolloutR2),
            0.9,
            "tracks the real trajectories",
          ),
          why,
        ),
        onlyAt(
          decided,
          atLeast(
            "closed form tracks each frequency: median R²",
            median(a.closedR2),
            0.9,
            "tracks the real trajectories",
          ),
          why,
        ),
      ],
      notes: [
        `Exact OLS (no shrinkage, no iteration cap) reaches in-sample R² ${
          olsScore?.toFixed(4) ?? "-"
        } on Δx_t of steps 0..${n - 2}; the code's fits are the Lasso ones asserted above.`,
        `Held-out R² on the text's 80/20 split (train_test_split, random_state 0): Lasso ${
          a.holdout.lasso.toFixed(4)
        }, α=0 ${a.holdout.lasso0.toFixed(4)}.`,
        `Thresholds chosen before running: "close to 1" ≥ 0.9, "extremely sparse" ≤ 20 % nonzero, "tracks" median per-frequency R² ≥ 0.9. The closed form uses A + 1e-8·I as the code does, at t = 0..${
          n - 1
        }.`,
      ],
    };
  },
};
