/**
 * Slurm, as `cluster` drives it: the job array's script (each task runs the single-file
 * program's `reproduce` into its own shard store), running Slurm's commands, the array tasks
 * still pending or running (squeue) and how each ended (sacct, or scontrol without accounting),
 * and each array task's share of the trials, against which its shard store is checked.
 *
 * @module
 */
import { join } from "node:path";
import { ResultsStore } from "../store/store.ts";
import type { Scale } from "../paper/figure.ts";
import { selectFigures } from "./selection.ts";
import { shardKeys } from "./shards.ts";

/** What identifies a cluster run (its shards partition exactly these trials). */
export interface ClusterRun {
  /** A figure id, or "all". */
  figure: string;
  scale: Scale;
  shards: number;
  backend: string;
  untilDecided: boolean;
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

/** A word for a shell: quoted unless it is plainly safe. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The job script: a Slurm job array of N tasks, each running the bundle's `reproduce` into its
 * own shard store, its output (progress lines included) in `logs/shard-I.log`.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { sbatchScript } from "./slurm.ts";
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
 * import { parseSacct } from "./slurm.ts";
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
 * import { parseScontrol } from "./slurm.ts";
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
export async function slurm(
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
export const oneLine = (text: string) =>
  text.split("\n").map((l) =>
    l.replace(/^(sbatch|squeue|allocation failure): ((error|fatal): )?/, "").trim()
  )
    .filter(Boolean).join("; ");

/** The executable `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const d of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    try {
      const info = Deno.statSync(join(d, name));
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return join(d, name);
    } catch { /* not here */ }
  }
  return undefined;
}

/** The last non-empty line of a (log) file, or undefined. */
export async function lastLine(path: string): Promise<string | undefined> {
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
export async function activeTasks(
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
export async function taskEnds(jobId: string): Promise<Map<number, TaskEnd>> {
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

/**
 * Each array task's share of a cluster run: the trial keys that task i's
 * `reproduce FIGURE --shard i/N` trains (the figures selected as `reproduce` selects them, so a
 * full-runs-only figure is not counted under `--until-decided`), against which its shard store is
 * checked.
 *
 * @example
 * ```ts
 * import { clusterShares } from "./slurm.ts";
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

export const describe = (r: ClusterRun) =>
  `${r.figure} --scale ${r.scale} --shards ${r.shards} --backend ${r.backend}${
    r.untilDecided ? " --until-decided" : ""
  }`;

/** How one array task ended and what its shard store holds of its share. */
export interface ShardCheck {
  index: number;
  /** The shard store's path. */
  store: string;
  /** The store opens (a task that never ran leaves none). */
  present: boolean;
  /** Trials of the share the store lacks. */
  missing: number;
  /** Trials in the share. */
  share: number;
  /** Slurm's account of the task, where it has one. */
  end?: TaskEnd;
  /** Every trial of the share is stored and Slurm (where it knows) says the task completed. */
  ok: boolean;
}

/**
 * Check each shard store `dir/shard-I.sqlite` against its share of the trials and the task's
 * end by Slurm's account.
 *
 * @example
 * ```ts ignore
 * const checks = await checkShards(dir, await clusterShares(run), await taskEnds(jobId));
 * ```
 */
export async function checkShards(
  dir: string,
  shares: string[][],
  ends: Map<number, TaskEnd>,
): Promise<ShardCheck[]> {
  const out: ShardCheck[] = [];
  for (let i = 0; i < shares.length; i++) {
    const store = join(dir, `shard-${i}.sqlite`);
    let missing = shares[i].length, present = false;
    try {
      const s = await ResultsStore.open(store, { readOnly: true });
      try {
        missing = shares[i].filter((k) => !s.has(k)).length;
      } finally {
        s.close();
      }
      present = true;
    } catch { /* no store: every trial missing */ }
    const end = ends.get(i);
    const ok = missing === 0 &&
      (end === undefined || (end.state === "COMPLETED" && end.exit === "0:0"));
    out.push({ index: i, store, present, missing, share: shares[i].length, end, ok });
  }
  return out;
}
