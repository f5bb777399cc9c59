import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { figureById } from "../paper/figures.ts";
import { figureRequests } from "../paper/figure.ts";
import { requestKey } from "../store/requests.ts";
import { ResultsStore } from "../store/store.ts";
import { REPRODUCE, REPRODUCE_PERMS, runScript } from "../tests/helpers.ts";
import { startSlurm } from "../tests/slurm_node.ts";
import { shardKeys } from "../experiments/shards.ts";
import { clusterShares } from "../experiments/slurm.ts";

const CLUSTER = new URL("./cluster.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys", "--allow-run"];
const fig9 = figureById("fig9")!;

/** The claims rows of a reproduce table: verdict, claim, measured, threshold, paper, note. */
const claimRows = (stdout: string) =>
  stdout.split("\n").filter((l) => /^(PASS|FAIL|INCONCLUSIVE|UNTESTED)\s/.test(l));

Deno.test("cluster: bad input is one line and exit 2, before anything is submitted or written", async () => {
  const dir = await Deno.makeTempDir();
  const store = join(dir, "out.sqlite");
  const cases: [string[], string, Record<string, string>?][] = [
    [["fig9", "--scale", "tiny", "--shards", "0"], "shards 0"],
    [["fig9", "--scale", "tiny", "--shards", "4"], "allowed is 1..3"],
    [["fig99", "--shards", "2"], 'figure "fig99"'],
    [["fig9", "--scale", "tiny"], "--shards N is needed"],
    [["fig9", "--shards", "2", "--backend", "auto"], 'backend "auto"'],
    [["fig9", "--shards", "2", "--partition", "a b"], "partition"],
    [["fig9", "--shards", "2", "--deno", "/nonexistent/deno"], "deno /nonexistent/deno"],
    [["fig9", "--shards", "2", "--no-wait", "--merge-only"], "--no-wait"],
    [["fig9", "--scale", "tiny", "--shards", "2"], "Slurm was not found", { PATH: "/nonexistent" }],
  ];
  for (const [args, what, env] of cases) {
    const r = await runScript(CLUSTER, [...args, "--store", store], PERMS, { env });
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    equal(r.stderr.trim().split("\n").length, 1, `${args.join(" ")}: not one line:\n${r.stderr}`);
    equal(r.stderr.includes(what), true, `${args.join(" ")}: "${r.stderr.trim()}" lacks "${what}"`);
  }
  equal([...Deno.readDirSync(dir)].length, 0, "nothing written");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cluster all --until-decided: each shard's share is exactly what its array task stores", async () => {
  // the task of shard 0 runs `reproduce all --until-decided --shard 0/2`; the verdict figure
  // compares full runs with early verdicts and is left out there, so cluster must not count its
  // full-run trials in the share (it did: 5 of 20 keys of shard 0 at tiny scale, 46 of 105 at
  // quick scale were trials no task trains)
  const dir = await Deno.makeTempDir();
  const run = {
    figure: "all",
    scale: "tiny",
    shards: 2,
    backend: "asm",
    untilDecided: true,
  } as const;
  const shares = await clusterShares(run);
  const store = join(dir, "shard-0.sqlite");
  const r = await runScript(REPRODUCE, [
    ..."all --scale tiny --backend asm --until-decided --shard 0/2 --workers 2 --store".split(" "),
    store,
  ], REPRODUCE_PERMS);
  equal(r.code, 0, r.stderr);
  const s = await ResultsStore.open(store, { readOnly: true });
  const stored = s.keys();
  s.close();
  deepEqual([...shares[0]].sort(), stored, "cluster's share of shard 0 = the keys its task stored");
  // without --until-decided the shares hold the verdict figure's full runs; with it, not (the
  // figure is left out there): compared over all shards, not by one shard's size, which depends on
  // how the keys hash
  const full = new Set((await clusterShares({ ...run, untilDecided: false })).flat());
  const ud = new Set(shares.flat());
  const verdict = await Promise.all(
    figureRequests(figureById("verdict")!, "tiny").map((q) => requestKey(q, "asm")),
  );
  equal(verdict.every((k) => full.has(k)), true, "the full-run shares hold the verdict figure's");
  equal(
    verdict.some((k) => !ud.has(k)),
    true,
    "the --until-decided shares leave its full runs out",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cluster: on a one-node Slurm, fig9's shards as a job array merge into the unsharded store; reproduce then trains nothing", async (t) => {
  const slurm = await startSlurm(); // fails (not skips) where Slurm cannot start: CI installs it
  let failure: unknown;
  try {
    const work = join(slurm.dir, "work");
    await Deno.mkdir(work);
    // every progress update reaches the Slurm logs as a line
    const env = { ...slurm.env, CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.001" };
    // `cluster` from the source tree, or from the bundle (`deno run -A BUNDLE cluster ...`)
    const cluster = (args: string[], extra: Record<string, string> = {}, bundle?: string) =>
      runScript(bundle ?? CLUSTER, [...(bundle ? ["cluster"] : []), ...args, "--poll", "0.5"], [
        "-A",
      ], { env: { ...env, ...extra } });
    const common = ["fig9", "--scale", "tiny", "--shards", "2"];
    const shares = await shardKeys([fig9], {
      scale: "tiny",
      backend: "asm",
      untilDecided: false,
      count: 2,
    });

    // the unsharded run: the reference for the digest and the verdicts
    const whole = await runScript(REPRODUCE, [
      "fig9",
      "--scale",
      "tiny",
      "--backend",
      "asm",
      "--store",
      join(work, "whole.sqlite"),
      "--out",
      join(work, "whole"),
    ], REPRODUCE_PERMS);
    equal(whole.code, 0, whole.stderr);
    const wholeStore = await ResultsStore.open(join(work, "whole.sqlite"), { readOnly: true });
    const wholeDigest = await wholeStore.digest();
    wholeStore.close();

    await t.step("submit, follow, merge; the merged store equals the unsharded one", async () => {
      const out = join(work, "out.sqlite");
      const r = await cluster([...common, "--store", out]);
      equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      const next = `reproduce fig9 --scale tiny --backend asm --store ${out}`;
      equal(r.stdout.includes(next), true, r.stdout);
      match(r.stdout, /job \d+ ended: 2 COMPLETED/); // scontrol's account: no slurmdbd here
      const dir = join(work, "cluster-fig9-tiny");
      for (const i of [0, 1]) {
        const s = await ResultsStore.open(join(dir, `shard-${i}.sqlite`), { readOnly: true });
        deepEqual(s.keys().sort(), [...shares[i]].sort(), `shard ${i} holds exactly its share`);
        s.close();
        const log = await Deno.readTextFile(join(dir, "logs", `shard-${i}.log`));
        match(log, new RegExp(`circle-survival: task ${i} of 2`));
        match(log, new RegExp(`fig9 shard ${i}/2: trials \\d+/${shares[i].length}`), log);
        match(log, new RegExp(`shard ${i}/2: ${shares[i].length} trials in`), log);
      }
      const merged = await ResultsStore.open(out, { readOnly: true });
      const digest = await merged.digest();
      merged.close();
      equal(digest, wholeDigest, "merged shards = unsharded run (digest)");
      // the merged store analyses without training, with the unsharded run's verdicts
      const again = await runScript(REPRODUCE, [
        ...next.split(" ").slice(1),
        "--out",
        join(work, "from-cluster"),
      ], REPRODUCE_PERMS);
      equal(again.code, whole.code, again.stderr);
      equal(again.stdout.includes("(0 run now)"), true, again.stdout);
      const rows = claimRows(whole.stdout);
      equal(rows.length > 0, true, whole.stdout);
      deepEqual(claimRows(again.stdout), rows);
    });

    await t.step(
      "a task that fails: reported with its exit code and log, exit 1, nothing merged",
      async () => {
        const out = join(work, "failed.sqlite");
        const dir = join(work, "failed");
        const r = await cluster([...common, "--store", out, "--dir", dir, "--deno", "/bin/false"]);
        equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
        for (const i of [0, 1]) {
          const line = `task ${i}: FAILED, exit 1:0, ${shares[i].length} of ${
            shares[i].length
          } trials missing; log ${join(dir, "logs", `shard-${i}.log`)}`;
          equal(r.stderr.includes(line), true, `"${line}" not in\n${r.stderr}`);
        }
        equal(r.stderr.includes("nothing merged"), true, r.stderr);
        equal(await Deno.stat(out).then(() => true, () => false), false, "no merged store");
      },
    );

    await t.step("bad sbatch settings: one line, exit 2, nothing written", async () => {
      const dir = join(work, "refused");
      const r = await cluster([
        ...common,
        "--store",
        join(work, "x.sqlite"),
        "--dir",
        dir,
        "--partition",
        "nope",
      ]);
      equal(r.code, 2, r.stderr);
      equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      equal(
        r.stderr.includes("sbatch refused the job") && r.stderr.includes("nope"),
        true,
        r.stderr,
      );
      equal(await Deno.stat(dir).then(() => true, () => false), false, "no run folder");
    });

    await t.step(
      "from the bundle: --no-wait, a cancelled task, --merge-partial, and the rerun resumes",
      async () => {
        const bundle = join(work, "cluster-fig9-tiny", "circle-survival.js");
        const out = join(work, "resumed.sqlite");
        const dir = join(work, "resumed");
        const args = [...common, "--store", out, "--dir", dir];
        // submitted held (sbatch's SBATCH_HOLD), so its tasks wait until released
        const sub = await cluster([...args, "--no-wait"], { SBATCH_HOLD: "1" }, bundle);
        equal(sub.code, 0, sub.stderr);
        const jobId = /job (\d+):/.exec(sub.stdout)?.[1];
        equal(jobId !== undefined, true, sub.stdout);
        equal(sub.stdout.includes(`${bundle} cluster fig9`), true, sub.stdout);
        equal(sub.stdout.includes(`--dir ${dir} --merge-only`), true, sub.stdout);
        // the same run again while its job waits: refused
        const busy = await cluster(args, {}, bundle);
        equal(busy.code, 2, busy.stderr);
        equal(busy.stderr.includes(`job ${jobId} still has 2 tasks`), true, busy.stderr);
        for (
          const [cmd, a] of [["scancel", [`${jobId}_1`]], ["scontrol", [
            "release",
            jobId!,
          ]]] as const
        ) {
          const o = await new Deno.Command(cmd, { args: [...a], env: slurm.env }).output();
          equal(o.code, 0, `${cmd} ${a.join(" ")}: ${new TextDecoder().decode(o.stderr)}`);
        }
        const merge = await cluster([...args, "--merge-only"], {}, bundle);
        equal(merge.code, 1, merge.stdout + merge.stderr);
        // a task cancelled while it waits leaves no record without accounting (no slurmdbd here)
        match(
          merge.stderr,
          new RegExp(
            `task 1: (CANCELLED, exit \\S+|no state from Slurm \\([^)]*\\)), ${
              shares[1].length
            } of ${shares[1].length} trials missing`,
          ),
        );
        equal(await Deno.stat(out).then(() => true, () => false), false, "nothing merged");
        const partial = await cluster([...args, "--merge-only", "--merge-partial"], {}, bundle);
        equal(partial.code, 1, partial.stderr);
        const p = await ResultsStore.open(out, { readOnly: true });
        deepEqual(p.keys().sort(), [...shares[0]].sort(), "what finished is merged");
        p.close();
        const created = async () => {
          const s = await ResultsStore.open(join(dir, "shard-0.sqlite"), { readOnly: true });
          const times = shares[0].map((k) => s.get(k)?.createdAt);
          s.close();
          return times;
        };
        const before = await created();
        // the same command again: task 0 finds its trials stored, task 1 trains its own
        const rerun = await cluster(args, {}, bundle);
        equal(rerun.code, 0, rerun.stdout + rerun.stderr);
        deepEqual(await created(), before, "task 0 trained nothing again");
        const merged = await ResultsStore.open(out, { readOnly: true });
        equal(await merged.digest(), wholeDigest, "resumed and merged = unsharded run");
        merged.close();
      },
    );
  } catch (e) {
    failure = e;
  }
  const left = await slurm.stop();
  if (failure) throw failure;
  deepEqual(left, [], "processes left behind");
});
