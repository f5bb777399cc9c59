import { pca } from "./pca.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

Deno.test("PCA equals scikit-learn's (singular values; components up to svd_flip's sign)", async () => {
  const E = (await fixture("p59_d128_seed1", "init_params")).subarray(0, 59 * 128);
  const r = pca(E, 59, 128);
  const sv = await fixture("extra_sklearn", "pca_seed1_singular_values");
  // the last one is 0 up to rounding (59 centred rows have rank 58)
  assertClose(r.singularValues, sv, { rtol: 1e-10, atol: 1e-10 }, "singular values");
  const comps = await fixture("extra_sklearn", "pca_seed1_components");
  // sklearn 1.2 flips signs by U's largest entry, as here; compare the first 10 components
  assertClose(r.components.subarray(0, 10 * 128), comps, { atol: 1e-9 }, "components");
});

Deno.test("PCA of two circles finds their planes: 4 nonzero singular values, in pairs", () => {
  const p = 11, d = 6, E = new Float64Array(p * d);
  for (let n = 0; n < p; n++) {
    E[n * d] = 5 * Math.cos((2 * Math.PI * 2 * n) / p);
    E[n * d + 1] = 5 * Math.sin((2 * Math.PI * 2 * n) / p);
    E[n * d + 3] = 2 * Math.cos((2 * Math.PI * 3 * n) / p);
    E[n * d + 4] = 2 * Math.sin((2 * Math.PI * 3 * n) / p);
  }
  const s = pca(E, p, d).singularValues;
  // a circle of radius r over p points has singular values r·√(p/2), twice
  const a = 5 * Math.sqrt(p / 2), b = 2 * Math.sqrt(p / 2);
  assertClose(s, [a, a, b, b, 0, 0], { atol: 1e-9 }, "singular values");
});
