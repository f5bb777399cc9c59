/**
 * The runs several figures share (one store key each, so they are trained once), and small
 * helpers the figure scripts use.
 *
 * @module
 */
import { type DecidedRule, decidedStep } from "../analysis/verdict.ts";
import { makeConfig } from "../protocol/config.ts";
import type { TrialRequest, TrialResult } from "../store/requests.ts";
import type { Scale } from "./figure.ts";

/** docs/SPEC.md's Fig. 2 run: fix-MLP, MLP and split from init seed 0, embedding from seed 10. It
 * also serves Figs. 3, 8 (parameters every N steps) and 13 (gradient signals). */
export function fig2Run(scale: Scale): TrialRequest {
  const steps = { paper: 30000, quick: 10000, tiny: 120 }[scale];
  const every = { paper: 100, quick: 100, tiny: 30 }[scale];
  return {
    config: makeConfig({ p: 59, d: 128, mode: "fix-mlp", initSeed: 0, seed: 10, steps }),
    records: { paramsEvery: every, gradSignals: true },
  };
}

/** The paper's training length (docs/SPEC.md: 30 000 steps; Fig. 12's ablations 30 001). */
export const PAPER_STEPS = 30000;

/**
 * Whether a run's circles at its last step are those of the end of training: a run of the
 * paper's length (`fullSteps`) has reached the end; a run cut short has its circles settled when
 * the early verdict (`../analysis/verdict.ts`, its default rule, validated on 40 full runs it
 * never saw: 40/40) has decided them at a logged step reached; otherwise they are not known.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { circlesSettled } from "./runs.ts";
 * const r = { config: { p: 5, steps: 10 }, stepsDone: 10, signals: new Float64Array(55), loggedAt: Int32Array.from({ length: 10 }, (_, i) => i + 1) };
 * assertEquals(circlesSettled(r, 10).settled, true, "a full-length run is settled");
 * assertEquals(circlesSettled(r, 30000).settled, false, "flat signals decide nothing");
 * ```
 */
export function circlesSettled(
  r: Pick<TrialResult, "signals" | "loggedAt" | "stepsDone"> & {
    config: { p: number; steps: number };
  },
  fullSteps = PAPER_STEPS,
  rule: Partial<DecidedRule> = {},
): { settled: boolean; why: string } {
  if (r.stepsDone >= fullSteps) return { settled: true, why: `${r.stepsDone} steps: full length` };
  const at = decidedStep(r.signals, r.config.p, rule, r.loggedAt);
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

/** A run for the linear ODE of Section 4: fix-MLP (init seed 0), embedding seed `seed`,
 * 1 000 steps (the fits use x_0..x_1000). */
export function odeRun(scale: Scale, seed: number, d = 128): TrialRequest {
  return {
    config: makeConfig({
      p: 59,
      d,
      mode: "fix-mlp",
      initSeed: 0,
      seed,
      steps: scale === "tiny" ? 60 : 1000,
    }),
  };
}

/** About `n` step indices in [1, last], log-spaced (for plots on a log step axis). */
export function logSteps(last: number, n = 400): number[] {
  const out = new Set<number>();
  for (let i = 0; i < n; i++) {
    out.add(Math.max(1, Math.round(Math.exp((Math.log(last) * i) / (n - 1)))));
  }
  return [...out].sort((a, b) => a - b);
}

/** k⁻¹ mod p, or undefined when k has no inverse. */
export function modInverse(k: number, p: number): number | undefined {
  for (let x = 1; x < p; x++) if ((k * x) % p === 1) return x;
  return undefined;
}

/** Median of a list. */
export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The trials that did not diverge, and how many did. A diverged trial (non-finite loss or
 * parameters) has no final circles: every figure that counts circles or survival counts it apart
 * through this, never as 0 circles.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { converged } from "./runs.ts";
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

/** A CSV text from a header and rows. */
export function csv(header: string[], rows: (number | string)[][]): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

/** The quick scale's step count of the sweep figures (the `decided` study measures what it
 * costs against 30 000). */
export const QUICK_SWEEP_STEPS = 6000;

/**
 * A trial as the early verdict would have left it: its records cut at the step where `rule`
 * stops it (replayed on its logged rows), so a figure computed from it shows what early verdicts
 * give instead of full runs. A trial the rule never stops is returned as it is; so is a diverged
 * one. The final parameters stay those of the full run (no sweep figure reads them).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { verdictView } from "./runs.ts";
 * import { syntheticTrial } from "../tests/synthetic.ts";
 * // circle 2 stands out from the first logged step on, 10 steps in all
 * const r = syntheticTrial({ config: { p: 5, d: 2 }, signals: Array.from({ length: 11 }, () => [0, 1, 80, 80, 1]) });
 * const early = verdictView(r, { every: 1, minSteps: 2, window: 2, separation: 4 });
 * assertEquals([early.stepsDone, early.trainLoss.length, early.finalSignals()], [3, 3, [0, 1, 80, 80, 1]]);
 * ```
 */
export function verdictView(r: TrialResult, rule: Partial<DecidedRule>): TrialResult {
  if (r.divergedAt !== null) return r;
  const stop = decidedStep(r.signals, r.config.p, rule, r.loggedAt);
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
