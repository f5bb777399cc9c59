/**
 * PCA of an embedding as scikit-learn's `PCA` computes it: centre the columns, SVD (ml-matrix),
 * signs fixed by `svd_flip` (the largest |entry| of each left singular vector positive).
 *
 * @module
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { AnalysisError } from "./fourier.ts";

/** Singular values (descending), components (rows, each of length d) and the projections. */
export interface Pca {
  /** Singular values of the centred embedding, descending. */
  singularValues: Float64Array;
  /** Variance explained by each component (as sklearn's `explained_variance_`). */
  explainedVariance: Float64Array;
  /** (n_components, d) row-major. */
  components: Float64Array;
  /** (p, n_components) row-major: the centred embedding in component coordinates. */
  scores: Float64Array;
  /** Components kept. */
  nComponents: number;
}

/**
 * PCA of a (p, d) embedding.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { pca } from "./pca.ts";
 * const r = pca(Float64Array.from([1, 0, -1, 0, 0, 2, 0, -2]), 4, 2);
 * assertEquals(Array.from(r.singularValues).map((v) => v.toFixed(3)), ["2.828", "1.414"]);
 * ```
 */
export function pca(E: ArrayLike<number>, p: number, d: number, nComponents?: number): Pca {
  if (E.length !== p * d) {
    throw new AnalysisError(`embedding has ${E.length} values where ${p * d} are needed`);
  }
  const k = nComponents ?? Math.min(p, d);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(p, d)) {
    throw new AnalysisError(`components ${k}: allowed are 1..${Math.min(p, d)}`);
  }
  const X = new Matrix(p, d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < p; i++) m += E[i * d + j];
    m /= p;
    for (let i = 0; i < p; i++) X.set(i, j, E[i * d + j] - m);
  }
  const svd = new SingularValueDecomposition(X, { autoTranspose: true });
  const U = svd.leftSingularVectors, V = svd.rightSingularVectors, s = svd.diagonal;
  const order = s.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map((x) => x[1]);
  const singularValues = new Float64Array(k), explainedVariance = new Float64Array(k);
  const components = new Float64Array(k * d), scores = new Float64Array(p * k);
  for (let c = 0; c < k; c++) {
    const j = order[c];
    // svd_flip: the entry of largest magnitude in U's column is made positive
    let big = 0, sign = 1;
    for (let i = 0; i < p; i++) {
      if (Math.abs(U.get(i, j)) > big) {
        [big, sign] = [Math.abs(U.get(i, j)), Math.sign(U.get(i, j))];
      }
    }
    singularValues[c] = s[j];
    explainedVariance[c] = (s[j] * s[j]) / (p - 1);
    for (let i = 0; i < d; i++) components[c * d + i] = sign * V.get(i, j);
    for (let i = 0; i < p; i++) scores[i * k + c] = sign * U.get(i, j) * s[j];
  }
  return { singularValues, explainedVariance, components, scores, nComponents: k };
}
