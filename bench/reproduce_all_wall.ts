/**
 * Benchmark script: the wall time of `reproduce all` figure by figure (the order before the pool)
 * and as one pool, one after the other on this machine, each into a fresh store and output folder,
 * nothing shared between them. Prints the CPU, the load average before and after each run, each
 * run's wall time, exit code and summary lines, and writes `OUT/wall.json`.
 *
 * ```sh
 * deno run -A bench/reproduce_all_wall.ts [--scale quick] [--out results/wall] [--first pool|figure-by-figure]
 * ```
 *
 * Each run is a whole `deno task reproduce all` process (its build step included, already
 * built). The machine should do nothing else meanwhile: the pool's advantage is the idle core it
 * fills, and other work fills it too. A run that exits 1 has a FAIL claim (a finding, not an
 * error of the run); 2 or any other code is reported as a failed run.
 *
 * @module
 */
import { join } from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { cpuLine } from "./cpu.ts";

type Mode = "figure-by-figure" | "pool";

/** One measured run. */
interface WallRun {
  mode: Mode;
  command: string;
  wallSeconds: number;
  code: number;
  loadBefore: number[];
  loadAfter: number[];
  /** The run's last lines (its claims summary). */
  tail: string[];
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "quick" },
    out: { type: "string", default: join("results", "wall") },
    first: { type: "string", default: "pool" },
  },
});
const scale = String(values.scale), out = String(values.out), first = String(values.first);
if (!["quick", "tiny", "paper"].includes(scale)) {
  console.error(`scale ${JSON.stringify(scale)}: allowed are quick, tiny, paper`);
  Deno.exit(2);
}
if (first !== "pool" && first !== "figure-by-figure") {
  console.error(`first ${JSON.stringify(first)}: allowed are pool, figure-by-figure`);
  Deno.exit(2);
}
const order: Mode[] = first === "pool"
  ? ["pool", "figure-by-figure"]
  : ["figure-by-figure", "pool"];
await Deno.mkdir(out, { recursive: true });
const cpu = cpuLine();
console.log(`${cpu}\nreproduce all --scale ${scale}: ${order.join(", then ")}; output in ${out}/`);

const runs: WallRun[] = [];
for (const mode of order) {
  const dir = join(out, mode);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const args = [
    "task",
    "reproduce",
    "all",
    "--scale",
    scale,
    "--store",
    join(dir, "store.sqlite"),
    "--out",
    join(dir, "results"),
    ...(mode === "figure-by-figure" ? ["--figure-by-figure"] : []),
  ];
  await Deno.mkdir(dir, { recursive: true });
  const log = await Deno.open(join(dir, "log.txt"), { write: true, create: true, truncate: true });
  const loadBefore = loadavg();
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // both streams into the log as they come; the last lines kept for the summary
  let text = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) {
      await log.write(chunk);
      text = (text + new TextDecoder().decode(chunk)).slice(-20_000);
    }
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  const { code } = await child.status;
  const wallSeconds = (performance.now() - t0) / 1000;
  log.close();
  const tail = text.split(/\r|\n/).map((l) => l.trimEnd()).filter(Boolean).slice(-6);
  const run = {
    mode,
    command: `deno ${args.join(" ")}`,
    wallSeconds,
    code,
    loadBefore: loadBefore.map((v) => +v.toFixed(2)),
    loadAfter: loadavg().map((v) => +v.toFixed(2)),
    tail,
  };
  runs.push(run);
  console.log(
    `${mode}: ${(wallSeconds / 60).toFixed(1)} min, exit ${code}${
      code === 1 ? " (a claim FAILs: a finding)" : code === 0 ? "" : " (the run failed)"
    }; load average before ${run.loadBefore.join(" ")}, after ${run.loadAfter.join(" ")}`,
  );
  for (const l of tail) console.log(`  ${l}`);
}
const [pool, fbf] = ["pool", "figure-by-figure"].map((m) => runs.find((r) => r.mode === m)!);
console.log(
  `figure by figure ${(fbf.wallSeconds / 60).toFixed(1)} min, pool ${
    (pool.wallSeconds / 60).toFixed(1)
  } min: ${(fbf.wallSeconds / pool.wallSeconds).toFixed(2)}× (${cpu.split(";")[0]})`,
);
await Deno.writeTextFile(
  join(out, "wall.json"),
  JSON.stringify({ date: new Date().toISOString(), cpu, scale, runs }, null, 1) + "\n",
);
Deno.exit(runs.every((r) => r.code === 0 || r.code === 1) ? 0 : 1);
