/**
 * A one-node Slurm cluster for tests, started in a temporary folder: Debian's `slurm-wlm` and
 * `munge` (CI installs them), a munge key from `mungekey -c`, `munged` run as the munge user on
 * its own socket, and `slurmctld` + `slurmd` from a `slurm.conf` with everything (state, spool,
 * pid files, logs) in the folder, on free ports, `SlurmUser=root`, one node with this machine's
 * CPUs, no accounting daemon. Needs root (slurmd starts jobs as their users).
 * {@linkcode SlurmNode.stop} cancels every job, stops the three daemons by their pid files and
 * returns any process left behind (killed).
 *
 * @module
 */
import { join } from "node:path";

/** A running one-node Slurm. */
export interface SlurmNode {
  /** The temporary folder everything lives in. */
  dir: string;
  /** The environment that points Slurm's commands at it (SLURM_CONF). */
  env: Record<string, string>;
  /** Cancel every job, stop the daemons; the processes that were left behind (now killed). */
  stop(): Promise<string[]>;
}

const dec = new TextDecoder();

async function run(
  cmd: string,
  args: string[],
  env?: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  return { code: o.code, out: dec.decode(o.stdout) + dec.decode(o.stderr) };
}

// Deno grants reading /proc only to --allow-all; `deno task test` runs with --allow-run, so a
// shell reads it.

/** Two free TCP ports in 20000..59999: none of the machine's sockets (/proc/net/tcp*) uses them. */
async function freePorts(): Promise<[number, number]> {
  const { out } = await run("sh", ["-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null"]);
  const used = new Set(
    [...out.matchAll(/^\s*\d+:\s+[0-9A-F]+:([0-9A-F]{4})\s/gim)].map((m) => parseInt(m[1], 16)),
  );
  const ports: number[] = [];
  while (ports.length < 2) {
    const p = 20000 + Math.floor(Math.random() * 40000);
    if (!used.has(p) && !ports.includes(p)) ports.push(p);
  }
  return [ports[0], ports[1]];
}

/** A process's name if it is alive (not a zombie), else undefined. */
async function aliveAs(pid: number): Promise<string | undefined> {
  const r = await run("sh", [
    "-c",
    'read c 2>/dev/null < "/proc/$1/comm" && s=$(grep "^State:" "/proc/$1/status" 2>/dev/null) && printf "%s|%s" "$c" "$s"',
    "sh",
    String(pid),
  ]);
  const [comm, state] = r.out.split("|");
  return r.code === 0 && state !== undefined && !/\bZ\b/.test(state) ? comm : undefined;
}

/** Every process: pid, name, command line. */
async function processes(): Promise<{ pid: number; comm: string; args: string }[]> {
  const { out } = await run("sh", [
    "-c",
    `for d in /proc/[0-9]*; do read c 2>/dev/null < "$d/comm" || continue; ` +
    `a=$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null); printf '%s\\t%s\\t%s\\n' "\${d#/proc/}" "$c" "$a"; done`,
  ]);
  return out.split("\n").map((l) => l.split("\t")).filter((f) =>
    f.length >= 2 && /^\d+$/.test(f[0])
  )
    .map(([pid, comm, args]) => ({ pid: Number(pid), comm, args: args ?? "" }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last lines of a log, for an error message. */
function tail(path: string, n = 5): string {
  try {
    return Deno.readTextFileSync(path).trim().split("\n").slice(-n).join(" | ");
  } catch {
    return "(no log)";
  }
}

/**
 * Start a one-node Slurm in a new temporary folder (fails, after stopping what it started, when
 * it cannot: no root, no munge user, a daemon that does not come up).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs root, slurm-wlm and munge
 * const slurm = await startSlurm();
 * try { ... sbatch with slurm.env ... } finally { await slurm.stop(); }
 * ```
 */
export async function startSlurm(): Promise<SlurmNode> {
  if (Deno.uid() !== 0) {
    throw new Error(`a one-node Slurm needs root (uid ${Deno.uid()}): slurmd runs jobs as users`);
  }
  const passwd = Deno.readTextFileSync("/etc/passwd").split("\n").find((l) =>
    l.startsWith("munge:")
  );
  if (!passwd) throw new Error("no munge user: install Debian's munge (apt-get install munge)");
  const [muid, mgid] = passwd.split(":").slice(2, 4).map(Number);
  const dir = await Deno.makeTempDir({ prefix: "slurm-node-" });
  await Deno.chmod(dir, 0o755); // munged, as the munge user, must reach its folder
  const conf = join(dir, "slurm.conf");
  const env = { SLURM_CONF: conf };
  const pidFiles = {
    slurmd: join(dir, "slurmd.pid"),
    slurmctld: join(dir, "slurmctld.pid"),
    munged: join(dir, "munge", "munged.pid"),
  };

  const pidOf = (file: string) => {
    try {
      return Number(Deno.readTextFileSync(file).trim());
    } catch {
      return undefined; // never started
    }
  };
  const stop = async (): Promise<string[]> => {
    const left: string[] = [];
    // every job first, so no job step outlives the daemons (where there is a controller to ask:
    // without one, Slurm's commands search DNS for one, for a minute)
    const ctld = pidOf(pidFiles.slurmctld);
    if (ctld !== undefined && (await aliveAs(ctld)) === "slurmctld") {
      try {
        const q = await run("squeue", ["-h", "-o", "%A"], env);
        const jobs = q.code === 0 ? q.out.split("\n").map((l) => l.trim()).filter(Boolean) : [];
        if (jobs.length > 0) {
          await run("scancel", jobs, env);
          for (let i = 0; i < 60; i++) {
            const r = await run("squeue", ["-h", "-o", "%A"], env);
            if (r.code !== 0 || r.out.trim() === "") break;
            await sleep(250);
          }
        }
      } catch (e) {
        left.push(`jobs not cancelled: ${(e as Error).message}`);
      }
    }
    // the daemons, by their pid files
    for (const [name, file] of Object.entries(pidFiles)) {
      const pid = pidOf(file);
      if (pid === undefined || !(pid > 1) || (await aliveAs(pid)) !== name) continue;
      try {
        Deno.kill(pid, "SIGTERM");
        for (let i = 0; i < 100 && (await aliveAs(pid)) === name; i++) await sleep(100);
        if ((await aliveAs(pid)) === name) {
          Deno.kill(pid, "SIGKILL");
          left.push(`${pid} ${name}: did not stop on SIGTERM within 10 s (killed)`);
        }
      } catch (e) {
        left.push(`${pid} ${name}: ${(e as Error).message}`);
      }
    }
    await sleep(200);
    // what is left: anything running from this folder, and job step daemons (nothing else on
    // the machines this runs on uses Slurm)
    for (const p of await processes()) {
      if (p.pid === Deno.pid || !(p.args.includes(dir) || p.comm === "slurmstepd")) continue;
      if ((await aliveAs(p.pid)) === undefined) continue;
      left.push(`${p.pid} ${p.comm}: ${p.args.slice(0, 160)}`);
      try {
        Deno.kill(p.pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return left;
  };

  try {
    // munge: a key of its own, munged as the munge user on a socket in the folder
    const mdir = join(dir, "munge");
    await Deno.mkdir(mdir, { mode: 0o755 });
    const key = join(mdir, "munge.key");
    let r = await run("mungekey", ["-c", "-k", key]);
    if (r.code !== 0) throw new Error(`mungekey -c failed: ${r.out.trim()}`);
    await Deno.chmod(key, 0o600);
    for (const p of [mdir, key]) await Deno.chown(p, muid, mgid);
    const socket = join(mdir, "munge.socket");
    r = await run("runuser", [
      "-u",
      "munge",
      "--",
      "munged",
      `--key-file=${key}`,
      `--socket=${socket}`,
      `--pid-file=${pidFiles.munged}`,
      `--log-file=${join(mdir, "munged.log")}`,
      `--seed-file=${join(mdir, "munged.seed")}`,
    ]);
    if (r.code !== 0) throw new Error(`munged did not start: ${r.out.trim()}`);

    // slurm.conf: one node, this machine's CPUs, everything in the folder
    const host = Deno.hostname().split(".")[0];
    const [ctldPort, dPort] = await freePorts();
    for (const d of ["state", "spool", "log"]) await Deno.mkdir(join(dir, d));
    await Deno.writeTextFile(
      conf,
      [
        "ClusterName=circle-survival-test",
        `SlurmctldHost=${host}(127.0.0.1)`,
        "SlurmUser=root",
        "SlurmdUser=root",
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, "state")}`,
        `SlurmdSpoolDir=${join(dir, "spool")}`,
        `SlurmctldPidFile=${pidFiles.slurmctld}`,
        `SlurmdPidFile=${pidFiles.slurmd}`,
        `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
        `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "ReturnToService=2",
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${navigator.hardwareConcurrency} State=UNKNOWN`,
        `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        "",
      ].join("\n"),
    );
    r = await run("slurmctld", ["-f", conf]);
    if (r.code !== 0) {
      throw new Error(
        `slurmctld did not start: ${r.out.trim()} ${tail(join(dir, "log", "slurmctld.log"))}`,
      );
    }
    r = await run("slurmd", ["-f", conf, "-N", host]);
    if (r.code !== 0) {
      throw new Error(
        `slurmd did not start: ${r.out.trim()} ${tail(join(dir, "log", "slurmd.log"))}`,
      );
    }
    // ready when the node is idle
    let state = "";
    for (let i = 0; i < 120 && !/idle/.test(state); i++) {
      await sleep(250);
      state = (await run("sinfo", ["-h", "-o", "%T"], env)).out.trim();
    }
    if (!/idle/.test(state)) {
      throw new Error(
        `the Slurm node did not become idle (sinfo: ${state}); slurmctld: ${
          tail(join(dir, "log", "slurmctld.log"))
        }; slurmd: ${tail(join(dir, "log", "slurmd.log"))}`,
      );
    }
    return { dir, env, stop };
  } catch (e) {
    const left = await stop().catch((s) => [`stop failed: ${(s as Error).message}`]);
    if (left.length > 0) (e as Error).message += `; left behind: ${left.join("; ")}`;
    throw e;
  }
}
