import { equal } from "node:assert/strict";
import { runScript } from "../tests/helpers.ts";

const TRIALS = new URL("./trials.ts", import.meta.url).pathname;
const small = ["--p", "7", "--dim", "4", "--steps", "30", "--workers", "1", "--backend", "asm"];

Deno.test("trials --out resumes only the same sweep; another configuration is refused", async () => {
  const tmp = await Deno.makeTempDir();
  const out = `${tmp}/sweep`;
  const first = await runScript(TRIALS, [...small, "--seeds", "0..1", "--out", out]);
  equal(first.code, 0, first.stderr);
  // the same sweep, more seeds: the two done are skipped
  const more = await runScript(TRIALS, [...small, "--seeds", "0..2", "--out", out]);
  equal(more.code, 0, more.stderr);
  equal(more.stderr.includes("2 of 3 already"), true, more.stderr);
  equal(more.stdout.includes("seed 2:"), true, more.stdout);
  equal(more.stdout.includes("seed 0:"), false, "a finished seed must not rerun");
  // another weight decay into the same folder: refused before anything runs
  const other = await runScript(TRIALS, [...small, "--wd", "1", "--seeds", "0..3", "--out", out]);
  equal(other.code, 2, other.stderr);
  const lines = other.stderr.trim().split("\n");
  equal(lines.length, 1, other.stderr);
  equal(lines[0].includes("another configuration"), true, lines[0]);
  let seed3 = true;
  try {
    await Deno.stat(`${out}/seed-3`);
  } catch {
    seed3 = false;
  }
  equal(seed3, false, "nothing of the other sweep was written");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("trials: progress reaches a non-terminal stderr as full lines", async () => {
  const r = await runScript(
    TRIALS,
    ["--p", "11", "--dim", "8", "--steps", "4000", "--workers", "1", "--seeds", "0..1"],
    undefined,
    { env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" } },
  );
  equal(r.code, 0, r.stderr);
  const lines = r.stderr.split("\n").filter((l) =>
    /^trials: trials \d+\/2, [\d.]+% of steps/.test(l)
  );
  equal(lines.length >= 2, true, `progress lines: ${JSON.stringify(r.stderr)}`);
  equal(r.stderr.includes("\r"), false, "no carriage returns in a log");
});

Deno.test("trials: bad input is one line, exit 2, nothing written", async () => {
  const tmp = await Deno.makeTempDir();
  const cases: [string[], string][] = [
    [["--seeds", "3..1"], "run backwards"],
    [["--seeds", "0..2", "--seeds", "4"], "--seeds: given twice"],
    [["--seeds", "0..1", "--init-params", "x.npy"], "init-params"],
    [["--seeds", "0..1", "--workers", "0"], "workers 0"],
    [["--seeds", "0..1", "--backend", "cuda"], 'backend "cuda"'],
    [["--p", "9"], "seeds: missing"],
  ];
  for (const [args, mention] of cases) {
    const r = await runScript(TRIALS, [...args, "--out", `${tmp}/out`]);
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, r.stderr);
    equal(lines[0].includes(mention), true, `"${lines[0]}" does not name ${mention}`);
  }
  equal([...Deno.readDirSync(tmp)].length, 0, "nothing written");
  await Deno.remove(tmp, { recursive: true });
});
