/**
 * `deno task cluster FIGURE|all --shards N [--scale S] [--store OUT.sqlite] ...`: run a figure's
 * trials as a Slurm job array of the single-file program, one array task per shard, and merge
 * the shards into one store.
 *
 * 1. Everything is checked before anything is submitted (one line, exit 2): the options, that
 *    Slurm's commands are here, that N shards each get trials, OUT and the run folder, and the
 *    job itself (`sbatch --test-only`).
 * 2. The run folder (`--dir`, default `cluster-FIG-SCALE` beside OUT) gets the bundle
 *    (`circle-survival.js`: compute nodes need only Deno), `job.sbatch`, `cluster.json` (the run
 *    and its job id), and then each task's store `shard-I.sqlite` and Slurm log
 *    `logs/shard-I.log` (progress lines every `CIRCLE_SURVIVAL_PROGRESS_SECONDS`, 30 s).
 *    Each task runs `reproduce FIG --store shard-I.sqlite`; Slurm's array variables pick the
 *    shard (`reproduce --shard`'s rule: the figure's sorted trial keys, every N-th).
 * 3. `sbatch` submits it; `squeue` follows it; at the end each task's state and exit code come
 *    from `sacct` (or `scontrol` where there is no accounting), and each shard store is checked
 *    to hold every trial of its share. A failed task is reported with its log, exit 1, and
 *    nothing is merged (`--merge-partial` merges what finished); otherwise the shards are merged
 *    into OUT (atomically, `merge`'s code) and the `reproduce FIG --store OUT` command that
 *    analyses them without training is printed.
 *
 * Running it again with the same run folder resumes: finished trials stay in the shard stores
 * and each task trains only what its store lacks.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { FIGURES } from "../paper/figures.ts";
import { type Figure, type Scale, SCALES } from "../paper/figure.ts";
import { selectFigures } from "../experiments/selection.ts";
import { shardKeys } from "../experiments/shards.ts";
import { mergeStores } from "../experiments/merge_stores.ts";
import {
  activeTasks,
  checkShards,
  type ClusterRun,
  clusterShares,
  describe,
  lastLine,
  oneLine,
  onPath,
  sbatchScript,
  sh,
  type ShardCheck,
  slurm,
  type TaskEnd,
  taskEnds,
} from "../experiments/slurm.ts";
import { ResultsStore } from "../store/store.ts";
import { backendNames } from "../train/backends.ts";
import { progressInterval } from "../train/progress.ts";
import { bundleInto, firstError, runningBundle } from "./bundle.ts";
import {
  checkOutDir,
  handleInterrupts,
  intOption,
  parse,
  runCli,
  UsageError,
  type Values,
  workersFrom,
} from "./options.ts";

/** `cluster.json` in the run folder: the run, and the Slurm job that last ran it. */
interface RunRecord extends ClusterRun {
  jobId?: string;
  submitted?: string;
}

export const CLUSTER_HELP = `deno task cluster FIGURE|all --shards N [options]

Runs the figure's trials as a Slurm job array of the single-file program (one task per shard,
each its own store), follows it with squeue, checks every task (sacct, or scontrol without
accounting) and every shard store, and merges the shards into OUT; then
'deno task reproduce FIGURE --store OUT' analyses them without training.

  FIGURE             ${
  FIGURES.map((f) => f.id).join(", ").replace(/(.{50,}?), /g, "$1,\n                     ")
}, all
  --shards N         array tasks (the trials, sorted by key, every N-th to each); size it with
                     'deno task reproduce FIGURE --scale S --plan --hours H --workers C'
  --scale S          ${SCALES.join(" | ")} (default quick)
  --store OUT        the merged store (results/store.sqlite); existing trials are kept
  --dir DIR          run folder on a filesystem the compute nodes share: bundle, job script,
                     shard stores, logs (default: cluster-FIGURE-SCALE beside OUT); the same
                     run again in the same DIR resumes it
  --backend B        ${backendNames().join(" | ")} (default asm; one for every task: it is part of
                     each trial's key, so 'auto' is not allowed)
  --until-decided    stop each sweep trial once its circles are decided
  --cpus-per-task C  CPUs per array task (sbatch; default 1)
  --workers W        trial Workers per task (default: C)
  --partition P      sbatch --partition
  --time T           sbatch --time (per task)
  --mem M            sbatch --mem (per task)
  --deno PATH        the Deno the compute nodes run (a bare name: looked up on the node's
                     PATH; default: the Deno running this, ${Deno.execPath()})
  --setup LINE       a shell line the job runs first, e.g. 'module load deno'
  --no-wait          submit and return; merge later with the same command and --merge-only
  --merge-only       no submission: follow the run's job if it still runs, check, merge
  --merge-partial    when tasks failed, merge the trials that finished anyway (still exit 1)
  --poll S           seconds between squeue polls (default 10)
  -h, --help         this text

Other sbatch settings come from SBATCH_* environment variables (e.g. SBATCH_ACCOUNT).
Exit code 1 when a task failed, 2 on bad input (nothing submitted).`;

const OPTIONS = {
  shards: { type: "string" },
  scale: { type: "string" },
  store: { type: "string" },
  dir: { type: "string" },
  backend: { type: "string" },
  "until-decided": { type: "boolean" },
  "cpus-per-task": { type: "string" },
  workers: { type: "string" },
  partition: { type: "string" },
  time: { type: "string" },
  mem: { type: "string" },
  deno: { type: "string" },
  setup: { type: "string" },
  "no-wait": { type: "boolean" },
  "merge-only": { type: "boolean" },
  "merge-partial": { type: "boolean" },
  poll: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** Follow the job with squeue until none of its tasks is pending or running. */
async function follow(
  jobId: string,
  opts: { shards: number; dir: string; poll: number; later: string },
): Promise<void> {
  const every = progressInterval() * 1000;
  let last = "", shown = -Infinity, errors = 0;
  const logged = new Map<number, string>(); // each running task's log line shown last
  const interrupts = handleInterrupts(() => {
    console.log(`\njob ${jobId} goes on in Slurm; when it has ended: ${opts.later}`);
    Deno.exit(130);
  });
  try {
    for (;;) {
      const q = await activeTasks(jobId);
      if ("error" in q) {
        if (++errors >= 10) {
          throw new ClusterFailure(
            `squeue failed 10 times in a row (${q.error}); the job may still run: when it has ended, ${opts.later}`,
          );
        }
      } else {
        errors = 0;
        if (q.tasks.size === 0) break;
        const states = [...q.tasks.values()];
        const running = states.filter((s) => s === "RUNNING").length;
        const summary = `job ${jobId}: ${
          opts.shards - q.tasks.size
        } of ${opts.shards} tasks ended, ${running} running, ${states.length - running} waiting${
          q.reasons.size > 0 ? ` (${[...q.reasons].join(", ")})` : ""
        }`;
        const now = performance.now();
        if (summary !== last || now - shown >= every) {
          console.log(summary);
          const runningIds = [...q.tasks].filter(([, s]) => s === "RUNNING").map(([t]) => t);
          for (const t of runningIds.slice(0, 8)) {
            const line = await lastLine(join(opts.dir, "logs", `shard-${t}.log`));
            if (line && line !== logged.get(t)) console.log(`  task ${t}: ${line}`);
            if (line) logged.set(t, line);
          }
          if (runningIds.length > 8) console.log(`  (and ${runningIds.length - 8} more running)`);
          last = summary;
          shown = now;
        }
      }
      await sleep(opts.poll);
    }
  } finally {
    interrupts.dispose();
  }
}

/**
 * Fill Deno's cache (DENO_DIR, shared with the compute nodes where the home folder is) with the
 * program's one npm import, so that tasks on nodes without network start; where that fails here,
 * say so and go on (nodes with network fetch it themselves).
 */
async function cacheImports(program: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--quiet", program],
    cwd: dirname(program),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    console.error(
      `cluster: note: 'deno cache ${program}' failed (${
        firstError(new TextDecoder().decode(out.stderr))
      }); each task fetches @napi-rs/canvas from npm itself`,
    );
  }
}

/** A run that did not succeed: one line, exit 1 (not bad input). */
class ClusterFailure extends Error {
  override name = "ClusterFailure";
}

/** A value that goes into an #SBATCH line as it is. */
function sbatchToken(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name] as string | undefined;
  if (v !== undefined && !/^[\w.,:+=@\[\]-]+$/.test(v)) {
    throw new UsageError(
      `${name} ${
        JSON.stringify(v)
      }: allowed is one sbatch value (letters, digits, . , : + = @ [ ] - _)`,
    );
  }
  return v;
}

async function readRecord(dir: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "cluster.json")));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`dir ${dir}: cluster.json cannot be read (${(e as Error).message})`);
  }
}

async function writeRecord(dir: string, record: RunRecord): Promise<void> {
  const tmp = join(dir, `.cluster.json.${Deno.pid}`);
  await Deno.writeTextFile(tmp, JSON.stringify(record, null, 2) + "\n");
  await Deno.rename(tmp, join(dir, "cluster.json"));
}

/** Run `cluster` with these command-line arguments. */
export function clusterMain(args: string[]): Promise<void> {
  return runCli("cluster", async () => {
    try {
      await cluster(args);
    } catch (e) {
      if (!(e instanceof ClusterFailure)) throw e;
      console.error(`cluster: ${e.message}`);
      Deno.exit(1);
    }
  }, {
    interrupted:
      "nothing was submitted or merged after this point; the run folder keeps what was written, and the same command again resumes",
  });
}

/** A cluster command line, validated. */
interface ClusterArgs {
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[];
  run: ClusterRun;
  cpusPerTask: number;
  workers: number;
  sbatch: { partition?: string; time?: string; mem?: string };
  setup?: string;
  poll: number;
  noWait: boolean;
  mergeOnly: boolean;
  mergePartial: boolean;
  /** The Deno the compute nodes run. */
  deno: string;
  /** The merged store. */
  out: string;
  /** The run folder. */
  dir: string;
}

/** The options and figure named, validated (one line each, before anything is looked up). */
async function clusterArgs(values: Values, positionals: string[]): Promise<ClusterArgs> {
  const figList = `${FIGURES.map((f) => f.id).join(", ")}, all`;
  if (positionals.length !== 1) {
    throw new UsageError(`${positionals.length} figures named: allowed is one of ${figList}`);
  }
  const which = positionals[0];
  const figs = selectFigures(which, { untilDecided: values["until-decided"] === true });
  const scale = (values.scale as string | undefined) ?? "quick";
  if (!(SCALES as readonly string[]).includes(scale)) {
    throw new UsageError(`scale ${JSON.stringify(scale)}: allowed are ${SCALES.join(", ")}`);
  }
  if (values.shards === undefined) {
    throw new UsageError(`--shards N is needed: the number of array tasks (an integer >= 1)`);
  }
  const shards = intOption(values, "shards")!;
  if (shards < 1) throw new UsageError(`shards ${shards}: allowed is an integer >= 1`);
  const backend = (values.backend as string | undefined) ?? "asm";
  if (!backendNames().includes(backend)) {
    throw new UsageError(
      `backend ${JSON.stringify(backend)}: allowed are ${
        backendNames().join(", ")
      } (one for every task: it is part of each trial's key)`,
    );
  }
  const run: ClusterRun = {
    figure: which === "all" ? "all" : figs[0].id,
    scale: scale as Scale,
    shards,
    backend,
    untilDecided: values["until-decided"] === true,
  };
  const cpusPerTask = intOption(values, "cpus-per-task") ?? 1;
  if (cpusPerTask < 1 || cpusPerTask > 4096) {
    throw new UsageError(`cpus-per-task ${cpusPerTask}: allowed is an integer in 1..4096`);
  }
  const workers = workersFrom(values) ?? Math.min(cpusPerTask, 256);
  const sbatch = {
    partition: sbatchToken(values, "partition"),
    time: sbatchToken(values, "time"),
    mem: sbatchToken(values, "mem"),
  };
  const setup = values.setup as string | undefined;
  if (setup !== undefined && /[\r\n]/.test(setup)) {
    throw new UsageError(`setup: allowed is one shell line`);
  }
  const poll = values.poll === undefined ? 10 : Number(values.poll);
  if (!(poll > 0 && poll <= 3600)) {
    throw new UsageError(`poll ${values.poll}: allowed is a number of seconds in (0, 3600]`);
  }
  const [noWait, mergeOnly, mergePartial] = ["no-wait", "merge-only", "merge-partial"].map((o) =>
    values[o] === true
  );
  if (noWait && (mergeOnly || mergePartial)) {
    throw new UsageError(
      `--no-wait with --${mergeOnly ? "merge-only" : "merge-partial"}: allowed is one of them`,
    );
  }
  let deno = (values.deno as string | undefined) ?? Deno.execPath();
  if (deno.includes("/")) {
    deno = resolve(deno);
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(deno);
    } catch { /* below */ }
    if (!info?.isFile || ((info.mode ?? 0o111) & 0o111) === 0) {
      throw new UsageError(
        `deno ${deno}: not an executable file; allowed is the path of a Deno binary`,
      );
    }
  } else if (!/^[\w.+-]+$/.test(deno)) {
    throw new UsageError(`deno ${JSON.stringify(deno)}: allowed is a path or a command name`);
  }
  const out = (values.store as string | undefined) ?? join("results", "store.sqlite");
  if (out.trim() === "") throw new UsageError(`store "": allowed is a file path`);
  const dir = resolve(
    (values.dir as string | undefined) ?? join(dirname(out), `cluster-${run.figure}-${run.scale}`),
  );
  if (/[\s'"\\$`]/.test(dir)) {
    throw new UsageError(
      `dir ${
        JSON.stringify(dir)
      }: allowed is a path without spaces, quotes, \\, $ or \` (it goes into #SBATCH lines)`,
    );
  }
  return {
    figs,
    run,
    cpusPerTask,
    workers,
    sbatch,
    setup,
    poll,
    noWait,
    mergeOnly,
    mergePartial,
    deno,
    out,
    dir,
  };
}

/**
 * What must hold before anything is submitted: Slurm's commands are here, every shard gets
 * trials, OUT is a store or new, the run folder is this run's (or new and empty), and its last
 * job is not still running. Returns each shard's share and the folder's record.
 */
async function checkBeforeSubmit(
  a: ClusterArgs,
): Promise<{ shares: string[][]; record?: RunRecord }> {
  const { figs, run, out, dir, mergeOnly } = a;
  const { shards } = run;
  // Slurm's commands
  for (const cmd of ["sbatch", "squeue"]) {
    if (onPath(cmd) === undefined) {
      throw new UsageError(
        `Slurm was not found: no ${cmd} on PATH; run this where Slurm's commands are (a cluster's login node)`,
      );
    }
  }

  // every shard gets trials
  const perFigure = await Promise.all(
    figs.map(async (f) => (await shardKeys([f], { ...run, count: 1 }))[0].length),
  );
  const most = Math.max(...perFigure);
  if (shards > most) {
    throw new UsageError(
      `shards ${shards}: ${run.figure} at ${run.scale} scale has ${most} trials${
        figs.length > 1 ? " in its largest figure" : ""
      }; allowed is 1..${most}`,
    );
  }
  const shares = await clusterShares(run);

  // OUT and the run folder
  let outInfo: Deno.FileInfo | undefined;
  try {
    outInfo = await Deno.stat(out);
  } catch { /* a new store */ }
  if (outInfo && !outInfo.isFile) throw new UsageError(`store ${out}: is not a file`);
  if (outInfo) (await ResultsStore.open(out, { readOnly: true })).close();
  await checkOutDir(dirname(resolve(out)), `store ${out}: its folder`, true);
  await checkOutDir(dir, "dir", true);
  const record = await readRecord(dir);
  if (record && describe(record) !== describe(run)) {
    throw new UsageError(
      `dir ${dir}: holds the run ${describe(record)}; allowed is that run, or another --dir`,
    );
  }
  if (!record) {
    let entries = 0;
    try {
      for await (const _ of Deno.readDir(dir)) entries++;
    } catch { /* new */ }
    if (mergeOnly) {
      throw new UsageError(
        `dir ${dir}: no cluster.json, nothing was submitted there; allowed is the dir of a submitted run`,
      );
    }
    if (entries > 0) {
      throw new UsageError(
        `dir ${dir}: not empty and not a cluster run (no cluster.json); allowed is a new or empty folder`,
      );
    }
  }
  if (record?.jobId && !mergeOnly) {
    const q = await activeTasks(record.jobId);
    if ("tasks" in q && q.tasks.size > 0) {
      throw new UsageError(
        `dir ${dir}: its job ${record.jobId} still has ${q.tasks.size} tasks waiting or running; allowed is --merge-only (follows it, then merges), or scancel ${record.jobId} first`,
      );
    }
  }
  return { shares, record };
}

/**
 * Check the job with `sbatch --test-only`, fill the run folder (bundle, job script, record) and
 * submit the job array; returns its job id.
 */
async function submit(a: ClusterArgs, shares: string[][], record?: RunRecord): Promise<string> {
  const { run, dir, deno, cpusPerTask, workers, sbatch, setup } = a;
  const { shards } = run;
  const program = join(dir, "circle-survival.js");
  const script = sbatchScript({ run, dir, deno, program, cpusPerTask, workers, sbatch, setup });
  const test = await slurm("sbatch", ["--test-only"], script);
  if (test.code !== 0) {
    const opts = [`--array=0-${shards - 1}`, `--cpus-per-task=${cpusPerTask}`]
      .concat(Object.entries(sbatch).filter(([, v]) => v).map(([k, v]) => `--${k}=${v}`));
    throw new UsageError(
      `sbatch refused the job (${opts.join(" ")}): ${
        oneLine(test.stderr) || `exit code ${test.code}`
      }`,
    );
  }
  const created = !(await Deno.stat(dir).then(() => true, () => false));
  try {
    await Deno.mkdir(join(dir, "logs"), { recursive: true });
    await bundleInto(dir);
    await cacheImports(program);
    await Deno.writeTextFile(join(dir, "job.sbatch"), script);
    await writeRecord(dir, { ...run, jobId: record?.jobId });
  } catch (e) {
    // a run folder this command made and could not fill is not left behind
    if (created) await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ClusterFailure(
      `${dir}: the run folder could not be prepared (${(e as Error).message.split("\n")[0]})`,
    );
  }
  const sub = await slurm("sbatch", ["--parsable", join(dir, "job.sbatch")]);
  const jobId = sub.stdout.trim().split(";")[0];
  if (sub.code !== 0 || !/^\d+$/.test(jobId)) {
    throw new ClusterFailure(`sbatch failed: ${oneLine(sub.stderr) || oneLine(sub.stdout)}`);
  }
  await writeRecord(dir, { ...run, jobId, submitted: new Date().toISOString() });
  console.log(
    `job ${jobId}: ${shards} array tasks of ${run.figure} (${run.scale}, ${run.backend}, ${
      new Set(shares.flat()).size
    } trials); run folder ${dir}, logs ${join(dir, "logs", "shard-<task>.log")}`,
  );
  return jobId;
}

/** Each failed task as one line: how Slurm says it ended, its trials missing, its log's last line. */
async function failedTasks(dir: string, checks: ShardCheck[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of checks.filter((c) => !c.ok)) {
    const log = join(dir, "logs", `shard-${c.index}.log`);
    const tail = await lastLine(log);
    failed.push(
      `task ${c.index}: ${
        c.end
          ? `${c.end.state}, exit ${c.end.exit}`
          : "no state from Slurm (no accounting record, no longer listed)"
      }, ${c.missing} of ${c.share} trials missing; log ${log}${
        tail ? `: ${tail.slice(0, 200)}` : ""
      }`,
    );
  }
  return failed;
}

async function cluster(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, true);
  if (values.help) {
    console.log(CLUSTER_HELP);
    return;
  }
  const a = await clusterArgs(values, positionals);
  const { run, out, dir } = a;
  const { shards } = run;
  const { shares, record } = await checkBeforeSubmit(a);

  const self = runningBundle();
  const invoke = self ? `deno run -A ${sh(self)}` : "deno task";
  const again = `${invoke} cluster ${describe(run)} --store ${sh(out)} --dir ${sh(dir)}`;
  const later = `${again} --merge-only`;
  let jobId = record?.jobId;
  if (!a.mergeOnly) {
    jobId = await submit(a, shares, record);
    if (a.noWait) {
      console.log(`when it has ended, merge its shards into ${out}:\n  ${later}`);
      return;
    }
  }
  if (jobId) await follow(jobId, { shards, dir, poll: a.poll, later });

  // how each task ended, and what each shard store holds
  const ends = jobId ? await taskEnds(jobId) : new Map<number, TaskEnd>();
  const checks = await checkShards(dir, shares, ends);
  const failed = await failedTasks(dir, checks);
  const present = checks.filter((c) => c.present).map((c) => c.store);
  const counts = new Map<string, number>();
  for (const e of ends.values()) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
  if (jobId) {
    console.log(
      `job ${jobId} ended: ${
        [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "no task states from Slurm"
      }`,
    );
  }
  const next = `${invoke} reproduce ${run.figure} --scale ${run.scale} --backend ${run.backend}${
    run.untilDecided ? " --until-decided" : ""
  } --store ${sh(out)}`;
  if (failed.length > 0) {
    for (const f of failed.slice(0, 20)) console.error(f);
    if (failed.length > 20) console.error(`(and ${failed.length - 20} more)`);
    if (!a.mergePartial) {
      throw new ClusterFailure(
        `${failed.length} of ${shards} tasks failed; nothing merged into ${out}. The shard stores keep every finished trial: run the same command again to train the rest, or add --merge-partial`,
      );
    }
  }
  if (present.length === 0) throw new ClusterFailure(`no shard store in ${dir}; nothing to merge`);
  const { total } = await mergeStores(out, present, { log: (line) => console.log(line) });
  console.log(`merged ${present.length} shard stores into ${out} (${total} trials)`);
  if (failed.length > 0) {
    console.log(`then (it trains the missing trials): ${next}`);
    throw new ClusterFailure(
      `${failed.length} of ${shards} tasks failed; what finished is merged into ${out}`,
    );
  }
  console.log(`next, the analysis (no training): ${next}`);
}

if (import.meta.main) await clusterMain(Deno.args);
