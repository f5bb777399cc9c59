// The test tiers are named by file and folder, not listed: `deno task test:unit` runs every
// `*_test.ts` outside cli/, gpu/ and tools/ except `*_slow_test.ts`; `test:slow` runs cli/, tools/
// and the `*_slow_test.ts` files; `test:gpu` runs gpu/. A test file that starts subprocesses, asks
// for a GPU adapter or drives a browser is slow by nature: this test fails when one sits in the
// fast tier, naming it, so a new slow test does not join the fast tier unnoticed.
import { equal } from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const SKIP = new Set([".git", "node_modules", "build", "dist", "assembly"]);
const SLOW_FOLDERS = ["cli", "tools"], GPU_FOLDERS = ["gpu"];

function testFiles(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    if (SKIP.has(e.name) || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory) testFiles(p, out);
    else if (e.name.endsWith("_test.ts")) out.push(relative(ROOT, p));
  }
  return out.sort();
}

/** The tier of a test file, by its folder and name. */
function tier(path: string): "unit" | "slow" | "gpu" {
  const top = path.split("/")[0];
  if (GPU_FOLDERS.includes(top)) return "gpu";
  if (SLOW_FOLDERS.includes(top) || path.endsWith("_slow_test.ts")) return "slow";
  return "unit";
}

/** What makes a test slow by nature: a subprocess, a GPU adapter, a browser. */
const SLOW_SIGNS: [string, RegExp][] = [
  ["starts a subprocess (Deno.Command)", /\bDeno\.Command\b|\bDeno\.run\(/],
  ["asks for a GPU adapter", /\bnavigator\.gpu\b|requestAdapter\(/],
  ["drives a browser", /\bchromium\b|DevTools/i],
];

Deno.test("tiers: no test file of the fast tier starts a subprocess, asks for a GPU or drives a browser", () => {
  const bad: string[] = [];
  const self = relative(ROOT, new URL(import.meta.url).pathname);
  for (const f of testFiles(ROOT).filter((f) => tier(f) === "unit" && f !== self)) {
    const text = Deno.readTextFileSync(join(ROOT, f));
    for (const [what, re] of SLOW_SIGNS) {
      if (re.test(text)) bad.push(`${f} ${what}: name it *_slow_test.ts`);
    }
  }
  equal(bad.join("\n"), "");
});

Deno.test("tiers: deno.json's tasks select the tiers by these folders and names", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;
  const unit = tasks["test:unit"].command as string, slow = tasks["test:slow"].command as string;
  const gpu = tasks["test:gpu"].command as string;
  const ignore = /--ignore=(\S+)/.exec(unit)?.[1].split(",").sort();
  // a command-line --ignore replaces deno.json's "exclude": the build outputs are named again
  const excluded = (JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).exclude as string[])
    .map((e) => e.replace(/\/$/, ""));
  equal(
    JSON.stringify(ignore),
    JSON.stringify([...SLOW_FOLDERS, ...GPU_FOLDERS, "**/*_slow_test.ts", ...excluded].sort()),
    `test:unit: ${unit}`,
  );
  for (const arg of [...SLOW_FOLDERS, "**/*_slow_test.ts"]) {
    equal(slow.split(" ").includes(arg), true, `test:slow lacks ${arg}: ${slow}`);
  }
  for (const arg of GPU_FOLDERS) equal(gpu.split(" ").includes(arg), true, `test:gpu: ${gpu}`);
  const counts = { unit: 0, slow: 0, gpu: 0 };
  for (const f of testFiles(ROOT)) counts[tier(f)]++;
  equal(counts.unit > 0 && counts.slow > 0 && counts.gpu > 0, true, JSON.stringify(counts));
});
