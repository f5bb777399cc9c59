/**
 * The record layout, once for every backend: what one training step of one trial records and
 * where. A backend writes each step's record as `width` numbers — the kernels of the asm core,
 * the WGSL record kernel and the tfjs step all produce exactly this row — and the trainer
 * (train/trainer.ts) files the rows into a trial's records.
 *
 * Row of update t (t = 1..steps): losses and accuracies of the parameters *before* the update
 * (the authors' loop evaluates, then steps), the parameter norm and the Fourier signals of the
 * embedding *after* it, and on request the signals of the raw embedding gradient of the update.
 *
 * @module
 */

/** Offsets of a step record's fields and its width. */
export interface RecordLayout {
  /** Train loss, before the update. */
  trainLoss: 0;
  /** Test loss, before the update. */
  testLoss: 1;
  /** Train accuracy, before the update. */
  trainAcc: 2;
  /** Test accuracy, before the update. */
  testAcc: 3;
  /** L2 norm of all parameters, after the update. */
  paramNorm: 4;
  /** ‖F_k(E)‖ for k = 0..p−1, after the update. */
  signals: 5;
  /** ‖F_k(∂L/∂E)‖ for k = 0..p−1 of the update (weight decay excluded), or −1 when not recorded. */
  gradSignals: number;
  /** Numbers per record: 5 + p, or 5 + 2p with gradient signals. */
  width: number;
}

/**
 * The layout of a step record for modulus `p`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { recordLayout } from "./records.ts";
 * const L = recordLayout(59, true);
 * assertEquals([L.width, L.gradSignals], [123, 64]);
 * ```
 */
export function recordLayout(p: number, gradSignals: boolean): RecordLayout {
  return {
    trainLoss: 0,
    testLoss: 1,
    trainAcc: 2,
    testAcc: 3,
    paramNorm: 4,
    signals: 5,
    gradSignals: gradSignals ? 5 + p : -1,
    width: 5 + p * (gradSignals ? 2 : 1),
  };
}

/**
 * Is update `t` (1-based) of a `steps`-step run logged, when the first `first` updates, every
 * `every`-th one and the last are?
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { isLogged } from "./records.ts";
 * assertEquals([isLogged(250, 250, 100), isLogged(150, 250, 100), isLogged(3, 250, 100, 4)], [true, false, true]);
 * ```
 */
export function isLogged(t: number, steps: number, every: number, first = 0): boolean {
  return t <= first || t % every === 0 || t === steps;
}

/**
 * The updates a run of `steps` steps logs: the first `first`, every `every`-th one, and always the
 * last. With `every` = 1, all of them. Signals are also kept at step 0 (init).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { loggedSteps } from "./records.ts";
 * assertEquals(loggedSteps(250, 100, 2), [1, 2, 100, 200, 250]);
 * ```
 */
export function loggedSteps(steps: number, every: number, first = 0): number[] {
  const out: number[] = [];
  for (let t = 1; t <= Math.min(first, steps); t++) out.push(t);
  for (let t = every; t <= steps; t += every) if (t > first) out.push(t);
  if (steps > 0 && out[out.length - 1] !== steps) out.push(steps);
  return out;
}
