// The committed paper-scale store against this machine: Figs. 16 and 15's trials (four runs of
// 1 000 steps at the paper's protocol) trained again here must equal the stored ones bit for bit —
// every array's digest in the compact form the store keeps. It catches a change of the asm
// core's f32 arithmetic that did not bump TRAINING_VERSION (store/store.ts), which would mix two
// arithmetics in one store, and a CPU or engine on which WebAssembly (relaxed SIMD's fused
// multiply-add included) rounds differently from the machines that filled the store.
import { fileURLToPath } from "node:url";
import { equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { figureRequests } from "../paper/figure.ts";
import { requestKey } from "../store/requests.ts";
import { ResultsStore, TRAINING_VERSION } from "../store/store.ts";
import { trainMissing } from "../experiments/resolve.ts";

const PAPER_STORE = fileURLToPath(new URL("../studies/paper.sqlite", import.meta.url));
const FIGURES = ["fig16", "fig15"];

const requests = FIGURES.flatMap((id) => figureRequests(figureById(id)!, "paper"));
const committed = await ResultsStore.open(PAPER_STORE, { readOnly: true });
const keys = await Promise.all(requests.map((r) => requestKey(r, "asm")));
const held = keys.filter((k) => committed.has(k)).length;
committed.close();
if (held < keys.length) {
  console.warn(
    `paper store: ${held} of ${keys.length} of Figs. 16 and 15's trials at training version ${TRAINING_VERSION}; ` +
      `the committed store is of another version (studies/README.md): not compared`,
  );
}

Deno.test({
  name:
    "paper store: Figs. 16 and 15's trials trained here equal the committed ones bit for bit (every array's digest)",
  ignore: held < keys.length,
  async fn() {
    const store = await ResultsStore.open(PAPER_STORE, { readOnly: true });
    const fresh = await ResultsStore.open(":memory:", { compact: true });
    try {
      const trained = await trainMissing(requests, { store: fresh, workers: 2 });
      equal(trained.join(), keys.join());
      for (const key of keys) {
        const names = fresh.arrayNames(key);
        equal(names.join(), store.arrayNames(key).join(), `trial ${key}: arrays`);
        if ((await fresh.contentDigest(key)) === (await store.contentDigest(key))) continue;
        // which arrays differ, and by how much
        const diffs = names.map((name) => {
          const a = fresh.array(key, name)!.data, b = store.array(key, name)!.data;
          let max = 0;
          for (let i = 0; i < Math.min(a.length, b.length); i++) {
            max = Math.max(max, Math.abs(Number(a[i]) - Number(b[i])));
          }
          return `${name}: ${
            a.length === b.length ? `max |Δ| ${max}` : `${a.length} vs ${b.length} values`
          }`;
        });
        throw new Error(`trial ${key} differs from the committed one: ${diffs.join("; ")}`);
      }
    } finally {
      fresh.close();
      store.close();
    }
  },
});
