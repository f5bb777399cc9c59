// The pipeline's folders import one way, and no two source files share a name.
//
//   rng ← analysis (pure math) ← protocol ← backends (core_asm, gpu) ← train ← store ← paper
//       ← experiments ← report ← cli ← main.ts / mod.ts
//
// A module may import from its own layer and the layers before it (and read deno.json, the
// project's metadata); backends/ (the contract, the registry, the float64 reference) never
// imports the backends that register with it (core_asm/, gpu/). Tests, benchmarks, tools and the
// web explorer stand outside the pipeline.
import { equal } from "node:assert/strict";
import { basename, dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** Rank of each pipeline folder; equal ranks may import each other except as noted. */
const RANK: Record<string, number> = {
  rng: 0,
  analysis: 1,
  protocol: 2,
  backends: 3,
  core_asm: 3,
  gpu: 3,
  train: 4,
  store: 5,
  paper: 6,
  experiments: 7,
  report: 8,
  cli: 9,
  ".": 10,
};
const OUTSIDE = new Set(["tests", "bench", "tools", "web"]);
const SKIP = new Set([".git", "node_modules", "build", "dist", "assembly"]);

function sources(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    if (SKIP.has(e.name) || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory) sources(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

function folderOf(path: string): string {
  const rel = relative(ROOT, path);
  return rel.includes("/") ? rel.split("/")[0] : ".";
}

/** Relative import specifiers of a module (static, re-exports, dynamic). */
function imports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:from\s*|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g;
  // skip JSDoc examples: only lines that are not comment lines
  const code = text.split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n");
  for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

Deno.test("layers: every pipeline module imports only from its own layer and the ones before", () => {
  const bad: string[] = [];
  for (const file of sources(ROOT)) {
    const from = folderOf(file);
    if (OUTSIDE.has(from) || file.endsWith("_test.ts")) continue;
    for (const spec of imports(Deno.readTextFileSync(file))) {
      if (resolve(dirname(file), spec) === join(ROOT, "deno.json")) continue; // the project's metadata
      const to = folderOf(resolve(dirname(file), spec));
      if (to === from) continue;
      const ok = RANK[to] !== undefined && RANK[from] !== undefined && RANK[to] <= RANK[from] &&
        !(from === "backends" && (to === "core_asm" || to === "gpu")) &&
        !(RANK[to] === RANK[from] && from !== "core_asm" && from !== "gpu");
      if (!ok) bad.push(`${relative(ROOT, file)} imports ${to}/ (${spec})`);
    }
  }
  equal(bad.length, 0, `imports against the pipeline's direction:\n${bad.join("\n")}`);
});

Deno.test("layers: no two source files share a name", () => {
  const seen = new Map<string, string[]>();
  for (const file of sources(ROOT)) {
    const name = basename(file);
    if (name === "mod.ts") continue; // each folder's entry (deno.json's subpath exports)
    seen.set(name, [...(seen.get(name) ?? []), relative(ROOT, file)]);
  }
  const twice = [...seen.values()].filter((v) => v.length > 1).map((v) => v.join(" and "));
  equal(twice.length, 0, `files of the same name:\n${twice.join("\n")}`);
});
