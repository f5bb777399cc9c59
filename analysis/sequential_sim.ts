/**
 * Sequential runs simulated on the paper's own schedules: for each kind of claim the sweep figures
 * make, data drawn where the claim is true, where it is false and at its boundary, the rounds of
 * the doubling schedule (N/16, N/8, N/4, N/2, N of each configuration's seeds), the figure's own
 * test at every look (`stats.ts`'s Pearson, the rank-sum, the sign test, the F test, the t
 * interval) and the design's decision there (`sequential.ts`). What a run ends with — its first
 * PASS or FAIL, or INCONCLUSIVE at the last look — and the units it took are counted over many
 * runs: `../paper/rounds_test.ts` holds the error rates to the design's, `../bench/sequential_validation.ts`
 * prints them with more runs.
 *
 * @module
 */
import { meanInterval, pearson } from "./stats.ts";
import { rankSum } from "./rank_sum.ts";
import { signTest } from "./decide.ts";
import { varianceRatio } from "./variance_ratio.ts";
import {
  decideAtLook,
  type DecisionInputs,
  doublingSchedule,
  SequentialDesign,
  type Spending,
  SPENDING_KINDS,
} from "./sequential.ts";
import type { Outcome } from "./decide.ts";

/** A seeded uniform generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export const gauss = (u: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/** A Poisson draw (inversion). */
export function poisson(u: () => number, lambda: number): number {
  let k = 0, p = Math.exp(-lambda), s = p;
  const x = u();
  while (x > s && k < 1000) [k, p] = [k + 1, (p * lambda) / (k + 1)], s += p;
  return k;
}

/** What a rule sees at one look of a simulated run. */
export interface LookData {
  inputs: DecisionInputs;
  /** The units the look rests on. */
  n: number;
  /** An equivalence band's interval at the look's level. */
  interval?: { low: number; high: number };
}

/** A kind of claim on a figure's real schedule, with data of a given truth. */
export interface Scenario {
  label: string;
  /** The rule's kind: a spending rule's false PASS and false FAIL are each bounded by α/2, a
   * monotone one's by α. */
  kind: DecisionInputs["kind"];
  /** "indifferent": false, but inside the rule's indifference zone (an exception rate below
   * the 5 % an "all" rule is built to see): its error is measured, not held to a bound. */
  truth: "true" | "false" | "boundary" | "indifferent";
  /** The units of each look (the design's fractions follow). */
  units: number[];
  alpha: number;
  /** A fresh run: a function giving look j's data (1-based, in order), drawn as it goes; the
   * level of the look is given for the rules whose interval depends on it. */
  start(u: () => number): (look: number, nominal: number) => LookData;
}

/** How many runs ended each way, and the units they took. */
export interface SimResult {
  PASS: number;
  FAIL: number;
  INCONCLUSIVE: number;
  runs: number;
  /** Mean units at the decision (the last look's when undecided): the average sample number. */
  meanUnits: number;
  /** Runs that stopped at each look. */
  stoppedAt: number[];
}

/** The design of a scenario's looks. */
export function designOf(s: Scenario, spending: Spending = "obrien-fleming"): SequentialDesign {
  const N = s.units[s.units.length - 1];
  return new SequentialDesign(s.units.map((v) => v / N), spending);
}

/**
 * Run a scenario `runs` times: each run goes look by look and stops at its first PASS or FAIL
 * (the verdict a spending rule keeps; a monotone rule's too, as nothing later can undo it here).
 */
export function simulate(
  s: Scenario,
  runs: number,
  seed: number,
  spending: Spending = "obrien-fleming",
): SimResult {
  const u = rng(seed), design = designOf(s, spending);
  const out: SimResult = {
    PASS: 0,
    FAIL: 0,
    INCONCLUSIVE: 0,
    runs,
    meanUnits: 0,
    stoppedAt: s.units.map(() => 0),
  };
  for (let r = 0; r < runs; r++) {
    const look = s.start(u);
    let outcome: Outcome = "INCONCLUSIVE", at = s.units.length;
    for (let j = 1; j <= s.units.length; j++) {
      const nominal = design.at(j, s.alpha).nominal;
      const d = look(j, nominal);
      const res = decideAtLook({
        inputs: d.inputs,
        design,
        look: j,
        alpha: s.alpha,
        interval: d.interval,
      });
      if (res.outcome !== "INCONCLUSIVE") {
        outcome = res.outcome;
        at = j;
        break;
      }
    }
    out[outcome]++;
    out.stoppedAt[at - 1]++;
    out.meanUnits += s.units[at - 1] / runs;
  }
  return out;
}

/** The bound of a scenario's false PASS and of its false FAIL: α/2 for a rule that spends α
 * (each side of a two-sided design, each one-sided test of a band), α for a monotone one. */
export function sideBound(s: Scenario): number {
  return SPENDING_KINDS.includes(s.kind) ? s.alpha / 2 : s.alpha;
}

/** Units per look: configurations × the doubling schedule of M seeds each. */
export const unitsOf = (configs: number, M: number): number[] =>
  doublingSchedule(M).map((n) => configs * n);

/** The truths of a direction: an effect of the claimed sign, of the other, none. */
const SIDES = [["true", 1], ["false", -1], ["boundary", 0]] as const;

/**
 * A trend over trials: counts ~ Poisson(base·(1 + slope·x̃)) at each design value (x̃ the value
 * scaled to [0, 1]), Pearson r over trials against the value (the value through `transform`), the
 * claimed sign `sign`. `slope` is the size of the true and false effects.
 */
export function trendScenarios(
  o: {
    name: string;
    values: number[];
    M: number;
    sign: 1 | -1;
    base: number;
    slope: number;
    binary?: boolean;
    transform?: (v: number) => number;
  },
): Scenario[] {
  const lo = Math.min(...o.values), hi = Math.max(...o.values);
  const f = o.transform ?? ((v: number) => v);
  const seeds = doublingSchedule(o.M);
  return SIDES.map(([truth, side]) => ({
    label: `${o.name}: ${o.values.length} values × ${seeds.join("/")} trials, slope ${
      side * o.sign * o.slope
    }`,
    kind: "direction",
    truth,
    units: seeds.map((n) => n * o.values.length),
    alpha: 0.05,
    start(u) {
      const x: number[] = [], y: number[] = [];
      let have = 0;
      return (look) => {
        for (; have < seeds[look - 1]; have++) {
          for (const v of o.values) {
            const level = o.base * (1 + side * o.sign * o.slope * (v - lo) / (hi - lo));
            x.push(f(v));
            y.push(
              o.binary
                ? (u() < Math.min(1, Math.max(0, level)) ? 1 : 0)
                : poisson(u, Math.max(0.05, level)),
            );
          }
        }
        const { r, p } = pearson(x, y);
        return { inputs: { kind: "direction", effect: r, p, sign: o.sign }, n: x.length };
      };
    },
  }));
}

/**
 * The F test of residual variances (Fig. 14 against Fig. 5's p sweep): normal residuals, the
 * ratio of variances `ratio` (true), 1/`ratio` (false), 1 (boundary), configurations × seeds of
 * each sample on its own doubling schedule.
 */
export function varianceScenarios(
  o: {
    name: string;
    a: { configs: number; M: number };
    b: { configs: number; M: number };
    ratio: number;
  },
): Scenario[] {
  const sa = doublingSchedule(o.a.M), sb = doublingSchedule(o.b.M);
  return SIDES.map(([truth, side]) => ({
    label: `${o.name}: ${o.a.configs} × ${sa.join("/")} vs ${o.b.configs} × ${
      sb.join("/")
    }, variance ratio ${o.ratio ** side}`,
    kind: "direction",
    truth,
    units: sa.map((n, j) => n * o.a.configs + sb[j] * o.b.configs),
    alpha: 0.05,
    start(u) {
      const a: number[] = [], b: number[] = [];
      const sd = Math.sqrt(o.ratio ** side);
      return (look) => {
        while (a.length < sa[look - 1] * o.a.configs) a.push(sd * gauss(u));
        while (b.length < sb[look - 1] * o.b.configs) b.push(gauss(u));
        const t = varianceRatio(a, b);
        return {
          inputs: { kind: "direction", effect: Math.log(t.f), p: t.p, sign: 1 },
          n: a.length + b.length,
        };
      };
    },
  }));
}

/**
 * Groups of runs compared by the rank-sum test (Fig. 4): a runs of group A against b runs of
 * group B per round (configurations × seeds), log-normal losses, A lower by `shift` (true),
 * higher (false), or alike (boundary); with `parts` > 1, that many correlated snapshots of the
 * same runs (a run's level shared), every one of which must be lower ("every"), the last part
 * carrying the truth and the others lower by `shift`.
 */
export function rankScenarios(
  o: { name: string; a: number; b: number; M: number; shift: number; parts?: number },
): Scenario[] {
  const seeds = doublingSchedule(o.M), parts = o.parts ?? 1;
  return SIDES.map(([truth, side]) => ({
    label: `${o.name}: ${o.a} vs ${o.b} × ${seeds.join("/")} runs${
      parts > 1 ? `, ${parts} snapshots` : ""
    }, shift ${-side * o.shift}`,
    kind: parts > 1 ? "every" : "direction",
    truth,
    units: seeds.map((n) => n * (o.a + o.b)),
    alpha: 0.05,
    start(u) {
      const runA: number[] = [], runB: number[] = [];
      const partA: number[][] = Array.from({ length: parts }, () => []);
      const partB: number[][] = Array.from({ length: parts }, () => []);
      return (look) => {
        while (runA.length < seeds[look - 1] * o.a) {
          const level = gauss(u);
          runA.push(level);
          for (let k = 0; k < parts; k++) {
            const s = k === parts - 1 ? -side * o.shift : -o.shift;
            partA[k].push(level + s + 0.5 * gauss(u));
          }
        }
        while (runB.length < seeds[look - 1] * o.b) {
          const level = gauss(u);
          runB.push(level);
          for (let k = 0; k < parts; k++) partB[k].push(level + 0.5 * gauss(u));
        }
        const tests = partA.map((xa, k) => rankSum(xa, partB[k]));
        const inputs: DecisionInputs = parts > 1
          ? { kind: "every", parts: tests.map((t) => ({ effect: t.effect, p: t.p })), sign: -1 }
          : { kind: "direction", effect: tests[0].effect, p: tests[0].p, sign: -1 };
        return { inputs, n: runA.length + runB.length };
      };
    },
  }));
}

/** A direction by the exact sign test over trials (Fig. 7): per-trial differences ~ N(±shift, 1). */
export function signScenarios(o: { name: string; M: number; shift: number }): Scenario[] {
  const n = doublingSchedule(o.M);
  return SIDES.map(([truth, side]) => ({
    label: `${o.name}: ${n.join("/")} trials, median difference ${side * o.shift}`,
    kind: "direction",
    truth,
    units: n,
    alpha: 0.05,
    start(u) {
      const d: number[] = [];
      return (look) => {
        while (d.length < n[look - 1]) d.push(side * o.shift + gauss(u));
        const t = signTest(d);
        return {
          inputs: { kind: "direction", effect: t.positive - t.negative, p: t.p, sign: 1 },
          n: d.length,
        };
      };
    },
  }));
}

/**
 * A rate against a bound over pooled trials (Figs. 5, 6 middle): k of n at rate `q`, looks at
 * configurations × the doubling schedule; the truth given.
 */
export function rateScenario(
  o: {
    name: string;
    configs: number;
    M: number;
    q: number;
    bound: number;
    side: "above" | "below";
    truth: Scenario["truth"];
  },
): Scenario {
  const units = unitsOf(o.configs, o.M);
  return {
    label: `${o.name}: ${units.join("/")} trials, rate ${o.q} ${o.side} ${o.bound}`,
    kind: "rate",
    truth: o.truth,
    units,
    alpha: 0.05,
    start(u) {
      let k = 0, n = 0;
      return (look) => {
        for (; n < units[look - 1]; n++) if (u() < o.q) k++;
        return { inputs: { kind: "rate", k, n, bound: o.bound, side: o.side }, n };
      };
    },
  };
}

/** "All" (exceptions at rate q) or "sometimes" (hits at rate q, `notAll` too) over looks. */
export function countScenario(
  o: {
    name: string;
    configs: number;
    M: number;
    q: number;
    kind: "universal" | "existential";
    notAll?: boolean;
    truth: Scenario["truth"];
  },
): Scenario {
  const units = unitsOf(o.configs, o.M);
  return {
    label: `${o.name}: ${units.join("/")} cases, rate ${o.q}`,
    kind: o.kind,
    truth: o.truth,
    units,
    alpha: 0.05,
    start(u) {
      let k = 0, n = 0;
      return (look) => {
        for (; n < units[look - 1]; n++) if (u() < o.q) k++;
        const inputs: DecisionInputs = o.kind === "universal"
          ? { kind: "universal", exceptions: k, n }
          : { kind: "existential", hits: k, n, notAll: o.notAll };
        return { inputs, n };
      };
    },
  };
}

/**
 * An equivalence band on a mean (target 0 ± 1): normal samples of mean `mu`, the t interval at
 * each look's level 1 − nominal.
 */
export function equivalenceScenario(
  o: { name: string; M: number; mu: number; sd: number; truth: Scenario["truth"] },
): Scenario {
  const units = doublingSchedule(o.M);
  return {
    label: `${o.name}: ${units.join("/")} samples, mean ${o.mu}, sd ${o.sd}, band 0 ± 1`,
    kind: "equivalence",
    truth: o.truth,
    units,
    alpha: 0.05,
    start(u) {
      const x: number[] = [];
      return (look, nominal) => {
        while (x.length < units[look - 1]) x.push(o.mu + o.sd * gauss(u));
        const ci = meanInterval(x, { level: 1 - nominal });
        return {
          inputs: { kind: "equivalence", target: 0, tolerance: 1 },
          n: x.length,
          interval: { low: ci.low, high: ci.high },
        };
      };
    },
  };
}
