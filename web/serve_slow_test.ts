import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { ResultsStore } from "../store/store.ts";
import { loadResult } from "../store/requests.ts";
import { resolveTrials } from "../experiments/resolve.ts";
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { runFromZip } from "./run_zip.ts";

const SERVE = new URL("./serve.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys", "--allow-net"];

Deno.test("explore: prints its URL, serves the page, the report and the store's trials as run zips", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dist = join(dir, "dist"), results = join(dir, "results");
    await Deno.mkdir(dist);
    await Deno.mkdir(results);
    await Deno.writeTextFile(join(dist, "index.html"), "<!doctype html><html><head></head></html>");
    await Deno.writeTextFile(join(dist, "app.js"), "export {};");
    await Deno.writeTextFile(join(results, "index.html"), "<p>report</p>");
    const config = makeConfig({ p: 7, d: 3, hidden: 8, steps: 20, seed: 3 });
    const store = await ResultsStore.open(join(dir, "store.sqlite"));
    const [stored] = await resolveTrials([{ config, records: { gradSignals: true } }], {
      store,
      backend: referenceBackend,
      workers: 1,
    });
    store.close();

    const proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...PERMS,
        SERVE,
        "--port",
        "0",
        "--dist",
        dist,
        "--results",
        results,
        "--store",
        join(dir, "store.sqlite"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/explorer: (http:\S+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    try {
      const url = /explorer: (http:\S+)/.exec(out)?.[1];
      ok(url, `no URL in the output: ${out}`);
      const page = await fetch(url);
      equal(page.headers.get("content-type"), "text/html; charset=utf-8");
      match(await page.text(), /<meta name="circle-survival-api"/);
      const js = await fetch(new URL("app.js", url));
      equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
      await js.body?.cancel();
      const report = await fetch(new URL("results/", url));
      equal(await report.text(), "<p>report</p>");
      const outside = await fetch(new URL("../../etc/passwd", url));
      equal(outside.status, 404);
      await outside.body?.cancel();
      const list = await (await fetch(new URL("api/trials", url))).json();
      equal(list.length, 1);
      match(list[0].label, /^p=7 d=3 wd=0.5 seed 3, 20 steps, ref: \[/);
      const zip = await fetch(new URL(`api/trials/${list[0].key}`, url));
      const run = runFromZip(new Uint8Array(await zip.arrayBuffer()));
      const init = initialTrial(config);
      deepEqual(run.records.initParams, init.params);
      deepEqual(run.records.trainIds, init.trainIds);
      deepEqual(run.records.signals, stored.signals);
      deepEqual(run.records.gradSignals, stored.gradSignals);
      deepEqual(run.records.finalParams, stored.finalParams);
      const again = await ResultsStore.open(join(dir, "store.sqlite"), { readOnly: true });
      deepEqual(run.summary.circles, loadResult(again, list[0].key).summary.circles);
      again.close();
    } finally {
      proc.kill("SIGTERM");
      await reader.cancel();
      await proc.stderr.cancel();
      equal((await proc.status).code, 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("explore: bad options are one line and exit 2", async () => {
  for (
    const [args, line] of [
      [["--port", "70000"], "explore: port 70000: allowed is an integer in 0..65535"],
      [
        ["--dist", "/nonexistent"],
        "explore: dist /nonexistent: no index.html; build it with deno task build:web",
      ],
      [["--bogus"], /^explore: option --bogus: unknown; allowed are --port/],
    ] as [string[], string | RegExp][]
  ) {
    const r = await new Deno.Command(Deno.execPath(), { args: ["run", ...PERMS, SERVE, ...args] })
      .output();
    const err = new TextDecoder().decode(r.stderr).trim();
    equal(r.code, 2, err);
    if (typeof line === "string") equal(err, line);
    else match(err, line);
  }
});
