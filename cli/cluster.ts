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
import { selectFigures } from "../paper/selection.ts";
import { type Scale, SCALES } from "../paper/figure.ts";
import { shardKeys } from "../paper/shards.ts";
import { ResultsStore } from "../store/store.ts";
import { backendNames } from "../train/backends.ts";
import { progressInterval } from "../train/progress.ts";
import { bundleInto, firstError, runningBundle } from "./bundle.ts";
import { mergeStores } from "./merge.ts";
import {
  checkOutDir,
  handleInterrupts,
  intOption,
  parse,
  runCli,
  UsageError,
  workersFrom,
} from "./options.ts";

/** What identifies a cluster run (its shards partition exactly these trials). */
export interface ClusterRun {
  /** A figure id, or "all". */
  figure: string;
  scale: Scale;
  shards: number;
  backend: string;
  untilDecided: boolean;
}

/** `cluster.json` in the run folder: the run, and the Slurm job that last ran it. */
interface RunRecord extends ClusterRun {
  jobId?: string;
  submitted?: string;
}

/** How an array task ended, by Slurm's account. */
export interface TaskEnd {
  /** Slurm's job state (COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, ...). */
  state: string;
  /** Slurm's exit code "code:signal". */
  exit: string;
}

const ENDED = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
]);

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

const SPEC = {
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

/** A word for a shell: quoted unless it is plainly safe. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The job script: a Slurm job array of N tasks, each running the bundle's `reproduce` into its
 * own shard store, its output (progress lines included) in `logs/shard-I.log`.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { sbatchScript } from "./cluster.ts";
 * const text = sbatchScript({
 *   run: { figure: "fig9", scale: "tiny", shards: 4, backend: "asm", untilDecided: false },
 *   dir: "/shared/run", deno: "/usr/bin/deno", program: "/shared/run/circle-survival.js",
 *   cpusPerTask: 2, workers: 2, sbatch: {},
 * });
 * assert(text.includes("#SBATCH --array=0-3"), text);
 * ```
 */
export function sbatchScript(opts: {
  run: ClusterRun;
  dir: string;
  deno: string;
  program: string;
  cpusPerTask: number;
  workers: number;
  sbatch: { partition?: string; time?: string; mem?: string };
  setup?: string;
}): string {
  const { run, dir } = opts;
  const extra = Object.entries(opts.sbatch).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `#SBATCH --${k}=${v}\n`).join("");
  const args = [
    "reproduce",
    run.figure,
    "--scale",
    run.scale,
    "--backend",
    run.backend,
    "--workers",
    String(opts.workers),
    ...(run.untilDecided ? ["--until-decided"] : []),
  ];
  return `#!/bin/bash
#SBATCH --job-name=cs-${run.figure}-${run.scale}
#SBATCH --array=0-${run.shards - 1}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=${opts.cpusPerTask}
#SBATCH --chdir=${dir}
#SBATCH --output=${dir}/logs/shard-%a.log
${extra}# Written by circle-survival's 'cluster' command: ${run.figure} at ${run.scale} scale in ${run.shards}
# shards on the ${run.backend} backend. Slurm's array variables (SLURM_ARRAY_TASK_ID, _COUNT, _MIN)
# pick each task's shard of the trials; its store is shard-ID.sqlite, its log logs/shard-ID.log.
${
    opts.setup
      ? `${opts.setup}\n`
      : ""
  }export CIRCLE_SURVIVAL_PROGRESS_SECONDS="\${CIRCLE_SURVIVAL_PROGRESS_SECONDS:-30}"
echo "circle-survival: task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT (job $SLURM_ARRAY_JOB_ID) on $(hostname) at $(date -Is)"
exec ${sh(opts.deno)} run -A ${sh(opts.program)} ${args.map(sh).join(" ")} \\
  --store ${sh(dir)}/"shard-$SLURM_ARRAY_TASK_ID.sqlite"
`;
}

/** Expand Slurm's array task list "3", "[0-3,7]", "[0-15%4]" into ids. */
function taskIds(spec: string): number[] {
  const inner = spec.replace(/^\[|\]$/g, "").split("%")[0];
  return inner.split(",").flatMap((part) => {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) return [];
    const [a, b, step] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3] ?? 1)];
    const out: number[] = [];
    for (let i = a; i <= b; i += step) out.push(i);
    return out;
  });
}

/**
 * Task ends from `sacct -j JOB -X -n -P -o JobID,State,ExitCode` output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseSacct } from "./cluster.ts";
 * const ends = parseSacct("12_0|COMPLETED|0:0\n12_1|FAILED|1:0\n12_[2-3]|CANCELLED by 0|0:0\n", "12");
 * assertEquals([ends.get(1), ends.get(3)?.state], [{ state: "FAILED", exit: "1:0" }, "CANCELLED"]);
 * ```
 */
export function parseSacct(text: string, jobId: string): Map<number, TaskEnd> {
  const out = new Map<number, TaskEnd>();
  for (const line of text.split("\n")) {
    const [id, state, exit] = line.trim().split("|");
    if (!id?.startsWith(`${jobId}_`) || state === undefined) continue;
    for (const t of taskIds(id.slice(jobId.length + 1))) {
      out.set(t, { state: state.split(" ")[0], exit: exit ?? "?" });
    }
  }
  return out;
}

/**
 * Task ends from `scontrol -o show job JOB` output (one line per array task while Slurm keeps
 * the job, MinJobAge; there is no accounting to ask).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseScontrol } from "./cluster.ts";
 * const line = "JobId=14 ArrayJobId=12 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode ExitCode=7:0";
 * assertEquals(parseScontrol(line).get(1), { state: "FAILED", exit: "7:0" });
 * ```
 */
export function parseScontrol(text: string): Map<number, TaskEnd> {
  const out = new Map<number, TaskEnd>();
  for (const line of text.split("\n")) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
    const ids = field("ArrayTaskId"), state = field("JobState");
    if (ids === undefined || state === undefined) continue;
    for (const t of taskIds(ids)) out.set(t, { state, exit: field("ExitCode") ?? "?" });
  }
  return out;
}

/** Run a Slurm command; a missing command is exit code 127. */
async function slurm(
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(stdin));
      await w.close();
    }
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw e;
  }
}

/** A command's output as one line. */
const oneLine = (text: string) =>
  text.split("\n").map((l) =>
    l.replace(/^(sbatch|squeue|allocation failure): ((error|fatal): )?/, "").trim()
  )
    .filter(Boolean).join("; ");

/** The executable `name` on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const d of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    try {
      const info = Deno.statSync(join(d, name));
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return join(d, name);
    } catch { /* not here */ }
  }
  return undefined;
}

/** The last non-empty line of a (log) file, or undefined. */
async function lastLine(path: string): Promise<string | undefined> {
  try {
    using f = await Deno.open(path);
    const size = (await f.stat()).size;
    await f.seek(Math.max(0, size - 4096), Deno.SeekMode.Start);
    const buf = new Uint8Array(Math.min(size, 4096));
    let n = 0;
    while (n < buf.length) {
      const r = await f.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    return new TextDecoder().decode(buf.subarray(0, n)).split(/[\r\n]/).map((l) => l.trim())
      .filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

/** The active (not ended) array tasks of a job by squeue, or undefined when squeue failed. */
async function activeTasks(
  jobId: string,
): Promise<{ tasks: Map<number, string>; reasons: Set<string> } | { error: string }> {
  const q = await slurm("squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T|%r"]);
  if (q.code !== 0) {
    // a job Slurm no longer keeps is no job at all to squeue
    if (/invalid job id/i.test(q.stderr)) return { tasks: new Map(), reasons: new Set() };
    return { error: oneLine(q.stderr) || `squeue exit code ${q.code}` };
  }
  const tasks = new Map<number, string>();
  const reasons = new Set<string>(); // why tasks wait: Priority, Resources, JobHeldUser, ...
  for (const line of q.stdout.split("\n")) {
    const [id, state, reason] = line.trim().split("|");
    if (state === undefined || ENDED.has(state)) continue;
    for (const t of taskIds(id)) tasks.set(t, state);
    if (state === "PENDING" && reason && reason !== "None") reasons.add(reason);
  }
  return { tasks, reasons };
}

/** How every task ended: sacct where it knows, else scontrol (no accounting). */
async function taskEnds(jobId: string): Promise<Map<number, TaskEnd>> {
  const ends = new Map<number, TaskEnd>();
  const acct = await slurm("sacct", ["-j", jobId, "-X", "-n", "-P", "-o", "JobID,State,ExitCode"]);
  if (acct.code === 0) {
    for (const [t, e] of parseSacct(acct.stdout, jobId)) if (ENDED.has(e.state)) ends.set(t, e);
  }
  const ctl = await slurm("scontrol", ["-o", "show", "job", jobId]);
  if (ctl.code === 0) {
    for (const [t, e] of parseScontrol(ctl.stdout)) {
      if (!ends.has(t) && ENDED.has(e.state)) ends.set(t, e);
    }
  }
  return ends;
}

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

/**
 * Each array task's share of a cluster run: the trial keys that task i's
 * `reproduce FIGURE --shard i/N` trains (the figures selected as `reproduce` selects them, so a
 * full-runs-only figure is not counted under `--until-decided`), against which its shard store is
 * checked.
 *
 * @example
 * ```ts
 * import { clusterShares } from "./cluster.ts";
 * const shares = await clusterShares({
 *   figure: "fig9", scale: "tiny", shards: 2, backend: "asm", untilDecided: false,
 * });
 * if (shares.map((s) => s.length).join() !== "2,1") throw new Error(`${shares}`);
 * ```
 */
export function clusterShares(run: ClusterRun): Promise<string[][]> {
  const figs = selectFigures(run.figure, run);
  return shardKeys(figs, { ...run, count: run.shards });
}

const describe = (r: ClusterRun) =>
  `${r.figure} --scale ${r.scale} --shards ${r.shards} --backend ${r.backend}${
    r.untilDecided ? " --until-decided" : ""
  }`;

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

async function cluster(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, SPEC, true);
  if (values.help) {
    console.log(CLUSTER_HELP);
    return;
  }
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

  const self = runningBundle();
  const invoke = self ? `deno run -A ${sh(self)}` : "deno task";
  const again = `${invoke} cluster ${describe(run)} --store ${sh(out)} --dir ${sh(dir)}`;
  const later = `${again} --merge-only`;
  let jobId = record?.jobId;

  if (!mergeOnly) {
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
    jobId = sub.stdout.trim().split(";")[0];
    if (sub.code !== 0 || !/^\d+$/.test(jobId)) {
      throw new ClusterFailure(`sbatch failed: ${oneLine(sub.stderr) || oneLine(sub.stdout)}`);
    }
    await writeRecord(dir, { ...run, jobId, submitted: new Date().toISOString() });
    console.log(
      `job ${jobId}: ${shards} array tasks of ${run.figure} (${run.scale}, ${run.backend}, ${
        new Set(shares.flat()).size
      } trials); run folder ${dir}, logs ${join(dir, "logs", "shard-<task>.log")}`,
    );
    if (noWait) {
      console.log(`when it has ended, merge its shards into ${out}:\n  ${later}`);
      return;
    }
  }
  if (jobId) await follow(jobId, { shards, dir, poll, later });

  // how each task ended, and what each shard store holds
  const ends = jobId ? await taskEnds(jobId) : new Map<number, TaskEnd>();
  const failed: string[] = [];
  const present: string[] = [];
  for (let i = 0; i < shards; i++) {
    const path = join(dir, `shard-${i}.sqlite`);
    let missing = shares[i].length;
    try {
      const s = await ResultsStore.open(path, { readOnly: true });
      try {
        missing = shares[i].filter((k) => !s.has(k)).length;
      } finally {
        s.close();
      }
      present.push(path);
    } catch { /* no store: every trial missing */ }
    const end = ends.get(i);
    const ok = missing === 0 &&
      (end === undefined || (end.state === "COMPLETED" && end.exit === "0:0"));
    if (ok) continue;
    const log = join(dir, "logs", `shard-${i}.log`);
    const tail = await lastLine(log);
    failed.push(
      `task ${i}: ${
        end
          ? `${end.state}, exit ${end.exit}`
          : "no state from Slurm (no accounting record, no longer listed)"
      }, ${missing} of ${shares[i].length} trials missing; log ${log}${
        tail ? `: ${tail.slice(0, 200)}` : ""
      }`,
    );
  }
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
    if (!mergePartial) {
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
