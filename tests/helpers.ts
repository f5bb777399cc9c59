/**
 * Test helpers: the copied reference fixtures (the authors' float64 PyTorch runs), and array
 * comparisons that, like llm.c's checks, report the first mismatches and the largest error.
 *
 * @module
 */
import { readNpy } from "../store/npy.ts";
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import type { TrialRecords } from "../train/trainer.ts";

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
];

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
 * Measured for the asm core (f32 SIMD vs PyTorch f64): loss rel. err ≤ 5e-5, signal abs. err
 * ≤ 5.3e-4 (signals 10–90), parameter abs. err ≤ 2.3e-4; the shared reference README measured
 * 6e-3 over 3 000 steps. These tolerances give ~10× headroom for other CPUs and backends.
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
