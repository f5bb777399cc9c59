/**
 * Figure 9 — the signals follow a sparse linear ODE. docs/SPEC.md: the ODE fits of Section 4 on one
 * fix-MLP run (code: embedding seed 1), and R² over d = 4..95 (10 seeds each).
 *
 * What the text says and what the code drew differ, and both are shown. The text (Sec. 4.2):
 * "linear regression gives us an almost perfect fit", i.e. least squares — checked on exact OLS.
 * The code's "Linear Regression" curve is `Lasso(alpha=0)` by coordinate descent, which stops at
 * 1 000 sweeps short of least squares: a different number, reported beside it and checked by
 * nothing. No sentence puts a number on the Lasso's R²: reported. "Extremely sparse" and "not
 * naturally invertible" are read as bars on the Lasso matrix.
 *
 * The d-sweep's runs are default-mode runs of seeds 0..9 (docs/SPEC.md names no mode for it).
 *
 * @module
 */
import { makeConfig } from "../protocol/config.ts";
import { ALMOST, atLeast, type Claim, fmt, holds, onlyAt, type Quote, reported } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import { coefRows, type OdeAnalysis, odeAnalysis } from "../analysis/ode_fits.ts";
import { odeData } from "../analysis/linear_ode.ts";
import { lotkaVolterra, type LotkaVolterraAnalysis } from "../analysis/lotka_volterra.ts";
import { odeRun } from "./runs.ts";
import { converged } from "./trial_views.ts";
import { csv } from "./csv.ts";
import { median } from "../analysis/stats.ts";
import type { TrialRequest } from "../store/requests.ts";

interface Params {
  scale: Scale;
  dims: number[];
  seeds: number[];
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The sentences of Sec. 4.2 that Figs. 9, 15 and 16 check. */
export const SEC42 = {
  fit: {
    section: "Sec. 4.2",
    text:
      "While linear regression gives us an almost perfect fit at the risk of overfitting, Lasso provides comparable estimations with reasonable errors bounds and extremely sparse coefficients.",
  },
  split: {
    section: "Sec. 4.2",
    text:
      "We report the R^2 of our fit for both linear regression and Lasso in Figure 9 over many trials with embeddings of varying size, using 80% of the data for training and evaluate the model on the other 20%.",
  },
  singular: {
    section: "Sec. 4.2",
    text:
      "Note that for the coefficient matrix of the Lasso fit, the matrix is extremely sparse and is not naturally invertible, so we have added a small ϵI ($\\epsilon = 10^{-8}$) to A .",
  },
  closed: {
    section: "Sec. 4.2",
    text:
      "The analytical solution similarly provides us with a comparable estimation of the trajectory in Figure 9.",
  },
  trajectory: {
    section: "Sec. 4.2",
    text: "With this new set of equations, we can model the trajectory well.",
  },
  quadratic: {
    section: "Sec. 4.2",
    text:
      "Although the fit yields an R^2 value close to 1, the model suffers from overfitting due to too many free parameters of $x_i \\cdot x_j$ terms.",
  },
  unstable: {
    section: "Sec. 4.2",
    text:
      "When we attempt to compute a trajectory using our estimates, errors accumulate, leading to a rapid loss of numerical stability.",
  },
} satisfies Record<string, Quote>;

/**
 * The claims on the quadratic Lotka–Volterra fit (Eq. 2) of one run: R² "close to 1" (≥ 0.99,
 * 'close to' read as 'near'), the rollout's "loss of numerical stability" (it runs off —
 * non-finite or past 10× the largest real signal — within the steps it was fitted on), and the
 * overfitting, reported (in-sample against held-out R²; the text gives no number).
 *
 * @example
 * ```ts
 * import { lotkaVolterraClaims } from "./fig09.ts";
 * const lv = { r2: 0.999, holdoutR2: 0.7, terms: 464, rank: 120, blowsUpAt: 310, bound: 900, rolloutSteps: 1000 };
 * const c = lotkaVolterraClaims(lv);
 * if (c.map((x) => x.verdict).join(" ") !== "PASS PASS REPORTED") throw new Error(c.map((x) => x.verdict).join(" "));
 * ```
 */
export function lotkaVolterraClaims(lv: LotkaVolterraAnalysis): Claim[] {
  return [
    atLeast({
      name: "quadratic Lotka–Volterra fit (Eq. 2), seed-1 run: R² in-sample",
      quote: SEC42.quadratic,
      words: "an R^2 value close to 1",
      because: `'close to' read as 'near': within ${100 * ALMOST} %`,
      value: lv.r2,
      min: 1 - ALMOST,
      paper: "close to 1",
    }),
    holds({
      name:
        "its rollout from x_0 runs off within the fitted steps: first step past 10× the largest signal",
      quote: SEC42.unstable,
      words: "leading to a rapid loss of numerical stability",
      because:
        "no number; a loss of numerical stability certainly means the rollout's values run off (non-finite or past 10× the largest real signal) within the steps it was fitted on; 'rapid' gives no number: the step is shown",
      ok: lv.blowsUpAt !== null,
      measured: lv.blowsUpAt === null
        ? `stays within ${fmt(lv.bound)} for ${lv.rolloutSteps} steps`
        : `step ${lv.blowsUpAt} of ${lv.rolloutSteps}`,
      rule: `runs off before step ${lv.rolloutSteps}`,
      paper: "rapid loss of numerical stability",
    }),
    reported({
      name: "its overfitting: R² in-sample / held-out (80/20 split), terms / numerical rank",
      quote: SEC42.quadratic,
      words: "the model suffers from overfitting",
      measured: `${fmt(lv.r2)} / ${fmt(lv.holdoutR2)}, ${lv.terms} / ${lv.rank}`,
      paper: "overfitting",
    }),
  ];
}

/** "Extremely sparse": most entries zero is the bar 'sparse' certainly implies. */
export const SPARSE_BELOW = 0.5;

/**
 * The two claims every Lasso matrix of Sec. 4.2 answers to (Figs. 9 and 15): "extremely sparse"
 * (fewer than half its entries nonzero: the bar 'sparse' certainly implies) and "not naturally
 * invertible" (numerical rank below m). `sparse` names the sentence that calls it sparse (default
 * Sec. 4.2's "extremely sparse coefficients").
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { lassoMatrixClaims } from "./fig09.ts";
 * const c = lassoMatrixClaims([{ nonzero: 153, m: 29, lassoRank: 16 }], "seed 1");
 * assertEquals(c.map((x) => x.verdict), ["PASS", "PASS"]);
 * ```
 */
export function lassoMatrixClaims(
  a: Pick<OdeAnalysis, "nonzero" | "m" | "lassoRank">[],
  which: string,
  sparse: { quote: Quote; words: string } = {
    quote: SEC42.fit,
    words: "extremely sparse coefficients",
  },
): Claim[] {
  const fraction = a.map((x) => x.nonzero / (x.m * x.m));
  const worst = Math.max(...fraction);
  const m = a[0].m;
  const several = a.length > 1 ? ", each" : "";
  return [
    holds({
      name: `Lasso matrix A (${which}): fraction of entries nonzero${several}`,
      ...sparse,
      because:
        "'sparse' certainly means most entries are zero; 'extremely' gives no number. The authors' own Lasso on their seed-1 run (tests/fixtures) has 153 of 841 nonzero, 18 %",
      ok: worst < SPARSE_BELOW,
      n: a.length,
      measured: fraction.map((f, i) => `${fmt(f)} (${a[i].nonzero}/${m * m})`).join(", "),
      rule: `< ${SPARSE_BELOW}`,
      paper: "extremely sparse",
    }),
    holds({
      name: `Lasso matrix A (${which}) is singular: rank${several}`,
      quote: SEC42.singular,
      words: "not naturally invertible",
      because: "numpy's inv refuses it: numerical rank below m (numpy's matrix_rank)",
      ok: a.every((x) => x.lassoRank < x.m),
      n: a.length,
      measured: a.map((x) => `${x.lassoRank}/${x.m}`).join(", "),
      rule: `rank < ${m}`,
      paper: "not naturally invertible (ϵI added)",
    }),
  ];
}

export const fig09: Figure<Params> = {
  id: "fig9",
  title: "Figure 9: a sparse linear ODE describes the signals",
  spec:
    "fits of Δx_t on x_t (x = signals of k=1..29, t < 1000) — exact least squares (the text's linear regression), Lasso (α=0.01) and the code's α=0 coordinate descent — on one fix-MLP run (embedding seed 1, MLP and split from init seed 0); R² for d = 4..95, 10 seeds each; rollout and closed form for a dead and a surviving frequency; the coefficient heatmap",
  claim:
    'Sec. 4.2: "linear regression gives us an almost perfect fit ..., Lasso provides comparable estimations with reasonable errors bounds and extremely sparse coefficients"; the closed form "a comparable estimation of the trajectory". Code: its linear-regression curve is Lasso(α=0) by coordinate descent, not least squares',
  params: {
    paper: { scale: "paper", dims: range(4, 95), seeds: range(0, 9) },
    quick: { scale: "quick", dims: [4, 8, 16, 32, 48, 64, 95], seeds: [0, 1] },
    tiny: { scale: "tiny", dims: [4, 8], seeds: [0] },
  },
  requests({ scale, dims, seeds }) {
    const steps = scale === "tiny" ? 60 : 1000;
    const sweep: TrialRequest[] = dims.flatMap((d) =>
      // lean: the fits read the signals only (no final parameters; ~12 KB a trial, not ~140)
      seeds.map((seed) => ({
        config: makeConfig({ p: 59, d, seed, steps }),
        records: { lean: true },
      }))
    );
    return [odeRun(scale, 1), ...sweep];
  },
  compute({ scale, dims, seeds }, [run, ...sweep]) {
    const a = odeAnalysis(run);
    const ode = odeData(run.signals, run.config.p, { steps: 1000 });
    const lv = lotkaVolterra(ode.x, ode.y, ode.n, ode.m);
    const { n, m, ks, x } = a;
    const finalX = ks.map((_, j) => x[(n - 1) * m + j]);
    const jSurv = finalX.indexOf(Math.max(...finalX)), jDead = finalX.indexOf(Math.min(...finalX));
    const perD = dims.map((d, di) => {
      const { runs: rs, diverged } = converged(
        sweep.slice(di * seeds.length, (di + 1) * seeds.length),
      );
      const fits = rs.map((r) => odeAnalysis(r, { trajectories: false, holdout: false }));
      const mean = (f: (r: OdeAnalysis) => number) =>
        fits.reduce((s, r) => s + f(r), 0) / fits.length;
      return {
        d,
        runs: fits.length,
        diverged,
        ols: mean((r) => r.olsScore),
        lasso: mean((r) => r.lassoScore),
        lasso0: mean((r) => r.lasso0Score),
      };
    });
    const lowestOls = perD.find((r) => Number.isNaN(r.ols)) ??
      perD.reduce((w, r) => (r.ols < w.ols ? r : w));
    const decided = scale !== "tiny";
    const why = "tiny scale: 60 steps only";
    const t = Array.from({ length: n }, (_, i) => i);
    const traj = (j: number, label: string) => ({
      kind: "line" as const,
      file: `trajectory_k${ks[j]}.png`,
      title: `${label} frequency k=${ks[j]}: real signal, rollouts, closed form`,
      xLabel: "step",
      yLabel: "‖F_k‖",
      series: [
        { label: "real", x: t, y: t.map((i) => x[i * m + j]) },
        ...(a.olsRollout.length
          ? [{
            label: "least-squares rollout",
            x: t,
            y: t.map((i) => a.olsRollout[i * m + j]),
            dashed: true,
          }]
          : []),
        { label: "Lasso rollout", x: t, y: t.map((i) => a.rollout[i * m + j]), dashed: true },
        { label: "closed form (Lasso)", x: t, y: t.map((i) => a.closed[i * m + j]), dashed: true },
      ],
    });
    const claims: Claim[] = [
      atLeast({
        name: "least squares (exact OLS), seed-1 run: R² in-sample",
        quote: SEC42.fit,
        words: "almost perfect fit",
        because: `'almost' = within ${
          100 * ALMOST
        } %: at most 1 % of the variance of Δx unexplained`,
        value: a.olsScore,
        min: 1 - ALMOST,
        paper: "almost perfect",
        note: Number.isNaN(a.olsScore)
          ? "x is rank-deficient: no unique least-squares fit"
          : undefined,
      }),
      reported({
        name: `least squares over d: lowest mean R² of a d (d = ${lowestOls.d}, ${
          perD.find((r) => r.d === lowestOls.d)?.runs ?? 0
        } runs)`,
        quote: SEC42.split,
        words: "R^2 of our fit for both linear regression and Lasso",
        because:
          "the 'almost perfect fit' sentence speaks of the fit of Fig. 9's run and names no d; the sweep's sentence gives no number",
        measured: fmt(lowestOls.ols),
        paper: "Fig. 9(1)",
      }),
      reported({
        name: "Lasso (α=0.01), seed-1 run: R² in-sample",
        quote: SEC42.fit,
        words: "comparable estimations",
        measured: `${fmt(a.lassoScore)} (least squares ${fmt(a.olsScore)})`,
        paper: "comparable, reasonable errors bounds",
      }),
      reported({
        name: "the code's α=0 curve (coordinate descent), seed-1 run: R² in-sample",
        quote: SEC42.fit,
        words: "linear regression",
        because:
          "the text's linear regression is least squares; the code's curve of that name is Lasso(alpha=0), which stops at 1 000 sweeps short of it: a different number, shown beside",
        measured: `${fmt(a.lasso0Score)} (${
          a.lasso0Fit.notConverged?.length ?? 0
        }/${m} outputs not converged)`,
        paper: "(the code's Fig. 9 curve)",
      }),
      reported({
        name: "R² over d, mean of each d's seeds: lowest Lasso / lowest code's α=0",
        quote: SEC42.split,
        words: "R^2 of our fit for both linear regression and Lasso",
        measured: `${fmt(Math.min(...perD.map((r) => r.lasso)))} / ${
          fmt(Math.min(...perD.map((r) => r.lasso0)))
        }`,
        paper: "Fig. 9(1)",
      }),
      reported({
        name: "held-out R² on the text's 80/20 split, seed-1 run: least squares / Lasso / α=0",
        quote: SEC42.split,
        words: "using 80% of the data for training and evaluate the model on the other 20%",
        measured: `${fmt(a.holdout.ols)} / ${fmt(a.holdout.lasso)} / ${fmt(a.holdout.lasso0)}`,
        paper: "(no number)",
      }),
      ...lassoMatrixClaims([a], "seed-1 run"),
      ...lotkaVolterraClaims(lv),
      reported({
        name: "rollouts track each frequency: median R² per frequency, Lasso / least squares",
        quote: SEC42.trajectory,
        words: "model the trajectory well",
        measured: `${fmt(median(a.rolloutR2))} / ${
          a.olsRolloutR2.length ? fmt(median(a.olsRolloutR2)) : "-"
        }`,
        paper: "well",
      }),
      reported({
        name: "closed form (Lasso A + 1e-8·I) tracks each frequency: median R²",
        quote: SEC42.closed,
        words: "comparable estimation of the trajectory",
        measured: `${fmt(median(a.closedR2))} (Lasso rollout ${fmt(median(a.rolloutR2))})`,
        paper: "comparable",
      }),
    ].map((c) => onlyAt(decided, c, why));
    return {
      data: {
        olsScore: a.olsScore,
        lotkaVolterra: lv,
        lassoScore: a.lassoScore,
        lasso0Score: a.lasso0Score,
        lasso0NotConverged: a.lasso0Fit.notConverged ?? [],
        holdout: a.holdout,
        nonzero: a.nonzero,
        nonzeroFraction: a.nonzeroFraction,
        lassoRank: a.lassoRank,
        lassoCoef: coefRows(a.lassoFit),
        lassoIntercept: Array.from(a.lassoFit.intercept),
        rolloutR2: a.rolloutR2,
        olsRolloutR2: a.olsRolloutR2,
        closedR2: a.closedR2,
        r2VsD: perD,
      },
      csv: {
        "r2_vs_d.csv": csv(
          ["d", "runs", "diverged", "ols_r2", "lasso_r2", "lasso0_r2"],
          perD.map((r) => [r.d, r.runs, r.diverged, r.ols, r.lasso, r.lasso0]),
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
            {
              label: "least squares (the text's linear regression)",
              x: dims,
              y: perD.map((r) => r.ols),
              radius: 3,
            },
            { label: "Lasso α=0.01", x: dims, y: perD.map((r) => r.lasso), radius: 3 },
            {
              label: "code's α=0 (coordinate descent)",
              x: dims,
              y: perD.map((r) => r.lasso0),
              radius: 3,
              dashed: true,
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
          } % nonzero, rank ${a.lassoRank}`,
          matrix: coefRows(a.lassoFit),
          rowLabels: ks.map(String),
          colLabels: ks.map(String),
        },
      ],
      claims,
      notes: [
        `"Linear regression" in the text is least squares (exact OLS by QR here, sklearn's LinearRegression). The code drew its curve of that name with Lasso(alpha=0) by coordinate descent (1 000 sweeps, tol 1e-4), which does not reach least squares: its R² is reported beside, not checked.`,
        `R² is in-sample, as the code scores it; the text's 80/20 split is reported. Fits use Δx_t of steps 0..${
          n - 1
        }; the closed form uses A + 1e-8·I as the code does, at t = 0..${n - 1}.`,
        ...perD.filter((r) => r.diverged > 0).map((r) =>
          `d = ${r.d}: ${r.diverged} run(s) diverged and are left out of its mean.`
        ),
      ],
    };
  },
};
