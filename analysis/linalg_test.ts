import { expm, matrixRank } from "./linalg.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

const F = (a: string) => fixture("analysis_p59_d128_seed1", a);
const m = 29;

Deno.test("matrixRank equals numpy's matrix_rank: the reference Lasso matrix is singular", async () => {
  // numpy: matrix_rank(lasso_coef) = 16 (12 zero columns; inv raises "Singular matrix")
  const rank = matrixRank(await F("lasso_coef"), m);
  if (rank !== 16) throw new Error(`rank ${rank}, numpy 16`);
  // a random Gaussian matrix has full rank; a copied row takes one away
  const A = Float64Array.from({ length: 36 }, (_, i) => Math.sin(7.3 * i * i + 1));
  if (matrixRank(A, 6) !== 6) throw new Error(`rank ${matrixRank(A, 6)} of a generic 6×6`);
  A.set(A.subarray(0, 6), 30);
  if (matrixRank(A, 6) !== 5) throw new Error(`rank ${matrixRank(A, 6)} with a copied row`);
});

Deno.test("expm: e^0 = I, e^{diag} = diag(e^λ), e^{A}e^{−A} = I", () => {
  assertClose(expm(new Float64Array(9), 3), [1, 0, 0, 0, 1, 0, 0, 0, 1], { atol: 0 }, "e^0");
  assertClose(
    expm([2, 0, 0, -30], 2),
    [Math.exp(2), 0, 0, Math.exp(-30)],
    { rtol: 1e-14 },
    "e^diag",
  );
  const A = [0.3, 12, -4, 0.1], B = expm(A, 2), Bi = expm(A.map((v) => -v), 2);
  const P = [
    B[0] * Bi[0] + B[1] * Bi[2],
    B[0] * Bi[1] + B[1] * Bi[3],
    B[2] * Bi[0] + B[3] * Bi[2],
    B[2] * Bi[1] + B[3] * Bi[3],
  ];
  assertClose(P, [1, 0, 0, 1], { atol: 1e-12 }, "e^A e^-A");
});
