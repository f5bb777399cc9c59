/**
 * The command-line options shared by everything that trains, their parsing and validation.
 * Every problem becomes a {@linkcode UsageError} — one line naming the bad value and what is
 * allowed — and {@linkcode runCli} prints it and exits with code 2 before anything is trained or
 * written: unknown and repeated options, values out of range, a backend that cannot run here,
 * an output place that cannot be written, a trial that cannot fit in memory.
 *
 * @module
 */
import { DEFAULT_DECIDED } from "../analysis/verdict.ts";
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
import { StoreError } from "../store/store.ts";
import { SelectionError } from "../paper/selection.ts";

/** A bad command line (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An option's declaration (node:util parseArgs's). */
export type OptionSpec = Record<
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
 * Parse argv strictly: an unknown option (listing the allowed ones), a repeated option, a stray
 * argument or a missing value is a usage error.
 *
 * @example
 * ```ts
 * import { parse } from "./options.ts";
 * console.log(parse(["--p", "13"], { p: { type: "string" } }).values.p); // 13
 * ```
 */
export function parse(
  args: string[],
  options: OptionSpec,
  allowPositionals = false,
): { values: Values; positionals: string[] } {
  // node's parseArgs reads "--wd -1" as two options; join a negative number to its option so
  // the value reaches validation and gets the proper message.
  const joined: string[] = [];
  const seen = new Set<string>();
  const allowed = () => Object.keys(options).map((o) => `--${o}`).join(", ");
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    if (a === "--") {
      joined.push(...args.slice(i));
      break;
    }
    const long = a.startsWith("--") ? a.slice(2).split("=")[0] : "";
    const short = !long && /^-[a-zA-Z]$/.test(a)
      ? Object.entries(options).find(([, o]) => o.short === a.slice(1))?.[0]
      : undefined;
    const name = long || short;
    if (name !== undefined && name !== "") {
      if (!(name in options)) {
        throw new UsageError(`option ${a.split("=")[0]}: unknown; allowed are ${allowed()}`);
      }
      if (seen.has(name) && !options[name].multiple) {
        throw new UsageError(`option --${name}: given twice; allowed once`);
      }
      seen.add(name);
    } else if (a.startsWith("-") && a.length > 1 && !/^-[\d.]/.test(a)) {
      throw new UsageError(`option ${a}: unknown; allowed are ${allowed()}`);
    }
    if (
      long && !a.includes("=") && options[long]?.type === "string" && next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
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

/** An integer option, or undefined when absent. */
export function intOption(values: Values, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = parseNumber(name, String(v));
  if (!Number.isInteger(n)) throw new UsageError(`${name} ${v}: allowed is an integer`);
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
  const num = (name: string) =>
    values[name] === undefined ? undefined : parseNumber(name, String(values[name]));
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

/** The trial configuration from the options (validated). */
export function configFrom(values: Values): TrialConfig {
  return makeConfig(partialConfigFrom(values));
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
    ...(values["until-decided"] === true ? { untilDecided: { ...DEFAULT_DECIDED } } : {}),
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

/** Can a file be created in directory `dir`? (A probe file, removed at once.) */
export async function checkWritable(dir: string, what: string): Promise<void> {
  const probe = `${dir}/.circle-survival-probe-${Deno.pid}-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
    await Deno.remove(probe);
  } catch (e) {
    throw new UsageError(`${what}: cannot be written in ${dir} (${(e as Error).name})`);
  }
}

/** Initial parameters and split: the seeds' draws, replaced by --init-params / --train-ids. */
export async function initFrom(values: Values, config: TrialConfig): Promise<TrialInit> {
  const init = initialTrial(config);
  const paramsFile = values["init-params"] as string | undefined;
  const idsFile = values["train-ids"] as string | undefined;
  if (paramsFile) {
    const arr = await readNpy(paramsFile);
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
    init.params = data;
  }
  if (idsFile) {
    const arr = await readNpy(idsFile);
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
    init.trainIds = Int32Array.from(arr.data);
  }
  return init;
}

/**
 * Run a CLI body: usage, configuration, backend, store and `.npy` errors print one line and exit
 * 2; the GPU device is released at the end either way.
 *
 * @example
 * ```ts ignore
 * await runCli("train", async () => { ... });
 * ```
 */
export async function runCli(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (
      e instanceof UsageError || e instanceof ConfigError || e instanceof NpyError ||
      e instanceof BackendUnavailable || e instanceof StoreError || e instanceof SelectionError
    ) {
      console.error(`${name}: ${e.message}`);
      await releaseGpu();
      Deno.exit(2);
    }
    throw e;
  } finally {
    await releaseGpu(); // a device held to exit is left to native teardown; release it here
  }
}
