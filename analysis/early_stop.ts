/**
 * The early stop (`--until-decided`): when are a run's surviving circles decided? A pure
 * function of the signal trajectory, so a training loop can stop on it and a study can replay it
 * on full 30 000-step runs to measure how often it agrees with their final circles.
 *
 * Rule: at every `every`-th step from `minSteps` on, the circles by docs/SPEC.md's rule must equal
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

/** Parameters of the early stop. */
export interface EarlyStopRule {
  /** Check every this many steps. */
  every: number;
  /** The first step checked. */
  minSteps: number;
  /** Steps over which the circles must stay the same. */
  window: number;
  /** The weakest survivor's signal over the strongest other frequency's, at least. */
  separation: number;
  /** Clearance of both sides from the survivor threshold (1: none). */
  margin: number;
  /** Losers must not grow and winners not fall over the window. */
  trend: boolean;
}

/**
 * The defaults, chosen by the early-stop study (`reproduce decided --scale paper`) on its 20
 * tuning runs among {@linkcode candidateRules} and validated on 40 runs it never saw: checks every
 * 100 steps from step 1 000, circles unchanged over 3 000 steps, weakest survivor ≥ 2× the
 * strongest other frequency. (Until that study: from step 2 000, over 2 000 steps, ≥ 4×; it
 * stopped one tuning run before a late death.)
 */
export const DEFAULT_EARLY_STOP: EarlyStopRule = {
  every: 100,
  minSteps: 1000,
  window: 3000,
  separation: 2,
  margin: 1,
  trend: false,
};

/** What the verdict reads of one step's signals. */
export interface CircleReading {
  /** Surviving circles (docs/SPEC.md's code rule), ascending. */
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
 * import { assertEquals } from "../tests/assert.ts";
 * import { readCircles } from "./early_stop.ts";
 * const v = readCircles([0, 5, 80, 4, 4, 80, 5]);
 * assertEquals([v.key, v.ratio, v.margin.toFixed(2)], ["2", 16, "1.57"]); // margin 80 / (2 · 178 / 7)
 * ```
 */
export function readCircles(signals: ArrayLike<number>): CircleReading {
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
 * import { assertEquals } from "../tests/assert.ts";
 * import { EarlyStopTracker } from "./early_stop.ts";
 * const t = new EarlyStopTracker(5, { every: 1, minSteps: 2, window: 2, separation: 4 });
 * const s = [0, 1, 80, 80, 1];
 * assertEquals([1, 2, 3, 4].map((step) => t.observe(step, s)), [false, false, true, true]); // step 3: the same circles since step 1
 * ```
 */
export class EarlyStopTracker {
  readonly #rule: EarlyStopRule;
  readonly #history: { step: number; key: string; signals?: Float64Array }[] = [];
  /** A tracker for a run of modulus `p` under `rule` (the defaults filled in). */
  constructor(readonly p: number, rule: Partial<EarlyStopRule> = {}) {
    this.#rule = { ...DEFAULT_EARLY_STOP, ...rule };
  }

  /** The rule in force (defaults filled in). */
  get rule(): EarlyStopRule {
    return { ...this.#rule };
  }

  /** Observe the signals after `step` updates; true once the circles are decided. */
  observe(step: number, signals: ArrayLike<number>): boolean {
    const r = this.#rule;
    if (step % r.every !== 0) return false;
    const v = readCircles(signals);
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
 * import { assertEquals } from "../tests/assert.ts";
 * import { earlyStopStep } from "./early_stop.ts";
 * const row = [0, 1, 80, 80, 1];
 * const signals = Array.from({ length: 6 }, () => row).flat(); // init + updates 1..5
 * assertEquals(earlyStopStep(signals, 5, { every: 1, minSteps: 2, window: 2, separation: 4 }), 3);
 * ```
 */
export function earlyStopStep(
  signals: ArrayLike<number>,
  p: number,
  rule: Partial<EarlyStopRule> = {},
  loggedAt?: ArrayLike<number>,
): number | null {
  const t = new EarlyStopTracker(p, rule);
  const rows = signals.length / p - 1;
  for (let i = 1; i <= rows; i++) {
    const step = loggedAt ? loggedAt[i - 1] : i;
    if (t.observe(step, Array.prototype.slice.call(signals, i * p, (i + 1) * p))) return step;
  }
  return null;
}

/** A stored run as the verdict study reads it: `signals` has a row for init and one per logged
 * update; `loggedAt` gives the update of each logged row. */
export interface Trajectory {
  /** The modulus. */
  p: number;
  /** ‖F_k‖ per logged row, row-major (rows × p). */
  signals: ArrayLike<number>;
  /** The update of each logged row after init. */
  loggedAt: ArrayLike<number>;
}

/** What a rule says of one run. */
export interface ReplayOutcome {
  /** Where the rule stopped (null: it never did; the run went to its end). */
  stop: number | null;
  /** The circles at the stop (at the end when it never stopped), as a key. */
  verdict: string;
  /** The circles at the run's last step, as a key. */
  final: string;
  /** Whether the circles at the stop are the final ones. */
  agrees: boolean;
  /** The steps the run would have trained under the rule. */
  cost: number;
}

/** The circle key of logged row i (0: init). */
function keyAt(tr: Trajectory, row: number): string {
  return readCircles(Array.prototype.slice.call(tr.signals, row * tr.p, (row + 1) * tr.p)).key;
}

/**
 * Replay `rule` on a run: where it stops and whether its verdict is the run's final circles.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { replay } from "./early_stop.ts";
 * const row = [0, 1, 80, 80, 1];
 * const tr = { p: 5, signals: Array.from({ length: 11 }, () => row).flat(), loggedAt: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
 * const o = replay(tr, { every: 1, minSteps: 2, window: 2, separation: 4 });
 * assertEquals([o.stop, o.agrees, o.cost], [3, true, 3]);
 * ```
 */
export function replay(tr: Trajectory, rule: Partial<EarlyStopRule>): ReplayOutcome {
  const rows = tr.loggedAt.length;
  const last = rows ? tr.loggedAt[rows - 1] : 0;
  const stop = earlyStopStep(tr.signals, tr.p, rule, tr.loggedAt);
  const final = keyAt(tr, rows);
  const stopRow = stop === null ? rows : Array.prototype.indexOf.call(tr.loggedAt, stop) + 1;
  const verdict = keyAt(tr, stopRow);
  return { stop, verdict, final, agrees: verdict === final, cost: stop ?? last };
}

/** How a verdict differed from the final circles. */
export type Disagreement = "late death" | "late revival" | "swap" | "flicker";

/**
 * Why a verdict taken at `stop` is not the final set: `flicker` when the circle set changes more
 * than once after the stop (a frequency near the survivor threshold crossing it back and forth);
 * else `late death` (a circle of the verdict died later), `late revival` (a frequency the verdict
 * had as dead survived) or `swap` (both).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { classify } from "./early_stop.ts";
 * const a = [0, 1, 80, 80, 1], b = [0, 80, 1, 1, 80];
 * const tr = { p: 5, signals: [a, a, a, b, b].flat(), loggedAt: [1, 2, 3, 4] };
 * assertEquals(classify(tr, 2), "swap");
 * ```
 */
export function classify(tr: Trajectory, stop: number): Disagreement {
  const rows = tr.loggedAt.length;
  const from = Array.prototype.indexOf.call(tr.loggedAt, stop) + 1;
  let changes = 0;
  for (let i = from + 1; i <= rows; i++) if (keyAt(tr, i) !== keyAt(tr, i - 1)) changes++;
  if (changes > 1) return "flicker";
  const v = new Set(keyAt(tr, from).split(",").filter(Boolean));
  const f = new Set(keyAt(tr, rows).split(",").filter(Boolean));
  const died = [...v].some((k) => !f.has(k)), revived = [...f].some((k) => !v.has(k));
  return died && revived ? "swap" : died ? "late death" : "late revival";
}

/**
 * Whether a run's circle set stays the same over its last `window` steps (a final set that
 * still moves there is not a settled target).
 */
export function finalSettled(tr: Trajectory, window: number): boolean {
  const rows = tr.loggedAt.length;
  const last = tr.loggedAt[rows - 1];
  const final = keyAt(tr, rows);
  for (let i = rows; i >= 1 && tr.loggedAt[i - 1] >= last - window; i--) {
    if (keyAt(tr, i) !== final) return false;
  }
  return true;
}

/** The rules the study tries: windows, separations, margins, trend on or off, first checks. */
export function candidateRules(every = 100): EarlyStopRule[] {
  const out: EarlyStopRule[] = [];
  for (const minSteps of [1000, 2000, 3000]) {
    for (const window of [1000, 2000, 3000]) {
      for (const separation of [2, 4, 8]) {
        for (const margin of [1, 1.5, 2]) {
          for (const trend of [false, true]) {
            out.push({ every, minSteps, window, separation, margin, trend });
          }
        }
      }
    }
  }
  return out;
}

/** A rule's record on a set of runs. */
export interface RuleScore {
  /** The rule scored. */
  rule: EarlyStopRule;
  /** Runs whose circles at the stop are their final ones. */
  agree: number;
  /** Runs scored. */
  runs: number;
  /** Mean steps trained under the rule (a run it never stops costs all its steps). */
  meanCost: number;
}

/**
 * Score `rule` on `runs`.
 */
export function scoreRule(runs: Trajectory[], rule: EarlyStopRule): RuleScore {
  const outs = runs.map((r) => replay(r, rule));
  return {
    rule,
    agree: outs.filter((o) => o.agrees).length,
    runs: runs.length,
    meanCost: outs.reduce((s, o) => s + o.cost, 0) / Math.max(1, runs.length),
  };
}

/**
 * The rule chosen on a tuning set: the most agreement with the final circles, then the lowest
 * mean cost — among the rules whose mean cost is at most `maxMeanCost` when any is (else among
 * all).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { candidateRules, chooseRule } from "./early_stop.ts";
 * const row = [0, 1, 80, 80, 1];
 * const tr = { p: 5, signals: Array.from({ length: 301 }, () => row).flat(), loggedAt: Array.from({ length: 300 }, (_, i) => 100 * (i + 1)) };
 * const best = chooseRule([tr], candidateRules(), 6000);
 * assertEquals([best.agree, best.rule.minSteps], [1, 1000]);
 * ```
 */
export function chooseRule(
  tune: Trajectory[],
  candidates: EarlyStopRule[],
  maxMeanCost: number,
): RuleScore {
  const scores = candidates.map((r) => scoreRule(tune, r));
  const within = scores.filter((s) => s.meanCost <= maxMeanCost);
  const pool = within.length ? within : scores;
  return pool.reduce((best, s) =>
    s.agree > best.agree || (s.agree === best.agree && s.meanCost < best.meanCost) ? s : best
  );
}
