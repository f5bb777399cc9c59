/**
 * Benchmark script: the explorer's in-page training speed against `deno task train` on the same
 * machine, and how the page's main thread fares while the Worker trains. For each shape, rounds
 * alternate a `cli/train.ts` subprocess (its printed ms/step) and a link run in headless Chromium
 * (the ms/step of `#result`: the trainer's wall time per step inside the Worker, posting to the
 * page included); the page also records its animation-frame intervals during the run.
 *
 *   deno run -A bench/explorer_page.ts [--rounds 3]
 *
 * @module
 */
import { Browser } from "../web/cdp.ts";
import { buildWeb } from "../tools/build_web.ts";
import { exploreHandler } from "../web/serve.ts";

const root = new URL("..", import.meta.url).pathname;
const SHAPES = [
  { p: 23, d: 32, steps: 1500 },
  { p: 59, d: 128, steps: 500 },
];

async function cliMs(s: { p: number; d: number; steps: number }): Promise<number> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "cli/train.ts",
      "--p",
      `${s.p}`,
      "--dim",
      `${s.d}`,
      "--steps",
      `${s.steps}`,
      "--seed",
      "0",
      "--backend",
      "asm",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(r.stdout);
  const m = /([\d.]+) ms\/step/.exec(text);
  if (!m) throw new Error(`train printed no ms/step: ${text}`);
  return Number(m[1]);
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

if (import.meta.main) {
  const i = Deno.args.indexOf("--rounds");
  const rounds = i >= 0 ? Number(Deno.args[i + 1]) : 3;
  const dist = await Deno.makeTempDir({ prefix: "circle-survival-web-" });
  await buildWeb(dist);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    exploreHandler({ dist }),
  );
  const browser = await Browser.launch();
  try {
    const page = await browser.newPage();
    for (const s of SHAPES) {
      const cli: number[] = [], web: number[] = [], gaps: number[] = [];
      for (let r = 0; r < rounds; r++) {
        cli.push(await cliMs(s));
        await page.goto(
          `http://127.0.0.1:${server.addr.port}/?p=${s.p}&dim=${s.d}&steps=${s.steps}&seed=0&backend=asm`,
        );
        // record the main thread's frame intervals while the run trains
        await page.evaluate(`(() => {
          window.__frames = [];
          let last = performance.now();
          const tick = (t) => { window.__frames.push(t - last); last = t; if (!document.getElementById("result").textContent) requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          document.getElementById("run").click();
        })()`);
        const res = JSON.parse(
          await page.waitFor<string>(`document.getElementById("result").textContent`, 600_000),
        );
        web.push(res.msPerStep);
        const frames = await page.evaluate<number[]>("window.__frames.slice(1)");
        gaps.push(Math.max(...frames));
        console.log(
          `p=${s.p} d=${s.d} ${s.steps} steps, round ${r + 1}: train ${
            cli[r].toFixed(3)
          } ms/step, page ${res.msPerStep.toFixed(3)} ms/step; ` +
            `${frames.length} frames, median ${median(frames).toFixed(1)} ms, longest ${
              Math.max(...frames).toFixed(1)
            } ms`,
        );
      }
      const ratio = median(web) / median(cli);
      console.log(
        `p=${s.p} d=${s.d}: median train ${median(cli).toFixed(3)} ms/step, page ${
          median(web).toFixed(3)
        } ms/step, ` +
          `page/train ${ratio.toFixed(2)}x; longest frame interval ${
            Math.max(...gaps).toFixed(1)
          } ms`,
      );
    }
    if (page.errors.length) console.log(`page errors: ${page.errors.join(" | ")}`);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dist, { recursive: true });
  }
}
