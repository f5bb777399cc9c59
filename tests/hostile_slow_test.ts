// Hostile input, table-driven: every command run as a user runs it (`deno run` with its task's
// permissions, from a folder of its own) on bad options, bad files, damaged stores and run
// directories, full disks (a real tmpfs in a mount namespace), signals and kills. Each case names
// its command, the exit code, the words its one line of stderr must hold, and checks that nothing
// was written (a snapshot of its folder before and after) unless it says what may be.
import { equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { smallDiskCommand, taskArgs, treeChanges, treeSnapshot } from "./helpers.ts";
import { encodeNpy } from "../store/npy.ts";
import { ResultsStore } from "../store/store.ts";
import { trainMissing } from "../experiments/resolve.ts";
import { checkTrial } from "../store/trial_check.ts";
import { readRunDir, summarize, writeRunDir } from "../store/run_dir.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { paramLayout } from "../protocol/layout.ts";
import { train } from "../train/trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The shared inputs the cases read (built once, outside every case's folder). */
interface Fixtures {
  dir: string;
  garbage: string;
  wrongShape: string;
  nanParams: string;
  badIds: string;
  params7: string;
  ids7: string;
  /** Two whole trials (p 7, d 4, seeds 0 and 1), and one whose seed-1 trial is also in `good`. */
  good: string;
  good2: string;
  /** `good2` with its seed-1 trial of other content (whole, with its own digests). */
  conflicting: string;
  keys: string[];
  run: string;
  diverged: string;
  sweep: string;
  fig13: string;
  dist: string;
  bug: string;
}

/** What a case sees: its own folder (the command's working directory, snapshot) and the
 * fixtures. */
interface Ctx {
  work: string;
  io: string;
  f: Fixtures;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Case {
  name: string;
  /** A deno task's name, "main" (the single-file program's entry), or "bug" (a script whose
   * body throws a TypeError). */
  cmd: string;
  args: (c: Ctx) => string[];
  code: number;
  /** Words the last line of stderr must hold (one line in all where `code` is 2). */
  words: string[];
  stdout?: string[];
  /** stderr may have several lines. */
  multiline?: boolean;
  setup?: (c: Ctx) => Promise<void>;
  /** Something may be written: `check` says what. */
  writes?: boolean;
  check?: (c: Ctx, r: Result) => Promise<void>;
  env?: Record<string, string>;
  /** Send `signal` once `when` appears in the output (or after `after` ms), and a second one
   * once `again` appears in stderr after that. */
  interrupt?: {
    signal: Deno.Signal;
    when?: RegExp;
    after?: number;
    on?: "stdout" | "stderr";
    again?: RegExp;
  };
  /** Run on a tmpfs of `kib` KiB at `work/disk`; with `fill`, fill it once `when` appears in
   * stderr, the command stopped (SIGSTOP) meanwhile: a disk that fills while it runs. */
  disk?: { kib: number; fill?: { when: string; bytes: number } };
}

const T = (args: string) => args.split(" ").filter(Boolean);
const SMALL = T("--p 7 --dim 4 --steps 20 --backend asm");
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

/** A copy of a fixture store with SQL applied to it. */
async function damagedStore(from: string, to: string, sql: string): Promise<void> {
  await Deno.copyFile(from, to);
  const db = new DatabaseSync(to);
  db.exec(sql);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  for (const s of ["-wal", "-shm"]) await Deno.remove(to + s).catch(() => {});
}

function assertWords(what: string, line: string, words: string[]) {
  for (const w of words) {
    if (!line.includes(w)) throw new Error(`${what}: "${line}" lacks "${w}"`);
  }
}

/** A port a server of this test holds (the "port in use" case). */
let busyPort = 0;

const cases: Case[] = [
  // --- train: options -------------------------------------------------------------------------
  ...([
    ["--p 2", ["p 2", "3..4096"]],
    ["--p 0x11", ['p "0x11"', "an integer in 3..4096"]],
    ["--p 5.5", ["p 5.5"]],
    ["--p 1e400", ["p 1e400", "overflows"]],
    ["--dim 0", ["dim 0"]],
    ["--hidden 2.5", ["hidden 2.5"]],
    ["--wd -0.1", ["wd -0.1"]],
    ["--wd nan", ['wd "nan"']],
    ["--lr 0", ["lr 0", "positive finite number"]],
    ["--lr 1e-400", ["lr 1e-400", "underflows to 0", "positive finite number"]],
    ["--lr Infinity", ['lr "Infinity"']],
    ["--steps -1", ["steps -1"]],
    ["--seed 1.5", ["seed 1.5"]],
    ["--seed 4294967296", ["seed 4294967296"]],
    ["--mode fixed", ['mode "fixed"', "default, fix-embedding, fix-mlp"]],
    ["--optimizer rmsprop", ['optimizer "rmsprop"']],
    ["--momentum 0.5", ["momentum 0.5", "only with optimizer sgd"]],
    ["--optimizer sgd --momentum 1", ["momentum 1"]],
    ["--train-fraction 1", ["train-fraction 1"]],
    ["--backend cuda", ['backend "cuda"']],
    ["--bogus", ["--bogus", "unknown", "allowed are --p, --dim"]],
    ["-x", ["-x", "unknown"]],
    ["--p 13 --p 17", ["--p: given twice"]],
    ["--grad-signals=yes", ["--grad-signals", "takes no value"]],
    ["--steps --out D", ["--steps", "its value is missing", "--out follows it"]],
    ["--seed", ["--seed", "its value is missing"]],
    ["stray", ['argument "stray"', "unexpected"]],
    ["--init-seed 3", ["init-seed 3", "only with --mode fix-embedding or fix-mlp"]],
    ["--params-every -2", ["params-every -2"]],
    ["--steps 1e12", ["GiB", "steps 1000000000000"]],
    ["--hidden 65536", ["hidden=65536", "GiB"]],
    ["--hidden 65536 --backend ref", ["on ref needs", "GiB of memory"]],
    ["--p 4096 --dim 65536 --steps 1e9 --backend ref", ["on ref needs", "GiB of memory"]],
    ["--p 4000 --dim 40000", ["4 GiB"]],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `train ${a}`,
    cmd: "train",
    args: () => [...T(a), ...(a.includes("--steps") ? [] : ["--steps", "2"]), "--out", "run"],
    code: 2,
    words,
  })),
  // --- train: files ---------------------------------------------------------------------------
  ...([
    ["--init-params garbage", (f) => ["--init-params", f.garbage], ["not a .npy"]],
    ["--init-params of the wrong shape", (f) => ["--init-params", f.wrongShape], ["shape [5]"]],
    ["--init-params missing", (f) => ["--init-params", `${f.dir}/none.npy`], ["cannot be read"]],
    [
      "--init-params with a NaN",
      (f) => [...T("--p 13 --dim 16 --init-params"), f.nanParams],
      ["element 7 is NaN"],
    ],
    ["--train-ids out of range", (f) => [...T("--p 13 --train-ids"), f.badIds], ["9999"]],
    [
      "--init-params with --mode fix-mlp --init-seed 3",
      (f) => [...T("--p 7 --dim 4 --mode fix-mlp --init-seed 3 --init-params"), f.params7],
      ["mode fix-mlp", "--init-params"],
    ],
    [
      "--init-params with --init-seed",
      (f) => [...T("--p 7 --dim 4 --init-seed 3 --init-params"), f.params7],
      ["init-seed 3"],
    ],
    [
      "--train-ids with --train-fraction",
      (f) => [...T("--p 7 --train-fraction 0.5 --train-ids"), f.ids7],
      ["train-fraction 0.5", "--train-ids"],
    ],
    [
      "--init-params, --train-ids and --seed",
      (f) => [...T("--p 7 --dim 4 --seed 3 --init-params"), f.params7, "--train-ids", f.ids7],
      ["seed 3", "nothing is drawn from it"],
    ],
  ] as [string, (f: Fixtures) => string[], string[]][]).map(([name, args, words]): Case => ({
    name: `train ${name}`,
    cmd: "train",
    args: (c) => [...args(c.f), "--steps", "2", "--out", "run"],
    code: 2,
    words,
  })),
  {
    name: "train --out that is a file",
    cmd: "train",
    setup: (c) => Deno.writeTextFile(`${c.work}/afile`, "x"),
    args: () => [...SMALL, "--out", "afile"],
    code: 2,
    words: ["out afile", "is a file"],
  },
  {
    name: "train --out under a file",
    cmd: "train",
    setup: (c) => Deno.writeTextFile(`${c.work}/afile`, "x"),
    args: () => [...SMALL, "--out", "afile/deeper/run"],
    code: 2,
    words: ["is a file"],
  },
  {
    name: "train --out that is not empty",
    cmd: "train",
    setup: (c) => Deno.mkdir(`${c.work}/run/x`, { recursive: true }),
    args: () => [...SMALL, "--out", "run"],
    code: 2,
    words: ["out run", "not empty"],
  },
  {
    name: "train --out on a disk too small for the records: refused before training",
    cmd: "train",
    disk: { kib: 256 },
    args: () => [...T("--p 11 --dim 8 --steps 3000 --backend asm"), "--out", "disk/run"],
    code: 2,
    words: ["out disk/run", "needs", "of disk", "free"],
  },
  {
    name: "train --out when the disk fills while it trains: disk full, nothing half-written",
    cmd: "train",
    // 18 MiB of records; the disk is filled (the command stopped meanwhile) once it
    // trains, after its check of the space
    disk: { kib: 24 * 1024, fill: { when: "steps", bytes: 24 * 1024 * 1024 } },
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" },
    args: () => [
      ...T("--p 7 --dim 4 --hidden 8 --steps 100000 --params-every 20 --backend asm"),
      "--out",
      "disk/run",
    ],
    code: 2,
    words: ["train: disk full", "disk/run cannot be written", "nothing of it is left"],
    multiline: true,
    writes: true,
    check: async (c) => {
      const left = (await Deno.readTextFile(`${c.io}/disk-after.txt`)).trim().split("\n");
      equal(left.join(","), "fill", `left on the disk: ${left}`);
    },
  },
  {
    name: "train --backend ref: SIGTERM before its first step ends quits at once",
    cmd: "train",
    // a first step of many seconds: the signal comes 2.5 s after the start
    args: () => [...T("--p 199 --dim 128 --steps 100 --backend ref"), "--out", "run"],
    interrupt: { signal: "SIGTERM", after: 2500 },
    code: 130,
    words: ["interrupted (SIGTERM) before its first step ended", "nothing written"],
    multiline: true,
  },
  {
    name: "train --backend ref: SIGTERM after steps keeps them (run.json interrupted)",
    cmd: "train",
    args: () => [...T("--p 31 --dim 16 --steps 100000 --backend ref"), "--out", "run"],
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.01" },
    interrupt: { signal: "SIGTERM", when: / [1-9]\d*\/100000 steps/ },
    code: 130,
    words: ["interrupted (SIGTERM)", "the steps done are kept"],
    multiline: true,
    writes: true,
    check: async (c) => {
      const { summary } = await readRunDir(`${c.work}/run`);
      equal(summary.interrupted, true);
      equal(summary.stepsDone > 0 && summary.stepsDone < 100000, true, `${summary.stepsDone}`);
    },
  },
  {
    name: "train: a second Ctrl-C quits at once, writing nothing",
    cmd: "train",
    args: () => [...T("--p 97 --dim 128 --steps 100 --backend ref"), "--out", "run"],
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.01" },
    interrupt: { signal: "SIGINT", when: / [1-9]\d*\/100 steps/, again: /stopping after/ },
    code: 130,
    words: ["quit (SIGINT)", "not written"],
    multiline: true,
  },
  {
    name: "train --train-ids records the file and its share in run.json",
    cmd: "train",
    args: (
      c,
    ) => [...T("--p 7 --dim 4 --steps 5 --backend asm --train-ids"), c.f.ids7, "--out", "run"],
    code: 0,
    words: [],
    multiline: true,
    writes: true,
    check: async (c) => {
      const { summary } = await readRunDir(`${c.work}/run`);
      equal(summary.init?.trainIds?.count, 20);
      equal(summary.config.trainFraction, 20 / 49);
      equal(summary.init?.trainIds?.sha256.length, 64);
      equal(summary.init?.params, undefined);
    },
  },
  {
    name: "train --init-params records the file by its digest in run.json",
    cmd: "train",
    args: (
      c,
    ) => [...T("--p 7 --dim 4 --steps 5 --backend asm --init-params"), c.f.params7, "--out", "run"],
    code: 0,
    words: [],
    multiline: true,
    writes: true,
    check: async (c) => {
      const { summary, records } = await readRunDir(`${c.work}/run`);
      const bytes = await Deno.readFile(c.f.params7);
      const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const hex = Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
      equal(summary.init?.params?.sha256, hex);
      equal(summary.init?.params?.path, c.f.params7);
      equal(summary.init?.trainIds, undefined);
      const given = initialTrial(makeConfig({ p: 7, d: 4, seed: 5 })).params;
      equal(records.initParams.every((v, i) => v === given[i]), true, "trained from the file");
    },
  },
  {
    name: "train with Mesa's XDG folder: one per user, nothing left after SIGKILL",
    cmd: "train",
    args: () => T("--p 11 --dim 8 --steps 1000000 --backend auto"),
    env: { XDG_RUNTIME_DIR: "", TMPDIR: "__WORK__", CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" },
    interrupt: { signal: "SIGKILL", when: /steps/ },
    code: 137,
    words: [],
    multiline: true,
    writes: true,
    check: async (c) => {
      const left = (await Array.fromAsync(Deno.readDir(c.work))).map((e) => e.name);
      const uid = Deno.uid();
      for (const name of left) equal(name, `circle-survival-xdg-${uid}`, `left: ${left}`);
    },
  },

  // --- trials ---------------------------------------------------------------------------------
  ...([
    ["--seeds 3..1", ["run backwards"]],
    ["--p 9", ["seeds: missing"]],
    ["--seeds 0..1 --seed 5", ["seed 5", "trials takes --seeds"]],
    ["--seeds 0..1 --init-params x.npy", ["init-params", "not available in trials"]],
    ["--seeds 0..1 --workers 0", ["workers 0"]],
    ["--seeds 0,1,1", ["listed twice"]],
    ["--seeds a..b", ['seeds "a..b"']],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `trials ${a}`,
    cmd: "trials",
    args: () => [...T(a), "--out", "sweep"],
    code: 2,
    words,
  })),
  {
    name: "trials --out holding another sweep",
    cmd: "trials",
    setup: (c) => copyDir(c.f.sweep, `${c.work}/sweep`),
    args: () => [
      ...T("--p 7 --dim 4 --steps 30 --wd 1 --workers 1 --backend asm --seeds 0..2"),
      "--out",
      "sweep",
    ],
    code: 2,
    words: ["another configuration"],
  },
  ...([
    [
      "a seed folder that lost signals.npy",
      (d: string) => Deno.remove(`${d}/seed-1/signals.npy`),
      "signals.npy: missing",
    ],
    [
      "a truncated final_params.npy",
      (d: string) => Deno.truncate(`${d}/seed-2/final_params.npy`, 1000),
      "final_params.npy",
    ],
    [
      "a flipped byte in a record",
      async (d: string) => {
        const b = await Deno.readFile(`${d}/seed-0/train_loss.npy`);
        b[b.length - 2] ^= 0x10;
        await Deno.writeFile(`${d}/seed-0/train_loss.npy`, b);
      },
      "damaged",
    ],
    [
      "a run.json that is not JSON",
      (d: string) => Deno.writeTextFile(`${d}/seed-1/run.json`, "{"),
      "not JSON",
    ],
  ] as [string, (d: string) => Promise<void>, string][]).map(([name, damage, why]): Case => ({
    name: `trials --out resume: ${name} is trained again, and says so`,
    cmd: "trials",
    setup: async (c) => {
      await copyDir(c.f.sweep, `${c.work}/sweep`);
      await damage(`${c.work}/sweep`);
    },
    args: () => [
      ...T("--p 7 --dim 4 --steps 30 --workers 1 --backend asm --seeds 0..2"),
      "--out",
      "sweep",
    ],
    code: 0,
    words: ["2 of 3 already in sweep, checked whole and skipped"],
    multiline: true,
    writes: true,
    check: async (c, r) => {
      assertWords("stderr", r.stderr, ["is damaged", why, "again"]);
      for (const s of [0, 1, 2]) {
        const a = await readRunDir(`${c.work}/sweep/seed-${s}`);
        const b = await readRunDir(`${c.f.sweep}/seed-${s}`);
        equal(a.summary.finalTestLoss, b.summary.finalTestLoss, `seed ${s} retrained as it was`);
      }
      const names = (await Array.fromAsync(Deno.readDir(`${c.work}/sweep`))).map((e) => e.name);
      equal(names.filter((n) => n.startsWith(".")).length, 0, `left: ${names}`);
    },
  })),
  {
    name: "trials --out resume removes temporary folders of dead processes, not of live ones",
    cmd: "trials",
    setup: async (c) => {
      await copyDir(c.f.sweep, `${c.work}/sweep`);
      // a dead run's folder (the format before the host was named): nothing written for an hour
      await Deno.mkdir(`${c.work}/sweep/.seed-9.tmp-999999999-1`);
      const hourAgo = new Date(Date.now() - 3600_000);
      await Deno.utime(`${c.work}/sweep/.seed-9.tmp-999999999-1`, hourAgo, hourAgo);
      await Deno.mkdir(`${c.work}/sweep/.seed-8.tmp-${Deno.pid}-1-${Deno.hostname()}`); // alive
    },
    args: () => [
      ...T("--p 7 --dim 4 --steps 30 --workers 1 --backend asm --seeds 0..2"),
      "--out",
      "sweep",
    ],
    code: 0,
    words: ["3 of 3 already in sweep"],
    multiline: true,
    writes: true,
    check: async (c, r) => {
      assertWords("stderr", r.stderr, [".seed-9.tmp-999999999-1", "left by a run that was killed"]);
      equal(await exists(`${c.work}/sweep/.seed-9.tmp-999999999-1`), false);
      equal(await exists(`${c.work}/sweep/.seed-8.tmp-${Deno.pid}-1-${Deno.hostname()}`), true);
    },
  },
  {
    name: "trials: Ctrl-C says what was kept",
    cmd: "trials",
    args: () => [
      ...T("--p 11 --dim 8 --hidden 16 --steps 20000 --workers 1 --backend asm --seeds 0..20"),
      "--out",
      "sweep",
    ],
    interrupt: { signal: "SIGINT", when: /^seed 0:/m, on: "stdout" },
    code: 130,
    words: ["interrupted (SIGINT)", "trials finished and kept in sweep", "resumes"],
    multiline: true,
    writes: true,
    check: async (c) => equal(await exists(`${c.work}/sweep/seed-0/run.json`), true),
  },
  {
    name: "trials: SIGTERM without --out says nothing is written",
    cmd: "trials",
    args: () => T("--p 11 --dim 8 --steps 200000 --workers 1 --backend asm --seeds 0..3"),
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" },
    interrupt: { signal: "SIGTERM", when: /trials 0\/4/ },
    code: 130,
    words: ["interrupted (SIGTERM)", "nothing is written without --out"],
    multiline: true,
  },
  {
    name: "trials --out killed with SIGKILL resumes to the results of an uninterrupted sweep",
    cmd: "trials",
    args: () => [
      ...T("--p 11 --dim 8 --hidden 16 --steps 3000 --workers 1 --backend asm --seeds 0..3"),
      "--out",
      "sweep",
    ],
    interrupt: { signal: "SIGKILL", when: /^seed 1:/m, on: "stdout" },
    code: 137,
    words: [],
    multiline: true,
    writes: true,
    check: async (c) => {
      const args = [
        "run",
        ...taskArgs("trials"),
        ...T(
          "--p 11 --dim 8 --hidden 16 --steps 3000 --workers 1 --backend asm --seeds 0..3 --out",
        ),
      ];
      const run = (out: string) =>
        new Deno.Command(Deno.execPath(), {
          args: [...args, out],
          cwd: c.work,
          stdout: "piped",
          stderr: "piped",
        }).output();
      const resumed = await run("sweep");
      equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
      const whole = await run(`${c.io}/whole`);
      equal(whole.code, 0);
      for (const s of [0, 1, 2, 3]) {
        const dir = `seed-${s}`;
        for (const f of ["final_params.npy", "signals.npy", "train_loss.npy"]) {
          const a = await Deno.readFile(`${c.work}/sweep/${dir}/${f}`);
          const b = await Deno.readFile(`${c.io}/whole/${dir}/${f}`);
          equal(a.length === b.length && a.every((v, i) => v === b[i]), true, `${dir}/${f}`);
        }
      }
    },
  },
  {
    name: "trials --out on a disk too small for the sweep: refused before training",
    cmd: "trials",
    disk: { kib: 512 },
    args: () => [
      ...T("--p 11 --dim 8 --hidden 16 --steps 3000 --workers 1 --backend asm --seeds 0..3"),
      "--out",
      "disk/sweep",
    ],
    code: 2,
    words: ["out disk/sweep", "4 run directories", "needs", "free"],
  },

  // --- analyze --------------------------------------------------------------------------------
  {
    name: "analyze with no path",
    cmd: "analyze",
    args: () => [],
    code: 2,
    words: ["0 paths given"],
  },
  {
    name: "analyze a missing path",
    cmd: "analyze",
    args: () => ["nothing"],
    code: 2,
    words: ["nothing: not found"],
  },
  {
    name: "analyze a garbage .npy",
    cmd: "analyze",
    args: (c) => [c.f.garbage],
    code: 2,
    words: ["not a .npy"],
  },
  {
    name: "analyze --ode-steps 1",
    cmd: "analyze",
    args: (c) => [c.f.run, "--ode-steps", "1"],
    code: 2,
    words: ["ode-steps 1"],
  },
  {
    name: "analyze --alpha -1",
    cmd: "analyze",
    args: (c) => [c.f.run, "--alpha", "-1"],
    code: 2,
    words: ["alpha -1"],
  },
  {
    name: "analyze a run directory that lost signals.npy",
    cmd: "analyze",
    setup: async (c) => {
      await copyDir(c.f.run, `${c.work}/run`);
      await Deno.remove(`${c.work}/run/signals.npy`);
    },
    args: () => ["run"],
    code: 2,
    words: ["run/signals.npy", "missing"],
  },
  {
    name: "analyze a run directory whose final_params.npy was truncated",
    cmd: "analyze",
    setup: async (c) => {
      await copyDir(c.f.run, `${c.work}/run`);
      await Deno.truncate(`${c.work}/run/final_params.npy`, 1000);
    },
    args: () => ["run"],
    code: 2,
    words: ["run/final_params.npy", "damaged"],
  },
  {
    name: "analyze a diverged run train wrote: diverged, at its step",
    cmd: "analyze",
    args: (c) => [c.f.diverged],
    code: 0,
    words: [],
    stdout: ["diverged at step", "no circles are counted"],
  },
  {
    name: "analyze --json of a diverged run",
    cmd: "analyze",
    args: (c) => [c.f.diverged, "--json"],
    code: 0,
    words: [],
    stdout: ['"diverged":{"step":', '"circles":null'],
  },
  {
    name: "analyze a diverged run without run.json (the fixtures' layout)",
    cmd: "analyze",
    setup: async (c) => {
      await copyDir(c.f.diverged, `${c.work}/run`);
      await Deno.remove(`${c.work}/run/run.json`);
    },
    args: () => ["run"],
    code: 0,
    words: [],
    stdout: ["diverged at step"],
  },

  // --- merge ----------------------------------------------------------------------------------
  {
    name: "merge one store only",
    cmd: "merge",
    args: () => ["out.sqlite"],
    code: 2,
    words: ["1 stores given"],
  },
  {
    name: "merge an input into itself",
    cmd: "merge",
    setup: (c) => Deno.copyFile(c.f.good, `${c.work}/a.sqlite`),
    args: () => ["a.sqlite", "a.sqlite"],
    code: 2,
    words: ["cannot be the output"],
  },
  {
    name: "merge a file that is not a store",
    cmd: "merge",
    setup: (c) => Deno.writeTextFile(`${c.work}/notes.txt`, "hello, not sqlite"),
    args: () => ["out.sqlite", "notes.txt"],
    code: 2,
    words: ["notes.txt", "not a results store"],
  },
  {
    name: "merge a missing input",
    cmd: "merge",
    args: () => ["out.sqlite", "none.sqlite"],
    code: 2,
    words: ["none.sqlite", "does not exist"],
  },
  {
    name: "merge a store of another schema version",
    cmd: "merge",
    setup: (c) => damagedStore(c.f.good, `${c.work}/old.sqlite`, "PRAGMA user_version = 1"),
    args: () => ["out.sqlite", "old.sqlite"],
    code: 2,
    words: ["old.sqlite", "another version"],
  },
  ...([
    ["lacks its signals array", "DELETE FROM arrays WHERE name = 'signals'", [
      "has no signals array",
    ]],
    ["summary is not JSON", "UPDATE trials SET summary = '{\"circles\": ['", [
      "summary is not valid JSON",
    ]],
    ["request is not JSON", "UPDATE trials SET request = 'x'", ["request is not valid JSON"]],
    [
      "array has a flipped byte",
      "UPDATE arrays SET npy = substr(npy, 1, length(npy) - 1) || X'7F' WHERE name = 'signals'",
      ["signals", "damaged"],
    ],
    [
      "array is truncated",
      "UPDATE arrays SET npy = substr(npy, 1, 200) WHERE name = 'train_loss'",
      ["train_loss", "damaged"],
    ],
  ] as [string, string, string[]][]).map(([name, sql, words]): Case => ({
    name: `merge an input whose trial ${name}: OUT unchanged`,
    cmd: "merge",
    setup: async (c) => {
      await Deno.copyFile(c.f.good2, `${c.work}/out.sqlite`);
      await damagedStore(c.f.good, `${c.work}/in.sqlite`, sql);
    },
    args: () => ["out.sqlite", "in.sqlite"],
    code: 2,
    words: ["in.sqlite", ...words],
  })),
  {
    name: "merge into an OUT that is already damaged",
    cmd: "merge",
    setup: async (c) => {
      await damagedStore(
        c.f.good2,
        `${c.work}/out.sqlite`,
        "DELETE FROM arrays WHERE name = 'test_acc'",
      );
      await Deno.copyFile(c.f.good, `${c.work}/in.sqlite`);
    },
    args: () => ["out.sqlite", "in.sqlite"],
    code: 2,
    words: ["out.sqlite", "has no test_acc array"],
  },
  {
    name: "merge two stores holding different contents under one key, naming both",
    cmd: "merge",
    setup: async (c) => {
      await Deno.copyFile(c.f.good, `${c.work}/a.sqlite`);
      await Deno.copyFile(c.f.conflicting, `${c.work}/b.sqlite`);
    },
    args: () => ["out.sqlite", "a.sqlite", "b.sqlite"],
    code: 2,
    words: ["a.sqlite and b.sqlite", "different contents", "one content per key"],
  },
  {
    name: "merge two stores sharing a trial: each trial once",
    cmd: "merge",
    setup: async (c) => {
      await Deno.copyFile(c.f.good, `${c.work}/a.sqlite`);
      await Deno.copyFile(c.f.good2, `${c.work}/b.sqlite`);
    },
    args: () => ["out.sqlite", "a.sqlite", "b.sqlite"],
    code: 0,
    words: [],
    stdout: ["a.sqlite: 2 trials added", "b.sqlite: 1 trials added", "out.sqlite: 3 trials"],
    writes: true,
    check: async (c) => {
      const s = await ResultsStore.open(`${c.work}/out.sqlite`, { readOnly: true });
      equal(s.count(), 3);
      for (const k of s.keys()) checkTrial(s, k);
      s.close();
    },
  },
  {
    name: "merge onto a disk too small: refused, nothing written",
    cmd: "merge",
    disk: { kib: 16 },
    setup: async (c) => {
      await Deno.copyFile(c.f.good, `${c.work}/a.sqlite`);
    },
    args: () => ["disk/out.sqlite", "a.sqlite"],
    code: 2,
    words: ["disk/out.sqlite", "needs", "free"],
  },

  {
    name: "sweep when the disk of its store fills while it trains: disk full, earlier trials kept",
    cmd: "sweep",
    disk: { kib: 20 * 1024, fill: { when: "sweep", bytes: 20 * 1024 * 1024 } },
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" },
    args: () => [
      ...T("--grid p=7,11 --seeds 0..3 --dim 4 --hidden 8 --steps 20000 --workers 1 --backend asm"),
      "--out",
      "disk/sweep",
    ],
    code: 2,
    words: ["store disk/sweep/store.sqlite", "disk full", "the trials stored before are kept"],
    multiline: true,
    writes: true,
  },
  // --- publish --------------------------------------------------------------------------------
  ...([
    ["--scale huge", ['scale "huge"', "allowed are"]],
    ["extra", ['"extra"', "allowed are only options"]],
    ["--store", ["--store", "its value is missing"]],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `publish ${a}`,
    cmd: "publish",
    args: () => [...T(a), "--out", "pub"],
    code: 2,
    words,
  })),
  {
    name: "publish --readme without the table's markers: refused before any work",
    cmd: "publish",
    setup: (c) => Deno.writeTextFile(`${c.work}/R.md`, "# no markers\n"),
    args: () => T("--readme R.md --out pub --store none.sqlite"),
    code: 2,
    words: ["readme R.md", "markers"],
  },
  // --- reproduce ------------------------------------------------------------------------------
  ...([
    ["fig99", ['figure "fig99"', "allowed are fig2"]],
    ["verdict --until-decided", ["verdict --until-decided", "compares full runs"]],
    ["fig9 --scale huge", ['scale "huge"']],
    ["", ["0 figures named"]],
    ["fig9 --workers 0", ["workers 0"]],
    ["fig9 --shard 3/2", ['shard "3/2"']],
    ["fig9 --hours 2", ["only with --plan"]],
    ["fig9 --scale", ["--scale", "its value is missing"]],
    ["fig9 --fresh=no", ["--fresh", "takes no value"]],
    ["fig9 --plan-from x", ['plan-from "x"', "only with --plan --until-claims-decided"]],
    [
      "fig9 --plan --until-claims-decided --plan-from nowhere",
      ['plan-from "nowhere"', "an output folder of reproduce"],
    ],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `reproduce ${a || "(no figure)"}`,
    cmd: "reproduce",
    args: () => [...T(a), "--out", "results"],
    code: 2,
    words,
  })),
  {
    name: "reproduce --store that is a folder",
    cmd: "reproduce",
    setup: (c) => Deno.mkdir(`${c.work}/s.sqlite`),
    args: () => T("fig13 --scale tiny --store s.sqlite --out results"),
    code: 2,
    words: ["store s.sqlite", "is not a file"],
  },
  {
    name: "reproduce from a store whose trial lost an array: one line naming store and trial",
    cmd: "reproduce",
    setup: (c) =>
      damagedStore(c.f.fig13, `${c.work}/s.sqlite`, "DELETE FROM arrays WHERE name = 'signals'"),
    args: () => T("fig13 --scale tiny --backend asm --store s.sqlite --out results"),
    code: 2,
    words: ["store s.sqlite", "trial ", "has no signals array", "--fresh"],
  },
  {
    name: "reproduce from a store whose trial's summary is not JSON",
    cmd: "reproduce",
    setup: (c) => damagedStore(c.f.fig13, `${c.work}/s.sqlite`, "UPDATE trials SET summary = '['"),
    args: () => T("fig13 --scale tiny --backend asm --store s.sqlite --out results"),
    code: 2,
    words: ["store s.sqlite", "summary is not valid JSON"],
  },

  // --- sweep ----------------------------------------------------------------------------------
  ...([
    ["--grid bogus=1 --seeds 0..1", ['unknown key "bogus"']],
    ["--grid lr= --seeds 0..1", ["an empty list"]],
    ["--grid lr=0.01", ["seeds: missing"]],
    ["--grid momentum=0.5 --seeds 0", ["momentum"]],
    ["--grid lr=0x1 --seeds 0", ['lr "0x1"']],
    ["--grid p=7 --lr 1e-400 --seeds 0", ["lr 1e-400", "underflows"]],
    ["--grid p=7 --p 9 --seeds 0", ["also given as --p"]],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `sweep ${a}`,
    cmd: "sweep",
    args: () => [...T(a), "--out", "sweep"],
    code: 2,
    words,
  })),

  // --- cluster --------------------------------------------------------------------------------
  ...([
    ["fig9 --scale tiny --shards 0", ["shards 0"]],
    ["verdict --until-decided --shards 2", ["compares full runs"]],
    ["fig9 --shards 2 --backend auto", ['backend "auto"']],
  ] as [string, string[]][]).map(([a, words]): Case => ({
    name: `cluster ${a}`,
    cmd: "cluster",
    args: () => [...T(a), "--store", "out.sqlite"],
    code: 2,
    words,
  })),

  // --- explore --------------------------------------------------------------------------------
  {
    name: "explore --port 70000",
    cmd: "explore",
    args: (c) => ["--dist", c.f.dist, "--port", "70000"],
    code: 2,
    words: ["port 70000"],
  },
  {
    name: "explore on a host that does not resolve",
    cmd: "explore",
    args: (c) => ["--dist", c.f.dist, "--port", "0", "--host", "no-such-host.invalid"],
    code: 2,
    words: ["host no-such-host.invalid", "cannot be resolved"],
  },
  {
    name: "explore on a port in use",
    cmd: "explore",
    args: (c) => ["--dist", c.f.dist, "--port", String(busyPort)],
    code: 2,
    words: [": in use on 127.0.0.1", "--port 0 picks one"],
  },
  {
    name: "explore without a built page",
    cmd: "explore",
    args: () => ["--dist", "nodist"],
    code: 2,
    words: ["no index.html"],
  },

  // --- the program, and a bug -----------------------------------------------------------------
  {
    name: "the program with no command prints its usage, exit 2",
    cmd: "main",
    args: () => [],
    code: 2,
    words: [],
    multiline: true,
    check: (_, r) =>
      Promise.resolve(assertWords("stderr", r.stderr, ["circle-survival COMMAND", "train"])),
  },
  {
    name: "the program with an unknown command",
    cmd: "main",
    args: () => ["nonsense"],
    code: 2,
    words: ['command "nonsense"'],
  },
  {
    name: "a real bug says it is one, with its trace and where to report it",
    cmd: "bug",
    args: () => [],
    code: 70,
    words: ["issue tracker", "Reporting a bug"],
    multiline: true,
    check: (_, r) =>
      Promise.resolve(
        assertWords("stderr", r.stderr, [
          "internal error, a bug in circle-survival",
          "TypeError",
          "at ",
        ]),
      ),
  },
];

async function buildFixtures(dir: string): Promise<Fixtures> {
  const npy = async (name: string, a: Parameters<typeof encodeNpy>[0]) => {
    await Deno.writeFile(`${dir}/${name}`, encodeNpy(a));
    return `${dir}/${name}`;
  };
  const f = { dir } as Fixtures;
  f.garbage = `${dir}/garbage.npy`;
  await Deno.writeTextFile(f.garbage, "this is not numpy");
  f.wrongShape = await npy("wrong.npy", { dtype: "<f8", shape: [5], data: new Float64Array(5) });
  const nan = new Float64Array(paramLayout(13, 16, 100).total);
  nan[7] = NaN;
  f.nanParams = await npy("nan.npy", { dtype: "<f8", shape: [nan.length], data: nan });
  f.badIds = await npy("ids9999.npy", {
    dtype: "<i8",
    shape: [3],
    data: Float64Array.from([0, 1, 9999]),
  });
  const init7 = initialTrial(makeConfig({ p: 7, d: 4, seed: 5 }));
  f.params7 = await npy("params7.npy", {
    dtype: "<f8",
    shape: [init7.params.length],
    data: init7.params,
  });
  f.ids7 = await npy("ids7.npy", {
    dtype: "<i8",
    shape: [20],
    data: Float64Array.from(init7.trainIds.slice(0, 20)),
  });

  const req = (seed: number) => ({ config: makeConfig({ p: 7, d: 4, steps: 20, seed }) });
  const storeOf = async (name: string, seeds: number[]) => {
    const s = await ResultsStore.open(`${dir}/${name}`);
    const keys = await trainMissing(seeds.map(req), { store: s, workers: 1 });
    s.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    s.close();
    return keys;
  };
  f.good = `${dir}/good.sqlite`;
  f.keys = await storeOf("good.sqlite", [0, 1]);
  f.good2 = `${dir}/good2.sqlite`;
  await storeOf("good2.sqlite", [1, 2]);
  f.conflicting = `${dir}/conflicting.sqlite`;
  await Deno.copyFile(f.good2, f.conflicting);
  const c = await ResultsStore.open(f.conflicting);
  const { trial, arrays } = checkTrial(c, f.keys[1]);
  arrays.signals.data[3] += 1; // another content, whole and with its own digests
  c.put(
    { key: trial.key, request: trial.request, backend: trial.backend, summary: trial.summary },
    arrays,
  );
  c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  c.close();

  const runOf = async (name: string, over: Parameters<typeof makeConfig>[0]) => {
    const config = makeConfig({ p: 7, d: 4, steps: 30, seed: 3, ...over });
    // the f32 core overflows at this rate (as `train --lr 1e30 --wd 0` does); float64 would not
    const backend = over?.lr ? asmBackend : referenceBackend;
    const rec = await train(backend, { config, ...initialTrial(config) });
    await writeRunDir(`${dir}/${name}`, rec, summarize(config, rec));
    return `${dir}/${name}`;
  };
  f.run = await runOf("run", {});
  f.diverged = await runOf("diverged", { lr: 1e30, wd: 0 });
  const d = await readRunDir(f.diverged);
  if (d.summary.divergedAt === null) throw new Error("the diverged fixture did not diverge");

  const sub = async (task: string, args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...taskArgs(task), ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (r.code !== 0) {
      throw new Error(`fixture ${task} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
    }
  };
  f.sweep = `${dir}/sweep`;
  await sub("trials", [
    ...T("--p 7 --dim 4 --steps 30 --workers 1 --backend asm --seeds 0..2 --out"),
    f.sweep,
  ]);
  f.fig13 = `${dir}/fig13.sqlite`;
  await sub("reproduce", [
    ...T("fig13 --scale tiny --backend asm --workers 1 --shard 0/1 --store"),
    f.fig13,
  ]);
  const s13 = await ResultsStore.open(f.fig13);
  s13.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  s13.close();
  f.dist = `${dir}/dist`;
  await Deno.mkdir(f.dist);
  await Deno.writeTextFile(`${f.dist}/index.html`, "<!doctype html><html><head></head></html>");
  f.bug = `${ROOT}tests/bug_script.ts`;
  return f;
}

/** The command line of a case. */
function argvOf(k: Case, c: Ctx): string[] {
  const args = k.args(c);
  if (k.cmd === "main") return ["run", "-A", `${ROOT}main.ts`, ...args];
  if (k.cmd === "bug") return ["run", "-A", c.f.bug, ...args];
  return ["run", ...taskArgs(k.cmd), ...args];
}

const sh = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;

async function runCase(k: Case, c: Ctx): Promise<Result> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const [key, v] of Object.entries(k.env ?? {})) env[key] = v.replaceAll("__WORK__", c.work);
  const argv = argvOf(k, c);
  if (k.disk) {
    const fill = k.disk.fill;
    const script = [
      `cd ${sh(c.work)}`,
      `${sh(Deno.execPath())} ${argv.map(sh).join(" ")} > ${sh(`${c.io}/out.txt`)} 2> ${
        sh(`${c.io}/err.txt`)
      } & pid=$!`,
      ...(fill
        ? [
          `i=0; while ! grep -q ${sh(fill.when)} ${
            sh(`${c.io}/err.txt`)
          } && [ $i -lt 1200 ]; do sleep 0.02; i=$((i+1)); done`,
          // the command waits (SIGSTOP) while its disk fills: no race with its own writes
          `kill -STOP $pid; head -c ${fill.bytes} /dev/zero > "$DISK/fill" 2>/dev/null; kill -CONT $pid`,
        ]
        : []),
      `wait $pid; rc=$?`,
      `ls -A "$DISK" > ${sh(`${c.io}/disk-after.txt`)}`,
      `cat ${sh(`${c.io}/out.txt`)}; cat ${sh(`${c.io}/err.txt`)} >&2; exit $rc`,
    ].join("\n");
    const [cmd, ...rest] = smallDiskCommand(`${c.work}/disk`, k.disk.kib, script);
    const out = await new Deno.Command(cmd, { args: rest, env, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: argv,
    cwd: c.work,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const text = { stdout: "", stderr: "" };
  let sent = false, sentAgain = false;
  const kill = () => {
    try {
      child.kill(k.interrupt!.signal);
    } catch { /* it has ended */ }
  };
  const send = () => {
    sent = true;
    kill();
  };
  const after = k.interrupt?.after;
  const early = after === undefined ? undefined : setTimeout(send, after);
  const read = async (which: "stdout" | "stderr") => {
    const dec = new TextDecoder();
    for await (const chunk of child[which]) {
      text[which] += dec.decode(chunk, { stream: true });
      const i = k.interrupt;
      if (i?.when && !sent && (i.on ?? "stderr") === which && i.when.test(text[which])) send();
      if (i?.again && sent && !sentAgain && which === "stderr" && i.again.test(text.stderr)) {
        sentAgain = true;
        kill();
      }
    }
  };
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const [status] = await Promise.all([child.status, read("stdout"), read("stderr")]);
  clearTimeout(timer);
  clearTimeout(early);
  if (k.interrupt && !sent) throw new Error(`the interrupt's cue ${k.interrupt.when} never came`);
  return { code: status.signal === "SIGKILL" ? 137 : status.code, ...text };
}

async function check(k: Case, c: Ctx): Promise<void> {
  if (k.disk) await Deno.mkdir(`${c.work}/disk`);
  await k.setup?.(c);
  const before = await treeSnapshot(c.work);
  const r = await runCase(k, c);
  const what = `${k.cmd} ${argvOf(k, c).slice(-8).join(" ")}`;
  if (r.code !== k.code) {
    throw new Error(
      `exit ${r.code} where ${k.code} is expected\nstderr: ${r.stderr}\nstdout: ${
        r.stdout.slice(-400)
      }`,
    );
  }
  const lines = r.stderr.replaceAll("\r", "\n").split("\n").map((l) => l.trim()).filter(Boolean);
  if (!k.multiline && k.code === 2 && lines.length !== 1) {
    throw new Error(`${lines.length} lines of stderr where one is expected:\n${r.stderr}`);
  }
  if (k.words.length > 0) assertWords(what, lines.at(-1) ?? "", k.words);
  if (
    r.stderr.includes("error: Uncaught") || /^\s+at .*\.ts:\d+/m.test(r.stderr) && k.cmd !== "bug"
  ) {
    throw new Error(`a stack trace:\n${r.stderr}`);
  }
  if (k.stdout) assertWords(`${what} (stdout)`, r.stdout, k.stdout);
  if (!k.writes) {
    const changes = treeChanges(before, await treeSnapshot(c.work));
    if (changes.length > 0) throw new Error(`wrote: ${changes.join(", ")}`);
  }
  await k.check?.(c, r);
}

Deno.test(`hostile input: ${cases.length} cases, each one line, its exit code, nothing half-written`, async () => {
  equal(cases.length >= 60, true, `${cases.length} cases`);
  const names = cases.map((k) => k.name);
  equal(new Set(names).size, names.length, "case names are unique");
  const root = await Deno.makeTempDir({ prefix: "circle-survival-hostile-" });
  const busy = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(""),
  );
  busyPort = busy.addr.port;
  try {
    await Deno.mkdir(`${root}/fx`);
    const f = await buildFixtures(`${root}/fx`);
    const failures: string[] = [];
    const times: [number, string][] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        const c: Ctx = { work: `${root}/${i}/work`, io: `${root}/${i}/io`, f };
        await Deno.mkdir(c.work, { recursive: true });
        await Deno.mkdir(c.io);
        const t0 = performance.now();
        try {
          await check(cases[i], c);
          times.push([(performance.now() - t0) / 1000, cases[i].name]);
        } catch (e) {
          failures.push(`[${i}] ${cases[i].name}: ${(e as Error).message}`);
        }
      }
    };
    // two cores: three cases at a time keeps them busy while one starts up
    await Promise.all([worker(), worker(), worker()]);
    if (Deno.env.get("HOSTILE_TIMES")) {
      for (const [t, n] of times.sort((a, b) => b[0] - a[0]).slice(0, 15)) {
        console.log(`${t.toFixed(1)} s  ${n}`);
      }
    }
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} of ${cases.length} cases failed:\n${failures.join("\n\n")}`,
      );
    }
  } finally {
    await busy.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
