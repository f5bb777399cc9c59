/**
 * The analysis of one run directory (the `train --out` format, equal to the reference
 * fixtures') or of a single (p, d) embedding: surviving circles, signals, circularity at init,
 * and the linear-ODE fits of Section 4. Used by `deno task analyze`.
 *
 * @module
 */
import { join } from "node:path";
import { expectShape, NpyError, readNpy } from "../store/npy.ts";
import { paramLayout } from "../protocol/layout.ts";
import {
  AnalysisError,
  fourierNorms,
  survivingCircles,
  survivorsAbove,
} from "../analysis/fourier.ts";
import { circularities } from "../analysis/circularity.ts";
import { odeAnalysis } from "../analysis/ode_fits.ts";

/** What `analyze` reports. */
export interface AnalysisReport {
  /** The run directory or `.npy` file analysed. */
  source: string;
  /** The modulus. */
  p: number;
  /** The embedding dimension. */
  d: number;
  /** Surviving circles of the final (or only) embedding, docs/SPEC.md's code rule. */
  circles: number[];
  /** Frequencies with final signal > 10 (Fig. 7's rule). */
  survivorsAbove10: number[];
  /** Final signals of k = 0..p−1. */
  signals: number[];
  /** Circularity of k = 1..⌊(p−1)/2⌋ of the initial (or only) embedding. */
  circularity: { values: number[]; mean: number; max: number };
  /** The ODE fits, when a signal trajectory of ≥ 3 rows is there. */
  ode?: {
    steps: number;
    frequencies: number[];
    lasso: { alpha: number; score: number; nonzero: number; notConverged: number };
    lasso0: { score: number; notConverged: number };
    ols: { score: number | null; error?: string };
    holdout?: { lasso: number; lasso0: number; ols: number | null };
  };
}

/** Options of {@linkcode analyzeRun}. */
export interface AnalyzeOptions {
  /** Steps of the trajectory the ODE is fitted on (1000, the paper's). */
  odeSteps?: number;
  /** Lasso α (0.01). */
  alpha?: number;
  /** Also score on an 80/20 split (the text's), sklearn's train_test_split(random_state=0). */
  holdout?: boolean;
}

function mean(a: number[]) {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

function embeddingReport(
  source: string,
  E0: Float64Array,
  Efinal: Float64Array,
  p: number,
  d: number,
) {
  const s = fourierNorms(Efinal, p, d);
  const circ = Array.from(circularities(E0, p, d));
  const finiteCirc = circ.filter(Number.isFinite);
  return {
    source,
    p,
    d,
    circles: survivingCircles(s),
    survivorsAbove10: survivorsAbove(s, 10),
    signals: Array.from(s),
    circularity: {
      values: circ,
      mean: finiteCirc.length ? mean(finiteCirc) : NaN,
      max: finiteCirc.length ? Math.max(...finiteCirc) : NaN,
    },
  };
}

/**
 * Analyse a single (p, d) embedding `.npy`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { analyzeEmbedding } from "./run_analysis.ts";
 * import { writeNpy } from "../store/npy.ts";
 * // 7 tokens on one circle of frequency 2, as np.save("embedding.npy", E) would write them
 * const E = Float64Array.from({ length: 14 }, (_, i) => (i % 2 ? Math.sin : Math.cos)(4 * Math.PI * Math.floor(i / 2) / 7));
 * const dir = await Deno.makeTempDir();
 * await writeNpy(`${dir}/embedding.npy`, { dtype: "<f8", shape: [7, 2], data: E });
 * const r = await analyzeEmbedding(`${dir}/embedding.npy`);
 * assertEquals([r.p, r.d, r.circles], [7, 2, [2]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function analyzeEmbedding(path: string): Promise<AnalysisReport> {
  const arr = await readNpy(path);
  if (arr.shape.length !== 2) {
    throw new NpyError(
      `${path}: shape ${JSON.stringify(arr.shape)} where an embedding (p, d) is needed`,
    );
  }
  const [p, d] = arr.shape;
  if (p < 3 || d < 1) {
    throw new AnalysisError(
      `${path}: embedding of shape (${p}, ${d}); p >= 3 and d >= 1 are needed`,
    );
  }
  const E = Float64Array.from(arr.data);
  return embeddingReport(path, E, E, p, d);
}

/**
 * Analyse a run directory: signals.npy (steps+1, p), init_params.npy and final_params.npy.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { analyzeRun } from "./run_analysis.ts";
 * // the authors' 1 000-step run of seed 1 (a run directory as `train --out` writes one)
 * const dir = new URL("../tests/fixtures/extra_run1000_p59_d128_seed1", import.meta.url).pathname;
 * const r = await analyzeRun(dir, { odeSteps: 50 }); // the paper fits 1 000 steps (the default)
 * assertEquals([...r.circles].sort((a, b) => a - b), [1, 16, 19, 26, 28]); // as numpy finds them
 * assert(r.ode !== undefined && r.ode.steps === 50, `ode: ${JSON.stringify(r.ode)}`);
 * ```
 */
export async function analyzeRun(dir: string, opts: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const { odeSteps = 1000, alpha = 0.01, holdout = false } = opts;
  const sigArr = await readNpy(join(dir, "signals.npy"));
  if (sigArr.shape.length !== 2 || sigArr.shape[0] < 1) {
    throw new NpyError(
      `${join(dir, "signals.npy")}: shape ${
        JSON.stringify(sigArr.shape)
      } where (steps+1, p) is needed`,
    );
  }
  const [rows, p] = sigArr.shape;
  if (p < 3) throw new AnalysisError(`${dir}: p ${p} from signals.npy; allowed is p >= 3`);
  const init = await readNpy(join(dir, "init_params.npy"));
  const total = init.shape[0] ?? 0;
  let d = 0;
  for (let dd = 1; dd <= 65536 && !d; dd++) if (paramLayout(p, dd).total === total) d = dd;
  if (!d) {
    throw new NpyError(
      `${join(dir, "init_params.npy")}: ${total} parameters fit no d for p = ${p} (hidden 100)`,
    );
  }
  const fin = await readNpy(join(dir, "final_params.npy"));
  expectShape(fin, [total], join(dir, "final_params.npy"));
  const signals = Float64Array.from(sigArr.data);
  for (let i = 0; i < signals.length; i++) {
    if (!Number.isFinite(signals[i])) {
      throw new AnalysisError(`${dir}/signals.npy: value ${i} is ${signals[i]}`);
    }
  }
  const report: AnalysisReport = embeddingReport(
    dir,
    Float64Array.from(init.data).subarray(0, p * d),
    Float64Array.from(fin.data).subarray(0, p * d),
    p,
    d,
  );
  if (rows >= 3) {
    // the one Section 4 analysis (analysis/ode_fits.ts), as the figures use it
    const a = odeAnalysis({ signals, config: { p } }, {
      steps: odeSteps,
      alpha,
      trajectories: false,
    });
    report.ode = {
      steps: a.n,
      frequencies: a.ks,
      lasso: {
        alpha,
        score: a.lassoScore,
        nonzero: a.nonzero,
        notConverged: a.lassoFit.notConverged!.length,
      },
      lasso0: { score: a.lasso0Score, notConverged: a.lasso0Fit.notConverged!.length },
      ols: a.olsFit
        ? { score: a.olsScore }
        : { score: null, error: "the signals are rank-deficient: no unique least-squares fit" },
    };
    if (holdout && a.n >= 10) {
      report.ode.holdout = {
        lasso: a.holdout.lasso,
        lasso0: a.holdout.lasso0,
        ols: Number.isNaN(a.holdout.ols) ? null : a.holdout.ols,
      };
    }
  }
  return report;
}
