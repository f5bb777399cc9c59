/**
 * `deno task compile [--out DIR]`: the distributable program.
 *
 * 1. Always: one self-contained JavaScript bundle, `DIR/circle-survival.js` (cli/bundle.ts: the
 *    wasm core is inlined; it is its own trial Worker), run by `deno run -A
 *    DIR/circle-survival.js reproduce fig9`. @napi-rs/canvas, a native addon, stays an external
 *    `npm:` import that Deno fetches.
 * 2. Then the single binary `DIR/circle-survival` with `deno compile`, which needs Deno's
 *    `denort` runtime: taken from `DENORT_BIN` when set, else downloaded by Deno. Where neither
 *    works (no network), this says so in one line and the bundle stands in; with `DENORT_BIN`
 *    set, a failure is an error.
 *
 * @module
 */
import { join } from "node:path";
import { buildBundle, firstError, runDeno as run } from "../cli/bundle.ts";

const root = new URL("..", import.meta.url).pathname;

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
