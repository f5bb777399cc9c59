/**
 * The runs several figures share (one store key each, so they are trained once) and the run
 * lengths the figures train.
 *
 * @module
 */
import { DEFAULT_CONFIG, makeConfig } from "../protocol/config.ts";
import type { TrialRequest } from "../store/requests.ts";
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
export const PAPER_STEPS: number = DEFAULT_CONFIG.steps;

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

/** The quick scale's step count of the survival figures (the early-stop study measures what it
 * costs against 30 000). */
export const QUICK_SURVIVAL_STEPS = 6000;
