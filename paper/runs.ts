/**
 * The runs several figures share (one store key each, so they are trained once), and small
 * helpers the figure scripts use.
 *
 * @module
 */
import { makeConfig } from "../protocol/config.ts";
import type { TrialRequest } from "../store/requests.ts";
import type { Scale } from "./figure.ts";

/** SPEC.md's Fig. 2 run: fix-MLP, MLP and split from init seed 0, embedding from seed 10. It
 * also serves Figs. 3, 8 (parameters every N steps) and 13 (gradient signals). */
export function fig2Run(scale: Scale): TrialRequest {
  const steps = { paper: 30000, quick: 10000, tiny: 120 }[scale];
  const every = { paper: 100, quick: 100, tiny: 30 }[scale];
  return {
    config: makeConfig({ p: 59, d: 128, mode: "fix-mlp", initSeed: 0, seed: 10, steps }),
    records: { paramsEvery: every, gradSignals: true },
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
 * import { converged } from "./runs.ts";
 * const { runs, diverged } = converged([{ divergedAt: null }, { divergedAt: 812 }]);
 * console.log(runs.length, diverged); // 1 1
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
