/**
 * How the figures read trials: the ones that did not diverge (a diverged trial is counted apart,
 * never as 0 circles), whether a trial's circles at its last step are those of the end of
 * training, and a trial as the early stop would have left it.
 *
 * @module
 */
import { type EarlyStopRule, earlyStopStep } from "../analysis/early_stop.ts";
import type { TrialResult } from "../store/requests.ts";
import { PAPER_STEPS } from "./runs.ts";

/**
 * The trials that did not diverge, and how many did. A diverged trial (non-finite loss or
 * parameters) has no final circles: every figure that counts circles or survival counts it apart
 * through this, never as 0 circles.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { converged } from "./trial_views.ts";
 * const { runs, diverged } = converged([{ divergedAt: null }, { divergedAt: 812 }]);
 * assertEquals([runs.length, diverged], [1, 1]);
 * ```
 */
export function converged<T extends { divergedAt: number | null }>(
  results: T[],
): { runs: T[]; diverged: number } {
  const runs = results.filter((r) => r.divergedAt === null);
  return { runs, diverged: results.length - runs.length };
}

/** What {@linkcode circlesSettled} reads of a trial. */
export type SettledInput = Pick<TrialResult, "signals" | "loggedAt" | "stepsDone"> & {
  config: { p: number; steps: number };
};

/**
 * Whether a run's circles at its last step are those of the end of training: a run of the
 * paper's length (`fullSteps`) has reached the end; a run cut short has its circles settled when
 * the early stop (`../analysis/early_stop.ts`, its default rule, validated on 40 full runs it
 * never saw: 40/40) has decided them at a logged step reached; otherwise they are not known.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { circlesSettled } from "./trial_views.ts";
 * const r = { config: { p: 5, steps: 10 }, stepsDone: 10, signals: new Float64Array(55), loggedAt: Int32Array.from({ length: 10 }, (_, i) => i + 1) };
 * assertEquals(circlesSettled(r, 10).settled, true, "a full-length run is settled");
 * assertEquals(circlesSettled(r, 30000).settled, false, "flat signals decide nothing");
 * ```
 */
export function circlesSettled(
  r: SettledInput,
  fullSteps = PAPER_STEPS,
  rule: Partial<EarlyStopRule> = {},
): { settled: boolean; why: string } {
  if (r.stepsDone >= fullSteps) return { settled: true, why: `${r.stepsDone} steps: full length` };
  const at = earlyStopStep(r.signals, r.config.p, rule, r.loggedAt);
  return at !== null && at <= r.stepsDone
    ? {
      settled: true,
      why:
        `${r.stepsDone} of ${fullSteps} steps; circles decided by the early verdict at step ${at}`,
    }
    : {
      settled: false,
      why: `${r.stepsDone} of ${fullSteps} steps and the early verdict has not decided the circles`,
    };
}

/**
 * A trial as the early stop would have left it: its records cut at the step where `rule`
 * stops it (replayed on its logged rows), so a figure computed from it shows what early stops
 * give instead of full runs. A trial the rule never stops is returned as it is; so is a diverged
 * one. The final parameters stay those of the full run (no sweep figure reads them).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { earlyStopView } from "./trial_views.ts";
 * import { syntheticTrial } from "../tests/synthetic.ts";
 * // circle 2 stands out from the first logged step on, 10 steps in all
 * const r = syntheticTrial({ config: { p: 5, d: 2 }, signals: Array.from({ length: 11 }, () => [0, 1, 80, 80, 1]) });
 * const early = earlyStopView(r, { every: 1, minSteps: 2, window: 2, separation: 4 });
 * assertEquals([early.stepsDone, early.trainLoss.length, early.finalSignals()], [3, 3, [0, 1, 80, 80, 1]]);
 * ```
 */
export function earlyStopView(r: TrialResult, rule: Partial<EarlyStopRule>): TrialResult {
  if (r.divergedAt !== null) return r;
  const stop = earlyStopStep(r.signals, r.config.p, rule, r.loggedAt);
  if (stop === null || stop >= r.stepsDone) return r;
  const rows = Array.prototype.findIndex.call(r.loggedAt, (u: number) => u === stop) + 1;
  const p = r.config.p;
  const signals = r.signals.slice(0, (rows + 1) * p);
  return {
    ...r,
    loggedAt: r.loggedAt.slice(0, rows),
    trainLoss: r.trainLoss.slice(0, rows),
    testLoss: r.testLoss.slice(0, rows),
    trainAcc: r.trainAcc.slice(0, rows),
    testAcc: r.testAcc.slice(0, rows),
    signals,
    gradSignals: r.gradSignals?.slice(0, rows * p),
    stepsDone: stop,
    decidedAt: stop,
    signalsAt: (step: number) => {
      if (step > stop) throw new Error(`trial ${r.key}: step ${step} is after its verdict`);
      return r.signalsAt(step);
    },
    finalSignals: () => signals.slice(rows * p),
  };
}

/**
 * The trials whose circles are those of the end of training: not diverged, and of full length or
 * with circles the early stop has settled (`circlesSettled`); and how many were left out as
 * unsettled.
 *
 * @example
 * ```ts ignore
 * const { runs, unsettled } = settledRuns(results);
 * ```
 */
export function settledRuns<T extends SettledInput & { divergedAt: number | null }>(
  rs: T[],
): { runs: T[]; unsettled: number } {
  const { runs } = converged(rs);
  const kept = runs.filter((r) => circlesSettled(r).settled);
  return { runs: kept, unsettled: runs.length - kept.length };
}

/** The note on trials left out of a test because their circles were not settled, if any. */
export function leftOutNote(unsettled: number): string | undefined {
  return unsettled
    ? `${unsettled} trial(s) cut short with circles the early verdict had not settled left out`
    : undefined;
}
