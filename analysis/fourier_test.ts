import fc from "fast-check";
import { deepEqual } from "node:assert/strict";
import { fourierNorms, survivingCircles } from "./fourier.ts";
import { assertClose, fixture, TRAINING_FIXTURES } from "../tests/helpers.ts";

Deno.test("signals of the fixtures' initial embeddings equal numpy's fft norms", async () => {
  for (const { name, config } of TRAINING_FIXTURES) {
    const E = (await fixture(name, "init_params")).subarray(0, config.p * config.d);
    const ref = (await fixture(name, "signals")).subarray(0, config.p);
    // direct DFT vs numpy's FFT, both float64: rounding only (~1e-13 on signals of ~80)
    assertClose(fourierNorms(E, config.p, config.d), ref, { rtol: 1e-12 }, `${name} row 0`);
  }
});

Deno.test("signals of a real embedding are conjugate-symmetric: s_k = s_(p−k)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 40 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer(),
      (p, d, seed) => {
        let s = seed >>> 0 || 1;
        const E = Float64Array.from(
          { length: p * d },
          () => ((s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647) - 0.5,
        );
        const sig = fourierNorms(E, p, d);
        for (let k = 1; k < p; k++) {
          if (Math.abs(sig[k] - sig[p - k]) > 1e-12 * (1 + sig[k])) {
            throw new Error(
              `p=${p}: s_${k} = ${sig[k]}, s_${p - k} = ${sig[p - k]}`,
            );
          }
        }
      },
    ),
  );
});

Deno.test("surviving circles follow the code's rule (threshold 2·mean, pairs by rank)", () => {
  // k = 2/5 and 1/6 stand far above the mean; the rest are small
  deepEqual(survivingCircles([0.1, 50, 80, 1, 1, 1, 1, 1, 1, 80, 50]), [2, 1]);
  // only the 80s exceed 2·mean here: one circle
  deepEqual(survivingCircles([0.1, 50, 80, 1, 1, 80, 50]), [2]);
  // nothing above 2·mean: no circle
  deepEqual(survivingCircles([1, 1, 1, 1, 1]), []);
});
