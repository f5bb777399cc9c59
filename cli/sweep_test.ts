import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { ResultsStore } from "../store/store.ts";
import { REPRODUCE_PERMS, runScript } from "../tests/helpers.ts";
import type { SweepSummary } from "../experiments/grid_sweep.ts";
import type { SweepRoundsSummary } from "../experiments/sweep_rounds.ts";
import { exists } from "../store/disk.ts";

const SWEEP = new URL("./sweep.ts", import.meta.url).pathname;
const TRAIN = new URL("./train.ts", import.meta.url).pathname;
const MERGE = new URL("./merge.ts", import.meta.url).pathname;

// a 2 × 2 grid (the paper's AdamW against SGD at its own rate and decay, two widths) × 3 seeds:
// 12 trials of ~1 s
const GRID = ["--grid", "optimizer:lr:wd=adamw:0.01:0.5,sgd:0.5:0.001", "--grid", "hidden=16,32"];
const BASE = ["--p", "23", "--dim", "32", "--steps", "800"];
const SEEDS = ["--seeds", "0..2"];
const ARGS = [...GRID, ...BASE, ...SEEDS, "--workers", "1", "--backend", "asm"];
const N = 12;

const sweep = (args: string[]) => runScript(SWEEP, args, REPRODUCE_PERMS);

async function summary(dir: string): Promise<SweepSummary & { commit: string }> {
  return JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
}

/** What two runs of one sweep must share: everything but how much each trained itself. */
const results = (s: SweepSummary) => ({ ...s, trialsRun: undefined, commit: undefined });

async function count(path: string): Promise<number> {
  try {
    const s = await ResultsStore.open(path, { readOnly: true });
    const n = s.count();
    s.close();
    return n;
  } catch {
    return 0;
  }
}

Deno.test("sweep: a 2×2 grid end to end; killed with SIGKILL it resumes to the uninterrupted summary", async () => {
  const tmp = await Deno.makeTempDir();
  const killed = join(tmp, "killed"), whole = join(tmp, "whole");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...REPRODUCE_PERMS, SWEEP, ...ARGS, "--out", killed],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const t0 = Date.now();
  while ((await count(join(killed, "store.sqlite"))) < 3 && Date.now() - t0 < 120000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  await child.status;
  const atKill = await count(join(killed, "store.sqlite"));
  if (!(atKill >= 3 && atKill < N)) {
    throw new Error(`killed with ${atKill} of ${N} trials stored; the test needs a mid-sweep kill`);
  }
  equal(await exists(join(killed, "summary.json")), false, "no summary before the sweep ends");
  const resumed = await sweep([...ARGS, "--out", killed]);
  equal(resumed.code, 0, resumed.stderr);
  const uninterrupted = await sweep([...ARGS, "--out", whole]);
  equal(uninterrupted.code, 0, uninterrupted.stderr);
  const a = await summary(killed), b = await summary(whole);
  equal(a.trialsRun, N - atKill, "the resumed run trains only what the kill left");
  equal(b.trialsRun, N);
  equal(await count(join(killed, "store.sqlite")), N, "no trial lost or duplicated");
  deepEqual(results(a), results(b));

  // the summary: a row per cell, in axis order, each over the 3 seeds
  equal(b.rows.length, 4);
  deepEqual(b.rows.map((r) => [r.values.optimizer, r.values.lr, r.values.wd, r.values.hidden]), [
    ["adamw", 0.01, 0.5, 16],
    ["adamw", 0.01, 0.5, 32],
    ["sgd", 0.5, 0.001, 16],
    ["sgd", 0.5, 0.001, 32],
  ]);
  for (const r of b.rows) {
    const c = r.stats.circles;
    equal(r.stats.trials, 3);
    equal(c.counts.length + r.stats.diverged, 3);
    const mean = c.counts.reduce((s, v) => s + v, 0) / c.counts.length;
    equal(c.mean, mean);
    if (!(c.low <= c.mean && c.mean <= c.high)) throw new Error(`CI ${c.low}..${c.high} ∌ ${mean}`);
    if (new Set(c.counts).size > 1 && !(c.low < c.high)) throw new Error(`empty CI ${c.low}`);
    equal(r.config.optimizer, r.values.optimizer);
  }
  // contrasts: sgd − adamw at each width, 32 − 16 for each optimiser
  equal(b.contrasts.length, 4);
  const d = b.contrasts[0];
  equal(d.axis, "optimizer:lr:wd");
  equal(d.level, "sgd:0.5:0.001");
  equal(d.diff, b.rows[2].stats.circles.mean - b.rows[0].stats.circles.mean);

  // an independent path to one trial's circles: `train` of the same configuration
  const run = join(tmp, "train-run");
  const t = await runScript(TRAIN, [
    ...BASE,
    "--hidden",
    "32",
    "--optimizer",
    "sgd",
    "--lr",
    "0.5",
    "--wd",
    "0.001",
    "--seed",
    "1",
    "--backend",
    "asm",
    "--out",
    run,
  ]);
  equal(t.code, 0, t.stderr);
  const trained = JSON.parse(await Deno.readTextFile(join(run, "run.json")));
  equal(b.rows[3].stats.circles.counts[1], trained.circles.length, "circles of sgd, 32, seed 1");

  // the outputs: CSV rows, PNG panels, index.html; the printed table
  const csv = (await Deno.readTextFile(join(whole, "summary.csv"))).trim().split("\n");
  equal(csv.length, 5);
  equal(csv[0].startsWith("optimizer,lr,wd,hidden,trials,diverged,circles_mean"), true, csv[0]);
  for (
    const png of [
      "circles_vs_optimizer-lr-wd.png",
      "grok_vs_optimizer-lr-wd.png",
      "circles_vs_hidden.png",
      "grok_vs_hidden.png",
      "heatmap_circles.png",
      "heatmap_grok.png",
      "survival.png",
    ]
  ) {
    const bytes = await Deno.readFile(join(whole, png));
    deepEqual(Array.from(bytes.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47], `${png} is a PNG`);
  }
  equal((await Deno.readTextFile(join(whole, "index.html"))).includes("heatmap_circles.png"), true);
  equal(
    uninterrupted.stdout.includes("optimizer:lr:wd=sgd:0.5:0.001 − optimizer:lr:wd=adamw:0.01:0.5"),
    true,
    uninterrupted.stdout,
  );

  // --plan trains nothing and counts what is stored
  const plan = await sweep([
    ...ARGS,
    "--store",
    join(whole, "store.sqlite"),
    "--plan",
    "--out",
    join(tmp, "plan"),
  ]);
  equal(plan.code, 0, plan.stderr);
  equal(plan.stdout.includes("plan: 4 cells × 3 seeds on asm"), true, plan.stdout);
  equal(plan.stdout.includes(`0 trials to run (${N} of ${N} stored)`), true, plan.stdout);
  equal(plan.stdout.includes(`--until-decided: ${N} trials to run (0 of ${N} stored)`), true);
  equal(await count(join(whole, "store.sqlite")), N);

  // --spec with the same content gives the same summary, from the store alone
  const spec = join(tmp, "spec.json");
  await Deno.writeTextFile(
    spec,
    JSON.stringify({
      grid: { "optimizer:lr:wd": [["adamw", 0.01, 0.5], "sgd:0.5:0.001"], hidden: [16, 32] },
      seeds: [0, 1, 2],
      base: { p: 23, dim: 32, steps: 800 },
    }),
  );
  const viaSpec = join(tmp, "spec-out");
  const s = await sweep([
    "--spec",
    spec,
    "--store",
    join(whole, "store.sqlite"),
    "--backend",
    "asm",
    "--out",
    viaSpec,
  ]);
  equal(s.code, 0, s.stderr);
  const c = await summary(viaSpec);
  equal(c.trialsRun, 0);
  deepEqual(results(c), results(b));

  // shards: two halves into their own stores, merged, summarise to the same rows
  const shards = [0, 1].map((i) => join(tmp, `shard-${i}.sqlite`));
  for (const [i, store] of shards.entries()) {
    const r = await sweep([...ARGS, "--shard", `${i}/2`, "--store", store]);
    equal(r.code, 0, r.stderr);
  }
  deepEqual((await Promise.all(shards.map(count))).reduce((x, y) => x + y), N);
  const merged = join(tmp, "merged.sqlite");
  const m = await runScript(MERGE, [merged, ...shards]);
  equal(m.code, 0, m.stderr);
  const fromShards = join(tmp, "from-shards");
  const r = await sweep([...ARGS, "--store", merged, "--out", fromShards]);
  equal(r.code, 0, r.stderr);
  const e = await summary(fromShards);
  equal(e.trialsRun, 0);
  deepEqual(results(e), results(b));
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("sweep --until-claims-decided: rounds recorded in summary.json; the full sweep reuses their trials", async () => {
  const tmp = await Deno.makeTempDir();
  const store = join(tmp, "s.sqlite"), cut = join(tmp, "cut"), full = join(tmp, "full");
  const r = await sweep([...ARGS, "--until-claims-decided", "--store", store, "--out", cut]);
  equal(r.code, 0, r.stderr);
  const s = await summary(cut) as unknown as SweepRoundsSummary;
  // 3 seeds a cell: rounds of 1, 2, 3 seeds; 4 cells, two axes of two levels: 4 contrasts
  deepEqual(s.seedsAt, [1, 2, 3]);
  equal(s.rounds.rounds, 3);
  equal(s.rounds.trials.of, N);
  equal(s.rounds.trials.at, 4 * s.seedsAt[s.rounds.stoppedAt - 1]);
  equal(s.trials, s.rounds.trials.at);
  equal(await count(store), s.rounds.trials.at);
  equal(s.decisions.length, 4);
  for (const d of s.decisions) {
    equal(["higher", "lower", "undecided"].includes(d.decision), true, JSON.stringify(d));
    equal(d.decision === "undecided", d.round === null, JSON.stringify(d));
  }
  equal(r.stdout.includes(`at round ${s.rounds.stoppedAt} of 3`), true, r.stdout);
  const f = await sweep([...ARGS, "--store", store, "--out", full]);
  equal(f.code, 0, f.stderr);
  equal((await summary(full)).trialsRun, N - s.rounds.trials.at);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("sweep: bad grids and options are one line, exit 2, nothing written", async () => {
  const tmp = await Deno.makeTempDir();
  const badSpec = join(tmp, "bad.json");
  await Deno.writeTextFile(badSpec, `{"grid": {"lr": []}, "seeds": "0..1"}`);
  const notJson = join(tmp, "not.json");
  await Deno.writeTextFile(notJson, "grid: lr");
  const okSpec = join(tmp, "ok.json");
  await Deno.writeTextFile(okSpec, `{"grid": {"lr": [0.1]}, "seeds": "0..1", "base": {"p": 7}}`);
  const base = ["--seeds", "0..1", "--steps", "5", "--p", "7", "--dim", "4", "--backend", "asm"];
  const cases: [string[], string][] = [
    [["--grid", "colour=1,2", ...base], 'unknown key "colour"'],
    [["--grid", "lr=", ...base], "grid lr=: an empty list"],
    [["--grid", "hidden=16,0", ...base], "grid cell hidden=0: hidden 0"],
    [["--grid", "train-fraction=0.5,1.5", ...base], "train-fraction 1.5"],
    [["--grid", "lr=0.1,-1", ...base], "lr -1"],
    [["--grid", "optimizer=adamw,lion", ...base], 'optimizer "lion"'],
    [["--grid", "momentum=0.5,0.9", ...base], "momentum 0.5: allowed only with optimizer sgd"],
    [["--grid", "optimizer=adamw,sgd", "--momentum", "0.5", ...base], "momentum 0.5"],
    [["--grid", "p=5,11", ...base], "grid p: also given as --p"],
    [["--grid", "lr=0.1", "--grid", "lr=0.2", ...base], "grid lr: on two axes"],
    [["--grid", "lr=0.1", ...base.slice(2)], "seeds: missing"],
    [["--grid", "lr=0.1", ...base.slice(2), "--seeds", "3..1"], "must not run backwards"],
    [["--grid", "lr=0.1", ...base, "--seeds", "4"], "option --seeds: given twice"],
    [["--grid", "lr=0.1", "--seed", "3", ...base], "option --seed: unknown"],
    [["--spec", badSpec, "--backend", "asm"], "grid lr=: an empty list"],
    [["--spec", notJson, "--backend", "asm"], "cannot be read as JSON"],
    [["--spec", okSpec, "--grid", "lr=0.2", "--backend", "asm"], "grid: given with --spec"],
    [["--spec", okSpec, "--p", "11", "--backend", "asm"], "p: given as --p and in the spec"],
    [["--grid", "lr=0.1", "--until-decided", "--log-every", "30", ...base], "log-every 30"],
    [["--grid", "lr=0.1", "--shard", "2/2", ...base], 'shard "2/2"'],
    [["--grid", "lr=0.1", "--hours", "2", ...base], "hours: allowed only with --plan"],
    [
      ["--grid", "lr=0.1,0.2", "--until-claims-decided", "--shard", "0/2", ...base],
      "until-claims-decided: allowed without --shard",
    ],
    [["--grid", "lr=0.1", "--backend", "cuda", ...base.slice(0, -2)], 'backend "cuda"'],
  ];
  for (const [args, mention] of cases) {
    const out = join(tmp, `out-${args.join("_").replace(/[^\w-]/g, "")}`);
    const r = await sweep([...args, "--out", out]);
    const what = args.join(" ");
    equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, `${what}: ${lines.length} lines of stderr: ${r.stderr}`);
    equal(lines[0].includes(mention), true, `${what}: "${lines[0]}" does not name ${mention}`);
    equal(await exists(out), false, `${what}: wrote ${out}`);
  }
  const left = [];
  for await (const e of Deno.readDir(tmp)) left.push(e.name);
  deepEqual(left.sort(), ["bad.json", "not.json", "ok.json"], "nothing else written");
  await Deno.remove(tmp, { recursive: true });
});
