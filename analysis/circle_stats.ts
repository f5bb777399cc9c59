/**
 * Statistics of circles over trials, once for the figures and the sweeps: the number of
 * surviving circles (mean, 95 % Student t interval), how often each frequency survived (rate,
 * Clopper–Pearson interval), the grokking step (the first logged step whose test accuracy reaches
 * {@linkcode GROK_ACCURACY}; over trials its median and sign-test interval, a run that never
 * reached it counting as +∞, i.e. later than any that did), the final losses; and the difference
 * in mean #circles between two groups (Welch interval). Pure: the trials come as plain outcomes.
 *
 * @module
 */
import {
  mean,
  meanInterval,
  median,
  medianInterval,
  rateInterval,
  welchInterval,
} from "./stats.ts";

/** What one trial ended with. */
export interface TrialOutcome {
  /** The trial's seed. */
  seed: number;
  /** The surviving circles of its final embedding, or null when it diverged. */
  circles: number[] | null;
  /** The first logged step with test accuracy ≥ the grokking threshold, or null (never). */
  grokStep: number | null;
  /** Its last train loss (null when it diverged). */
  finalTrainLoss: number | null;
  /** Its last test loss (null when it diverged). */
  finalTestLoss: number | null;
}

/** A mean with its 95 % interval (NaN bounds with fewer than two values). */
export interface MeanCi {
  /** The mean. */
  mean: number;
  /** The interval's lower bound. */
  low: number;
  /** The interval's upper bound. */
  high: number;
}

/** A cell's statistics over its trials. */
export interface CellStats {
  /** Trials in the cell. */
  trials: number;
  /** Trials whose loss or parameters became non-finite: counted apart, never as 0 circles. */
  diverged: number;
  /** #surviving circles of the trials that did not diverge. */
  circles: MeanCi & { counts: number[] };
  /** For each frequency k = 0..⌊p/2⌋: the share of non-diverged trials in which it survived. */
  survival: { k: number; survived: number; rate: number; low: number; high: number }[];
  /** The grokking step over non-diverged trials: median and sign-test interval (null: +∞). */
  grok: {
    grokked: number;
    median: number | null;
    low: number | null;
    high: number | null;
    /** The interval's exact coverage (below 95 % only for ≤ 5 trials). */
    coverage: number;
  };
  /** Mean and median of the final train losses (non-diverged trials). */
  finalTrainLoss: { mean: number; median: number };
  /** Mean and median of the final test losses (non-diverged trials). */
  finalTestLoss: { mean: number; median: number };
}

/** The test accuracy a run must reach to count as grokked. */
export const GROK_ACCURACY = 0.99;

/**
 * A run's grokking step: the first logged step whose test accuracy (of the parameters before that
 * step's update, as the authors log it) reaches {@linkcode GROK_ACCURACY}, or null when none did
 * (the run has not grokked).
 *
 * @example
 * ```ts
 * import { grokStep } from "./circle_stats.ts";
 * const at = grokStep([0.2, 0.7, 0.995, 0.999], [100, 200, 300, 400]);
 * if (at !== 300 || grokStep([0.5], [100]) !== null) throw new Error(`grokked at ${at}`);
 * ```
 */
export function grokStep(testAcc: ArrayLike<number>, loggedAt: ArrayLike<number>): number | null {
  for (let i = 0; i < testAcc.length; i++) if (testAcc[i] >= GROK_ACCURACY) return loggedAt[i];
  return null;
}

/**
 * The mean of circle counts with its 95 % Student t interval; the bounds are NaN with fewer than
 * two counts (one trial gives no interval), the mean too with none.
 *
 * @example
 * ```ts
 * import { countInterval } from "./circle_stats.ts";
 * const c = countInterval([3, 3, 3]);
 * if (c.mean !== 3 || c.low !== 3 || c.high !== 3) throw new Error(`${JSON.stringify(c)}`);
 * if (!Number.isNaN(countInterval([4]).low)) throw new Error("one count has no interval");
 * ```
 */
export function countInterval(counts: ArrayLike<number>): MeanCi {
  if (counts.length === 0) return { mean: NaN, low: NaN, high: NaN };
  if (counts.length === 1) return { mean: counts[0], low: NaN, high: NaN };
  const { mean, low, high } = meanInterval(counts);
  return { mean, low, high };
}

const center = (x: number[]) => ({ mean: mean(x), median: median(x) });

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * The statistics of one cell of modulus `p` from its trials' outcomes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { cellStats } from "./circle_stats.ts";
 * const t = (seed: number, circles: number[], grokStep: number | null) =>
 *   ({ seed, circles, grokStep, finalTrainLoss: 1e-3, finalTestLoss: 1e-2 });
 * const s = cellStats([t(0, [3, 8], 400), t(1, [3], 600), t(2, [3, 5, 8], null)], 17);
 * assertEquals([s.circles.mean, s.survival[3].rate, s.grok.median], [2, 1, 600]);
 * ```
 */
export function cellStats(outcomes: TrialOutcome[], p: number): CellStats {
  const ok = outcomes.filter((o) => o.circles !== null);
  const counts = ok.map((o) => o.circles!.length);
  const survival = Array.from({ length: Math.floor(p / 2) + 1 }, (_, k) => {
    const survived = ok.filter((o) => o.circles!.includes(k)).length;
    const ci = ok.length > 0 ? rateInterval(survived, ok.length) : undefined;
    return {
      k,
      survived,
      rate: ci?.rate ?? NaN,
      low: ci?.low ?? NaN,
      high: ci?.high ?? NaN,
    };
  });
  const steps = ok.map((o) => o.grokStep ?? Infinity);
  const g = steps.length > 0 ? medianInterval(steps) : undefined;
  const losses = (f: (o: TrialOutcome) => number | null) =>
    center(ok.map(f).filter((v): v is number => v !== null && Number.isFinite(v)));
  return {
    trials: outcomes.length,
    diverged: outcomes.length - ok.length,
    circles: { ...countInterval(counts), counts },
    survival,
    grok: {
      grokked: steps.filter(Number.isFinite).length,
      median: g ? finiteOrNull(g.median) : null,
      low: g ? finiteOrNull(g.low) : null,
      high: g ? finiteOrNull(g.high) : null,
      coverage: g?.coverage ?? NaN,
    },
    finalTrainLoss: losses((o) => o.finalTrainLoss),
    finalTestLoss: losses((o) => o.finalTestLoss),
  };
}

/**
 * The difference in mean #circles of cell `a` and cell `b` with its 95 % Welch interval (NaN
 * bounds when either has fewer than two non-diverged trials).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { circlesDifference } from "./circle_stats.ts";
 * const d = circlesDifference([3, 4, 4, 5], [2, 3, 2, 3]);
 * assertEquals([d.diff, d.low > 0], [1.5, true]);
 * ```
 */
export function circlesDifference(
  a: number[],
  b: number[],
): { diff: number; low: number; high: number; df: number } {
  const diff = (a.length && b.length)
    ? a.reduce((s, v) => s + v, 0) / a.length - b.reduce((s, v) => s + v, 0) / b.length
    : NaN;
  if (a.length < 2 || b.length < 2) return { diff, low: NaN, high: NaN, df: NaN };
  return welchInterval(a, b);
}
