import { deepEqual, equal } from "node:assert/strict";
import { canonicalJson, ResultsStore, trialKey } from "./store.ts";

Deno.test("store: put, get, array round trip; equal requests share a key", async () => {
  const store = await ResultsStore.open(":memory:");
  const k1 = await trialKey({ p: 5, seed: 1, mode: "default" }, "asm");
  const k2 = await trialKey({ mode: "default", seed: 1, p: 5 }, "asm");
  equal(k1, k2);
  const k3 = await trialKey({ p: 5, seed: 1, mode: "default" }, "webgpu");
  equal(k1 === k3, false, "the backend is part of the key");
  equal(store.has(k1), false);
  store.put({ key: k1, request: { p: 5 }, backend: "asm", summary: { circles: [2] } }, {
    signals: { dtype: "<f8", shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) },
  });
  equal(store.has(k1), true);
  deepEqual(store.get(k1)!.summary, { circles: [2] });
  deepEqual(Array.from(store.array(k1, "signals")!.data), [1, 2, 3, 4, 5, 6]);
  equal(store.array(k1, "missing"), undefined);
  equal(store.count(), 1);
  store.close();
});

Deno.test("canonical JSON ignores key order and undefined members", () => {
  equal(
    canonicalJson({ b: 1, a: undefined, c: { z: 1, y: 2 } }),
    canonicalJson({ c: { y: 2, z: 1 }, b: 1 }),
  );
});
