/**
 * `deno task notebooks [--update] [--timeout S] [NB.ipynb ...]`: check and execute the notebooks
 * (default: every `notebooks/*.ipynb`). For each notebook, first its code cells as one
 * TypeScript module through `deno check` and `deno lint` (the kernel runs cells without checking
 * types), then the notebook itself through Jupyter's `nbconvert --execute` on the Deno kernel into
 * a temporary folder. It fails — exit 1, each problem on a line naming the notebook and the cell —
 * on a type or lint error, an error output, or a cell tagged `chart` that shows no image
 * (image/png, image/svg+xml or text/html). `--update` then writes each executed notebook over its
 * source (the copy the repository keeps, outputs included). Needs `jupyter nbconvert` (Debian:
 * `jupyter-nbconvert python3-ipykernel`) and the Deno kernel (`deno jupyter --install`).
 *
 * @module
 */
import { basename, dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** One output of a code cell (nbformat 4), as far as the checks read it. */
export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  /** display_data and execute_result: MIME type → content (base64 for images). */
  data?: Record<string, string | string[]>;
  /** error: the exception's name and message. */
  ename?: string;
  evalue?: string;
  [field: string]: unknown;
}

/** One cell of a notebook (nbformat 4). */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata?: { tags?: string[]; [field: string]: unknown };
  outputs?: NotebookOutput[];
  [field: string]: unknown;
}

/** A Jupyter notebook (nbformat 4). */
export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The tag that marks a cell that must show a chart. */
export const CHART_TAG = "chart";

const IMAGE_TYPES = ["image/png", "image/svg+xml", "text/html"];

const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

/** "cell 9 (`const top = …`)": the 1-based cell number and its first line of code. */
function cellName(cell: NotebookCell, i: number): string {
  const first =
    text(cell.source).split("\n").find((l) => l.trim() && !/^\s*(\/\/|\/\*|\*)/.test(l)) ?? "";
  const line = first.trim();
  return `cell ${i + 1} (\`${line.length > 48 ? `${line.slice(0, 47)}…` : line}\`)`;
}

/** The width and height of a PNG, or a reason it is not one. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | string {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return "not a PNG";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk !== "IHDR") return `a PNG whose first chunk is ${chunk}, not IHDR`;
  const width = view.getUint32(16), height = view.getUint32(20);
  if (width === 0 || height === 0) return `an empty PNG (${width}×${height})`;
  return { width, height };
}

/**
 * The problems of an executed notebook, one line each naming `name` and the cell: an error
 * output; a cell tagged {@linkcode CHART_TAG} with no image output; an image/png output that is
 * not a PNG of at least one pixel. Empty: none.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { notebookProblems } from "./notebooks.ts";
 * const nb = {
 *   cells: [
 *     { cell_type: "code" as const, source: "throw new Error('boom')", outputs: [
 *       { output_type: "error" as const, ename: "Error", evalue: "boom" }] },
 *     { cell_type: "code" as const, source: "await show(chart)", metadata: { tags: ["chart"] },
 *       outputs: [] },
 *   ],
 * };
 * assertEquals(notebookProblems(nb, "tour.ipynb"), [
 *   "tour.ipynb cell 1 (`throw new Error('boom')`): Error: boom",
 *   "tour.ipynb cell 2 (`await show(chart)`): tagged chart, but shows no image (image/png, image/svg+xml or text/html)",
 * ]);
 * ```
 */
export function notebookProblems(nb: Notebook, name: string): string[] {
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const where = `${name} ${cellName(cell, i)}`;
    const outputs = cell.outputs ?? [];
    for (const o of outputs) {
      if (o.output_type === "error") problems.push(`${where}: ${o.ename}: ${o.evalue}`);
      const png = o.data?.["image/png"];
      if (png !== undefined) {
        let size: ReturnType<typeof pngSize>;
        try {
          size = pngSize(
            Uint8Array.from(atob(text(png).replace(/\s+/g, "")), (c) => c.charCodeAt(0)),
          );
        } catch {
          size = "not base64";
        }
        if (typeof size === "string") {
          problems.push(`${where}: an image/png output that is ${size}`);
        }
      }
    }
    const shown = outputs.some((o) => IMAGE_TYPES.some((t) => o.data?.[t] !== undefined));
    if (cell.metadata?.tags?.includes(CHART_TAG) && !shown) {
      problems.push(
        `${where}: tagged ${CHART_TAG}, but shows no image (${
          IMAGE_TYPES.join(", ").replace(/, ([^,]*)$/, " or $1")
        })`,
      );
    }
  });
  return problems;
}

/** A notebook's code cells as one module, and where each of its lines came from. */
export interface NotebookModule {
  /** TypeScript: the Deno kernel's types referenced, then each code cell after a `// cell N`
   * line; relative imports resolved against the notebook's folder. */
  source: string;
  /** The cell (1-based, counting every cell) and line in it (1-based) of a module line, or
   * undefined for the lines the module adds. */
  origin(line: number): { cell: number; line: number } | undefined;
}

/**
 * The code cells of `nb` as one TypeScript module, for `deno check` and `deno lint` from any
 * folder: relative import specifiers become file URLs against `folder` (the notebook's).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { notebookModule } from "./notebooks.ts";
 * const nb = { cells: [
 *   { cell_type: "markdown" as const, source: "# Title" },
 *   { cell_type: "code" as const, source: ['import { train } from "../mod.ts";\n', "train;"] },
 * ] };
 * const m = notebookModule(nb, "/repo/notebooks");
 * assertEquals(m.source.split("\n").slice(1), [
 *   "// cell 2",
 *   'import { train } from "file:///repo/mod.ts";',
 *   "train;",
 *   "",
 * ]);
 * assertEquals([m.origin(4), m.origin(2)], [{ cell: 2, line: 2 }, undefined]);
 * ```
 */
export function notebookModule(nb: Notebook, folder: string): NotebookModule {
  const lines = ['/// <reference lib="deno.unstable" />'];
  const origins: ({ cell: number; line: number } | undefined)[] = [undefined];
  const base = new URL(`file://${resolve(folder)}/`);
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const code = text(cell.source).replace(
      /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.\.?\/[^"']+)\2/g,
      (_, lead: string, q: string, spec: string) => `${lead}${q}${new URL(spec, base).href}${q}`,
    );
    lines.push(`// cell ${i + 1}`);
    origins.push(undefined);
    code.split("\n").forEach((l, j) => {
      lines.push(l);
      origins.push({ cell: i + 1, line: j + 1 });
    });
  });
  lines.push("");
  return { source: lines.join("\n"), origin: (line) => origins[line - 1] };
}

async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
) {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** `deno check` and `deno lint` on a notebook's code cells; each problem as a line naming the
 * notebook, the cell and the line in it. */
export async function checkCode(path: string): Promise<string[]> {
  const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  const mod = notebookModule(nb, dirname(path));
  const dir = await Deno.makeTempDir({ prefix: "notebook-check-" });
  const file = join(dir, `${basename(path, ".ipynb")}.ts`);
  const name = relative(Deno.cwd(), path);
  try {
    await Deno.writeTextFile(file, mod.source);
    const problems: string[] = [];
    const config = ["--config", join(root, "deno.json")];
    for (const args of [["check", ...config, file], ["lint", ...config, file]]) {
      const r = await run(Deno.execPath(), args, { env: { NO_COLOR: "1" } });
      if (r!.ok) continue;
      // the module's lines, named by their cells
      const at = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)(?::\\d+)?`, "g");
      const said = (r!.stdout + r!.stderr).replace(/file:\/\//g, "").replace(at, (_, l) => {
        const o = mod.origin(Number(l));
        return o ? `${name} cell ${o.cell} line ${o.line}` : `${name} (line ${l} of its module)`;
      }).replace(/\n*Stack backtrace:[\s\S]*$/, "").replace(/^Check .*\n/gm, "").trim();
      problems.push(`${name}: deno ${args[0]} failed:\n${said}`);
    }
    return problems;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Where Jupyter looks for kernels: the `kernels/deno/kernel.json` found first, or undefined. */
async function denoKernel(): Promise<{ path: string; argv: string[] } | undefined> {
  const r = await run("jupyter", ["--paths", "--json"]);
  if (!r?.ok) return undefined;
  for (const d of (JSON.parse(r.stdout) as { data: string[] }).data) {
    const path = join(d, "kernels", "deno", "kernel.json");
    try {
      return { path, argv: JSON.parse(await Deno.readTextFile(path)).argv };
    } catch { /* not there */ }
  }
  return undefined;
}

/**
 * Execute a notebook on the Deno kernel with `jupyter nbconvert` (the kernel's folder is the
 * notebook's; error cells do not stop it) and return the executed notebook.
 */
export async function executeNotebook(
  path: string,
  opts: { timeoutS?: number } = {},
): Promise<{ notebook: Notebook; seconds: number }> {
  const out = await Deno.makeTempDir({ prefix: "notebook-run-" });
  const t0 = performance.now();
  try {
    const r = await run("jupyter", [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--allow-errors",
      "--ExecutePreprocessor.kernel_name=deno",
      `--ExecutePreprocessor.timeout=${opts.timeoutS ?? 600}`,
      "--output-dir",
      out,
      "--output",
      basename(path),
      path,
    ], { env: { NO_COLOR: "1" } });
    if (!r?.ok) {
      const said = (r?.stderr ?? "").trim().split("\n").slice(-8).join("\n");
      throw new Error(`${relative(Deno.cwd(), path)}: jupyter nbconvert failed:\n${said}`);
    }
    const notebook = JSON.parse(await Deno.readTextFile(join(out, basename(path)))) as Notebook;
    return { notebook, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** The executed notebook as the repository keeps it: outputs kept, the execution timestamps
 * nbconvert adds to each cell's metadata left out. */
export function keptForm(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((c) => {
      if (!c.metadata?.execution) return c;
      const { execution: _, ...metadata } = c.metadata;
      return { ...c, metadata };
    }),
  };
}

const USAGE = "usage: deno task notebooks [--update] [--timeout S] [NOTEBOOK.ipynb ...]";

async function main(args: string[]): Promise<number> {
  let update = false, timeoutS = 600;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--update") update = true;
    else if (a === "--timeout") {
      timeoutS = Number(args[++i]);
      if (!Number.isInteger(timeoutS) || timeoutS < 1) {
        console.error(`--timeout ${args[i]}: allowed is a whole number of seconds ≥ 1`);
        return 2;
      }
    } else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith("-")) {
      console.error(`${a}: unknown option; ${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    const dir = join(root, "notebooks");
    for (const e of Deno.readDirSync(dir)) {
      if (e.isFile && e.name.endsWith(".ipynb")) files.push(join(dir, e.name));
    }
    files.sort();
  }
  for (const f of files) {
    let ok = f.endsWith(".ipynb");
    try {
      ok &&= Deno.statSync(f).isFile;
    } catch {
      ok = false;
    }
    if (!ok) {
      console.error(`${f}: allowed is an existing .ipynb file`);
      return 2;
    }
  }
  if (!(await run("jupyter", ["nbconvert", "--version"]))?.ok) {
    console.error(
      "jupyter nbconvert is not there: install it (Debian: apt-get install jupyter-nbconvert python3-ipykernel)",
    );
    return 1;
  }
  const kernel = await denoKernel();
  if (!kernel) {
    console.error("no Deno kernel for Jupyter: install it with `deno jupyter --install`");
    return 1;
  }
  const version = await run(kernel.argv[0], ["--version"]);
  console.log(`kernel: ${kernel.argv[0]} (${version?.stdout.split("\n")[0] ?? "cannot be run"})`);
  const problems: string[] = [];
  for (const f of files) {
    const name = relative(Deno.cwd(), f);
    const found = await checkCode(f);
    if (found.length) {
      problems.push(...found);
      continue;
    }
    let executed: Awaited<ReturnType<typeof executeNotebook>>;
    try {
      executed = await executeNotebook(f, { timeoutS });
    } catch (e) {
      problems.push((e as Error).message); // nbconvert itself failed: the kernel died, a timeout
      continue;
    }
    const { notebook, seconds } = executed;
    const bad = notebookProblems(notebook, name);
    const code = notebook.cells.filter((c) => c.cell_type === "code");
    const charts = code.filter((c) => c.metadata?.tags?.includes(CHART_TAG)).length;
    console.log(
      `${name}: ${code.length} code cells (${charts} tagged chart), executed in ${
        seconds.toFixed(0)
      } s: ${bad.length ? `${bad.length} problems` : "ok"}`,
    );
    problems.push(...bad);
    if (update && !bad.length) {
      await Deno.writeTextFile(f, `${JSON.stringify(keptForm(notebook), null, 1)}\n`);
      const fmt = await run(Deno.execPath(), ["fmt", "--config", join(root, "deno.json"), f]);
      if (!fmt?.ok) problems.push(`${name}: deno fmt failed: ${fmt?.stderr.trim()}`);
      else console.log(`${name}: written with its outputs`);
    }
  }
  for (const p of problems) console.error(p);
  return problems.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
