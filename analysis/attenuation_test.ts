/**
 * The projection of r to another number of trials per rate, validated by simulation: survival
 * rates drawn from a logistic model of the signal (with latent noise, as real rates are not a
 * function of the signal alone), observed from 8 trials per rate (quick scale) on 87 points
 * (quick) and 290 (paper); the truth is the mean r the same points give with 50 trials per rate
 * (the paper's), measured by 3 000 draws. The projected interval must hold it in ≥ 95 % of the
 * draws within Monte-Carlo error (3·√(0.05·0.95/R)), and the projection's mean must sit within
 * 0.03 of it, where the uncorrected r falls short. Rates printed.
 */
import fc from "fast-check";
import { projectPearson } from "./attenuation.ts";
import { pearson } from "./stats.ts";
import { gauss, rng } from "./sequential_sim.ts";

const binomial = (u: () => number, n: number, p: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (u() < p) k++;
  return k;
};

Deno.test("projectPearson: no noise to correct when rates are exact multiples (reliability from the binomial variance)", () => {
  // rates 0 and 1 only: no binomial variance, reliability 1, the projection is r itself
  const x = [1, 2, 3, 4, 5, 6], hits = [0, 0, 0, 8, 8, 8];
  const r = projectPearson({ x, hits, trials: x.map(() => 8), target: 50 });
  if (Math.abs(r.r - r.observed) > 1e-12 || r.reliability !== 1) throw new Error(JSON.stringify(r));
});

Deno.test("simulation: the projected r and its interval cover the r of 50 trials per rate from 8 (quick: 87 points, paper: 290)", () => {
  const R = 600;
  console.log("projected Pearson r (8 trials per rate → 50):");
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 30 }),
      fc.double({ min: 0.5, max: 2, noNaN: true }),
      fc.double({ min: 0.3, max: 1.5, noNaN: true }),
      fc.constantFrom(87, 290),
      (seed, slope, latent, n) => {
        const u = rng(seed);
        const x = Array.from({ length: n }, () => 80 + 10 * gauss(u));
        const p = x.map((v) =>
          1 / (1 + Math.exp(-(-1.8 + (slope * (v - 80)) / 10 + latent * gauss(u))))
        );
        let truth = 0;
        for (let i = 0; i < 3000; i++) {
          truth += pearson(x, p.map((q) => binomial(u, 50, q) / 50)).r / 3000;
        }
        let cover = 0, used = 0, mean = 0, raw = 0;
        for (let i = 0; i < R; i++) {
          const pr = projectPearson({
            x,
            hits: p.map((q) => binomial(u, 8, q)),
            trials: x.map(() => 8),
            target: 50,
          });
          if (Number.isNaN(pr.r)) continue;
          used++;
          mean += pr.r;
          raw += pr.observed;
          if (pr.low <= truth && truth <= pr.high) cover++;
        }
        const coverage = cover / used, floor = 0.95 - 3 * Math.sqrt(0.05 * 0.95 / used);
        console.log(
          `  n = ${n}, slope ${slope.toFixed(2)}, latent ${latent.toFixed(2)}: r(50) ${
            truth.toFixed(3)
          }, mean projected ${(mean / used).toFixed(3)}, mean uncorrected ${
            (raw / used).toFixed(3)
          }, coverage ${coverage.toFixed(3)} (floor ${floor.toFixed(3)}, ${used} draws)`,
        );
        if (coverage < floor) throw new Error(`coverage ${coverage} < ${floor}`);
        if (Math.abs(mean / used - truth) > 0.03) throw new Error(`bias ${mean / used - truth}`);
      },
    ),
    { numRuns: 4 },
  );
});
