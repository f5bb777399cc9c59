import { deepEqual, equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { figureShards, shardKeys } from "./shards.ts";

const fig9 = figureById("fig9")!;

Deno.test("shards: every trial in exactly one shard, shards differ by at most one trial, the backend in every key", async () => {
  const all = (await shardKeys([fig9], {
    scale: "tiny",
    backend: "asm",
    untilDecided: false,
    count: 1,
  }))[0];
  for (const n of [1, 2, 3]) {
    const shares = await shardKeys([fig9], {
      scale: "tiny",
      backend: "asm",
      untilDecided: false,
      count: n,
    });
    const flat = shares.flat();
    equal(flat.length, all.length, `n=${n}: every trial once`);
    deepEqual([...flat].sort(), [...all].sort(), `n=${n}: the same trials`);
    equal(
      Math.max(...shares.map((s) => s.length)) - Math.min(...shares.map((s) => s.length)) <= 1,
      true,
    );
    // dealt in key order: shard 0's first, shard 1's first, ..., shard 0's second, ... is sorted
    const dealt = all.map((_, r) => shares[r % n][Math.floor(r / n)]);
    deepEqual(dealt, [...all].sort(), `n=${n}: dealt in sorted key order`);
  }
  // a different backend is a different set of keys
  const ref = await shardKeys([fig9], {
    scale: "tiny",
    backend: "ref",
    untilDecided: false,
    count: 1,
  });
  equal(ref[0].some((k) => all.includes(k)), false, "backend is part of every key");
});

Deno.test("shards: every figure's shard i of `all`, each key once", async () => {
  const figs = ["fig2", "fig3", "fig13"].map((id) => figureById(id)!);
  const opts = { scale: "tiny" as const, backend: "asm", untilDecided: false, count: 2 };
  const keys = await shardKeys(figs, opts);
  for (const [i, k] of keys.entries()) {
    const expected = new Set<string>();
    for (const f of figs) for (const { key } of (await figureShards(f, opts))[i]) expected.add(key);
    deepEqual([...k].sort(), [...expected].sort(), `shard ${i}`);
    equal(new Set(k).size, k.length, `shard ${i}: a key twice`);
  }
});
