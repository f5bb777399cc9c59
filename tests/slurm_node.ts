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

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const alive = (pid: number) => {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
};

const cmdline = (pid: number) => {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
};

const comm = (pid: number) => {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
  } catch {
    return "";
  }
};

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

  const stop = async (): Promise<string[]> => {
    // every job first, so no job step outlives the daemons (where there is a controller to ask:
    // without one, Slurm's commands search DNS for one, for a minute)
    const ctld = (() => {
      try {
        const pid = Number(Deno.readTextFileSync(pidFiles.slurmctld).trim());
        return alive(pid) && comm(pid) === "slurmctld";
      } catch {
        return false;
      }
    })();
    const q = ctld
      ? await run("squeue", ["-h", "-o", "%A"], env).catch(() => ({ code: 1, out: "" }))
      : { code: 1, out: "" };
    const jobs = q.code === 0 ? q.out.split("\n").map((l) => l.trim()).filter(Boolean) : [];
    if (jobs.length > 0) {
      await run("scancel", jobs, env).catch(() => {});
      for (let i = 0; i < 60; i++) {
        const r = await run("squeue", ["-h", "-o", "%A"], env).catch(() => ({ code: 1, out: "" }));
        if (r.code !== 0 || r.out.trim() === "") break;
        await sleep(250);
      }
    }
    const stuck: string[] = [];
    for (const [name, file] of Object.entries(pidFiles)) {
      let pid: number;
      try {
        pid = Number(Deno.readTextFileSync(file).trim());
      } catch {
        continue; // never started
      }
      if (!(pid > 1) || !alive(pid) || comm(pid) !== name) continue;
      Deno.kill(pid, "SIGTERM");
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
      if (alive(pid)) {
        Deno.kill(pid, "SIGKILL");
        await sleep(200);
        stuck.push(`${pid} ${name}: did not stop on SIGTERM within 10 s`);
      }
    }
    await sleep(200);
    // what is left: anything running from this folder, and job step daemons (nothing else on
    // the machines this runs on uses Slurm)
    const left: string[] = [...stuck];
    for (const e of Deno.readDirSync("/proc")) {
      const pid = Number(e.name);
      if (!Number.isInteger(pid) || pid === Deno.pid) continue;
      const line = cmdline(pid);
      if (line.includes(dir) || comm(pid) === "slurmstepd") {
        left.push(`${pid} ${comm(pid)}: ${line.slice(0, 160)}`);
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
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
    const ctldPort = freePort();
    let dPort = freePort();
    while (dPort === ctldPort) dPort = freePort();
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
    const left = await stop();
    if (left.length > 0) (e as Error).message += `; left behind: ${left.join("; ")}`;
    throw e;
  }
}
