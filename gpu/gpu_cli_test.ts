// The commands train on exactly the GPU backend they name (needs a WebGPU adapter: .ci/run
// installs Mesa's lavapipe; without one these fail, never pass silently).
import { equal } from "node:assert/strict";
import { runScript } from "../tests/helpers.ts";

const TRAIN = new URL("../cli/train.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys", "--allow-ffi"];

for (const backend of ["webgpu", "tfjs"]) {
  Deno.test(`train --backend ${backend} trains on ${backend} and says so`, async () => {
    const tmp = await Deno.makeTempDir();
    const args = [
      ..."--p 7 --dim 4 --steps 5 --backend".split(" "),
      backend,
      "--out",
      `${tmp}/run`,
    ];
    const r = await runScript(TRAIN, args, PERMS);
    equal(r.code, 0, r.stderr);
    equal(r.stdout.includes(`backend=${backend}`), true, r.stdout);
    const meta = JSON.parse(await Deno.readTextFile(`${tmp}/run/run.json`));
    equal(meta.backend, backend);
    await Deno.remove(tmp, { recursive: true });
  });
}

Deno.test("train --backend webgpu: Ctrl-C stops the run and keeps the steps done", async () => {
  const tmp = await Deno.makeTempDir();
  const dir = `${tmp}/run`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMS,
      TRAIN,
      "--p",
      "11",
      "--dim",
      "8",
      "--steps",
      "10000000",
      "--backend",
      "webgpu",
      "--out",
      dir,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.2" },
  }).spawn();
  // wait until it trains (the first progress line), then interrupt
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/steps/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGINT");
  (async () => {
    for (;;) if ((await reader.read()).done) break;
  })();
  const res = await child.output().catch(() => child.status);
  equal(res.code, 130, seen);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  equal(meta.interrupted, true);
  equal(meta.backend, "webgpu");
  equal(meta.stepsDone > 0 && meta.stepsDone < 10000000, true, `stepsDone ${meta.stepsDone}`);
  await Deno.remove(tmp, { recursive: true });
});
