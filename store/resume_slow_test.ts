import { deepEqual, equal } from "node:assert/strict";
import { ResultsStore } from "./store.ts";

const SCRIPT = new URL("../tests/sweep_script.ts", import.meta.url).pathname;
const N = 12;

function sweep(store: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      SCRIPT,
      store,
      String(N),
    ],
    stdout: "null",
    stderr: "piped",
  });
}

async function count(path: string): Promise<number> {
  try {
    const s = await ResultsStore.open(path);
    const n = s.count();
    s.close();
    return n;
  } catch {
    return 0;
  }
}

Deno.test("a sweep killed with SIGKILL resumes to exactly the uninterrupted results", async () => {
  const dir = await Deno.makeTempDir();
  const killed = `${dir}/killed.sqlite`, whole = `${dir}/whole.sqlite`;
  const child = sweep(killed).spawn();
  // wait until some trials are stored, then kill without warning
  const t0 = Date.now();
  while ((await count(killed)) < 3 && Date.now() - t0 < 60000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  await child.output();
  const atKill = await count(killed);
  if (!(atKill >= 3 && atKill < N)) {
    throw new Error(`killed with ${atKill} of ${N} trials stored; the test needs a mid-sweep kill`);
  }
  // resume, and run the same sweep uninterrupted elsewhere
  equal((await sweep(killed).output()).code, 0);
  equal((await sweep(whole).output()).code, 0);
  const a = await ResultsStore.open(killed), b = await ResultsStore.open(whole);
  equal(a.count(), N, "no trial lost or duplicated");
  deepEqual(a.keys(), b.keys());
  for (const k of a.keys()) {
    deepEqual(
      Array.from(a.array(k, "signals")!.data),
      Array.from(b.array(k, "signals")!.data),
      `trial ${k}`,
    );
    deepEqual(
      Array.from(a.array(k, "final_params")!.data),
      Array.from(b.array(k, "final_params")!.data),
      `trial ${k}`,
    );
  }
  a.close();
  b.close();
  await Deno.remove(dir, { recursive: true });
});
