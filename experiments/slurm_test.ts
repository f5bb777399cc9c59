import { deepEqual, equal } from "node:assert/strict";
import { parseSacct, parseScontrol, sbatchScript } from "./slurm.ts";

Deno.test("slurm: sacct and scontrol outputs, and the job script", () => {
  const s = parseSacct(
    "7_0|COMPLETED|0:0\n7_1|FAILED|1:0\n7_[2-4,6]|CANCELLED by 0|0:0\n70_1|FAILED|2:0\n",
    "7",
  );
  deepEqual([...s.keys()].sort(), [0, 1, 2, 3, 4, 6]);
  deepEqual(s.get(1), { state: "FAILED", exit: "1:0" });
  equal(s.get(6)?.state, "CANCELLED");
  const c = parseScontrol(
    "JobId=9 ArrayJobId=7 ArrayTaskId=3 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n" +
      "JobId=7 ArrayJobId=7 ArrayTaskId=4-5 JobState=PENDING ExitCode=0:0\n",
  );
  deepEqual(c.get(3), { state: "TIMEOUT", exit: "0:15" });
  equal(c.get(5)?.state, "PENDING");
  const text = sbatchScript({
    run: { figure: "fig9", scale: "tiny", shards: 3, backend: "ref", untilDecided: true },
    dir: "/shared/r",
    deno: "/opt/deno it",
    program: "/shared/r/circle-survival.js",
    cpusPerTask: 4,
    workers: 3,
    sbatch: { partition: "short", time: "1:00:00" },
    setup: "module load deno",
  });
  for (
    const line of [
      "#SBATCH --array=0-2",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --output=/shared/r/logs/shard-%a.log",
      "#SBATCH --partition=short",
      "#SBATCH --time=1:00:00",
      "module load deno",
      `exec '/opt/deno it' run -A /shared/r/circle-survival.js reproduce fig9 --scale tiny --backend ref --workers 3 --until-decided`,
    ]
  ) equal(text.includes(line), true, `missing "${line}" in\n${text}`);
  equal(text.includes("--shard "), false, "Slurm's array variables pick the shard");
});
