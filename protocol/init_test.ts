import { deepEqual as assertEquals } from "node:assert/strict";
import { initialTrial } from "./init.ts";
import { paramLayout } from "./layout.ts";
import { assertClose, fixture, TRAINING_FIXTURES } from "../tests/helpers.ts";

for (const { name, config } of TRAINING_FIXTURES) {
  Deno.test(`init and split equal the authors' draws: ${name}`, async () => {
    const init = initialTrial(config);
    const L = paramLayout(config.p, config.d, config.hidden);
    const ref = await fixture(name, "init_params");
    assertEquals(init.params.length, ref.length);
    // The split (numpy's legacy permutation) is exact, in drawing order.
    assertEquals(Array.from(init.trainIds), Array.from(await fixture(name, "train_ids")));
    // The MLP (uniform draws through an FMA, as ATen's x86-64 build computes them) is bit-exact.
    const mlpFrom = L.w0[0];
    assertClose(init.params.subarray(mlpFrom), ref.subarray(mlpFrom), { atol: 0 }, "MLP init");
    // The embedding (Box–Muller through libm's log/cos/sin) differs from glibc by at most 1 ulp
    // in a few entries: values below 8 have an ulp of at most 8.9e-16.
    const emb = init.params.subarray(0, mlpFrom), refEmb = ref.subarray(0, mlpFrom);
    assertClose(emb, refEmb, { atol: 1e-15 }, "embedding init");
    let inexact = 0;
    for (let i = 0; i < emb.length; i++) if (emb[i] !== refEmb[i]) inexact++;
    // ~0.2 % of entries on average: 0.5 %, and one entry in a small embedding
    if (inexact > Math.max(1, 0.005 * emb.length)) {
      throw new Error(
        `embedding: ${inexact}/${emb.length} entries not bit-exact (allowed max(1, 0.5%))`,
      );
    }
  });
}
