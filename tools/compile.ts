/**
 * `deno task compile [--out DIR]`: the distributable program.
 *
 * 1. Always: one self-contained JavaScript bundle, `DIR/circle-survival.js` (the wasm core is
 *    inlined; it is its own trial Worker), run by `deno run -A DIR/circle-survival.js reproduce
 *    fig9`. @napi-rs/canvas, a native addon, stays an external `npm:` import that Deno fetches.
 * 2. Then the single binary `DIR/circle-survival` with `deno compile`, which needs Deno's
 *    `denort` runtime: taken from `DENORT_BIN` when set, else downloaded by Deno. Where neither
 *    works (no network), this says so in one line and the bundle stands in; with `DENORT_BIN`
 *    set, a failure is an error.
 *
 * @module
 */
import { join } from "node:path";

const EXTERNAL = ["npm:@napi-rs/canvas@1.1.1"];
const root = new URL("..", import.meta.url).pathname;

/**
 * The first error line of a tool's output (its backtrace lines say nothing).
 *
 * @example
 * ```ts
 * import { firstError } from "./compile.ts";
 * console.log(firstError("Download ...\nerror: Module not found\n    at file.ts:1")); // error: Module not found
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

async function run(args: string[], env?: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return {
    ok: out.success,
    text: new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout),
  };
}

/** Build the bundle into `dir`; returns its path. */
export async function buildBundle(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "circle-survival.js");
  const r = await run([
    "bundle",
    "--platform",
    "deno",
    ...EXTERNAL.map((e) => `--external=${e}`),
    "-o",
    path,
    "main.ts",
  ]);
  if (!r.ok) throw new Error(`deno bundle failed: ${firstError(r.text)}`);
  return path;
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const dir = i >= 0 ? Deno.args[i + 1] : join(root, "dist");
  if (!dir) {
    console.error("compile: --out needs a directory");
    Deno.exit(2);
  }
  const bundle = await buildBundle(dir);
  console.log(`bundle: ${bundle}  (run: deno run -A ${bundle} reproduce fig9)`);
  const denort = Deno.env.get("DENORT_BIN");
  const binary = join(dir, "circle-survival");
  const r = await run(
    ["compile", "-A", "--output", binary, "main.ts"],
    denort ? { DENORT_BIN: denort } : undefined,
  );
  if (r.ok) {
    console.log(`binary: ${binary}`);
  } else if (denort) {
    console.error(`compile: deno compile failed with DENORT_BIN=${denort}: ${firstError(r.text)}`);
    Deno.exit(1);
  } else {
    console.log(
      `binary: not built — deno compile could not get its denort runtime (${
        firstError(r.text)
      }); set DENORT_BIN to a denort binary of Deno ${Deno.version.deno}, or use the bundle above`,
    );
  }
}
