/**
 * The decision rules, each on its own (closed forms), then validated by simulation: data drawn
 * where the claim is true, where it is false, and at its boundary, at the n of the quick and of
 * the paper scale. Each rule's false PASS and false FAIL rates must be ≤ α within Monte-Carlo
 * error: with R replicates, the observed rate may exceed α by at most 3·√(α(1 − α)/R) (a
 * one-sided binomial bound, exceeded by chance with probability ≈ 0.1 %). The rates are printed.
 * The scenarios (effect sizes, base levels, seeds) are drawn by fast-check.
 */
import fc from "fast-check";
import {
  ALPHA,
  casesForAll,
  direction,
  equivalence,
  existential,
  nForDirection,
  nForEquivalence,
  nForRate,
  rateBound,
  signTest,
  universal,
} from "./decide.ts";
import { varianceRatio } from "./variance_ratio.ts";
import { leansEvery } from "../paper/claims.ts";
import { rankSum } from "./rank_sum.ts";
import { meanInterval, pearson } from "./stats.ts";
import { gauss, poisson, rng } from "./sequential_sim.ts";

const binomial = (u: () => number, n: number, p: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (u() < p) k++;
  return k;
};

/** The largest rate R replicates may show when the true rate is `rate`. */
const ceiling = (rate: number, R: number) => rate + 3 * Math.sqrt((rate * (1 - rate)) / R);

/** Run R replicates of `draw`, returning the fraction of each outcome. */
function rates(R: number, draw: () => string): Record<string, number> {
  const n: Record<string, number> = { PASS: 0, FAIL: 0, INCONCLUSIVE: 0 };
  for (let i = 0; i < R; i++) n[draw()]++;
  for (const k of Object.keys(n)) n[k] /= R;
  return n;
}

function check(
  label: string,
  truth: "true" | "false" | "boundary",
  r: Record<string, number>,
  R: number,
  alpha = ALPHA,
): void {
  const fmt = (v: number) => v.toFixed(4);
  console.log(
    `  ${label} [${truth}]: PASS ${fmt(r.PASS)} FAIL ${fmt(r.FAIL)} INCONCLUSIVE ${
      fmt(r.INCONCLUSIVE)
    } (R = ${R}, bound ${fmt(ceiling(alpha, R))})`,
  );
  const bad = [
    truth !== "true" && r.PASS > ceiling(alpha, R) ? `false PASS ${r.PASS}` : "",
    truth !== "false" && r.FAIL > ceiling(alpha, R) ? `false FAIL ${r.FAIL}` : "",
  ].filter(Boolean);
  if (bad.length) throw new Error(`${label} [${truth}]: ${bad.join(", ")} > α = ${alpha}`);
}

Deno.test("direction: significant sign decides, else INCONCLUSIVE; n to decide scales as (z_α/z_obs)²", () => {
  const cases: [number, number, 1 | -1, string][] = [
    [0.001, 0.3, 1, "PASS"],
    [0.001, -0.3, 1, "FAIL"],
    [0.049, -0.3, -1, "PASS"],
    [0.05, 0.3, 1, "INCONCLUSIVE"],
    [NaN, 0.3, 1, "INCONCLUSIVE"],
  ];
  for (const [pValue, effect, sign, want] of cases) {
    const got = direction({ pValue, effect, sign });
    if (got !== want) throw new Error(`p ${pValue} effect ${effect} sign ${sign}: ${got}`);
  }
  // z_obs = 1.96/2 at p = 0.3271: four times the units
  const n = nForDirection(25, 2 * (1 - 0.8363));
  if (n < 99 || n > 101) throw new Error(`n to decide ${n}, expected 100 ± 1`);
  if (nForDirection(25, 1) !== Infinity) throw new Error("no effect: ∞");
});

Deno.test("equivalence band: inside PASS, wholly outside FAIL, across an edge INCONCLUSIVE; n to decide", () => {
  const band = { target: 1, tolerance: 0.1 };
  const got = [
    equivalence({ low: 0.95, high: 1.05, ...band }),
    equivalence({ low: 0.8, high: 0.89, ...band }),
    equivalence({ low: 0.85, high: 0.95, ...band }),
    equivalence({ low: 0.85, high: 1.15, ...band }),
  ];
  if (got.join(" ") !== "PASS FAIL INCONCLUSIVE INCONCLUSIVE") throw new Error(got.join(" "));
  const n = nForEquivalence({ n: 10, estimate: 0.95, halfWidth: 0.1, ...band });
  if (n !== 40) throw new Error(`n to decide ${n}, expected 10·(0.1/0.05)² = 40`);
});

Deno.test("all / sometimes / rate bounds: closed forms", () => {
  if (casesForAll() !== 59 || 0.95 ** 59 > ALPHA || 0.95 ** 58 <= ALPHA) {
    throw new Error(`cases for all ${casesForAll()}`);
  }
  const u = [
    universal({ exceptions: 1, n: 1000 }),
    universal({ exceptions: 0, n: 58 }),
    universal({ exceptions: 0, n: 59 }),
  ];
  if (u.join(" ") !== "FAIL INCONCLUSIVE PASS") throw new Error(u.join(" "));
  const e = [
    existential({ hits: 1, n: 2 }),
    existential({ hits: 0, n: 58 }),
    existential({
      hits: 0,
      n: 59,
    }),
  ];
  if (e.join(" ") !== "PASS INCONCLUSIVE FAIL") throw new Error(e.join(" "));
  // Clopper–Pearson: 0 of n below 0.05 needs 1 − (α/2)^(1/n) < 0.05, n ≥ 72
  const r = [71, 72].map((n) => rateBound({ k: 0, n, bound: 0.05, side: "below" }));
  if (r.join(" ") !== "INCONCLUSIVE PASS") throw new Error(r.join(" "));
  if (nForRate({ k: 0, n: 10, bound: 0.05 }) !== 72) throw new Error("n for 0 of n below 5 %");
});

// ---- simulation ----

const R = 2000;

Deno.test("simulation: a trend by Pearson's t over trials (Figs. 5, 10, 14) keeps false PASS and FAIL ≤ α at quick (30) and paper (2 300) n", () => {
  console.log("trend (Pearson r over Poisson counts against a design value):");
  for (const [label, values, per] of [["quick", 5, 6], ["paper", 23, 100]] as const) {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.double({ min: 1, max: 6, noNaN: true }),
        (seed, base) => {
          const u = rng(seed);
          const x = Array.from({ length: values * per }, (_, i) => Math.floor(i / per));
          const reps = label === "paper" ? 300 : R;
          for (
            const [truth, slope] of [["true", 0.08], ["false", -0.08], ["boundary", 0]] as const
          ) {
            const s = slope * (label === "paper" ? 0.25 : 1);
            check(
              `${label} n = ${x.length}, base ${base.toFixed(2)}, slope ${s}`,
              truth,
              rates(reps, () => {
                const y = x.map((v) => poisson(u, Math.max(0.05, base * (1 + s * v))));
                const { r, p } = pearson(x, y);
                return direction({ pValue: p, effect: r, sign: 1 });
              }),
              reps,
            );
          }
        },
      ),
      { numRuns: 2 },
    );
  }
});

Deno.test("simulation: a two-group direction by the rank-sum test (Fig. 4) keeps false PASS and FAIL ≤ α at quick (4 vs 3, 2 vs 2) and paper (25 vs 195) n", () => {
  console.log("rank-sum (log-normal losses, group a lower than group b?):");
  for (const [label, na, nb] of [["quick", 4, 3], ["quick", 2, 2], ["paper", 25, 195]] as const) {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        (seed, spread) => {
          const u = rng(seed);
          for (const [truth, shift] of [["true", -1.5], ["false", 1.5], ["boundary", 0]] as const) {
            check(
              `${label} ${na} vs ${nb}, spread ${spread.toFixed(2)}, shift ${shift}`,
              truth,
              rates(R, () => {
                const a = Array.from({ length: na }, () => Math.exp(shift + spread * gauss(u)));
                const b = Array.from({ length: nb }, () => Math.exp(spread * gauss(u)));
                const t = rankSum(a, b);
                return direction({ pValue: t.p, effect: t.effect, sign: -1 });
              }),
              R,
            );
          }
        },
      ),
      { numRuns: 2 },
    );
  }
});

Deno.test("simulation: an equivalence band on a t interval keeps false PASS and FAIL ≤ α at quick (8) and paper (100) n, the truth at the band's edge", () => {
  console.log("equivalence (mean of normal samples, band 0 ± 1):");
  for (const [label, n] of [["quick", 8], ["paper", 100]] as const) {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        (seed, sd) => {
          const u = rng(seed);
          const band = { target: 0, tolerance: 1 };
          // true: inside the band; false: outside; boundary: on its edge, from either side
          for (const [truth, mu] of [["true", 0.3], ["false", 1.6], ["boundary", 1]] as const) {
            check(
              `${label} n = ${n}, sd ${sd.toFixed(2)}, mean ${mu}`,
              truth,
              rates(R, () => {
                const x = Array.from({ length: n }, () => mu + sd * gauss(u));
                const ci = meanInterval(x, { level: 1 - ALPHA });
                return equivalence({ low: ci.low, high: ci.high, ...band });
              }),
              R,
            );
          }
        },
      ),
      { numRuns: 2 },
    );
  }
});

Deno.test("simulation: 'all' and 'sometimes' keep false PASS and FAIL ≤ α at quick (24, 59) and paper (1 600) n, the exception rate at 5 %", () => {
  console.log("all / sometimes (exceptions drawn at a rate):");
  for (const [label, n] of [["quick", 24], ["quick", 59], ["paper", 1600]] as const) {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const u = rng(seed);
        // 'all' is true at rate 0 (a FAIL is then impossible) and false at any rate > 0; the
        // rate it must see is 5 %: there, and above, PASS ≤ α. 'Sometimes' is its mirror.
        for (const [truth, rate] of [["true", 0], ["false", 0.2], ["false", 0.05]] as const) {
          check(
            `all, ${label} n = ${n}, exception rate ${rate}`,
            truth,
            rates(R, () => universal({ exceptions: binomial(u, n, rate), n })),
            R,
          );
          check(
            `sometimes, ${label} n = ${n}, rate ${rate}`,
            truth === "true" ? "false" : "true",
            rates(R, () => existential({ hits: binomial(u, n, rate), n })),
            R,
          );
        }
      }),
      { numRuns: 1 },
    );
  }
});

Deno.test("simulation: a rate against a bound (Clopper–Pearson) keeps false PASS and FAIL ≤ α at quick (6, 24) and paper (400) n", () => {
  console.log("rate bound ('near 100 %' → ≥ 0.99, 'rarely' → < 0.5):");
  for (const [label, n] of [["quick", 6], ["quick", 24], ["paper", 400]] as const) {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const u = rng(seed);
        for (
          const [truth, rate, bound, side] of [
            ["true", 0.999, 0.99, "above"],
            ["false", 0.9, 0.99, "above"],
            ["boundary", 0.99, 0.99, "above"],
            ["true", 0.3, 0.5, "below"],
            ["false", 0.7, 0.5, "below"],
            ["boundary", 0.5, 0.5, "below"],
          ] as const
        ) {
          check(
            `${label} n = ${n}, rate ${rate} ${side} ${bound}`,
            truth,
            rates(R, () => rateBound({ k: binomial(u, n, rate), n, bound, side })),
            R,
          );
        }
      }),
      { numRuns: 1 },
    );
  }
});

Deno.test("simulation: a direction by the sign test over trials (Fig. 7) keeps false PASS and FAIL ≤ α at quick (16) and paper (200) n", () => {
  console.log("sign test (per-trial differences, normal):");
  for (const [label, n] of [["quick", 16], ["paper", 200]] as const) {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const u = rng(seed);
        for (const [truth, shift] of [["true", 0.5], ["false", -0.5], ["boundary", 0]] as const) {
          check(
            `${label} n = ${n}, median difference ${shift}`,
            truth,
            rates(R, () => {
              const t = signTest(Array.from({ length: n }, () => shift + gauss(u)));
              return direction({ pValue: t.p, effect: t.positive - t.negative, sign: 1 });
            }),
            R,
          );
        }
      }),
      { numRuns: 1 },
    );
  }
});

Deno.test("simulation: the F test of residual variances (Fig. 14) keeps false PASS and FAIL ≤ α at quick (21 vs 30) and paper (1 720 vs 2 300) n", () => {
  console.log("variance ratio (normal residuals, var(a) > var(b)?):");
  for (const [label, na, nb] of [["quick", 21, 30], ["paper", 1720, 2300]] as const) {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const u = rng(seed);
        const reps = label === "paper" ? 300 : R;
        for (const [truth, ratio] of [["true", 4], ["false", 0.25], ["boundary", 1]] as const) {
          check(
            `${label} ${na} vs ${nb}, sd ratio² ${ratio}`,
            truth,
            rates(reps, () => {
              const a = Array.from({ length: na }, () => Math.sqrt(ratio) * gauss(u));
              const b = Array.from({ length: nb }, () => gauss(u));
              const t = varianceRatio(a, b, 0);
              return direction({ pValue: t.p, effect: Math.log(t.f), sign: 1 });
            }),
            reps,
          );
        }
      }),
      { numRuns: 1 },
    );
  }
});

Deno.test("simulation: 'at every snapshot' (intersection–union PASS, Bonferroni FAIL; Fig. 4) keeps false PASS and FAIL ≤ α, with the snapshots correlated", () => {
  console.log("every one of 4 directions (rank-sum per part, parts sharing the runs):");
  const quote = { section: "x", text: "y" };
  for (const [label, na, nb] of [["quick", 4, 3], ["paper", 215, 345]] as const) {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const u = rng(seed);
        const reps = label === "paper" ? 300 : R;
        // true: every part lower; false: one part higher; boundary: one part no different
        for (
          const [truth, shifts] of [
            ["true", [-1, -1, -1, -1]],
            ["false", [-1, -1, -1, 1]],
            ["boundary", [-1, -1, -1, 0]],
          ] as const
        ) {
          check(
            `${label} ${na} vs ${nb}, shifts ${shifts.join(" ")}`,
            truth,
            rates(reps, () => {
              // each run's level is shared across its snapshots (correlated parts)
              const runA = Array.from({ length: na }, () => gauss(u));
              const runB = Array.from({ length: nb }, () => gauss(u));
              const parts = shifts.map((s) => {
                const t = rankSum(
                  runA.map((v) => v + s + 0.5 * gauss(u)),
                  runB.map((v) => v + 0.5 * gauss(u)),
                );
                return { effect: t.effect, p: t.p };
              });
              return leansEvery({
                name: "x",
                quote,
                words: "y",
                parts,
                sign: -1,
                n: na + nb,
                unit: "runs",
                test: "rank-sum",
                measured: "",
              }).verdict;
            }),
            reps,
          );
        }
      }),
      { numRuns: 1 },
    );
  }
});
