/**
 * `deno task explore [--port N] [--host H] [--store FILE] [--results DIR]`: serve the explorer
 * (the static build of `deno task build:web`, `web/dist/`) with Deno.serve and print its URL.
 * Beyond the static files it offers what a static host cannot: the trials of a results store
 * (`/api/trials`, each as a run-directory zip the page replays) and the `reproduce` report
 * (`/results/`, whose figure sections link back to the explorer).
 *
 * @module
 */
import { extname, join, normalize, resolve } from "node:path";
import { handleInterrupts, parse, runCli, UsageError, type Values } from "../cli/options.ts";
import { ResultsStore, StoreError } from "../store/store.ts";
import { runRecords, type RunSummary } from "../store/run_dir.ts";
import type { NpyArray } from "../store/npy.ts";
import { jobInit } from "../train/pool.ts";
import type { TrialRequest } from "../store/requests.ts";
import { runZip } from "./run_zip.ts";
import { exists } from "../store/disk.ts";

const root = new URL("..", import.meta.url).pathname;

export const EXPLORE_HELP = `deno task explore [options]   serve the explorer page locally

  --port N        port, 0..65535 (0: any free port)              (8000)
  --host H        address to listen on                           (127.0.0.1)
  --store FILE    results store whose trials the page can open   (results/store.sqlite if present)
  --results DIR   reproduce's output, served at /results/        (results if present)
  --dist DIR      the built page                                 (web/dist, built by the task)
  -h, --help      this text`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  store: { type: "string" },
  results: { type: "string" },
  dist: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".zip": "application/zip",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * A file under `dir` for a URL path (index.html for folders), or a 404; never outside `dir`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { serveFile } from "./serve.ts";
 * const dir = await Deno.makeTempDir(); // `deno task build:web` writes the page to web/dist
 * await Deno.writeTextFile(`${dir}/index.html`, "<!doctype html><title>x</title>");
 * const res = await serveFile(dir, "/"); // index.html for a folder
 * assertEquals([res.status, res.headers.get("content-type")?.startsWith("text/html"), await res.text()], [200, true, "<!doctype html><title>x</title>"]);
 * const outside = await serveFile(dir, "/../../etc/passwd");
 * assertEquals(outside.status, 404);
 * await outside.body?.cancel();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function serveFile(dir: string, urlPath: string): Promise<Response> {
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.(\/|$))+/, "");
  } catch {
    return new Response("bad path", { status: 400 });
  }
  let path = join(dir, rel);
  if (!resolve(path).startsWith(resolve(dir))) return new Response("not found", { status: 404 });
  try {
    if ((await Deno.stat(path)).isDirectory) path = join(path, "index.html");
    const body = await Deno.readFile(path);
    return new Response(body, {
      headers: {
        "content-type": MIME[extname(path)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

/** The arrays a stored trial may hold (store/requests.ts stores runArrays less init and split). */
const STORED = [
  "train_loss",
  "test_loss",
  "train_acc",
  "test_acc",
  "param_norm",
  "signals",
  "final_params",
  "logged_at",
  "grad_signals",
  "embeddings",
  "param_snapshots",
  "param_snapshot_steps",
];

/** Most trials listed (a paper-scale sweep store holds thousands; the page lists these). */
export const MAX_LISTED = 2000;

/**
 * The store's trials for the page's list: key and a label.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { storedTrials } from "./serve.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { resolveTrials } from "../experiments/resolve.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:"); // the page opens results/store.sqlite
 * await resolveTrials([{ config: makeConfig({ p: 5, d: 2, steps: 2, seed: 4 }) }], { store, workers: 1 });
 * const [t] = storedTrials(store);
 * assert(t.label.startsWith("p=5 d=2 wd=0.5 seed 4"), t.label);
 * store.close();
 * ```
 */
export function storedTrials(store: ResultsStore): { key: string; label: string }[] {
  return store.keys().slice(0, MAX_LISTED).map((key) => {
    const t = store.get(key)!;
    const r = t.request as TrialRequest;
    const c = r.config;
    const mode = c.mode === "default" ? "" : ` ${c.mode} init ${c.initSeed}`;
    const circles = (t.summary.circles as number[] | null) ?? null;
    return {
      key,
      label: `p=${c.p} d=${c.d} wd=${c.wd} seed ${c.seed}${mode}${
        r.embedding ? ` (${r.embedding.kind} embedding)` : ""
      }, ${c.steps} steps, ${t.backend}: ${circles ? `[${circles.join(", ")}]` : "diverged"}`,
    };
  });
}

/**
 * A stored trial as a run-directory zip: its initial parameters and split recomputed from its
 * request (the store keeps them out: they are a function of it).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { storedTrialZip } from "./serve.ts";
 * import { runFromZip } from "./run_zip.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { resolveTrials } from "../experiments/resolve.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:");
 * const [run] = await resolveTrials([{ config: makeConfig({ p: 5, d: 2, steps: 2 }) }], { store, workers: 1 });
 * const zip = storedTrialZip(store, run.key)!; // the page replays it with runFromZip
 * assertEquals(runFromZip(zip).records.trainLoss, run.trainLoss);
 * assertEquals(storedTrialZip(store, "no such key"), undefined);
 * store.close();
 * ```
 */
export function storedTrialZip(store: ResultsStore, key: string): Uint8Array | undefined {
  const t = store.get(key);
  if (!t) return undefined;
  const req = t.request as TrialRequest;
  const arrays: Record<string, NpyArray> = {};
  for (const name of STORED) {
    const a = store.array(key, name);
    if (a) arrays[name] = a;
  }
  const init = jobInit({ config: req.config, embedding: req.embedding });
  arrays.init_params = { dtype: "<f8", shape: [init.params.length], data: init.params };
  arrays.train_ids = {
    dtype: "<i8",
    shape: [init.trainIds.length],
    data: Float64Array.from(init.trainIds),
  };
  const summary = { ...t.summary, config: req.config, backend: t.backend } as RunSummary;
  return runZip({ summary, records: runRecords(summary, arrays) });
}

/** What the server serves. */
export interface ExploreOptions {
  dist: string;
  store?: ResultsStore;
  results?: string;
}

/**
 * The request handler of `deno task explore`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { exploreHandler } from "./serve.ts";
 * const dist = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dist}/index.html`, "<!doctype html>");
 * const handler = exploreHandler({ dist }); // Deno.serve({ port: 8000 }, handler) serves it
 * const res = await handler(new Request("http://127.0.0.1:8000/"));
 * assertEquals([res.status, await res.text()], [200, "<!doctype html>"]);
 * await Deno.remove(dist, { recursive: true });
 * ```
 */
export function exploreHandler(o: ExploreOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/api/trials") {
      return Response.json(o.store ? storedTrials(o.store) : []);
    }
    if (path.startsWith("/api/trials/")) {
      const key = decodeURIComponent(path.slice("/api/trials/".length));
      try {
        const zip = o.store ? storedTrialZip(o.store, key) : undefined;
        if (!zip) return new Response(`no stored trial ${key}`, { status: 404 });
        return new Response(zip as BodyInit, { headers: { "content-type": "application/zip" } });
      } catch (e) {
        return new Response((e as Error).message, { status: 500 });
      }
    }
    if (o.results && (path === "/results" || path.startsWith("/results/"))) {
      if (path === "/results") return Response.redirect(new URL("/results/", url), 301);
      return await serveFile(o.results, path.slice("/results".length));
    }
    const res = await serveFile(o.dist, path);
    if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) return res;
    // tell the page that this server has the trials API (a static host has not)
    const html = (await res.text()).replace(
      "<head>",
      '<head>\n<meta name="circle-survival-api" content="api/">',
    );
    return new Response(html, { headers: res.headers });
  };
}

/**
 * Run `explore` with these command-line arguments.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it serves until Ctrl-C
 * await exploreMain(["--port", "8080"]); // serves until Ctrl-C
 * ```
 */
export function exploreMain(args: string[]): Promise<void> {
  return runCli("explore", async () => {
    const { values } = parse(args, OPTIONS);
    if (values.help) {
      console.log(EXPLORE_HELP);
      return;
    }
    const port = portFrom(values);
    const host = (values.host as string | undefined) ?? "127.0.0.1";
    const dist = (values.dist as string | undefined) ?? join(root, "web", "dist");
    if (!(await exists(join(dist, "index.html")))) {
      throw new UsageError(`dist ${dist}: no index.html; build it with deno task build:web`);
    }
    const storePath = (values.store as string | undefined) ??
      ((await exists("results/store.sqlite")) ? "results/store.sqlite" : undefined);
    if (values.store !== undefined && !(await exists(storePath!))) {
      throw new StoreError(`store ${storePath}: no such file`);
    }
    const store = storePath ? await ResultsStore.open(storePath, { readOnly: true }) : undefined;
    const results = (values.results as string | undefined) ??
      ((await exists("results/index.html")) ? "results" : undefined);
    if (values.results !== undefined && !(await exists(results!))) {
      throw new UsageError(`results ${results}: no such directory`);
    }
    const server = listen(port, host, () =>
      Deno.serve({
        port,
        hostname: host,
        onListen: ({ hostname, port }) => {
          const h = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
          console.log(`explorer: http://${h.includes(":") ? `[${h}]` : h}:${port}/`);
          if (store) console.log(`  stored trials: ${store.count()} in ${storePath}`);
          if (results) console.log(`  report: http://${h}:${port}/results/`);
          console.log("  Ctrl-C stops the server");
        },
      }, exploreHandler({ dist, store, results })));
    const interrupts = handleInterrupts(() => server.shutdown());
    await server.finished;
    interrupts.dispose();
    store?.close();
  });
}

/** Start the server; a port in use or a host that cannot be listened on is a one-line
 * UsageError naming it. */
function listen<T>(port: number, host: string, start: () => T): T {
  try {
    return start();
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `port ${port}: in use on ${host}; allowed is a free port (--port 0 picks one)`,
      );
    }
    if (e instanceof Deno.errors.AddrNotAvailable) {
      throw new UsageError(
        `host ${host}: not an address of this machine; allowed is one of its addresses (127.0.0.1, 0.0.0.0, ...)`,
      );
    }
    if (/lookup address|Name or service not known|nodename nor servname/i.test(String(e))) {
      throw new UsageError(
        `host ${host}: cannot be resolved (${
          (e as Error).message
        }); allowed is an address or a name this machine resolves`,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(
        `port ${port}: cannot be listened on here (${
          (e as Error).message
        }); allowed is a port >= 1024 or 0`,
      );
    }
    throw e;
  }
}

function portFrom(values: Values): number {
  if (values.port === undefined) return 8000;
  const n = Number(values.port);
  if (!Number.isInteger(n) || n < 0 || n > 65535 || String(values.port).trim() === "") {
    throw new UsageError(`port ${values.port}: allowed is an integer in 0..65535`);
  }
  return n;
}

if (import.meta.main) await exploreMain(Deno.args);
