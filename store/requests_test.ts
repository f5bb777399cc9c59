import { equal, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { keyRequest, loadResult, missingRequests, type TrialRequest } from "./requests.ts";
import { resolveTrials, trainMissing } from "../experiments/resolve.ts";
import { canonicalJson, ResultsStore, sha256, StoreError } from "./store.ts";
import { checkTrial } from "./trial_check.ts";
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import { makeConfig } from "../protocol/config.ts";
import { assertClose } from "../tests/helpers.ts";

Deno.test("a trial stored lean keeps its log as float32 and no parameters", async () => {
  const store = await ResultsStore.open(":memory:");
  const config = makeConfig({ p: 11, d: 8, steps: 250, seed: 4 });
  const [full, lean] = await resolveTrials([
    { config, records: { logEvery: 100 } },
    { config, records: { logEvery: 100, lean: true } },
  ], { store, workers: 1 });
  equal(full.key === lean.key, false, "lean is part of the key");
  assertClose(lean.signals, full.signals.map(Math.fround), { atol: 0 }, "signals as float32");
  assertClose(lean.trainLoss, full.trainLoss.map(Math.fround), { atol: 0 }, "train loss");
  equal(Array.from(lean.loggedAt).join(), "100,200,250");
  equal(lean.finalParams.length, 0);
  throws(() => lean.finalEmbedding(), /stored lean/);
  equal(full.finalEmbedding().length, 11 * 8);
  store.close();
});

// Keys computed at the commit before the store checked trials whole (91eb19e, training version
// "4"), for requests that were valid then: a key must never change for such a request, or every
// stored trial (the committed study store, users' stores) would stop serving it.
const KEYS_AT_V4: [string, TrialRequest, string][] = [
  [
    "plain",
    { config: makeConfig() },
    "9b9a9990acc58447e0b1896ffa8a00f95cfbf2ef7efc78da1b41792a6dec8c79",
  ],
  [
    "fix-mlp with embeddings",
    {
      config: makeConfig({ p: 59, d: 128, mode: "fix-mlp", initSeed: 0, seed: 10, steps: 1000 }),
      records: { embeddingsUntil: 1000 },
    },
    "6c8e2601e5bc7421c8f4f460c469cea691ef14d0a06e6052d9b6bde292194e79",
  ],
  [
    "sweep trial with the verdict",
    {
      config: makeConfig({ p: 31, d: 64, wd: 0.3, seed: 2000 }),
      records: { logEvery: 100, logFirst: 4, untilDecided: { ...DEFAULT_EARLY_STOP } },
    },
    "077b3e03930d1f5c78f148f8add5513d412bb1dfb0f9209f24b190b77773bfc8",
  ],
  [
    "sgd, width, fraction",
    {
      config: makeConfig({
        p: 23,
        d: 32,
        optimizer: "sgd",
        lr: 0.5,
        wd: 0.001,
        hidden: 64,
        trainFraction: 0.6,
      }),
    },
    "3f8c2d866fb7d23e9ab69e1324191d17efe2a5c50061fef0c9da43e09a96951c",
  ],
  [
    "lean",
    { config: makeConfig({ p: 43, seed: 2010 }), records: { lean: true, logEvery: 100 } },
    "c71122676a1780ef45858d81083ef5267e5f3aab0b3904f607fdfb107052b484",
  ],
  [
    "embedding spec",
    {
      config: makeConfig({ p: 59, d: 128, seed: 3, mode: "fix-embedding", initSeed: 2 }),
      embedding: { kind: "scale", ks: [25], factor: 0.9 },
    },
    "e27d13453f57ec7cd2cb7ef437ade601a1fd9abaaa2eb2ab87bc2400026f53dd",
  ],
];

const keyAt = (request: unknown, backend: string, version: string) =>
  sha256(canonicalJson({ request, backend, version }));

Deno.test("store keys: a plain request's key is the one it had before (training version 4)", async () => {
  for (const [what, req, key] of KEYS_AT_V4) {
    equal(await keyAt(keyRequest(req), "asm", "4"), key, what);
  }
});

Deno.test("store keys: every trial of the committed study store is found by its request, whole", async () => {
  const path = new URL("../studies/verdict.sqlite", import.meta.url).pathname;
  const store = await ResultsStore.open(path, { readOnly: true });
  const keys = store.keys();
  equal(keys.length, 60, "the study's 60 runs");
  for (const key of keys) {
    const t = store.get(key)!;
    equal(await keyAt(keyRequest(t.request as TrialRequest), t.backend, t.version), key);
    checkTrial(store, key);
  }
  store.close();
});

Deno.test("a stored trial that lost an array, or whose summary is not JSON, is one line naming the store and trial", async () => {
  const tmp = await Deno.makeTempDir();
  const path = `${tmp}/s.sqlite`;
  const store = await ResultsStore.open(path);
  const req: TrialRequest = { config: makeConfig({ p: 7, d: 4, steps: 30, seed: 1 }) };
  const [key] = await trainMissing([req], { store, workers: 1 });
  equal(loadResult(store, key).stepsDone, 30, "whole: it loads");
  store.close();
  const damage = async (sql: string, words: string[]) => {
    await Deno.copyFile(path, `${tmp}/d.sqlite`);
    const db = new DatabaseSync(`${tmp}/d.sqlite`);
    db.exec(sql);
    db.close();
    const s = await ResultsStore.open(`${tmp}/d.sqlite`);
    const attempts: (() => unknown)[] = [
      () => loadResult(s, key),
      () => missingRequests([req], s, "asm"),
    ];
    for (const f of attempts) {
      const e = await Promise.resolve().then(f).then(() => undefined, (e) => e);
      equal(e instanceof StoreError, true, `${sql}: ${e}`);
      for (const w of [`${tmp}/d.sqlite`, key, ...words]) {
        equal(e.message.includes(w), true, `"${e.message}" lacks "${w}"`);
      }
      equal(e.message.includes("\n"), false);
    }
    s.close();
  };
  await damage(`DELETE FROM arrays WHERE name = 'signals'`, ["has no signals array"]);
  await damage(`UPDATE trials SET summary = '{"circles": [1,'`, ["summary is not valid JSON"]);
  await damage(
    `UPDATE arrays SET name = 'x' WHERE name = 'test_acc'`,
    ["has no test_acc array"],
  );
  await Deno.remove(tmp, { recursive: true });
});
