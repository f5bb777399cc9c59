/**
 * `deno task build:web [--out DIR]`: the explorer as static files (default `web/dist/`) that any
 * static host serves: index.html, explorer.css, app.js (the page) and explorer_worker.js (the
 * training Worker), bundled for the browser by `deno bundle` with code splitting: the wasm core
 * (inlined in a chunk of its own) is fetched when the first run starts, the tfjs backend's 2.4 MB
 * only when that backend is chosen.
 * Written to a temporary sibling and renamed into place: the folder is whole or absent.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { firstError } from "../cli/bundle.ts";

const root = new URL("..", import.meta.url).pathname;
const STATIC = ["index.html", "explorer.css"];
const ENTRIES = ["web/app.ts", "web/explorer_worker.ts"];

/**
 * Build the explorer into `outDir` (replacing what is there); returns the files written.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it bundles the page (tens of seconds)
 * import { buildWeb } from "./build_web.ts";
 * const files = await buildWeb("web/dist"); // ["app.js", "explorer_worker.js", ...]
 * ```
 */
export async function buildWeb(outDir: string): Promise<string[]> {
  const out = resolve(outDir);
  await Deno.mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${Deno.pid}-${Date.now()}`);
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--format",
        "esm",
        "--code-splitting",
        "--minify",
        "--outdir",
        tmp,
        ...ENTRIES,
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) {
      throw new Error(`deno bundle failed: ${firstError(new TextDecoder().decode(r.stderr))}`);
    }
    for (const f of STATIC) await Deno.copyFile(join(root, "web", f), join(tmp, f));
    await Deno.remove(out, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await Deno.rename(tmp, out);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  const files: string[] = [];
  for await (const e of Deno.readDir(out)) if (e.isFile) files.push(e.name);
  return files.sort();
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const known = Deno.args.length === 0 || (i === 0 && Deno.args.length === 2);
  if (!known || (i >= 0 && !Deno.args[i + 1])) {
    console.error(
      `build:web: arguments ${JSON.stringify(Deno.args.join(" "))}: allowed is --out DIR`,
    );
    Deno.exit(2);
  }
  const dir = i >= 0 ? Deno.args[i + 1] : join(root, "web", "dist");
  const files = await buildWeb(dir);
  let bytes = 0;
  for (const f of files) bytes += (await Deno.stat(join(dir, f))).size;
  console.log(
    `explorer: ${dir}/ (${files.length} files, ${
      (bytes / 2 ** 20).toFixed(1)
    } MiB); serve it from any static host`,
  );
}
