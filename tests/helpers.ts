/**
 * Test helpers: the copied reference fixtures (the authors' float64 PyTorch runs), and array
 * comparisons that, like llm.c's checks, report the first mismatches and the largest error.
 *
 * @module
 */
import { readNpy } from "../store/npy.ts";
import fc from "fast-check";
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import { OPTIMIZERS } from "../protocol/optimizer.ts";
import type { TrialRecords } from "../train/trainer.ts";
import type { PoolProgress } from "../train/pool.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** The training fixtures and the configuration each was made with (shared/reference/README). */
export const TRAINING_FIXTURES: { name: string; config: TrialConfig }[] = [
  { name: "p23_d32_seed0", config: makeConfig({ p: 23, d: 32, steps: 400, seed: 0 }) },
  { name: "p23_d32_seed2_wd1.0", config: makeConfig({ p: 23, d: 32, steps: 100, seed: 2, wd: 1 }) },
  {
    name: "p23_d32_fixemb_init0_seed3",
    config: makeConfig({ p: 23, d: 32, steps: 50, seed: 3, mode: "fix-embedding", initSeed: 0 }),
  },
  { name: "p59_d128_seed1", config: makeConfig({ p: 59, d: 128, steps: 100, seed: 1 }) },
  {
    name: "p59_d128_fixmlp_init0_seed4",
    config: makeConfig({ p: 59, d: 128, steps: 20, seed: 4, mode: "fix-mlp", initSeed: 0 }),
  },
  { name: "p59_d128_seed2_init", config: makeConfig({ p: 59, d: 128, steps: 0, seed: 2 }) },
  { name: "p13_d16_seed7", config: makeConfig({ p: 13, d: 16, steps: 300, seed: 7 }) },
  // made for this project with the same script (tests/fixtures/README.md)
  { name: "extra_p3_d1_seed0_init", config: makeConfig({ p: 3, d: 1, steps: 0, seed: 0 }) },
  { name: "extra_p5_d3_seed4_init", config: makeConfig({ p: 5, d: 3, steps: 0, seed: 4 }) },
  { name: "extra_p7_d3_seed5", config: makeConfig({ p: 7, d: 3, steps: 60, seed: 5 }) },
  {
    name: "extra_p11_d5_fixemb_init2_seed6_init",
    config: makeConfig({ p: 11, d: 5, steps: 0, seed: 6, mode: "fix-embedding", initSeed: 2 }),
  },
  {
    name: "extra_p17_d9_fixmlp_init3_seed8_init",
    config: makeConfig({ p: 17, d: 9, steps: 0, seed: 8, mode: "fix-mlp", initSeed: 3 }),
  },
  {
    name: "extra_p31_d20_seed9_wd0.1",
    config: makeConfig({ p: 31, d: 20, steps: 150, seed: 9, wd: 0.1 }),
  },
  // made with PyTorch by tools/make_optimizer_fixtures.py (optimisers, widths, fractions)
  {
    name: "opt_p13_d16_seed7_adam_wd0.01",
    config: makeConfig({ p: 13, d: 16, steps: 300, seed: 7, optimizer: "adam", wd: 0.01 }),
  },
  {
    name: "opt_p13_d16_seed7_sgd_lr0.5",
    config: makeConfig({
      p: 13,
      d: 16,
      steps: 300,
      seed: 7,
      optimizer: "sgd",
      lr: 0.5,
      momentum: 0.9,
      wd: 0.001,
    }),
  },
  {
    name: "opt_p23_d32_h64_tf0.6_seed3",
    config: makeConfig({ p: 23, d: 32, steps: 300, seed: 3, hidden: 64, trainFraction: 0.6 }),
  },
  {
    name: "opt_p17_d9_h37_tf0.3_fixmlp_init3_seed8_init",
    config: makeConfig({
      p: 17,
      d: 9,
      steps: 0,
      seed: 8,
      hidden: 37,
      trainFraction: 0.3,
      mode: "fix-mlp",
      initSeed: 3,
    }),
  },
  {
    name: "opt_p11_d5_h7_tf0.5_fixemb_init2_seed6_init",
    config: makeConfig({
      p: 11,
      d: 5,
      steps: 0,
      seed: 6,
      hidden: 7,
      trainFraction: 0.5,
      mode: "fix-embedding",
      initSeed: 2,
    }),
  },
];

/** The fixtures of tools/make_optimizer_fixtures.py (PyTorch's Adam, SGD, widths, fractions). */
export const OPTIMIZER_FIXTURES = TRAINING_FIXTURES.filter((f) => f.name.startsWith("opt_"));

/** fast-check arbitraries of an optimiser (fields of a config record; see withOptimizer). */
export const OPTIMIZER_ARBITRARIES = {
  optimizer: fc.constantFrom(...OPTIMIZERS),
  lr: fc.double({ min: 0.002, max: 0.05, noNaN: true }),
  momentum: fc.double({ min: 0, max: 0.95, noNaN: true }),
};

/** A drawn config's optimiser made valid: momentum for sgd only, and sgd's larger rate (×10). */
export function withOptimizer<
  C extends { optimizer: TrialConfig["optimizer"]; lr: number; momentum?: number },
>(c: C): C {
  return c.optimizer === "sgd" ? { ...c, lr: 10 * c.lr } : { ...c, momentum: undefined };
}

/** A fixture's array as float64 (ids included). */
export async function fixture(name: string, array: string): Promise<Float64Array> {
  const a = await readNpy(new URL(`${name}/${array}.npy`, FIXTURES).pathname);
  return Float64Array.from(a.data);
}

/** Largest |a − b| and the places where it exceeds `atol + rtol·|b|`. */
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 0, rtol = 0 }: { atol?: number; rtol?: number },
): { maxAbs: number; maxRel: number; bad: number[] } {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} where ${expected.length} was expected`);
  }
  let maxAbs = 0, maxRel = 0;
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    if (!(e <= atol + rtol * Math.abs(expected[i]))) bad.push(i);
    maxAbs = Math.max(maxAbs, Number.isNaN(e) ? Infinity : e);
    if (expected[i] !== 0) maxRel = Math.max(maxRel, e / Math.abs(expected[i]));
  }
  return { maxAbs, maxRel, bad };
}

/** Throw, listing the first mismatches and the max error, unless all are within tolerance. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { atol?: number; rtol?: number },
  what: string,
): void {
  const r = compare(actual, expected, tol);
  if (r.bad.length === 0) return;
  const first = r.bad.slice(0, 5).map((i) => `[${i}] ${actual[i]} vs ${expected[i]}`).join("; ");
  throw new Error(
    `${what}: ${r.bad.length}/${expected.length} outside atol ${tol.atol ?? 0} + rtol ${
      tol.rtol ?? 0
    }; max abs err ${r.maxAbs.toExponential(3)}, max rel err ${
      r.maxRel.toExponential(3)
    }; first: ${first}`,
  );
}

/** Assert that `fn` throws an instance of `cls`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  cls: new (...args: never[]) => E,
  what: string,
): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new Error(`${what}: threw ${e} where ${cls.name} was expected`);
  }
  throw new Error(`${what}: did not throw ${cls.name}`);
}

/** `cli/reproduce.ts` and the permissions its task (`deno task reproduce`) grants. */
export const REPRODUCE = new URL("../cli/reproduce.ts", import.meta.url).pathname;
export const REPRODUCE_PERMS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
  "--allow-run=git",
];

/** Run a Deno script in a subprocess with the given permissions; capture its exit and output.
 * With `unprivileged`, the process runs without root's power to ignore file permissions (under
 * `unshare -U` when the tests run as root), so read-only places are read-only to it. */
export async function runScript(
  script: string,
  args: string[],
  perms = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"],
  opts: { unprivileged?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ["run", ...perms, script, ...args];
  const asRoot = opts.unprivileged && Deno.uid() === 0;
  const out = await new Deno.Command(asRoot ? "unshare" : Deno.execPath(), {
    args: asRoot ? ["-U", Deno.execPath(), ...argv] : argv,
    stdout: "piped",
    stderr: "piped",
    env: opts.env,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Trajectory parity of an f32 run with a reference fixture (the authors' float64 PyTorch run).
 * Measured for the asm core (f32 SIMD vs PyTorch f64, `bench/parity_report.ts` prints the current
 * figures): loss rel. err ≤ 1.9e-4, signal abs. err ≤ 5.1e-4 (signals 10–90), parameter abs. err
 * ≤ 5.3e-4, over the training fixtures. The tolerances leave 2.5–10× of headroom for other CPUs
 * and backends.
 */
export async function assertFixtureParity(
  rec: Pick<
    TrialRecords,
    "trainLoss" | "testLoss" | "trainAcc" | "testAcc" | "signals" | "finalParams" | "trainIds"
  >,
  name: string,
  config: TrialConfig,
): Promise<void> {
  assertClose(rec.trainLoss, await fixture(name, "train_loss"), { rtol: 5e-4 }, "train loss");
  assertClose(rec.testLoss, await fixture(name, "test_loss"), { rtol: 5e-4 }, "test loss");
  const nTrain = rec.trainIds.length, nTest = config.p ** 2 - nTrain;
  // an accuracy may differ by a pair whose two top logits tie within f32 rounding
  assertClose(
    rec.trainAcc,
    await fixture(name, "train_acc"),
    { atol: 2 / nTrain + 1e-12 },
    "train acc",
  );
  assertClose(
    rec.testAcc,
    await fixture(name, "test_acc"),
    { atol: 2 / nTest + 1e-12 },
    "test acc",
  );
  const sig = await fixture(name, "signals");
  assertClose(rec.signals, sig, { atol: 5e-3 }, "signals");
  assertClose(rec.finalParams, await fixture(name, "final_params"), { atol: 2e-3 }, "final params");
  const last = (a: Float64Array) => Array.from(a.subarray(config.steps * config.p));
  const { survivingCircles } = await import("../analysis/fourier.ts");
  const [mine, theirs] = [survivingCircles(last(rec.signals)), survivingCircles(last(sig))];
  if (mine.join() !== theirs.join()) {
    throw new Error(`surviving circles ${mine} where the fixture has ${theirs}`);
  }
}

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * The `deno run` arguments of a deno task (deno.json's): its permission flags and its script as
 * an absolute path, so a test runs a command exactly as `deno task NAME` does, from any folder.
 */
export function taskArgs(task: string): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const command = (typeof tasks[task] === "string" ? tasks[task] : tasks[task]?.command) as
    | string
    | undefined;
  if (!command?.startsWith("deno run ")) throw new Error(`task ${task}: not a deno run task`);
  return command.slice("deno run ".length).split(" ").map((a) =>
    a.startsWith("-") ? a : `${ROOT}${a}`
  );
}

/**
 * Every file and folder under `dir` with its size and content digest: two snapshots are equal
 * when nothing under `dir` was written, created or removed.
 */
export async function treeSnapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch {
      return;
    }
    for (const e of entries) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) {
        out.set(p, "dir");
        await walk(p);
      } else {
        const bytes = await Deno.readFile(p).catch(() => new Uint8Array(0));
        const h = await crypto.subtle.digest("SHA-256", bytes);
        out.set(p, `${bytes.length}:${Array.from(new Uint8Array(h).slice(0, 8)).join(".")}`);
      }
    }
  };
  await walk(dir);
  return out;
}

/** What changed between two snapshots of {@linkcode treeSnapshot} (empty when nothing did). */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [p, v] of after) {
    if (!before.has(p)) changes.push(`created ${p}`);
    else if (before.get(p) !== v) changes.push(`changed ${p}`);
  }
  for (const p of before.keys()) if (!after.has(p)) changes.push(`removed ${p}`);
  return changes;
}

/**
 * A command line that runs `script` (a shell script; `$DISK` is the mount point) with a small
 * tmpfs of `kib` KiB mounted on `mountPoint`, in a mount namespace of its own: a real full disk
 * (ENOSPC) without touching the machine's filesystems. As root it uses `unshare -m`; otherwise a
 * user namespace (`unshare -U -r -m`), which the kernel must allow.
 */
export function smallDiskCommand(mountPoint: string, kib: number, script: string): string[] {
  const ns = Deno.uid() === 0 ? ["-m", "--propagation", "private"] : ["-U", "-r", "-m"];
  const quoted = `'${mountPoint.replaceAll("'", `'\\''`)}'`;
  return [
    "unshare",
    ...ns,
    "sh",
    "-c",
    `DISK=${quoted}\nmount -t tmpfs -o size=${kib}k tmpfs "$DISK" || { echo "cannot mount a tmpfs: the disk-full cases need root or user namespaces" >&2; exit 99; }\n${script}`,
  ];
}

/** Counts the trials finished over every pool a run starts (a pool's count restarts from 0):
 * give `onProgress` as a run's option, read `trials` after it. */
export function finishedCounter(): { onProgress: (p: PoolProgress) => void; trials: number } {
  let last = 0;
  const c = {
    trials: 0,
    onProgress: (p: PoolProgress) => {
      if (p.finished < last) last = 0;
      c.trials += p.finished - last;
      last = p.finished;
    },
  };
  return c;
}
