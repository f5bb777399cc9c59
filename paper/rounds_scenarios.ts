/**
 * The sweep figures' claims as simulation scenarios on their real paper-scale schedules (the
 * figures' own parameters: values swept, configurations, seeds per configuration), each where the
 * claim is true, false and at its boundary: `../analysis/sequential_sim.ts` runs them,
 * `rounds_test.ts` holds their error rates to the design's and `../bench/sequential_validation.ts`
 * prints them with more runs.
 *
 * @module
 */
import {
  countScenario,
  equivalenceScenario,
  rankScenarios,
  rateScenario,
  type Scenario,
  signScenarios,
  trendScenarios,
  varianceScenarios,
} from "../analysis/sequential_sim.ts";
import { fig04 } from "./fig04.ts";
import { fig05 } from "./fig05.ts";
import { fig06l } from "./fig06l.ts";
import { fig06m } from "./fig06m.ts";
import { fig06r } from "./fig06r.ts";
import { fig07 } from "./fig07.ts";
import { fig10 } from "./fig10.ts";
import { fig14 } from "./fig14.ts";

/** Every scenario, grouped by the claim it stands for. */
export function paperScenarios(): { claim: string; scenarios: Scenario[] }[] {
  const f5 = fig05.params.paper, f10 = fig10.params.paper, f14 = fig14.params.paper;
  const f6m = fig06m.params.paper, f6r = fig06r.params.paper, f6l = fig06l.params.paper;
  const f4 = fig04.params.paper, f7 = fig07.params.paper;
  const fifth = Math.floor((f6m.embeddings * f6m.factors.length) / 5);
  const truths = (
    make: (q: number, truth: Scenario["truth"]) => Scenario,
    cases: [number, Scenario["truth"]][],
  ) => cases.map(([q, t]) => make(q, t));
  const below = f4.dims.filter((d) => d < 59).length, above = f4.dims.filter((d) => d > 59).length;
  return [
    {
      claim: "Fig. 5: #circles rises with p (Pearson over trials)",
      scenarios: trendScenarios({
        name: "fig5 p",
        values: f5.ps,
        M: f5.pTrials,
        sign: 1,
        base: 3,
        slope: 0.25,
      }),
    },
    {
      claim: "Fig. 5: #circles rises with d",
      scenarios: trendScenarios({
        name: "fig5 d",
        values: f5.ds,
        M: f5.dTrials,
        sign: 1,
        base: 3,
        slope: 0.15,
      }),
    },
    {
      claim: "Fig. 10: fewer circles as wd grows",
      scenarios: trendScenarios({
        name: "fig10 wd",
        values: f10.high,
        M: f10.trials,
        sign: -1,
        base: 3,
        slope: 0.4,
      }),
    },
    {
      claim: "Fig. 14: #circles rises with the modulus",
      scenarios: trendScenarios({
        name: "fig14 modulus",
        values: f14.moduli,
        M: f14.trials,
        sign: 1,
        base: 3,
        slope: 0.25,
      }),
    },
    {
      claim: "Fig. 6 (right): the second's survival rises with r (Pearson over runs, 0/1)",
      scenarios: trendScenarios({
        name: "fig6r k=2",
        values: f6r.ratios,
        M: f6r.seeds,
        sign: 1,
        base: 0.5,
        slope: 0.5,
        binary: true,
        transform: Math.log,
      }),
    },
    {
      claim: "Fig. 14: more variation than Fig. 5 (F test of residual variances)",
      scenarios: varianceScenarios({
        name: "fig14 vs fig5",
        a: { configs: f14.moduli.length, M: f14.trials },
        b: { configs: f14.primes.length, M: f14.primeTrials },
        ratio: 1.3,
      }),
    },
    {
      claim: "Fig. 4: d > p lower at every snapshot (rank-sum, 4 correlated snapshots)",
      scenarios: rankScenarios({
        name: "fig4 d>p",
        a: above,
        b: below,
        M: f4.seeds,
        shift: 0.4,
        parts: 4,
      }),
    },
    {
      claim: "Fig. 4: d ≤ 20 lower than 20 < d ≤ 59 (rank-sum)",
      scenarios: rankScenarios({
        name: "fig4 small<medium",
        a: f4.dims.filter((d) => d <= 20).length,
        b: f4.dims.filter((d) => d > 20 && d <= 59).length,
        M: f4.seeds,
        shift: 0.6,
      }),
    },
    {
      claim: "Fig. 7: survivors' step-4 gradients larger (sign test over trials)",
      scenarios: signScenarios({ name: "fig7 sign", M: f7.trials, shift: 0.25 }),
    },
    {
      claim: "Fig. 6 (middle): top fifth survives near 100 % (rate ≥ 0.99)",
      scenarios: truths(
        (q, truth) =>
          rateScenario({
            name: "fig6m top",
            configs: fifth,
            M: f6m.trials,
            q,
            bound: 0.99,
            side: "above",
            truth,
          }),
        [[0.998, "true"], [0.98, "false"], [0.99, "boundary"]],
      ),
    },
    {
      claim: "Fig. 6 (middle): bottom fifth rarely survives (rate < 0.5)",
      scenarios: truths(
        (q, truth) =>
          rateScenario({
            name: "fig6m bottom",
            configs: fifth,
            M: f6m.trials,
            q,
            bound: 0.5,
            side: "below",
            truth,
          }),
        [[0.45, "true"], [0.55, "false"], [0.5, "boundary"]],
      ),
    },
    {
      claim: "Fig. 5: (59, 128) almost always three or more circles (rate ≥ 0.99)",
      scenarios: truths(
        (q, truth) =>
          rateScenario({
            name: "fig5 (59,128)",
            configs: 1,
            M: f5.pTrials,
            q,
            bound: 0.99,
            side: "above",
            truth,
          }),
        [[0.999, "true"], [0.93, "false"], [0.99, "boundary"]],
      ),
    },
    {
      claim: "Fig. 6 (right): the largest always survives ('all')",
      scenarios: truths(
        (q, truth) =>
          countScenario({
            name: "fig6r k=1",
            configs: f6r.ratios.length,
            M: f6r.seeds,
            q,
            kind: "universal",
            truth,
          }),
        [[0, "true"], [0.05, "false"], [0.01, "indifferent"]],
      ),
    },
    {
      claim: "Fig. 10: wd = 0, all frequencies survive ('all', 50 < 59 trials)",
      scenarios: truths(
        (q, truth) =>
          countScenario({
            name: "fig10 wd=0",
            configs: 1,
            M: f10.trials,
            q,
            kind: "universal",
            truth,
          }),
        [[0, "true"], [0.05, "false"]],
      ),
    },
    {
      claim: "Fig. 6 (left): the largest initial frequency dies in some trial ('sometimes')",
      scenarios: truths(
        (q, truth) =>
          countScenario({
            name: "fig6l top dies",
            configs: f6l.embeddings,
            M: f6l.trials,
            q,
            kind: "existential",
            truth,
          }),
        [[0.05, "true"], [0.3, "true"], [0, "false"]],
      ),
    },
    {
      claim: "Fig. 6 (right): near-zero frequencies sometimes revived, not always",
      scenarios: truths(
        (q, truth) =>
          countScenario({
            name: "fig6r revived",
            configs: f6r.ratios.length,
            M: f6r.seeds,
            q,
            kind: "existential",
            notAll: true,
            truth,
          }),
        [[0.95, "true"], [0.05, "true"], [1, "false"]],
      ),
    },
    {
      claim: "An equivalence band (no sweep claim cuts one; the rule's sequential form)",
      scenarios: truths(
        (mu, truth) => equivalenceScenario({ name: "band", M: f7.trials, mu, sd: 2, truth }),
        [[0.2, "true"], [1.7, "false"], [1, "boundary"]],
      ),
    },
  ];
}
