/**
 * The early verdict (`--until-decided`): when are a run's surviving circles decided? A pure
 * function of the signal trajectory, so a training loop can stop on it and a study can replay it
 * on full 30 000-step runs to measure how often it agrees with their final circles.
 *
 * Rule (defaults): at every `every`-th step from `minSteps` on, the circles by SPEC.md's rule must
 * equal those `window` steps earlier and at every check in between, and the weakest survivor's
 * signal must be ≥ `separation` × the strongest non-survivor's among k = 1..⌊(p−1)/2⌋.
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
}

/** The defaults: checks every 100 steps from step 2 000, stable over 2 000 steps, ratio ≥ 4. */
export const DEFAULT_DECIDED: DecidedRule = {
  every: 100,
  minSteps: 2000,
  window: 2000,
  separation: 4,
};

/** Signals of one step → (circles as a key, separation ratio). */
export function verdictAt(
  signals: ArrayLike<number>,
): { circles: number[]; key: string; ratio: number } {
  const circles = survivingCircles(signals).sort((a, b) => a - b);
  const half = Math.floor((signals.length - 1) / 2);
  let weakest = Infinity, strongest = 0;
  for (let k = 1; k <= half; k++) {
    const s = signals[k];
    if (circles.includes(k) || circles.includes(signals.length - k)) weakest = Math.min(weakest, s);
    else strongest = Math.max(strongest, s);
  }
  return {
    circles,
    key: circles.join(","),
    ratio: circles.length ? weakest / Math.max(strongest, 1e-12) : 0,
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
  readonly #history: { step: number; key: string }[] = [];
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
    this.#history.push({ step, key: v.key });
    while (this.#history.length && this.#history[0].step < step - r.window) this.#history.shift();
    if (step < r.minSteps || v.circles.length === 0 || v.ratio < r.separation) return false;
    const first = this.#history[0];
    return first.step <= step - r.window && this.#history.every((h) => h.key === v.key);
  }
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
