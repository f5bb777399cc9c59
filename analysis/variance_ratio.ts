/**
 * The F test of two variances: residual variances of two independent samples of residuals (each
 * from a fit with `lost` parameters), their ratio F = s²_a / s²_b with (n_a − lost, n_b − lost)
 * degrees of freedom, and its two-sided p-value 2·min(P(F' ≤ F), P(F' ≥ F)) (normal residuals).
 *
 * @module
 */
import jstat from "jstat";
import { AnalysisError } from "./fourier.ts";

// deno-lint-ignore no-explicit-any
const J = jstat as any;

/**
 * Two-sided F test of var(a) = var(b) from residuals (sums of squares over n − `lost`).
 *
 * @example
 * ```ts
 * import { varianceRatio } from "./variance_ratio.ts";
 * const t = varianceRatio([2, -2, 1, -1, 3, -3], [1, -1, 0.5, -0.5, 1, -1], 0);
 * // F = (28/6) / (4.5/6) = 6.22 on (6, 6): 2·scipy.stats.f.sf(28/4.5, 6, 6) = 0.042675
 * if (Math.abs(t.f - 28 / 4.5) > 1e-12 || Math.abs(t.p - 0.0426748) > 1e-6) throw new Error(JSON.stringify(t));
 * ```
 */
export function varianceRatio(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  lost = 2,
): { f: number; dfA: number; dfB: number; p: number } {
  const dfA = a.length - lost, dfB = b.length - lost;
  if (dfA < 1 || dfB < 1) {
    throw new AnalysisError(`${a.length} and ${b.length} residuals: more than ${lost} each needed`);
  }
  const ss = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v * v, 0);
  const f = (ss(a) / dfA) / (ss(b) / dfB);
  if (!Number.isFinite(f)) return { f, dfA, dfB, p: NaN };
  const cdf = J.centralF.cdf(f, dfA, dfB);
  return { f, dfA, dfB, p: Math.min(1, 2 * Math.min(cdf, 1 - cdf)) };
}
