/**
 * The single-file program: `circle-survival.js`, one self-contained JavaScript bundle of
 * `main.ts` (the wasm core inlined; it is also its own trial Worker) that runs anywhere Deno
 * runs — `deno run -A circle-survival.js reproduce fig9`. `tools/compile.ts` (`deno task
 * compile`) builds it into dist/; `cluster` puts one beside its job's shards, so compute nodes
 * need only Deno. @napi-rs/canvas, a native addon, stays an external import, written in the
 * bundle as deno.json maps it (`npm:@napi-rs/canvas@VERSION`), which Deno fetches (or finds in
 * its cache, `DENO_DIR`).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import project from "../deno.json" with { type: "json" };

/** Packages the bundle leaves out (native addons), by the bare names deno.json's imports map. */
const EXTERNAL = ["@napi-rs/canvas"];
const SOURCE_URL = import.meta.url;
const root = new URL("..", SOURCE_URL).pathname;

/**
 * The first error line of a tool's output (its backtrace lines say nothing).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { firstError } from "./bundle.ts";
 * assertEquals(firstError("warning\nerror: Module not found\n    at main.ts:1"), "error: Module not found");
 * ```
 */
export function firstError(text: string): string {
  // deno-lint-ignore no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter(
    Boolean,
  );
  const first = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? "no output";
  // anyhow-style causes: "1: error sending request ...", the most telling one
  const cause = lines.find((l) => /^\d+: .*(request|No such file|not found|denied)/i.test(l));
  return cause
    ? `${first.replace(/^error: /, "")}: ${cause.replace(/^\d+: /, "").slice(0, 160)}`
    : first;
}

/**
 * Run this Deno with `args` in the source tree's root; its success and its output (stderr, then
 * stdout).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { runDeno } from "./bundle.ts";
 * const r = await runDeno(["--version"]);
 * assert(r.ok, JSON.stringify(r));
 * ```
 */
export async function runDeno(
  args: string[],
  env?: Record<string, string>,
): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ok: out.success,
    text: new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout),
  };
}

/**
 * Write each external package's bare import in bundled `code` as deno.json's `imports` map it
 * (the bundle runs without deno.json): the static, side-effect and dynamic import forms the
 * bundler writes. Throws naming a package deno.json does not map.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { mapExternals } from "./bundle.ts";
 * const code = 'const c = await import("@napi-rs/canvas");\nimport "@napi-rs/canvasx";';
 * assertEquals(
 *   mapExternals(code, { "@napi-rs/canvas": "npm:@napi-rs/canvas@1.1.1" }, ["@napi-rs/canvas"]),
 *   'const c = await import("npm:@napi-rs/canvas@1.1.1");\nimport "@napi-rs/canvasx";',
 * );
 * ```
 */
export function mapExternals(
  code: string,
  imports: Record<string, string>,
  externals: readonly string[] = EXTERNAL,
): string {
  for (const name of externals) {
    const target = imports[name];
    if (target === undefined) throw new Error(`deno.json's imports do not map ${name}`);
    const quoted = JSON.stringify(name);
    const re = new RegExp(
      `(\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\bimport\\s+)${
        quoted.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
      }`,
      "g",
    );
    code = code.replace(re, (_, lead: string) => lead + JSON.stringify(target));
  }
  return code;
}

/**
 * Build the bundle from the source tree into `dir`; returns its path. `entry` and `name` make
 * another program's bundle (default: main.ts as circle-survival.js; tools/device_carry.ts bundles
 * bench/device.ts as bench-device.js).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it bundles the whole program (tens of seconds)
 * const path = await buildBundle("dist"); // dist/circle-survival.js
 * ```
 */
export async function buildBundle(
  dir: string,
  { entry = "main.ts", name = "circle-survival.js" }: { entry?: string; name?: string } = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const r = await runDeno([
    "bundle",
    "--platform",
    "deno",
    ...EXTERNAL.map((e) => `--external=${e}`),
    "-o",
    path,
    entry,
  ]);
  if (!r.ok) throw new Error(`deno bundle failed: ${firstError(r.text)}`);
  const imports: Record<string, string> = project.imports;
  await Deno.writeTextFile(path, mapExternals(await Deno.readTextFile(path), imports));
  return path;
}

/**
 * The path of the bundle this code runs in, or undefined when it runs from the source tree (in
 * the bundle, `import.meta.url` is the bundle's own).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runningBundle } from "./bundle.ts";
 * assertEquals(runningBundle(), undefined); // (this example runs from the source tree)
 * ```
 */
export function runningBundle(): string | undefined {
  if (!SOURCE_URL.startsWith("file:") || SOURCE_URL.endsWith("/cli/bundle.ts")) return undefined;
  return fileURLToPath(SOURCE_URL);
}

/**
 * Put the single-file program into `dir` as `circle-survival.js`: a copy of the bundle this code
 * runs in, or else one built from the source tree. Returns its path.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it bundles the whole program (tens of seconds)
 * const program = await bundleInto("results/cluster-fig9-quick");
 * ```
 */
export async function bundleInto(dir: string): Promise<string> {
  const self = runningBundle();
  if (self === undefined) return await buildBundle(dir);
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "circle-survival.js");
  if (resolve(path) !== resolve(self)) await Deno.copyFile(self, path);
  return path;
}
