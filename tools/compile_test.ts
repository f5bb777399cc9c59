import { equal } from "node:assert/strict";
import { buildBundle } from "./compile.ts";

Deno.test("the single-file bundle trains on Workers and reproduces a figure outside the source tree", async () => {
  const dir = await Deno.makeTempDir();
  const bundle = await buildBundle(`${dir}/dist`);
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", bundle, ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
  const t = await run([
    "trials",
    "--p",
    "11",
    "--dim",
    "6",
    "--steps",
    "20",
    "--seeds",
    "0..2",
    "--workers",
    "2",
  ]);
  equal(t.code, 0, new TextDecoder().decode(t.stderr));
  equal(new TextDecoder().decode(t.stdout).includes("3 trials"), true);
  const r = await run(["reproduce", "fig13", "--scale", "tiny", "--out", `${dir}/out`]);
  equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const png = await Deno.readFile(`${dir}/out/fig13/grad_signals.png`);
  equal(png[1] === 0x50 && png[2] === 0x4e, true, "a PNG panel");
  // the cluster workflow with the bundle alone: shards, merge, reproduce from the merged store
  for (const i of [0, 1]) {
    const sh = await run([
      "reproduce",
      "fig13",
      "--scale",
      "tiny",
      "--shard",
      `${i}/2`,
      "--store",
      `${dir}/s${i}.sqlite`,
    ]);
    equal(sh.code, 0, new TextDecoder().decode(sh.stderr));
  }
  const m = await run(["merge", `${dir}/all.sqlite`, `${dir}/s0.sqlite`, `${dir}/s1.sqlite`]);
  equal(m.code, 0, new TextDecoder().decode(m.stderr));
  const again = await run([
    "reproduce",
    "fig13",
    "--scale",
    "tiny",
    "--store",
    `${dir}/all.sqlite`,
    "--out",
    `${dir}/merged`,
  ]);
  equal(new TextDecoder().decode(again.stdout).includes("(0 run now)"), true);
  const bad = await run(["nonsense"]);
  equal(bad.code, 2);
  await Deno.remove(dir, { recursive: true });
});
