// Importing the public API loads no heavy dependency: `deno info --json` gives each entry's module
// graph, and the modules an import loads are those reached by static (not dynamic, not type-only)
// imports. tfjs, the native canvas addon, chart.js and the inlined wasm bytes load where they are
// used (dynamic imports), so they must be in the full graph and out of the static one.
import { equal } from "node:assert/strict";
import { dirname, resolve } from "node:path";
import project from "../deno.json" with { type: "json" };

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

interface Dependency {
  code?: { specifier?: string };
  isDynamic?: boolean;
}
interface GraphModule {
  specifier: string;
  dependencies?: Dependency[];
}
interface Graph {
  roots: string[];
  modules: GraphModule[];
  redirects: Record<string, string>;
}

/** `deno info --json` of `entry` (a path from the root). */
async function graphOf(entry: string): Promise<Graph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.success, true, `deno info ${entry}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The specifiers reached from the root, following static code imports only or every import. */
function reached(g: Graph, { dynamic }: { dynamic: boolean }): Set<string> {
  const bySpec = new Map(g.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>(g.roots), todo = [...g.roots];
  while (todo.length) {
    for (const dep of bySpec.get(todo.pop()!)?.dependencies ?? []) {
      const to = dep.code?.specifier;
      if (to === undefined || (dep.isDynamic && !dynamic)) continue;
      const target = g.redirects[to] ?? to;
      if (!seen.has(target)) (seen.add(target), todo.push(target));
    }
  }
  return seen;
}

const HEAVY: [string, RegExp][] = [
  ["tfjs", /^npm:\/?@tensorflow\/tfjs@/],
  ["tfjs-backend-webgpu", /^npm:\/?@tensorflow\/tfjs-backend-webgpu@/],
  ["the canvas addon", /^npm:\/?@napi-rs\/canvas@/],
  ["chart.js", /^npm:\/?chart\.js@/],
];
const WASM_BYTES: [string, RegExp] = [
  "the inlined wasm bytes",
  /\/core_asm\/build\/core_wasm\.ts$/,
];

const found = (specs: Set<string>, [, re]: [string, RegExp]) => [...specs].some((s) => re.test(s));

Deno.test("entries: mod.ts loads neither tfjs, the canvas addon, chart.js nor the wasm bytes (they load where used)", async () => {
  const g = await graphOf("mod.ts");
  const all = reached(g, { dynamic: true }), loaded = reached(g, { dynamic: false });
  const checked = [...HEAVY, WASM_BYTES];
  const missing = checked.filter((h) => !found(all, h)).map(([name]) => name).join(", ");
  equal(missing, "", `not in mod.ts's full graph (the API reaches them): ${missing}`);
  const heavy = checked.filter((h) => found(loaded, h)).map(([name]) => name).join(", ");
  equal(heavy, "", `in the static graph of mod.ts (${loaded.size} modules): ${heavy}`);
});

Deno.test("entries: no subpath export loads tfjs, the canvas addon or chart.js on import", async () => {
  const bad: string[] = [];
  for (const [name, path] of Object.entries(project.exports)) {
    const loaded = reached(await graphOf(path), { dynamic: false });
    for (const h of HEAVY) if (found(loaded, h)) bad.push(`${name} (${path}) loads ${h[0]}`);
  }
  equal(bad.join("\n"), "", `entries that load heavy packages on import:\n${bad.join("\n")}`);
});
