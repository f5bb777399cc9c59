import { deepEqual, equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { canonicalJson, ResultsStore, StoreError, trialKey } from "./store.ts";
import { assertThrows } from "../tests/helpers.ts";

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

const arrays = {
  signals: { dtype: "<f8" as const, shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) },
  train_loss: { dtype: "<f8" as const, shape: [2], data: Float64Array.from([0.5, 0.25]) },
};

Deno.test("store: a damaged array is a one-line StoreError naming the store, trial and array", async () => {
  const tmp = await Deno.makeTempDir();
  const path = `${tmp}/s.sqlite`;
  const store = await ResultsStore.open(path);
  store.put({ key: "k1", request: { p: 3 }, backend: "asm", summary: {} }, arrays);
  store.close();
  // flip one byte of the stored signals, as a bad disk or a careless edit would
  const db = new DatabaseSync(path);
  const row = db.prepare("SELECT npy FROM arrays WHERE key = 'k1' AND name = 'signals'").get() as {
    npy: Uint8Array;
  };
  const bytes = Uint8Array.from(row.npy);
  bytes[bytes.length - 3] ^= 0x40;
  db.prepare("UPDATE arrays SET npy = ? WHERE key = 'k1' AND name = 'signals'").run(bytes);
  db.close();
  const again = await ResultsStore.open(path);
  deepEqual(Array.from(again.array("k1", "train_loss")!.data), [0.5, 0.25], "intact arrays read");
  const e = assertThrows(() => again.array("k1", "signals"), StoreError, "damaged array");
  for (const part of [path, "k1", "signals", "damaged"]) {
    equal(e.message.includes(part), true, `"${e.message}" does not name ${part}`);
  }
  equal(e.message.includes("\n"), false);
  // a merge does not carry the damage on
  const dst = await ResultsStore.open(`${tmp}/merged.sqlite`);
  assertThrows(() => dst.mergeFrom(again), StoreError, "merging a damaged store");
  equal(dst.count(), 0);
  dst.close();
  again.close();
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("store: structural damage and other files are one-line StoreErrors naming the file", async () => {
  const tmp = await Deno.makeTempDir();
  const path = `${tmp}/s.sqlite`;
  const store = await ResultsStore.open(path);
  store.put({ key: "k1", request: { p: 3 }, backend: "asm", summary: {} }, arrays);
  store.close();
  const bytes = await Deno.readFile(path);
  bytes.fill(0x5a, 0, 100); // the SQLite header
  await Deno.writeFile(path, bytes);
  const e = await assertRejects(() => ResultsStore.open(path), StoreError);
  equal(e.message.includes(path) && e.message.includes("not a results store"), true, e.message);
  await Deno.writeTextFile(`${tmp}/notes.txt`, "hello");
  const t = await assertRejects(() => ResultsStore.open(`${tmp}/notes.txt`), StoreError);
  equal(t.message.includes("notes.txt"), true, t.message);
  const d = await assertRejects(() => ResultsStore.open(tmp), StoreError);
  equal(d.message.includes("is not a file"), true, d.message);
  const missing = await assertRejects(
    () => ResultsStore.open(`${tmp}/none.sqlite`, { readOnly: true }),
    StoreError,
  );
  equal(missing.message.includes("does not exist"), true, missing.message);
  await Deno.remove(tmp, { recursive: true });
});

async function assertRejects<E extends Error>(
  f: () => Promise<unknown>,
  cls: new (...a: never[]) => E,
): Promise<E> {
  try {
    await f();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new Error(`threw ${e} where ${cls.name} was expected`);
  }
  throw new Error(`did not throw ${cls.name}`);
}
