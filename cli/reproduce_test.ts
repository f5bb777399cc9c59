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
    [["fig9", "--plan", "--hours", "0"], "hours 0"],
    [["fig9", "--hours", "2"], "only with --plan"],
    [["fig9", "--scale", "tiny", "--scale", "quick"], "given twice"],
    [["verdict", "--until-decided"], "compares full runs"],
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

Deno.test("reproduce --plan trains nothing and counts what is stored and what must run", async () => {
  const tmp = await Deno.makeTempDir();
  const args = ["fig9", "--scale", "tiny", "--backend", "asm", "--out", tmp];
  const before = await runScript(REPRODUCE, [...args, "--plan", "--hours", "1"], PERMS);
  equal(before.code, 0, before.stderr);
  const m = /fig9\s+(\d+) trials to run \(0 of (\d+) stored\), ([\d ]+) trial-steps, ≈ /.exec(
    before.stdout,
  );
  equal(m !== null, true, before.stdout);
  equal(m![1], m![2], "nothing stored yet");
  equal(before.stdout.includes("Slurm array task"), true, before.stdout);
  const { ResultsStore } = await import("../store/store.ts");
  const s0 = await ResultsStore.open(`${tmp}/store.sqlite`, { readOnly: true });
  equal(s0.count(), 0, "--plan trained nothing");
  s0.close();
  const run = await runScript(REPRODUCE, args, PERMS);
  equal(run.code, 0, run.stderr);
  equal(/fig9 \(tiny\): \d+ trials to run \(0 of \d+ stored\)/.test(run.stderr), true, run.stderr);
  const after = await runScript(REPRODUCE, [...args, "--plan"], PERMS);
  equal(after.stdout.includes(`0 trials to run (${m![2]} of ${m![2]} stored)`), true, after.stdout);
  await Deno.remove(tmp, { recursive: true });
});
