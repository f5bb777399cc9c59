import { equal } from "node:assert/strict";
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
