import { equal } from "node:assert/strict";
import { join } from "node:path";
import { REPRODUCE_PERMS, runScript } from "../tests/helpers.ts";
import { ResultsStore } from "../store/store.ts";
import { requestKey } from "../store/requests.ts";
import { figureById } from "../paper/figures.ts";
import { figureRequests } from "../paper/figure.ts";
import { makeConfig } from "../protocol/config.ts";
import { trainMissing } from "../experiments/resolve.ts";

const PUBLISH = new URL("./publish.ts", import.meta.url).pathname;

Deno.test("publish --prune: the trials no figure of the study reads are left out of the store, the report unchanged", async () => {
  const tmp = await Deno.makeTempDir();
  const path = join(tmp, "study.sqlite");
  const store = await ResultsStore.open(path);
  const study = figureRequests(figureById("fig16")!, "tiny");
  const stray = { config: makeConfig({ p: 5, d: 2, steps: 3, seed: 7 }) };
  await trainMissing([...study, stray], { store, workers: 1 });
  const keys = await Promise.all(study.map((r) => requestKey(r, "asm")));
  const strayKey = await requestKey(stray, "asm");
  equal(store.count(), keys.length + 1);
  store.close();

  const args = (out: string) => ["--store", path, "--out", join(tmp, out), "--scale", "tiny"];
  const first = await runScript(PUBLISH, [...args("a"), "--prune"], REPRODUCE_PERMS);
  equal(first.code, 0, first.stderr);
  equal(
    first.stdout.includes(`1 of ${keys.length + 1} trials no figure of the study reads left out`),
    true,
    first.stdout,
  );
  const after = await ResultsStore.open(path, { readOnly: true });
  equal(after.has(strayKey), false, "the stray trial is still there");
  equal(keys.every((k) => after.has(k)), true, "a study trial was left out");
  equal(after.compact, true);
  after.close();

  const second = await runScript(PUBLISH, [...args("b"), "--prune"], REPRODUCE_PERMS);
  equal(second.code, 0, second.stderr);
  equal(second.stdout.includes("nothing pruned"), true, second.stdout);
  const claims = (out: string) => Deno.readTextFile(join(tmp, out, "claims.md"));
  equal(await claims("b"), await claims("a"), "the report changed with the pruning");
  await Deno.remove(tmp, { recursive: true });
});
