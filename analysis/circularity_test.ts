import fc from "fast-check";
import { circularities, circularity } from "./circularity.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

Deno.test("circularity at init equals the authors' appendix-B code (seed 1, k = 1..29)", async () => {
  const E = (await fixture("p59_d128_seed1", "init_params")).subarray(0, 59 * 128);
  const ref = await fixture("analysis_p59_d128_seed1", "init_circularity");
  assertClose(circularities(E, 59, 128), ref, { atol: 1e-12 }, "circularity");
});

Deno.test("a perfect circle of frequency k scores 1, in any plane (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(5, 7, 11, 13, 23),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 2, max: 6 }),
      fc.double({ min: 0, max: 6.28, noNaN: true }),
      (p, kk, d, phase) => {
        const k = 1 + (kk % (p - 1));
        const E = new Float64Array(p * d);
        for (let n = 0; n < p; n++) {
          E[n * d] = 3 * Math.cos((2 * Math.PI * k * n) / p + phase);
          E[n * d + d - 1] = 3 * Math.sin((2 * Math.PI * k * n) / p + phase);
        }
        const c = circularity(E, p, d, k);
        if (Math.abs(c - 1) > 1e-9) throw new Error(`p=${p} k=${k}: circularity ${c}`);
      },
    ),
  );
});
