/**
 * The command-line options shared by everything that trains, their parsing and validation.
 * Every problem becomes a {@linkcode UsageError} — one line naming the bad value and what is
 * allowed — and {@linkcode runCli} prints it and exits with code 2 before anything is trained or
 * written: unknown and repeated options, values out of range, a backend that cannot run here,
 * an output place that cannot be written, a trial that cannot fit in memory.
 *
 * @module
 */
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import { parseArgs } from "node:util";
import { dirname, resolve } from "node:path";
import {
  ConfigError,
  INIT_MODES,
  makeConfig,
  parseNumber,
  type TrialConfig,
} from "../protocol/config.ts";
import { paramLayout } from "../protocol/layout.ts";
import { initialTrial, type TrialInit } from "../protocol/init.ts";
import { testIdsFor } from "../protocol/task.ts";
import { type Backend, BackendUnavailable } from "../backends/contract.ts";
import { backendNames, releaseGpu, resolveBackend } from "../train/backends.ts";
import type { RecordOptions } from "../train/trainer.ts";
import { fitsInMemory } from "../train/memory.ts";
import { expectShape, NpyError, readNpy } from "../store/npy.ts";
import { digestBytes, ResultsStore, StoreError } from "../store/store.ts";
import type { RunSummary } from "../store/run_dir.ts";
import { SelectionError } from "../experiments/selection.ts";
import { AnalysisError } from "../analysis/fourier.ts";
import { checkWritable, DiskFullError, firstLine, isDiskFull, PathError } from "../store/disk.ts";

/** A bad command line (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An option's declaration (node:util parseArgs's). */
export type OptionTable = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean }
>;

/** The options of `train` (and of the commands that add their own to them). */
export const TRAIN_OPTIONS = {
  p: { type: "string" },
  dim: { type: "string" },
  hidden: { type: "string" },
  "train-fraction": { type: "string" },
  wd: { type: "string" },
  lr: { type: "string" },
  optimizer: { type: "string" },
  momentum: { type: "string" },
  steps: { type: "string" },
  seed: { type: "string" },
  mode: { type: "string" },
  "init-seed": { type: "string" },
  "freeze-embedding": { type: "boolean" },
  "init-params": { type: "string" },
  "train-ids": { type: "string" },
  backend: { type: "string" },
  out: { type: "string" },
  "params-every": { type: "string" },
  "embeddings-until": { type: "string" },
  "grad-signals": { type: "boolean" },
  "until-decided": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The options of the commands that run many trials through the results store (`reproduce`,
 * `sweep`). */
export const STORE_RUN_OPTIONS = {
  out: { type: "string" },
  store: { type: "string" },
  fresh: { type: "boolean" },
  workers: { type: "string" },
  backend: { type: "string" },
  shard: { type: "string" },
  "until-decided": { type: "boolean" },
  plan: { type: "boolean" },
  hours: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `--hours H` (only with `--plan`): a wall time to plan Slurm array tasks for. */
export function hoursFrom(values: Values): number | undefined {
  if (values.hours === undefined) return undefined;
  const hours = Number(values.hours);
  if (!(hours > 0 && Number.isFinite(hours))) {
    throw new UsageError(`hours ${values.hours}: allowed is a number > 0`);
  }
  if (!values.plan) throw new UsageError(`hours: allowed only with --plan`);
  return hours;
}

/** Parsed option values (a `multiple` option gives an array). */
export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Parse argv strictly, each problem one line of our own: an unknown option (listing the allowed
 * ones), a repeated option, a value missing (`--steps --out D`), a value given to a flag
 * (`--fresh=yes`), a stray argument.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parse, UsageError } from "./options.ts";
 * const spec = { p: { type: "string" }, out: { type: "string" } } as const;
 * assertEquals(parse(["--p", "13"], spec).values.p, "13", "--p 13");
 * assertEquals(parse(["--p", "-1"], spec).values.p, "-1", "a negative value");
 * try {
 *   parse(["--p", "--out", "D"], spec);
 *   throw new Error("accepted a missing value");
 * } catch (e) {
 *   if (!(e instanceof UsageError) || !e.message.includes("--p: its value is missing")) throw e;
 * }
 * ```
 */
export function parse(
  args: string[],
  options: OptionTable,
  allowPositionals = false,
): { values: Values; positionals: string[] } {
  const joined: string[] = [];
  const seen = new Set<string>();
  const allowed = () => Object.keys(options).map((o) => `--${o}`).join(", ");
  const looksNumeric = (a: string) => /^-[\d.]/.test(a);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      if (!allowPositionals && i + 1 < args.length) {
        throw new UsageError(
          `argument ${
            JSON.stringify(args[i + 1])
          }: unexpected; allowed are options only (${allowed()})`,
        );
      }
      joined.push(...args.slice(i));
      break;
    }
    let name: string | undefined, inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      [name, inline] = eq < 0 ? [a.slice(2), undefined] : [a.slice(2, eq), a.slice(eq + 1)];
    } else if (/^-[a-zA-Z]$/.test(a)) {
      name = Object.entries(options).find(([, o]) => o.short === a.slice(1))?.[0];
      if (name === undefined) {
        throw new UsageError(`option ${a}: unknown; allowed are ${allowed()}`);
      }
    } else if (a.startsWith("-") && a.length > 1 && !looksNumeric(a)) {
      throw new UsageError(`option ${a}: unknown; allowed are ${allowed()}`);
    }
    if (name === undefined) {
      if (!allowPositionals) {
        throw new UsageError(
          `argument ${JSON.stringify(a)}: unexpected; allowed are options only (${allowed()})`,
        );
      }
      joined.push(a);
      continue;
    }
    if (!(name in options)) {
      throw new UsageError(`option --${name}: unknown; allowed are ${allowed()}`);
    }
    if (seen.has(name) && !options[name].multiple) {
      throw new UsageError(`option --${name}: given twice; allowed once`);
    }
    seen.add(name);
    if (options[name].type === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(
          `option --${name}: takes no value (given "${inline}"); allowed is --${name} alone`,
        );
      }
      joined.push(`--${name}`);
      continue;
    }
    if (inline === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1 && !looksNumeric(next))) {
        throw new UsageError(
          `option --${name}: its value is missing${
            next === undefined ? "" : ` (${next} follows it)`
          }; allowed is --${name} VALUE`,
        );
      }
      inline = next;
      i++;
    }
    // joined as --name=value, so that a value like "-1" stays a value
    joined.push(`--${name}=${inline}`);
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals,
    });
    return { values: values as Values, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
}

/** What each numeric option takes, for the one-line message of a value that is not a number. */
const NUMBER_ALLOWED: Record<string, string> = {
  p: "an integer in 3..4096",
  dim: "an integer in 1..65536",
  hidden: "an integer in 1..65536",
  steps: "an integer >= 0",
  seed: "an integer in 0..4294967295",
  "init-seed": "an integer in 0..4294967295",
  wd: "a finite number >= 0",
  lr: "a positive finite number",
  momentum: "a number in [0, 1)",
  "train-fraction": "a number in (0, 1)",
  "params-every": "an integer >= 0",
  "embeddings-until": "an integer >= 0",
};

/** A numeric option (a decimal number), or undefined when absent. */
export function numberOption(values: Values, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  return parseNumber(name, String(v), NUMBER_ALLOWED[name] ?? "a decimal number");
}

/** An integer option, or undefined when absent. */
export function intOption(values: Values, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = parseNumber(name, String(v), NUMBER_ALLOWED[name] ?? "a decimal integer");
  if (!Number.isInteger(n)) {
    throw new UsageError(`${name} ${v}: allowed is ${NUMBER_ALLOWED[name] ?? "an integer"}`);
  }
  return n;
}

/** `--workers N` (default: every core). */
export function workersFrom(values: Values): number | undefined {
  if (values.workers === undefined) return undefined;
  const w = Number(values.workers);
  if (!Number.isInteger(w) || w < 1 || w > 256) {
    throw new UsageError(`workers ${values.workers}: allowed is an integer in 1..256`);
  }
  return w;
}

/** The trial options given (not yet validated as a whole: `makeConfig` does that). */
export function partialConfigFrom(values: Values): Partial<TrialConfig> {
  const num = (name: string) => numberOption(values, name);
  const mode = values.mode as string | undefined;
  if (mode !== undefined && !(INIT_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`mode ${JSON.stringify(mode)}: allowed are ${INIT_MODES.join(", ")}`);
  }
  const partial: Partial<TrialConfig> = {};
  const set = <K extends keyof TrialConfig>(k: K, v: TrialConfig[K] | undefined) => {
    if (v !== undefined) partial[k] = v;
  };
  set("p", intOption(values, "p"));
  set("d", intOption(values, "dim"));
  set("hidden", intOption(values, "hidden"));
  set("trainFraction", num("train-fraction"));
  set("wd", num("wd"));
  set("lr", num("lr"));
  set("optimizer", values.optimizer as TrialConfig["optimizer"] | undefined);
  set("momentum", num("momentum"));
  set("steps", intOption(values, "steps"));
  set("seed", intOption(values, "seed"));
  set("initSeed", intOption(values, "init-seed"));
  set("mode", mode as TrialConfig["mode"] | undefined);
  set("freezeEmbedding", values["freeze-embedding"] === true ? true : undefined);
  return partial;
}

/** The trial configuration from the options (validated; options that would be recorded but
 * not used are refused). */
export function configFrom(values: Values): TrialConfig {
  refuseUnused(values);
  return makeConfig(partialConfigFrom(values));
}

/**
 * Refuse options that would be recorded in run.json but change nothing that trains (one line
 * each): `--init-seed` in the default mode (the seed draws everything), `--mode` or `--init-seed`
 * with `--init-params` (which replaces every initial parameter), `--seed` with both
 * `--init-params` and `--train-ids`, `--train-fraction` with `--train-ids`.
 *
 * @example
 * ```ts
 * import { refuseUnused, UsageError } from "./options.ts";
 * refuseUnused({ mode: "fix-mlp", "init-seed": "3" }); // both used
 * try {
 *   refuseUnused({ "init-seed": "3" });
 *   throw new Error("accepted --init-seed in the default mode");
 * } catch (e) {
 *   if (!(e instanceof UsageError)) throw e;
 * }
 * ```
 */
export function refuseUnused(values: Values): void {
  const given = (o: string) => values[o] !== undefined;
  const mode = (values.mode as string | undefined) ?? "default";
  if (given("init-params")) {
    if (mode !== "default") {
      throw new UsageError(
        `mode ${mode}: --init-params replaces every initial parameter, so the mode would only pick the split's seed; allowed is the default mode (the split from --seed) or --train-ids F.npy`,
      );
    }
    if (given("init-seed")) {
      throw new UsageError(
        `init-seed ${
          values["init-seed"]
        }: with --init-params nothing is drawn from it; allowed without --init-seed`,
      );
    }
    if (given("train-ids") && given("seed")) {
      throw new UsageError(
        `seed ${values.seed}: with --init-params and --train-ids nothing is drawn from it; allowed without --seed`,
      );
    }
  } else if (given("init-seed") && mode === "default") {
    throw new UsageError(
      `init-seed ${
        values["init-seed"]
      }: used only with --mode fix-embedding or fix-mlp (in the default mode --seed draws everything); allowed without --init-seed`,
    );
  }
  if (given("train-ids") && given("train-fraction")) {
    throw new UsageError(
      `train-fraction ${
        values["train-fraction"]
      }: with --train-ids the ids are the split; allowed is one of the two`,
    );
  }
}

/**
 * The backend named by `--backend` (default auto), able to run here: an unknown name or one this
 * machine cannot run is a usage error, before anything is trained. `announce()` prints, under
 * `command`'s name, why `auto` chose it — call it once every other check has passed, so a bad
 * input stays one line.
 */
export async function backendFrom(
  values: Values,
  command: string,
): Promise<{ backend: Backend; announce(): void }> {
  const name = (values.backend as string | undefined) ?? "auto";
  const names = ["auto", ...backendNames()];
  if (!names.includes(name)) {
    throw new UsageError(`backend ${JSON.stringify(name)}: allowed are ${names.join(", ")}`);
  }
  const { backend, note } = await resolveBackend(name);
  return {
    backend,
    announce() {
      if (note) console.error(`${command}: ${note}`);
    },
  };
}

/** Record options from the options. */
export function recordOptionsFrom(values: Values): Omit<RecordOptions, "signal" | "onProgress"> {
  const every = intOption(values, "params-every") ?? 0;
  const until = intOption(values, "embeddings-until") ?? 0;
  if (every < 0) throw new UsageError(`params-every ${every}: allowed is an integer >= 0`);
  if (until < 0) throw new UsageError(`embeddings-until ${until}: allowed is an integer >= 0`);
  return {
    paramsEvery: every,
    embeddingsUntil: until,
    gradSignals: values["grad-signals"] === true,
    ...(values["until-decided"] === true ? { untilDecided: { ...DEFAULT_EARLY_STOP } } : {}),
  };
}

/** Refuse (one line) trials that do not fit in memory on this backend. */
export function checkFits(
  config: TrialConfig,
  records: Omit<RecordOptions, "signal" | "onProgress">,
  backend: Backend,
  concurrent = 1,
): void {
  const why = fitsInMemory(config, records, backend, concurrent);
  if (why) throw new UsageError(`p ${config.p}, dim ${config.d}, steps ${config.steps}: ${why}`);
}

/**
 * Check before any work that `dir` can become a new run or sweep directory: a non-empty path that
 * is absent, or an empty directory (or, with `resumable`, a directory), in a place that can be
 * written.
 */
export async function checkOutDir(
  dir: string,
  option = "out",
  resumable = false,
): Promise<void> {
  if (dir.trim() === "") throw new UsageError(`${option} "": allowed is a directory path`);
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotADirectory) {
      throw new UsageError(
        `${option} ${dir}: a folder on its path is a file; allowed is a directory`,
      );
    }
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(`${option} ${dir}: cannot be read (${(e as Error).message})`);
    }
  }
  if (info && !info.isDirectory) {
    throw new UsageError(`${option} ${dir}: is a file; allowed is a new or empty directory`);
  }
  if (info && !resumable) {
    for await (const _ of Deno.readDir(dir)) {
      throw new UsageError(
        `${option} ${dir}: exists and is not empty; allowed is a new or empty directory`,
      );
    }
  }
  await checkWritable(info ? dir : nearestExisting(dir), `${option} ${dir}`);
}

/** The nearest ancestor of `path` that exists. */
function nearestExisting(path: string): string {
  let p = dirname(resolve(path));
  for (;;) {
    try {
      if (Deno.statSync(p).isDirectory) return p;
      throw new UsageError(`${p}: is a file, so nothing can be created under it`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/**
 * The initial state from `--init-params` / `--train-ids` (each file read, checked and digested),
 * the rest from the seeds' draws; undefined `init` when neither is given (the trial draws its own
 * where it trains). `sources` is what run.json records of the files.
 */
export async function initFrom(
  values: Values,
  config: TrialConfig,
): Promise<{ init?: TrialInit; sources?: RunSummary["init"] }> {
  const paramsFile = values["init-params"] as string | undefined;
  const idsFile = values["train-ids"] as string | undefined;
  if (paramsFile === undefined && idsFile === undefined) return {};
  const sources: NonNullable<RunSummary["init"]> = {};
  const read = async (file: string) => {
    const arr = await readNpy(file);
    return { arr, sha256: digestBytes(await Deno.readFile(file)) };
  };
  let params: Float64Array | undefined, trainIds: Int32Array | undefined;
  if (paramsFile) {
    const { arr, sha256 } = await read(paramsFile);
    const total = paramLayout(config.p, config.d, config.hidden).total;
    expectShape(
      arr,
      [total],
      `${paramsFile} (init params for p=${config.p}, dim=${config.d}, hidden=${config.hidden})`,
    );
    if (arr.dtype !== "<f8" && arr.dtype !== "<f4") {
      throw new NpyError(`${paramsFile}: dtype ${arr.dtype} where float64 or float32 is needed`);
    }
    const data = Float64Array.from(arr.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new NpyError(
        `${paramsFile}: element ${bad} is ${data[bad]}; allowed are finite numbers`,
      );
    }
    params = data;
    sources.params = { path: resolve(paramsFile), sha256 };
  }
  if (idsFile) {
    const { arr, sha256 } = await read(idsFile);
    if (arr.shape.length !== 1 || arr.shape[0] < 1 || arr.shape[0] >= config.p * config.p) {
      throw new NpyError(
        `${idsFile}: shape ${JSON.stringify(arr.shape)} where (n,) with 1 <= n < ${
          config.p * config.p
        } is needed`,
      );
    }
    if (arr.dtype !== "<i8" && arr.dtype !== "<i4") {
      throw new NpyError(`${idsFile}: dtype ${arr.dtype} where int64 or int32 is needed`);
    }
    try {
      testIdsFor(config.p, arr.data);
    } catch (e) {
      throw new NpyError(`${idsFile}: ${(e as Error).message}`);
    }
    trainIds = Int32Array.from(arr.data);
    sources.trainIds = { path: resolve(idsFile), sha256, count: trainIds.length };
  }
  const drawn = params && trainIds ? undefined : initialTrial(config);
  return {
    init: { params: params ?? drawn!.params, trainIds: trainIds ?? drawn!.trainIds },
    sources,
  };
}

/** Where a bug is to be reported (README.md, "Reporting a bug"). */
export const REPORT_A_BUG =
  `please report it on circle-survival's issue tracker with the command line and this trace (README.md, "Reporting a bug")`;

/**
 * The one line of an expected failure — bad input, a damaged or unreadable file, a full disk, a
 * missing permission, too little memory — or undefined for anything else, which is a bug.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { expectedFailure, UsageError } from "./options.ts";
 * if (expectedFailure(new UsageError("p 2: allowed is an integer in 3..4096")) === undefined) {
 *   throw new Error("bad input is expected");
 * }
 * assertEquals(expectedFailure(new TypeError("x is undefined")), undefined, "a bug");
 * ```
 */
export function expectedFailure(e: unknown): string | undefined {
  if (
    e instanceof UsageError || e instanceof ConfigError || e instanceof NpyError ||
    e instanceof BackendUnavailable || e instanceof StoreError || e instanceof SelectionError ||
    e instanceof AnalysisError || e instanceof DiskFullError || e instanceof PathError
  ) return firstLine(e);
  if (!(e instanceof Error)) return undefined;
  const text = firstLine(e);
  if (isDiskFull(e)) return text.startsWith("disk full") ? text : `disk full: ${text}`;
  if (e instanceof Deno.errors.NotCapable) {
    return `${text} (the command runs without that permission; run it as its deno task does)`;
  }
  if (e instanceof Deno.errors.PermissionDenied) return `permission denied: ${text}`;
  if ((e as { code?: string }).code === "EROFS" || /Read-only file system/i.test(text)) {
    return `read-only filesystem: ${text}`;
  }
  if (/Array buffer allocation failed|Invalid typed array length|out of memory/i.test(text)) {
    return `not enough memory: ${text}`;
  }
  return undefined;
}

/** What Ctrl-C and SIGTERM do now (the innermost handler of {@linkcode handleInterrupts}). */
const interruptHandlers: ((sig: Deno.Signal) => void)[] = [];

/**
 * Handle Ctrl-C and SIGTERM with `handler` until disposed (inside {@linkcode runCli}, which
 * otherwise stops the command with its one line of what was kept, exit code 130).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it acts on this process's signals and exit code
 * const h = handleInterrupts((sig) => stop.abort());
 * try { await work(); } finally { h.dispose(); }
 * ```
 */
export function handleInterrupts(handler: (sig: Deno.Signal) => void): { dispose(): void } {
  interruptHandlers.push(handler);
  return {
    dispose: () => {
      const i = interruptHandlers.lastIndexOf(handler);
      if (i >= 0) interruptHandlers.splice(i, 1);
    },
  };
}

/**
 * Stop a long command on Ctrl-C or SIGTERM with one line saying what was kept (`kept()`), exit
 * code 130, until disposed.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it acts on this process's signals and exit code
 * const interrupt = onInterrupt("trials", () => `${n} trials kept in ${out}`);
 * try { await work(); } finally { interrupt.dispose(); }
 * ```
 */
export function onInterrupt(command: string, kept: () => string): { dispose(): void } {
  return handleInterrupts((sig) => {
    let what: string;
    try {
      what = kept();
    } catch (e) {
      what = `what was kept cannot be told (${firstLine(e)})`;
    }
    console.error(`\n${command}: interrupted (${sig}); ${what}`);
    ResultsStore.closeAll();
    Deno.exit(130);
  });
}

/**
 * Run a CLI body: an expected failure (see {@linkcode expectedFailure}) prints one line and exits
 * with 2; anything else is a bug: it says so, prints its trace and where to report it, and exits
 * with 70. Ctrl-C and SIGTERM stop it with exit code 130 and the line `interrupted` (what was
 * kept; the command's own handler, {@linkcode handleInterrupts}, where it has one). The GPU device
 * is released at the end either way.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it acts on this process's signals and exit code
 * await runCli("train", async () => { ... });
 * ```
 */
export async function runCli(
  name: string,
  body: () => Promise<void>,
  opts: { interrupted?: string } = {},
): Promise<void> {
  const fail = async (e: unknown): Promise<never> => {
    ResultsStore.closeAll();
    const line = expectedFailure(e);
    if (line !== undefined) {
      console.error(`${name}: ${line}`);
      await releaseGpu();
      Deno.exit(2);
    }
    console.error(
      `${name}: internal error, a bug in circle-survival (not a problem of the input): ${
        e instanceof Error ? `${e.name}: ${firstLine(e)}` : String(e)
      }`,
    );
    if (e instanceof Error && e.stack) console.error(e.stack);
    console.error(`${name}: ${REPORT_A_BUG}`);
    await releaseGpu();
    Deno.exit(70);
  };
  const stray = (ev: PromiseRejectionEvent) => {
    ev.preventDefault();
    fail(ev.reason);
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const dispatch = signals.map((sig) => () => {
    const handler = interruptHandlers.at(-1);
    if (handler) return handler(sig);
    console.error(`\n${name}: interrupted (${sig}); ${opts.interrupted ?? "nothing was written"}`);
    ResultsStore.closeAll();
    Deno.exit(130);
  });
  globalThis.addEventListener("unhandledrejection", stray);
  signals.forEach((s, i) => Deno.addSignalListener(s, dispatch[i]));
  try {
    await body();
  } catch (e) {
    await fail(e);
  } finally {
    globalThis.removeEventListener("unhandledrejection", stray);
    signals.forEach((s, i) => Deno.removeSignalListener(s, dispatch[i]));
    await releaseGpu(); // a device held to exit is left to native teardown; release it here
  }
}
