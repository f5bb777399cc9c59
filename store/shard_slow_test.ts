import { deepEqual, equal } from "node:assert/strict";
import { figureShards } from "../experiments/shards.ts";
import { figureById } from "../paper/figures.ts";
import { ResultsStore } from "./store.ts";
import { REPRODUCE, REPRODUCE_PERMS as PERMS, runScript } from "../tests/helpers.ts";

const MERGE = new URL("../cli/merge.ts", import.meta.url).pathname;

Deno.test("shards of a sweep, merged, equal the unsharded store exactly; Slurm variables pick the shard", async () => {
  const dir = await Deno.makeTempDir();
  const run = async (args: string[], env?: Record<string, string>) => {
    const saved = Object.fromEntries(Object.keys(env ?? {}).map((k) => [k, Deno.env.get(k)]));
    for (const [k, v] of Object.entries(env ?? {})) Deno.env.set(k, v);
    try {
      const r = await runScript(REPRODUCE, args, PERMS);
      equal(r.code, 0, r.stderr);
      return r;
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
      }
    }
  };
  await run([
    "fig9",
    "--scale",
    "tiny",
    "--shard",
    "0/2",
    "--store",
    `${dir}/s0.sqlite`,
    "--out",
    dir,
  ]);
  // the second shard through Slurm's job-array variables (array 1..2: task 2 of 2 → shard 1/2)
  await run(["fig9", "--scale", "tiny", "--store", `${dir}/s1.sqlite`, "--out", dir], {
    SLURM_ARRAY_TASK_ID: "2",
    SLURM_ARRAY_TASK_COUNT: "2",
    SLURM_ARRAY_TASK_MIN: "1",
  });
  await run(["fig9", "--scale", "tiny", "--store", `${dir}/whole.sqlite`, "--out", `${dir}/whole`]);
  const m = await runScript(MERGE, [
    `${dir}/merged.sqlite`,
    `${dir}/s0.sqlite`,
    `${dir}/s1.sqlite`,
  ]);
  equal(m.code, 0, m.stderr);
  const [s0, s1, merged, whole] = await Promise.all(
    ["s0", "s1", "merged", "whole"].map((n) => ResultsStore.open(`${dir}/${n}.sqlite`)),
  );
  equal(s0.count() + s1.count(), whole.count(), "the shards partition the trials");
  // as experiments/shards.ts splits them (the rule `cluster` checks each shard store against)
  const shares = await figureShards(figureById("fig9")!, {
    scale: "tiny",
    backend: whole.get(whole.keys()[0])!.backend, // what auto chose here
    untilDecided: false,
    count: 2,
  });
  for (const [i, s] of [s0, s1].entries()) {
    deepEqual(s.keys().sort(), shares[i].map((x) => x.key).sort(), `shard ${i}'s trials`);
  }
  equal(s0.count() > 0 && s1.count() > 0, true, "both shards have trials");
  equal(await merged.digest(), await whole.digest(), "merged shards = unsharded run");
  // merging again adds nothing
  equal(merged.mergeFrom(s0), 0);
  for (const s of [s0, s1, merged, whole]) s.close();
  // and the merged store reproduces the figure without training
  const r = await run([
    "fig9",
    "--scale",
    "tiny",
    "--store",
    `${dir}/merged.sqlite`,
    "--out",
    `${dir}/from_merged`,
  ]);
  equal(r.stdout.includes("(0 run now)"), true, r.stdout);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("shards trained on a named backend are stored under it: reproduce on that backend reruns nothing", async () => {
  const dir = await Deno.makeTempDir();
  const common = ["fig9", "--scale", "tiny", "--backend", "ref", "--out", dir];
  for (const i of [0, 1]) {
    const r = await runScript(
      REPRODUCE,
      [...common, "--shard", `${i}/2`, "--store", `${dir}/s${i}.sqlite`],
      PERMS,
    );
    equal(r.code, 0, r.stderr);
  }
  const m = await runScript(MERGE, [`${dir}/all.sqlite`, `${dir}/s0.sqlite`, `${dir}/s1.sqlite`]);
  equal(m.code, 0, m.stderr);
  const all = await ResultsStore.open(`${dir}/all.sqlite`, { readOnly: true });
  const backends = new Set(all.keys().map((k) => all.get(k)!.backend));
  all.close();
  equal([...backends].join(), "ref", "every stored trial was trained by the backend named");
  const r = await runScript(REPRODUCE, [...common, "--store", `${dir}/all.sqlite`], PERMS);
  equal(r.code === 0 || r.code === 1, true, r.stderr);
  equal(r.stdout.includes("(0 run now)"), true, r.stdout);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: a bad input leaves OUT as it was; the bundle-free CLI names the input", async () => {
  const dir = await Deno.makeTempDir();
  const good = await ResultsStore.open(`${dir}/good.sqlite`);
  good.put({ key: "k1", request: { p: 3 }, backend: "asm", summary: {} }, {
    signals: { dtype: "<f8", shape: [1], data: Float64Array.from([1]) },
  });
  good.close();
  await Deno.writeTextFile(`${dir}/bad.sqlite`, "not a database at all, just text");
  const before = await Deno.readFile(`${dir}/good.sqlite`);
  // OUT exists with one trial; merging a bad input must not touch it
  const r = await runScript(MERGE, [`${dir}/good.sqlite`, `${dir}/bad.sqlite`]);
  equal(r.code, 2, r.stderr);
  equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  equal(r.stderr.includes("bad.sqlite"), true, r.stderr);
  equal(
    (await Deno.readFile(`${dir}/good.sqlite`)).every((b, i) => b === before[i]),
    true,
    "OUT changed",
  );
  // a new OUT with a bad input: not created at all
  const n = await runScript(MERGE, [
    `${dir}/new.sqlite`,
    `${dir}/good.sqlite`,
    `${dir}/bad.sqlite`,
  ]);
  equal(n.code, 2, n.stderr);
  // (SQLite's -wal/-shm companions of the stores read are not merge output)
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => !/-(wal|shm)$/.test(n))
    .sort();
  equal(left.join(), "bad.sqlite,good.sqlite", `left behind: ${left}`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("reproduce: a damaged or read-only store is one line and exit 2, before any training", async () => {
  const dir = await Deno.makeTempDir();
  const store = `${dir}/store.sqlite`;
  const first = await runScript(
    REPRODUCE,
    ["fig9", "--scale", "tiny", "--store", store, "--out", dir],
    PERMS,
  );
  equal(first.code, 0, first.stderr);
  // damage one stored array: the figure must not be computed from it
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(store);
  const row = db.prepare("SELECT key, npy FROM arrays WHERE name = 'signals' LIMIT 1").get() as {
    key: string;
    npy: Uint8Array;
  };
  const bytes = Uint8Array.from(row.npy);
  bytes[bytes.length - 1] ^= 1;
  db.prepare("UPDATE arrays SET npy = ? WHERE key = ? AND name = 'signals'").run(bytes, row.key);
  db.close();
  const r = await runScript(
    REPRODUCE,
    ["fig9", "--scale", "tiny", "--backend", "asm", "--store", store, "--out", `${dir}/again`],
    PERMS,
  );
  equal(r.code, 2, r.stderr);
  const line = r.stderr.trim().split("\n").filter((l) => !l.startsWith("fig9 (tiny)")).join("\n");
  equal(line.split("\n").length, 1, r.stderr);
  for (const part of [store, row.key, "damaged"]) {
    equal(line.includes(part), true, `"${line}" does not name ${part}`);
  }
  // a store in a folder this user cannot write: refused before training
  const ro = `${dir}/ro`;
  await Deno.mkdir(ro);
  await Deno.copyFile(store, `${ro}/store.sqlite`);
  await Deno.chmod(`${ro}/store.sqlite`, 0o444);
  await Deno.chmod(ro, 0o555);
  const w = await runScript(
    REPRODUCE,
    [
      "fig9",
      "--scale",
      "tiny",
      "--backend",
      "asm",
      "--fresh",
      "--store",
      `${ro}/store.sqlite`,
      "--out",
      `${dir}/o`,
    ],
    PERMS,
    { unprivileged: true },
  );
  equal(w.code, 2, w.stderr);
  equal(w.stderr.trim().split("\n").length, 1, w.stderr);
  equal(w.stderr.includes("cannot be written"), true, w.stderr);
  await Deno.chmod(ro, 0o755);
  await Deno.remove(dir, { recursive: true });
});
