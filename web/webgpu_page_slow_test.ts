// The fused WebGPU backend in a browser: Chromium's WebGPU (Dawn, on its SwiftShader adapter)
// validates what Deno's wgpu lets pass — it once refused the step's kernels (a writable buffer
// bound twice) and the page showed all-zero records. The same run on webgpu in the page and on
// asm through train() must agree.
import { ok as assert } from "node:assert/strict";
import { extname, join } from "node:path";
import { Browser, findChromium } from "./cdp.ts";
import { buildWeb } from "../tools/build_web.ts";
import { train } from "../train/trainer.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";

const chromium = findChromium();

Deno.test({
  name: "explorer: the fused WebGPU backend trains in Chromium's WebGPU as asm does",
  ignore: chromium === undefined && !Deno.env.get("CI"),
  async fn() {
    const dist = await Deno.makeTempDir({ prefix: "circle-survival-web-gpu-" });
    await buildWeb(dist);
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
      const path = new URL(req.url).pathname;
      const file = join(dist, path.endsWith("/") ? `${path}index.html` : path);
      const type =
        ({ ".html": "text/html", ".js": "text/javascript", ".css": "text/css" } as Record<
          string,
          string
        >)[extname(file)] ?? "application/octet-stream";
      try {
        return new Response(await Deno.readFile(file), { headers: { "content-type": type } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    const browser = await Browser.launch({
      args: ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(
        `http://127.0.0.1:${server.addr.port}/?p=11&dim=8&steps=40&seed=2&backend=webgpu&autostart=1`,
      );
      const text = await page.waitFor<string>(
        `document.getElementById("result").textContent`,
        120_000,
      );
      const got = JSON.parse(text);
      const config = makeConfig({ p: 11, d: 8, steps: 40, seed: 2 });
      const ref = await train(asmBackend, { config, ...initialTrial(config) });
      const want = ref.trainLoss[ref.trainLoss.length - 1];
      const rel = Math.abs(got.trainLoss - want) / want;
      assert(got.backend === "webgpu", `the page trained on ${got.backend}`);
      // two f32 implementations: the GPU tests' tolerance
      assert(rel <= 1e-4, `train loss ${got.trainLoss} on webgpu vs ${want} on asm (rel ${rel})`);
      assert(page.errors.length === 0, `page errors: ${page.errors.join("; ")}`);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(dist, { recursive: true });
    }
  },
});
