import { deepEqual, equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ResultsStore, StoreError } from "./store.ts";
import { isCompact } from "./codec.ts";
import { loadResult } from "./requests.ts";
import { trainMissing } from "../experiments/resolve.ts";
import { makeConfig } from "../protocol/config.ts";
import { mergeStores } from "../experiments/merge_stores.ts";
import { assertThrows } from "../tests/helpers.ts";

const reqs = [0, 1, 2].map((seed) => ({ config: makeConfig({ p: 13, d: 6, steps: 300, seed }) }));

async function trained(path: string, opts: { compact?: boolean } = {}): Promise<string[]> {
  const store = await ResultsStore.open(path, opts);
  try {
    return await trainMissing(reqs, { store, workers: 1 });
  } finally {
    store.close();
  }
}

const blobs = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare("SELECT name, npy FROM arrays").all() as {
      name: string;
      npy: Uint8Array;
    }[]);
  } finally {
    db.close();
  }
};

Deno.test("a compact store holds what a plain one does: same records, same digest, smaller arrays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const keys = await trained(`${dir}/plain.sqlite`);
    await trained(`${dir}/compact.sqlite`, { compact: true });
    const plain = await ResultsStore.open(`${dir}/plain.sqlite`, { readOnly: true });
    const compact = await ResultsStore.open(`${dir}/compact.sqlite`, { readOnly: true });
    try {
      equal(plain.compact, false);
      equal(compact.compact, true);
      equal(await compact.digest(), await plain.digest(), "digests of the .npy bytes agree");
      for (const key of keys) {
        const [a, b] = [loadResult(plain, key), loadResult(compact, key)];
        deepEqual(b.signals, a.signals, `${key}: signals`);
        deepEqual(b.trainLoss, a.trainLoss, `${key}: train loss`);
        deepEqual(b.finalParams, a.finalParams, `${key}: final parameters`);
      }
    } finally {
      plain.close();
      compact.close();
    }
    const [p, c] = [blobs(`${dir}/plain.sqlite`), blobs(`${dir}/compact.sqlite`)];
    equal(c.every((a) => isCompact(a.npy)), true, "every array of the compact store is compact");
    const size = (rows: { name: string; npy: Uint8Array }[], name: string) =>
      rows.filter((r) => r.name === name).reduce((s, r) => s + r.npy.length, 0);
    const ratio = size(p, "signals") / size(c, "signals");
    console.log(`signals of 3 trials (300 steps, p = 13): ${ratio.toFixed(2)}× smaller`);
    if (ratio < 2) throw new Error(`signals only ${ratio.toFixed(2)}× smaller`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a damaged compact array is a one-line StoreError naming the store, trial and array", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.sqlite`;
    const [key] = await trained(path, { compact: true });
    const db = new DatabaseSync(path);
    const row = db.prepare("SELECT npy FROM arrays WHERE key = ? AND name = 'signals'").get(
      key,
    ) as {
      npy: Uint8Array;
    };
    for (const at of [row.npy.length - 5, Math.floor(row.npy.length / 2), 6]) {
      const bad = Uint8Array.from(row.npy);
      bad[at] ^= 0x21;
      db.prepare("UPDATE arrays SET npy = ? WHERE key = ? AND name = 'signals'").run(bad, key);
      const store = await ResultsStore.open(path, { readOnly: true });
      try {
        const e = assertThrows(() => store.array(key, "signals"), StoreError, `byte ${at} flipped`);
        for (const part of [path, key, "signals", "damaged"]) {
          equal(e.message.includes(part), true, `"${e.message}" does not name ${part}`);
        }
        equal(e.message.includes("\n"), false);
      } finally {
        store.close();
      }
    }
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merge --compact rewrites a plain store compactly with its digest unchanged; a compact OUT stays compact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await trained(`${dir}/a.sqlite`);
    const a = await ResultsStore.open(`${dir}/a.sqlite`, { readOnly: true });
    const digest = await a.digest();
    a.close();
    await mergeStores(`${dir}/out.sqlite`, [`${dir}/a.sqlite`], { compact: true });
    const out = await ResultsStore.open(`${dir}/out.sqlite`, { readOnly: true });
    equal(out.compact, true);
    equal(await out.digest(), digest);
    out.close();
    // a plain OUT made compact in place, and a later plain input merged into a compact OUT
    await Deno.copyFile(`${dir}/a.sqlite`, `${dir}/b.sqlite`);
    await mergeStores(`${dir}/b.sqlite`, [`${dir}/out.sqlite`], { compact: true });
    await trained(`${dir}/more.sqlite`);
    await mergeStores(`${dir}/out.sqlite`, [`${dir}/more.sqlite`]);
    for (const name of ["b.sqlite", "out.sqlite"]) {
      const s = await ResultsStore.open(`${dir}/${name}`, { readOnly: true });
      equal(s.compact, true, `${name} is compact`);
      equal(await s.digest(), digest, `${name}: the same trials`);
      s.close();
      equal(blobs(`${dir}/${name}`).every((r) => isCompact(r.npy)), true, `${name}: all compact`);
    }
    const sizes = await Promise.all(
      ["a.sqlite", "b.sqlite"].map(async (n) => (await Deno.stat(`${dir}/${n}`)).size),
    );
    console.log(`store file: ${sizes[0]} bytes plain, ${sizes[1]} compact`);
    if (sizes[1] >= sizes[0]) throw new Error(`compact file ${sizes[1]} ≥ plain ${sizes[0]}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
