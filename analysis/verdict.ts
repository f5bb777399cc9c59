/**
 * The early verdict (`--until-decided`): when are a run's surviving circles decided? A pure
 * function of the signal trajectory, so a training loop can stop on it and a study can replay it
 * on full 30 000-step runs to measure how often it agrees with their final circles.
 *
 * Rule: at every `every`-th step from `minSteps` on, the circles by SPEC.md's rule must equal
 * those `window` steps earlier and at every check in between; the weakest survivor's signal must
 * be ≥ `separation` × the strongest non-survivor's among k = 1..⌊(p−1)/2⌋; with `margin` > 1 both
 * must stand clear of the survivor rule's own threshold (2 × the mean signal): the weakest
 * survivor ≥ margin × it, the strongest non-survivor ≤ it / margin; with `trend`, every
 * non-survivor's signal must not have grown over the window and no survivor's have fallen by more
 * than a tenth — the circles are decided when the winners hold and the losers keep losing.
 *
 * @module
 */
import { survivingCircles } from "./fourier.ts";

/** Parameters of the early verdict. */
export interface DecidedRule {
  every: number;
  minSteps: number;
  window: number;
  separation: number;
  /** Clearance of both sides from the survivor threshold (1: none). */
  margin: number;
  /** Losers must not grow and winners not fall over the window. */
  trend: boolean;
}

/** The defaults: checks every 100 steps from step 2 000, stable over 2 000 steps, ratio ≥ 4. */
export const DEFAULT_DECIDED: DecidedRule = {
  every: 100,
  minSteps: 2000,
  window: 2000,
  separation: 4,
  margin: 1,
  trend: false,
};

/** What the verdict reads of one step's signals. */
export interface Verdict {
  /** Surviving circles (SPEC.md's code rule), ascending. */
  circles: number[];
  key: string;
  /** Weakest survivor / strongest non-survivor among k = 1..⌊(p−1)/2⌋ (0 without survivors). */
  ratio: number;
  /** min(weakest survivor / threshold, threshold / strongest non-survivor), threshold = 2·mean. */
  margin: number;
}

/**
 * Signals of one step → its circles, their separation and their clearance of the threshold.
 *
 * @example
 * ```ts
 * import { verdictAt } from "./verdict.ts";
 * const v = verdictAt([0, 5, 80, 4, 4, 80, 5]);
 * console.log(v.key, v.ratio, v.margin.toFixed(2)); // 2 16 1.58
 * ```
 */
export function verdictAt(signals: ArrayLike<number>): Verdict {
  const circles = survivingCircles(signals).sort((a, b) => a - b);
  const p = signals.length, half = Math.floor((p - 1) / 2);
  let sum = 0;
  for (let k = 0; k < p; k++) sum += signals[k];
  const threshold = (2 * sum) / p;
  let weakest = Infinity, strongest = 0;
  for (let k = 1; k <= half; k++) {
    const s = signals[k];
    if (circles.includes(k) || circles.includes(p - k)) weakest = Math.min(weakest, s);
    else strongest = Math.max(strongest, s);
  }
  return {
    circles,
    key: circles.join(","),
    ratio: circles.length ? weakest / Math.max(strongest, 1e-12) : 0,
    margin: circles.length
      ? Math.min(weakest / threshold, threshold / Math.max(strongest, 1e-12))
      : 0,
  };
}

/**
 * An online checker: feed it the signals after each step; it says when the verdict is reached.
 *
 * @example
 * ```ts
 * import { DecidedTracker } from "./verdict.ts";
 * const t = new DecidedTracker(5, { every: 1, minSteps: 2, window: 2, separation: 4 });
 * const s = [0, 1, 80, 80, 1];
 * console.log([1, 2, 3, 4].map((step) => t.observe(step, s))); // [false, false, false, true]
 * ```
 */
export class DecidedTracker {
  readonly #rule: DecidedRule;
  readonly #history: { step: number; key: string; signals?: Float64Array }[] = [];
  constructor(readonly p: number, rule: Partial<DecidedRule> = {}) {
    this.#rule = { ...DEFAULT_DECIDED, ...rule };
  }

  /** The rule in force (defaults filled in). */
  get rule(): DecidedRule {
    return { ...this.#rule };
  }

  /** Observe the signals after `step` updates; true once the circles are decided. */
  observe(step: number, signals: ArrayLike<number>): boolean {
    const r = this.#rule;
    if (step % r.every !== 0) return false;
    const v = verdictAt(signals);
    this.#history.push({
      step,
      key: v.key,
      signals: r.trend ? Float64Array.from(signals) : undefined,
    });
    while (this.#history.length && this.#history[0].step < step - r.window) this.#history.shift();
    if (step < r.minSteps || v.circles.length === 0 || v.ratio < r.separation) return false;
    if (r.margin > 1 && v.margin < r.margin) return false;
    const first = this.#history[0];
    if (!(first.step <= step - r.window && this.#history.every((h) => h.key === v.key))) {
      return false;
    }
    return !r.trend || holdsTrend(first.signals!, signals, v.circles);
  }
}

/** Over a window: no non-survivor grew, no survivor fell by more than a tenth. */
function holdsTrend(before: ArrayLike<number>, now: ArrayLike<number>, circles: number[]): boolean {
  const p = now.length, half = Math.floor((p - 1) / 2);
  for (let k = 1; k <= half; k++) {
    const alive = circles.includes(k) || circles.includes(p - k);
    if (alive ? now[k] < 0.9 * before[k] : now[k] > before[k]) return false;
  }
  return true;
}

/**
 * Replay the rule on a stored trajectory: `signals` has a row for init and one per logged update,
 * `loggedAt` the update of each logged row (default: every update 1..rows). The step at which the
 * rule would have stopped, or null.
 *
 * @example
 * ```ts
 * import { decidedStep } from "./verdict.ts";
 * const row = [0, 1, 80, 80, 1];
 * const signals = Array.from({ length: 6 }, () => row).flat(); // init + updates 1..5
 * console.log(decidedStep(signals, 5, { every: 1, minSteps: 2, window: 2, separation: 4 })); // 3
 * ```
 */
export function decidedStep(
  signals: ArrayLike<number>,
  p: number,
  rule: Partial<DecidedRule> = {},
  loggedAt?: ArrayLike<number>,
): number | null {
  const t = new DecidedTracker(p, rule);
  const rows = signals.length / p - 1;
  for (let i = 1; i <= rows; i++) {
    const step = loggedAt ? loggedAt[i - 1] : i;
    if (t.observe(step, Array.prototype.slice.call(signals, i * p, (i + 1) * p))) return step;
  }
  return null;
}
