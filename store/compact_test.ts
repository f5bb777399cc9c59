import { deepEqual, equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ResultsStore, StoreError } from "./store.ts";
import { isCompact } from "./codec.ts";
import { loadResult } from "./requests.ts";
import { trainMissing } from "../experiments/resolve.ts";
import { makeConfig } from "../protocol/config.ts";
import { mergeStores } from "../experiments/merge_stores.ts";
import { referenceBackend } from "../backends/reference.ts";
import { assertThrows } from "../tests/helpers.ts";

const reqs = [0, 1, 2].map((seed) => ({ config: makeConfig({ p: 13, d: 6, steps: 300, seed }) }));
const refReq = { config: makeConfig({ p: 7, d: 3, steps: 40, seed: 4 }) };

/** The asm trials of `reqs` and one float64 reference trial, trained into the store at `path`. */
async function trained(path: string, opts: { compact?: boolean } = {}): Promise<string[]> {
  const store = await ResultsStore.open(path, opts);
  try {
    const keys = await trainMissing(reqs, { store, workers: 1 });
    await trainMissing([refReq], { store, workers: 1, backend: referenceBackend });
    return keys;
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

Deno.test("a compact store holds a float32 trainer's records as float32 values and a float64 trial's whole, in smaller arrays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const keys = await trained(`${dir}/plain.sqlite`);
    await trained(`${dir}/compact.sqlite`, { compact: true });
    const plain = await ResultsStore.open(`${dir}/plain.sqlite`, { readOnly: true });
    const compact = await ResultsStore.open(`${dir}/compact.sqlite`, { readOnly: true });
    try {
      equal(plain.compact, false);
      equal(compact.compact, true);
      let rounded = 0;
      for (const key of keys) {
        const [a, b] = [loadResult(plain, key), loadResult(compact, key)];
        for (
          const [what, x, y] of [
            ["signals", a.signals, b.signals],
            ["train loss", a.trainLoss, b.trainLoss],
            ["final parameters", a.finalParams, b.finalParams],
          ] as const
        ) {
          const bad = x.findIndex((v, i) => Math.fround(v) !== y[i]);
          if (bad >= 0) {
            throw new Error(`${key} ${what}[${bad}]: ${y[bad]} is not fround(${x[bad]})`);
          }
          rounded += x.filter((v, i) => v !== y[i]).length;
        }
        equal(
          await compact.contentDigest(key),
          await plain.contentDigest(key, { compactForm: true }),
          `${key}: the plain trial in compact form is the compact one`,
        );
      }
      if (rounded === 0) throw new Error("no float64 record was rounded: the test shows nothing");
      const [refKey] = compact.keys().filter((k) => compact.get(k)!.backend === "ref");
      equal(compact.get(refKey)!.summary.precision, "f64");
      deepEqual(loadResult(compact, refKey).signals, loadResult(plain, refKey).signals);
      equal(await compact.contentDigest(refKey), await plain.contentDigest(refKey), "ref: whole");
    } finally {
      plain.close();
      compact.close();
    }
    const [p, c] = [blobs(`${dir}/plain.sqlite`), blobs(`${dir}/compact.sqlite`)];
    equal(c.every((a) => isCompact(a.npy)), true, "every array of the compact store is compact");
    const size = (rows: { name: string; npy: Uint8Array }[], name: string) =>
      rows.filter((r) => r.name === name).reduce((s, r) => s + r.npy.length, 0);
    const ratio = size(p, "signals") / size(c, "signals");
    console.log(`signals of 4 trials (p = 13, 300 steps; p = 7, 40): ${ratio.toFixed(2)}× smaller`);
    if (ratio < 4) throw new Error(`signals only ${ratio.toFixed(2)}× smaller`);
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

Deno.test("merge --compact gives what training into a compact store gives; a compact OUT stays compact and still refuses another content under one key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await trained(`${dir}/a.sqlite`);
    await trained(`${dir}/direct.sqlite`, { compact: true });
    const digestOf = async (name: string) => {
      const s = await ResultsStore.open(`${dir}/${name}`, { readOnly: true });
      try {
        return { compact: s.compact, digest: await s.digest(), n: s.count() };
      } finally {
        s.close();
      }
    };
    const direct = await digestOf("direct.sqlite");
    await mergeStores(`${dir}/out.sqlite`, [`${dir}/a.sqlite`], { compact: true });
    deepEqual(await digestOf("out.sqlite"), direct, "merged compactly = trained compactly");
    // a plain OUT made compact in place; the plain store merged again into the compact OUT
    await Deno.copyFile(`${dir}/a.sqlite`, `${dir}/b.sqlite`);
    await mergeStores(`${dir}/b.sqlite`, [`${dir}/out.sqlite`], { compact: true });
    const added = await mergeStores(`${dir}/out.sqlite`, [`${dir}/a.sqlite`]);
    deepEqual(added.added, [0], "the same trials in plain form are the same trials");
    for (const name of ["b.sqlite", "out.sqlite"]) {
      deepEqual(await digestOf(name), direct, `${name}: compact, the same trials`);
      equal(blobs(`${dir}/${name}`).every((r) => isCompact(r.npy)), true, `${name}: all compact`);
    }
    const sizes = await Promise.all(
      ["a.sqlite", "b.sqlite"].map(async (n) => (await Deno.stat(`${dir}/${n}`)).size),
    );
    console.log(`store file: ${sizes[0]} bytes plain, ${sizes[1]} compact`);
    if (sizes[1] >= sizes[0]) throw new Error(`compact file ${sizes[1]} ≥ plain ${sizes[0]}`);
    // another content under a key the compact OUT holds: refused, OUT unchanged
    await Deno.copyFile(`${dir}/a.sqlite`, `${dir}/other.sqlite`);
    const db = new DatabaseSync(`${dir}/other.sqlite`);
    const row = db.prepare("SELECT key, npy FROM arrays WHERE name = 'train_loss' LIMIT 1")
      .get() as {
        key: string;
        npy: Uint8Array;
      };
    const { decodeNpy, encodeNpy } = await import("./npy.ts");
    const { digestBytes } = await import("./store.ts");
    const a = decodeNpy(row.npy);
    a.data[3] += 0.25;
    const bytes = encodeNpy(a);
    db.prepare("UPDATE arrays SET npy = ?, sha256 = ? WHERE key = ? AND name = 'train_loss'")
      .run(bytes, digestBytes(bytes), row.key);
    db.close();
    const before = await Deno.readFile(`${dir}/out.sqlite`);
    let refused = "";
    try {
      await mergeStores(`${dir}/out.sqlite`, [`${dir}/other.sqlite`]);
    } catch (e) {
      refused = (e as Error).message;
    }
    equal(refused.includes("different contents") && refused.includes(row.key), true, refused);
    deepEqual(await Deno.readFile(`${dir}/out.sqlite`), before, "OUT unchanged");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
