import { equal } from "node:assert/strict";
import { REPRODUCE, REPRODUCE_PERMS as PERMS, runScript } from "../tests/helpers.ts";

Deno.test("reproduce: bad input is one line, exit 2, nothing written", async () => {
  const tmp = await Deno.makeTempDir();
  const cases: [string[], string][] = [
    [["fig99"], 'figure "fig99"'],
    [["fig9", "--scale", "huge"], 'scale "huge"'],
    [[], "0 figures"],
    [["fig9", "--workers", "0"], "workers 0"],
    [["fig9", "--backend", "cuda"], 'backend "cuda"'],
  ];
  for (const [args, mention] of cases) {
    const r = await runScript(REPRODUCE, [...args, "--out", `${tmp}/out`], PERMS);
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, r.stderr);
    equal(lines[0].includes(mention), true, `"${lines[0]}" does not name ${mention}`);
  }
  let wrote = true;
  try {
    await Deno.stat(`${tmp}/out`);
  } catch {
    wrote = false;
  }
  equal(wrote, false, "bad input must write nothing");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("reproduce all --scale tiny writes index.html with every figure", async () => {
  const tmp = await Deno.makeTempDir();
  const r = await runScript(REPRODUCE, ["all", "--scale", "tiny", "--out", tmp], PERMS);
  // tiny scale decides no claim that can fail → exit 0
  equal(r.code, 0, r.stderr);
  const html = await Deno.readTextFile(`${tmp}/index.html`);
  for (const id of ["fig2", "fig3", "fig8", "fig9", "fig13", "fig15", "fig16"]) {
    equal(html.includes(`id="${id}"`), true, `index.html lacks ${id}`);
  }
  await Deno.remove(tmp, { recursive: true });
});
