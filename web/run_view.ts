/**
 * What the explorer's panels draw: a run's rows (the update of each logged row, losses,
 * accuracies, signals) as they arrive from the worker or as a loaded run holds them, and the
 * embeddings known at some steps (init, the recorded snapshots, the latest live one, the final).
 *
 * @module
 */
import { fourierNorms } from "../analysis/fourier.ts";
import type { TrialRecords } from "../train/trainer.ts";
import type { RowsDelta } from "./explorer_worker.ts";

/** A growable float64 list. */
class Floats {
  data = new Float64Array(256);
  length = 0;
  push(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const next = new Float64Array(Math.max(2 * this.data.length, this.length + values.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }
  get view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** An embedding (p, d) after `step` updates. */
export interface EmbeddingAt {
  step: number;
  E: Float64Array;
}

/**
 * A run's rows and embeddings, as the panels read them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { RunView } from "./run_view.ts";
 * const view = new RunView(5, 2, 100, new Float64Array(10)); // p = 5, d = 2, 100 steps, E0 = 0
 * assertEquals([view.rows, view.signalsRow(0).length], [0, 5]);
 * ```
 */
export class RunView {
  readonly p: number;
  readonly d: number;
  /** The steps the run is configured for (the x axis's end). */
  readonly total: number;
  readonly #steps = new Floats();
  readonly #trainLoss = new Floats();
  readonly #testLoss = new Floats();
  readonly #trainAcc = new Floats();
  readonly #testAcc = new Floats();
  readonly #signals = new Floats();
  readonly #gradSignals = new Floats();
  /** Embeddings known at some steps, ascending. */
  readonly embeddings: EmbeddingAt[] = [];

  /** A view starting at init: row 0 holds the initial embedding's signals. */
  constructor(p: number, d: number, total: number, E0: Float64Array) {
    this.p = p;
    this.d = d;
    this.total = total;
    this.#steps.push([0]);
    this.#signals.push(fourierNorms(E0, p, d));
    this.embeddings.push({ step: 0, E: E0 });
  }

  /** Rows after init. */
  get rows(): number {
    return this.#steps.length - 1;
  }
  /** Row i's update (row 0: init, 0). */
  get steps(): Float64Array {
    return this.#steps.view;
  }
  /** Per row 1..rows (index i − 1). */
  get trainLoss(): Float64Array {
    return this.#trainLoss.view;
  }
  get testLoss(): Float64Array {
    return this.#testLoss.view;
  }
  get trainAcc(): Float64Array {
    return this.#trainAcc.view;
  }
  get testAcc(): Float64Array {
    return this.#testAcc.view;
  }
  /** (rows + 1, p). */
  get signals(): Float64Array {
    return this.#signals.view;
  }
  /** (rows, p) when the run records them, else empty. */
  get gradSignals(): Float64Array {
    return this.#gradSignals.view;
  }
  /** The signals of row i (0: init). */
  signalsRow(i: number): Float64Array {
    return this.signals.subarray(i * this.p, (i + 1) * this.p);
  }

  /** Append rows from the worker. */
  append(delta: RowsDelta): void {
    this.#steps.push(delta.steps);
    this.#trainLoss.push(delta.trainLoss);
    this.#testLoss.push(delta.testLoss);
    this.#trainAcc.push(delta.trainAcc);
    this.#testAcc.push(delta.testAcc);
    this.#signals.push(delta.signals);
    if (delta.gradSignals) this.#gradSignals.push(delta.gradSignals);
  }

  /** Record the embedding after `step` updates, in step order; a live run (`keepAll` false)
   * keeps init and the latest only. */
  setEmbedding(step: number, E: Float64Array, keepAll = false): void {
    if (!keepAll) this.embeddings.splice(1);
    const i = this.embeddings.findIndex((e) => e.step >= step);
    if (i < 0) this.embeddings.push({ step, E });
    else if (this.embeddings[i].step === step) this.embeddings[i] = { step, E };
    else this.embeddings.splice(i, 0, { step, E });
  }

  /** The latest known embedding at or before `step`. */
  embeddingAt(step: number): EmbeddingAt {
    let best = this.embeddings[0];
    for (const e of this.embeddings) if (e.step <= step) best = e;
    return best;
  }

  /** The last row whose update is at most `step`. */
  rowAt(step: number): number {
    const s = this.steps;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The view of a finished or loaded run: every row, and every embedding it recorded (init, the
   * `embeddings` records, the parameter snapshots, the final one).
   *
   * @example
   * ```ts
   * import { assertEquals } from "../tests/assert.ts";
   * import { RunView } from "./run_view.ts";
   * import { tinyRun } from "../tests/example_runs.ts";
   * const { config, records } = await tinyRun();
   * const view = RunView.fromRecords(records, config.steps);
   * assertEquals([view.rows, view.signalsRow(2)], [2, records.signals.subarray(2 * 5, 3 * 5)]);
   * ```
   */
  static fromRecords(rec: TrialRecords, total: number): RunView {
    const { p, d } = rec;
    const pd = p * d;
    const v = new RunView(p, d, Math.max(total, rec.steps), rec.initParams.slice(0, pd));
    const n = rec.trainLoss.length;
    v.append({
      steps: rec.loggedAt ?? Int32Array.from({ length: n }, (_, i) => i + 1),
      trainLoss: rec.trainLoss,
      testLoss: rec.testLoss,
      trainAcc: rec.trainAcc,
      testAcc: rec.testAcc,
      signals: rec.signals.subarray(p, (n + 1) * p),
      gradSignals: rec.gradSignals,
    });
    if (rec.embeddings) {
      for (let i = 1; i < rec.embeddings.length / pd; i++) {
        v.setEmbedding(i, rec.embeddings.slice(i * pd, (i + 1) * pd), true);
      }
    }
    if (rec.paramSnapshots) {
      const size = rec.initParams.length;
      rec.paramSnapshots.steps.forEach((s, i) => {
        if (s > 0) v.setEmbedding(s, rec.paramSnapshots!.data.slice(i * size, i * size + pd), true);
      });
    }
    if (rec.finalParams.length) v.setEmbedding(rec.steps, rec.finalParams.slice(0, pd), true);
    return v;
  }
}
