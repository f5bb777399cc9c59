/**
 * Figure 4 — a frozen random embedding. docs/SPEC.md: embedding fixed at init (seed 0), MLP trains;
 * d = 16..128, 5 seeds; test loss at steps 500, 1 000, 5 000, 10 000. Claim: test loss falls
 * sharply once d > p = 59; at 10 000 steps small d (≤ 20) beats medium d (20..59).
 *
 * Runs: fix-embedding mode (embedding from init seed 0, MLP and split from seeds 0..4) with
 * --freeze-embedding.
 *
 * @module
 */
import { makeConfig } from "../protocol/config.ts";
import { fmt, leans, leansEvery, onlyAt, type Quote } from "./claims.ts";
import { rankSum } from "../analysis/rank_sum.ts";
import type { Figure, Scale } from "./figure.ts";
import { converged } from "./trial_views.ts";
import { csv } from "./csv.ts";
import type { TrialResult } from "../store/requests.ts";

/** The greatest common divisor (the checkpoints' common logging step). */
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

const SAY = {
  sharp: {
    section: "Sec. 3.1",
    text:
      "In Figure 4, we show snapshots of the test loss at different timesteps as a function of embedding dimension, where we indeed notice a phase transition around $d = p$ —the test loss is sharply better when $d > p$ than when $d < p$.",
  },
  small: {
    section: "Sec. 3.1",
    text:
      "Interestingly, we observe that at 10,000 steps, models with the small ds ($d \\leq 20$) have lower loss than models with “medium” ds ($20 \\leq d \\leq 59$), an intriguing observation similar to the phenomenon of double descent (Nakkiran et al., 2020).",
  },
  dip: {
    section: "Fig. 4 caption",
    text:
      "Freezing the initial embedding and training only the MLP, test loss (zoomed in on the bottom to < 1.0) in relation to embedding dimension d . One can notice a dip in loss at $d = p$.",
  },
} satisfies Record<string, Quote>;

/** The d's either side of d = p that the dip at d = p is measured against. */
export const DIP_NEIGHBOURS = 5;

/** Which group of d's a d belongs to, as the sentences name them (d = 20 counted as small). */
const GROUPS = {
  below: (d: number, p: number) => d < p,
  above: (d: number, p: number) => d > p,
  small: (d: number) => d <= 20,
  medium: (d: number, p: number) => d > 20 && d <= p,
  atP: (d: number, p: number) => d === p,
  nearP: (d: number, p: number) => d !== p && Math.abs(d - p) <= DIP_NEIGHBOURS,
};

interface Params {
  scale: Scale;
  dims: number[];
  seeds: number;
  steps: number;
  checkpoints: number[];
}

export const fig04: Figure<Params> = {
  id: "fig4",
  title: "Figure 4: test loss with a frozen random embedding",
  spec:
    "embedding frozen at init (seed 0), MLP trained (seeds 0..4); d = 16..128; test loss at steps 500, 1 000, 5 000, 10 000; p=59, wd 0.5",
  claim:
    "test loss falls sharply once d > p = 59; at 10 000 steps small d (≤ 20) beats medium d (20..59)",
  params: {
    paper: {
      scale: "paper",
      dims: Array.from({ length: 113 }, (_, i) => 16 + i),
      seeds: 5,
      steps: 10000,
      checkpoints: [500, 1000, 5000, 10000],
    },
    quick: {
      scale: "quick",
      dims: [16, 20, 32, 48, 64, 96, 128],
      seeds: 1,
      steps: 10000,
      checkpoints: [500, 1000, 5000, 10000],
    },
    tiny: { scale: "tiny", dims: [16, 64], seeds: 1, steps: 30, checkpoints: [10, 30] },
  },
  requests: ({ dims, seeds, steps, checkpoints }) =>
    dims.flatMap((d) =>
      Array.from({ length: seeds }, (_, seed) => ({
        config: makeConfig({
          p: 59,
          d,
          seed,
          steps,
          mode: "fix-embedding",
          initSeed: 0,
          freezeEmbedding: true,
        }),
        // the test losses at the checkpoints are read, nothing else: logged at their common step
        // (every 500th update at paper scale, 20 rows, not 10 000) and no final parameters
        records: { lean: true, logEvery: checkpoints.reduce(gcd) },
      }))
    ),
  compute({ scale, dims, seeds, steps, checkpoints }, results) {
    const p = 59;
    const byD = dims.map((_, di) => converged(results.slice(di * seeds, (di + 1) * seeds)));
    // a run's test loss logged at update `step` (its log holds every checkpoint)
    const lossAt = (r: TrialResult, step: number) => {
      const i = r.loggedAt.indexOf(step);
      if (i < 0) throw new Error(`fig4: trial ${r.key} did not log step ${step}`);
      return r.testLoss[i];
    };
    const at = (di: number, step: number) => {
      const rs = byD[di].runs;
      return rs.reduce((s, r) => s + lossAt(r, step), 0) / rs.length;
    };
    const table = dims.map((d, di) => ({ d, loss: checkpoints.map((c) => at(di, c)) }));
    const group = (f: (d: number) => boolean, ci: number) => {
      const rows = table.filter((r) => f(r.d));
      return rows.length ? rows.reduce((s, r) => s + r.loss[ci], 0) / rows.length : NaN;
    };
    // the units are runs (d, seed), independent trainings; a group's runs against another's by
    // the rank-sum test (test losses are bimodal — generalised or not — so ranks, not means)
    const lossesOf = (f: (d: number) => boolean, ci: number) =>
      dims.flatMap((
        d,
        di,
      ) => (f(d) ? byD[di].runs.map((r) => lossAt(r, checkpoints[ci])) : []));
    const compare = (f: (d: number) => boolean, g: (d: number) => boolean, ci: number) => {
      const a = lossesOf(f, ci), b = lossesOf(g, ci);
      return a.length && b.length
        ? { ...rankSum(a, b), na: a.length, nb: b.length }
        : { u: NaN, effect: NaN, p: NaN, exact: false, na: a.length, nb: b.length };
    };
    const below = (d: number) => GROUPS.below(d, p), above = (d: number) => GROUPS.above(d, p);
    const largeOverBelow = checkpoints.map((_, ci) => group(above, ci) / group(below, ci));
    const sharp = checkpoints.map((_, ci) => compare(above, below, ci));
    const c10k = checkpoints.indexOf(10000);
    const small = c10k < 0 ? NaN : group(GROUPS.small, c10k),
      medium = c10k < 0 ? NaN : group((d) => GROUPS.medium(d, p), c10k),
      large = c10k < 0 ? NaN : group(above, c10k);
    const smallVsMedium = c10k < 0
      ? undefined
      : compare(GROUPS.small, (d) => GROUPS.medium(d, p), c10k);
    const last = checkpoints.length - 1;
    const dip = compare((d) => GROUPS.atP(d, p), (d) => GROUPS.nearP(d, p), last);
    const paper = fig04.params.paper;
    const runsIn = (f: (d: number) => boolean) => paper.dims.filter(f).length * paper.seeds;
    const paperN = {
      sharp: runsIn(below) + runsIn(above),
      small: runsIn(GROUPS.small) + runsIn((d) => GROUPS.medium(d, p)),
      dip: runsIn((d) => GROUPS.atP(d, p)) + runsIn((d) => GROUPS.nearP(d, p)),
    };
    const diverged = byD.reduce((s, x) => s + x.diverged, 0);
    const decided = scale !== "tiny";
    const why = "tiny scale: 30 steps only";
    return {
      data: {
        table,
        checkpoints,
        groups: { small, medium, large },
        largeOverBelow,
        rankSum: { sharp, smallVsMedium, dip },
      },
      csv: {
        "test_loss_vs_d.csv": csv([
          "d",
          ...checkpoints.map((c) => `step_${c}`),
        ], table.map((r) => [r.d, ...r.loss])),
      },
      panels: [{
        kind: "line",
        file: "test_loss_vs_d.png",
        title: `Test loss vs d with the embedding frozen (mean of ${seeds} seed${
          seeds > 1 ? "s" : ""
        })`,
        xLabel: "embedding dimension d",
        yLabel: "test loss",
        yLog: true,
        series: checkpoints.map((c, ci) => ({
          label: `step ${c}`,
          x: dims,
          y: table.map((r) => r.loss[ci]),
          radius: 3,
        })),
      }],
      claims: [
        onlyAt(
          decided,
          leansEvery({
            name: "test loss d > p vs d < p, at each snapshot: rank-sum over runs",
            quote: SAY.sharp,
            words: "the test loss is sharply better when $d > p$ than when $d < p$",
            because:
              "lower at every snapshot; 'sharply' gives no number: the ratios of the mean losses are shown",
            parts: sharp.map((t) => ({ effect: t.effect, p: t.p })),
            sign: -1,
            n: sharp[0].na + sharp[0].nb,
            unit: "runs",
            test: `Wilcoxon–Mann–Whitney rank-sum over runs (d > p: ${sharp[0].na}, d < p: ${
              sharp[0].nb
            }), two-sided`,
            measured: checkpoints.map((c, i) =>
              `${c}: ${fmt(largeOverBelow[i])} (p = ${fmt(sharp[i].p)})`
            ).join(", "),
            rule: "lower at every snapshot, each two-sided p < 0.05",
            paper: "sharply better",
            paperN: paperN.sharp,
          }),
          why,
        ),
        onlyAt(
          decided && smallVsMedium !== undefined,
          leans({
            name: "step 10 000: test loss d ≤ 20 vs 20 < d ≤ 59, rank-sum over runs",
            quote: SAY.small,
            words: "have lower loss than",
            because: "the text writes both ranges with d = 20; it is counted once, as small",
            effect: smallVsMedium?.effect ?? NaN,
            p: smallVsMedium?.p ?? NaN,
            sign: -1,
            n: (smallVsMedium?.na ?? 0) + (smallVsMedium?.nb ?? 0) || 1,
            unit: "runs",
            test:
              `Wilcoxon–Mann–Whitney rank-sum over runs (small: ${smallVsMedium?.na}, medium: ${smallVsMedium?.nb}), two-sided`,
            measured: `mean ${fmt(small)} / ${fmt(medium)} = ${fmt(small / medium)}, p = ${
              fmt(smallVsMedium?.p ?? NaN)
            }`,
            paper: "small d lower than medium d",
            paperN: paperN.small,
          }),
          c10k < 0 ? "no snapshot at step 10 000" : why,
        ),
        onlyAt(
          decided && dip.na > 0 && dip.nb > 0,
          leans({
            name: `step ${
              checkpoints[last]
            }: test loss at d = p vs |d − p| ≤ ${DIP_NEIGHBOURS}, rank-sum over runs`,
            quote: SAY.dip,
            words: "a dip in loss at $d = p$",
            because:
              `a dip: lower at d = p than at the d's beside it (within ${DIP_NEIGHBOURS}); at the last snapshot`,
            effect: dip.effect,
            p: dip.p,
            sign: -1,
            n: dip.na + dip.nb || 1,
            unit: "runs",
            test:
              `Wilcoxon–Mann–Whitney rank-sum over runs (d = p: ${dip.na}, beside: ${dip.nb}), two-sided`,
            measured: `U = ${fmt(dip.u)}, p = ${fmt(dip.p)}`,
            paper: "a dip at d = p",
            paperN: paperN.dip,
          }),
          dip.na === 0
            ? `this scale trains no d = p = ${p}`
            : `this scale trains no d within ${DIP_NEIGHBOURS} of p`,
        ),
      ],
      notes: [
        `Steps ${steps}.${
          diverged ? ` ${diverged} run(s) diverged and are left out of their d's mean.` : ""
        }`,
        `${seeds} seed${
          seeds > 1 ? "s" : ""
        } per d. A group's mean test loss is dominated by any run that has not generalised (test loss ~10 against ~0.1), so the claims compare the groups' runs by ranks (rank-sum test), each run one unit; the ratios of the means are shown beside.`,
      ],
    };
  },
};
