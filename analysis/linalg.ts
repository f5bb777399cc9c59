/**
 * Dense linear algebra on row-major (m, m) `Float64Array`s: products, solves, the matrix
 * exponential (scaling and squaring with a degree-13 Padé approximant, Higham 2005), numpy's
 * `matrix_rank`, and numpy's `linspace`.
 *
 * @module
 */
import { Matrix, QrDecomposition, SingularValueDecomposition } from "ml-matrix";
import { AnalysisError } from "./fourier.ts";

function matmul(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const a = A[i * m + k];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j] += a * B[k * m + j];
    }
  }
  return C;
}

function solve(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const Am = new Matrix(m, m), Bm = new Matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      Am.set(i, j, A[i * m + j]);
      Bm.set(i, j, B[i * m + j]);
    }
  }
  const X = new QrDecomposition(Am).solve(Bm);
  return Float64Array.from(X.to1DArray());
}

// Padé(13) coefficients of Higham (2005), "The scaling and squaring method for the matrix
// exponential revisited", with θ13 = 5.371920351148152.
const PADE13 = [
  64764752532480000,
  32382376266240000,
  7771770303897600,
  1187353796428800,
  129060195264000,
  10559470521600,
  670442572800,
  33522128640,
  1323241920,
  40840800,
  960960,
  16380,
  182,
  1,
];

const THETA13 = 5.371920351148152;

/**
 * The matrix exponential e^M of an (m, m) matrix by scaling and squaring with a degree-13 Padé
 * approximant (Higham 2005).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { expm } from "./linalg.ts";
 * assertAlmostEquals(expm(Float64Array.from([1]), 1)[0], 2.718281828459, 5e-13);
 * ```
 */
export function expm(M: ArrayLike<number>, m: number): Float64Array {
  let norm1 = 0;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.abs(M[i * m + j]);
    norm1 = Math.max(norm1, s);
  }
  const s = norm1 > THETA13 ? Math.max(0, Math.ceil(Math.log2(norm1 / THETA13))) : 0;
  const A = Float64Array.from(M, (v) => v / 2 ** s);
  const I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = 1;
  const A2 = matmul(A, A, m), A4 = matmul(A2, A2, m), A6 = matmul(A4, A2, m);
  const b = PADE13;
  const lin = (cs: number[], Ms: Float64Array[]) => {
    const out = new Float64Array(m * m);
    cs.forEach((c, k) => {
      for (let i = 0; i < out.length; i++) out[i] += c * Ms[k][i];
    });
    return out;
  };
  const W1 = lin([b[13], b[11], b[9]], [A6, A4, A2]);
  const W2 = lin([b[7], b[5], b[3], b[1]], [A6, A4, A2, I]);
  const Uo = matmul(A, add(matmul(A6, W1, m), W2), m);
  const Z1 = lin([b[12], b[10], b[8]], [A6, A4, A2]);
  const Z2 = lin([b[6], b[4], b[2], b[0]], [A6, A4, A2, I]);
  const V = add(matmul(A6, Z1, m), Z2);
  // U = A·(A6·(b13·A6 + b11·A4 + b9·A2) + b7·A6 + b5·A4 + b3·A2 + b1·I), V likewise with the even
  // coefficients; R = (V − U)⁻¹ (V + U)
  let R = solve(sub(V, Uo), add(V, Uo), m);
  for (let k = 0; k < s; k++) R = matmul(R, R, m);
  return R;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v - b[i]);
}

/**
 * numpy's `matrix_rank` of an (m, m) row-major matrix: singular values above
 * σ_max · m · ε. A rank below m is what "not naturally invertible" (Sec. 4.2) means: numpy's
 * `inv` refuses the matrix.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { matrixRank } from "./linalg.ts";
 * assertEquals(matrixRank(Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 0]), 3), 2);
 * ```
 */
export function matrixRank(M: ArrayLike<number>, m: number): number {
  if (M.length !== m * m) {
    throw new AnalysisError(`matrix of ${M.length} values: ${m}×${m} = ${m * m} are needed`);
  }
  const rows = Array.from(
    { length: m },
    (_, i) => Array.from({ length: m }, (_, j) => M[i * m + j]),
  );
  return new SingularValueDecomposition(new Matrix(rows), { autoTranspose: true }).rank;
}

/** numpy's linspace(start, stop, num). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return out;
}
