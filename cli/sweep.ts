/**
 * `deno task sweep`: a grid of training configurations × seeds through the results store — each
 * `--grid KEY=V1,V2,...` an axis, axes crossed — and its summary: a row per cell with the
 * #circles mean and 95 % interval, per-frequency survival, the grokking step's median and
 * interval, final losses; differences in mean #circles with Welch intervals; PNG panels and
 * index.html in `--out`. Trials already in the store are reused (an interrupted sweep resumes),
 * `--shard i/n` runs a deterministic part of them (Slurm arrays), any backend trains them.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../protocol/config.ts";
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import { GRID_KEYS, type GridAxis, gridAxis, parseGridAxis } from "../protocol/grid_spec.ts";
import { backendNames } from "../train/backends.ts";
import { sweepProgress } from "../train/progress.ts";
import { batchFor } from "../train/memory.ts";
import { ResultsStore } from "../store/store.ts";
import { trainShard } from "../experiments/shards.ts";
import {
  planSweep,
  runSweep,
  SWEEP_RECORDS,
  type SweepDesign,
  type SweepRecords,
  sweepTrials,
} from "../experiments/grid_sweep.ts";
import { runSweepInRounds } from "../experiments/sweep_rounds.ts";
import { doublingSchedule } from "../analysis/sequential.ts";
import { sweepTable, writeSweepReport } from "../report/sweep_report.ts";
import { MEAN_EARLY_STOP_STEP, planLine, slurmLine } from "../experiments/cost_plan.ts";
import type { Backend } from "../backends/contract.ts";
import {
  backendFrom,
  checkFits,
  checkOutDir,
  hoursFrom,
  intOption,
  parse,
  partialConfigFrom,
  runCli,
  STORE_RUN_OPTIONS,
  TRAIN_OPTIONS,
  UsageError,
  type Values,
  workersFrom,
} from "./options.ts";
import { parseSeeds } from "./trials.ts";
import { parseShard } from "./reproduce.ts";

/** The train options a sweep takes as its base (everything of `train` about the model). */
const BASE_OPTIONS = (({
  seed: _seed,
  "init-params": _ip,
  "train-ids": _ti,
  out: _out,
  "params-every": _pe,
  "embeddings-until": _eu,
  "grad-signals": _gs,
  help: _help,
  backend: _backend,
  ...rest
}) => rest)(TRAIN_OPTIONS);

const OPTIONS = {
  ...BASE_OPTIONS,
  grid: { type: "string", multiple: true },
  seeds: { type: "string" },
  spec: { type: "string" },
  "log-every": { type: "string" },
  "until-claims-decided": { type: "boolean" },
  ...STORE_RUN_OPTIONS,
} as const;

export const SWEEP_HELP = `deno task sweep --grid KEY=V1,V2,... [--grid ...] --seeds SPEC [options]
deno task sweep --spec FILE.json [options]

  --grid KEY=V1,V2,...   an axis of the grid (repeatable; the axes are crossed). KEY is one of
                         ${GRID_KEYS.join(", ")};
                         K1:K2=a1:a2,b1:b2 varies options together (one axis, e.g.
                         optimizer:lr=adamw:0.01,sgd:0.3)
  --seeds SPEC           the seeds of every cell: "0..7", "1,4,9" or a mix
  --spec FILE.json       the same as a file: {"grid": {"lr": [0.01, 0.1]}, "seeds": "0..7",
                         "base": {"p": 59, "steps": 3000}} (base: train options by their names)
  --out DIR              summary.csv, summary.json, PNG panels, index.html (results/sweep)
  --store FILE           the results store (DIR/store.sqlite); finished trials are reused, so a
                         rerun resumes an interrupted sweep
  --fresh                rerun stored trials
  --workers N            Workers for the trials (default: every core)
  --backend B            auto | ${backendNames().join(" | ")} (part of every trial's key)
  --shard i/n            train only the i-th of n deterministic parts into this store (Slurm:
                         SLURM_ARRAY_TASK_ID / _COUNT), no summary; merge the stores with
                         'deno task merge', then sweep again with --store to summarise
  --until-decided        stop each trial once its circles are decided (analysis/early_stop.ts);
                         a trial stopped before it grokked counts as "never" grokked
  --until-claims-decided train the seeds in rounds (M/16, M/8, M/4, M/2, M of every cell) and
                         stop at the first round where every contrast (each level against its
                         axis's first) is decided higher or lower by a two-sided rank-sum test
                         of #circles, α = 0.05 held over the rounds per contrast by O'Brien–
                         Fleming-type spending (docs/sweep.md); a level that makes no difference
                         runs the sweep to M. The summary records the round and n it stopped at
  --plan                 train nothing: print the trials to run and already stored, the
                         trial-steps and the projected wall time on this machine (a short probe
                         of each shape), with and without --until-decided
  --hours H              with --plan: how many Slurm array tasks bring the sweep under H hours
  --log-every N          log every N-th step (${SWEEP_RECORDS.logEvery}): the grokking step's resolution
  -h, --help             this text
  the options of 'deno task train' that describe a run (--p, --dim, --hidden, --train-fraction,
  --wd, --lr, --optimizer, --momentum, --steps, --mode, --init-seed, --freeze-embedding) set the
  base every cell starts from; an option may not be both a base option and a grid key.

Prints a row per cell (#circles mean with its 95 % t interval, grokking step median with its
sign-test interval, final test loss) and the difference in mean #circles of each level against
its axis's first level (95 % Welch interval); with --until-claims-decided also the rounds and
each contrast's decision. Bad input: one line, exit 2, nothing written.`;

/** The grid, seeds and base options of a `--spec` file, in the CLI's terms. */
async function readSpec(path: string): Promise<{ axes: GridAxis[]; seeds: string; base: Values }> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new UsageError(`spec ${path}: cannot be read as JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new UsageError(`spec ${path}: allowed is an object {"grid", "seeds", "base"}`);
  }
  const { grid, seeds, base = {}, ...extra } = json as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length) {
    throw new UsageError(
      `spec ${path}: unknown field ${unknown[0]}; allowed are grid, seeds, base`,
    );
  }
  if (!grid || typeof grid !== "object" || Array.isArray(grid)) {
    throw new UsageError(`spec ${path}: "grid" must be an object {"KEY": [values]}`);
  }
  const axes = Object.entries(grid).map(([k, v]) => {
    if (!Array.isArray(v)) throw new ConfigError(`grid ${k}: allowed is a list of values`);
    return gridAxis(k, v);
  });
  if (typeof seeds !== "string" && !Array.isArray(seeds)) {
    throw new UsageError(`spec ${path}: "seeds" must be "0..7" or a list of integers`);
  }
  if (!base || typeof base !== "object" || Array.isArray(base)) {
    throw new UsageError(`spec ${path}: "base" must be an object of train options`);
  }
  const values: Values = {};
  for (const [k, v] of Object.entries(base as Record<string, unknown>)) {
    const spec = (BASE_OPTIONS as Record<string, { type: string }>)[k];
    if (!spec) {
      throw new UsageError(
        `spec ${path}: base option ${k} unknown; allowed are ${
          Object.keys(BASE_OPTIONS).join(", ")
        }`,
      );
    }
    if (spec.type === "boolean" ? typeof v !== "boolean" : typeof v === "object") {
      throw new UsageError(
        `spec ${path}: base option ${k} ${JSON.stringify(v)} is not a ${
          spec.type === "boolean" ? "boolean" : "value"
        }`,
      );
    }
    values[k] = spec.type === "boolean" ? v as boolean : String(v);
  }
  return { axes, seeds: Array.isArray(seeds) ? seeds.join(",") : seeds, base: values };
}

/** The records options (`--log-every`, `--until-decided`). */
function recordsFrom(values: Values): SweepRecords {
  const logEvery = intOption(values, "log-every") ?? SWEEP_RECORDS.logEvery;
  const untilDecided = values["until-decided"] === true;
  if (logEvery < 1) throw new UsageError(`log-every ${logEvery}: allowed is an integer >= 1`);
  if (untilDecided && DEFAULT_EARLY_STOP.every % logEvery !== 0) {
    throw new UsageError(
      `log-every ${logEvery}: with --until-decided allowed are divisors of ${DEFAULT_EARLY_STOP.every}`,
    );
  }
  return { logEvery, untilDecided };
}

/** `--plan`: what the grid costs — trials to run and stored, trial-steps, the projected wall
 * time on this machine (experiments/cost_plan.ts), also with the early verdict, and with `--hours` the
 * Slurm array size. Trains nothing. */
async function printSweepPlan(
  spec: SweepDesign,
  records: SweepRecords,
  o: {
    store: ResultsStore;
    backend: Backend;
    workers?: number;
    hours?: number;
    fresh: boolean;
    untilClaims: boolean;
  },
): Promise<void> {
  const { cells } = sweepTrials(spec, records);
  console.log(`plan: ${cells.length} cells × ${spec.seeds.length} seeds on ${o.backend.name}`);
  const cores = o.workers ?? navigator.hardwareConcurrency ?? 1;
  for (const { untilDecided, plan } of await planSweep(spec, records, o)) {
    const name = untilDecided && !records.untilDecided ? "--until-decided: " : "";
    console.log(`${name}${planLine(plan)}`);
    if (o.hours !== undefined) console.log(`${name}${slurmLine(plan, o.hours, cores)}`);
  }
  if (o.untilClaims) {
    const at = doublingSchedule(spec.seeds.length);
    console.log(
      `--until-claims-decided: rounds of ${at.join("/")} seeds a cell (${
        at.map((n) => n * cells.length).join("/")
      } trials); at most the trials above, fewer where every contrast is decided at an earlier round`,
    );
  }
  console.log(
    `(times projected from a probe of each shape on this machine; where the verdict stops a trial, ${MEAN_EARLY_STOP_STEP} steps are assumed)`,
  );
}

/** Run `sweep` with these command-line arguments. */
export function sweepMain(args: string[]): Promise<void> {
  return runCli("sweep", async () => {
    const { values } = parse(args, OPTIONS);
    if (values.help) {
      console.log(SWEEP_HELP);
      return;
    }
    // the grid, seeds and base: from the options or from --spec
    const cliBase = Object.keys(BASE_OPTIONS).filter((k) => values[k] !== undefined);
    let spec: SweepDesign;
    if (values.spec !== undefined) {
      for (const o of ["grid", "seeds"]) {
        if (values[o] !== undefined) {
          throw new UsageError(`${o}: given with --spec; allowed is one of the two`);
        }
      }
      const file = await readSpec(String(values.spec));
      const both = cliBase.find((k) => k in file.base);
      if (both) throw new UsageError(`${both}: given as --${both} and in the spec's base`);
      const base = { ...file.base, ...Object.fromEntries(cliBase.map((k) => [k, values[k]])) };
      spec = {
        axes: file.axes,
        seeds: parseSeeds(file.seeds),
        base: partialConfigFrom(base),
        baseKeys: Object.keys(base),
      };
    } else {
      if (values.seeds === undefined) throw new UsageError(`seeds: missing; e.g. --seeds 0..7`);
      const axes = ((values.grid as string[] | undefined) ?? []).map(parseGridAxis);
      spec = {
        axes,
        seeds: parseSeeds(String(values.seeds)),
        base: partialConfigFrom(values),
        baseKeys: cliBase,
      };
    }
    const records = recordsFrom(values);
    const { cells, requests } = sweepTrials(spec, records); // every cell validated here
    const untilClaims = values["until-claims-decided"] === true;
    if (untilClaims && values.shard !== undefined) {
      throw new UsageError(
        `until-claims-decided: allowed without --shard (a shard trains its part of every seed; merge the shards, then sweep --store with --until-claims-decided to decide from them)`,
      );
    }
    const workers = workersFrom(values);
    const shard = parseShard(values.shard as string | undefined);
    const out = (values.out as string | undefined) ?? join("results", "sweep");
    if (!shard) await checkOutDir(out, "out", true);
    const hours = hoursFrom(values);
    const { backend, announce } = await backendFrom(values, "sweep");
    for (const c of cells) {
      const concurrent = backend.caps.device === "cpu"
        ? Math.min(workers ?? navigator.hardwareConcurrency ?? 1, requests.length)
        : Math.min(await batchFor(backend, c.configs[0], records), requests.length);
      checkFits(c.configs[0], records, backend, concurrent);
    }
    const store = await ResultsStore.open(
      (values.store as string | undefined) ?? join(out, "store.sqlite"),
    );
    announce();
    try {
      if (values.plan) {
        await printSweepPlan(spec, records, {
          store,
          backend,
          workers,
          hours,
          fresh: values.fresh === true,
          untilClaims,
        });
        return;
      }
      const opts = {
        store,
        backend,
        workers,
        fresh: values.fresh === true,
        onProgress: sweepProgress(
          `sweep ${cells.length} cells × ${spec.seeds.length} seeds${
            shard ? ` shard ${shard.index}/${shard.count}` : ""
          }`,
        ),
      };
      if (shard) {
        const n = await trainShard(requests, shard, opts);
        console.log(
          `shard ${shard.index}/${shard.count}: ${n} trials in ${store.path} (${store.count()} stored)`,
        );
        return;
      }
      const t0 = performance.now();
      const summary = untilClaims
        ? await runSweepInRounds(spec, {
          ...opts,
          records,
          onRound: (j, of, n) =>
            console.error(
              `sweep: round ${j} of ${of}, ${n} seeds a cell (${n * cells.length} trials)`,
            ),
        })
        : await runSweep(spec, { ...opts, records });
      if (Deno.stderr.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      const panels = await writeSweepReport(summary, out, spec.base);
      console.log(sweepTable(summary));
      console.log(
        `\n${summary.trials} trials (${summary.trialsRun} trained now) in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s on ${summary.backend}; ${out}/: summary.csv, summary.json, index.html, ${
          panels.join(", ")
        }`,
      );
    } finally {
      store.close();
    }
  }, {
    interrupted: "every trial finished so far is kept in the store; the same command again resumes",
  });
}

if (import.meta.main) await sweepMain(Deno.args);
