/**
 * The command-line options shared by everything that trains, their parsing and validation.
 * Every problem becomes a {@linkcode UsageError}: one line naming the bad value and what is
 * allowed; {@linkcode runCli} prints it and exits with code 2 before anything is written.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  ConfigError,
  INIT_MODES,
  makeConfig,
  parseNumber,
  type TrialConfig,
} from "../protocol/config.ts";
import { expectShape, NpyError, readNpy } from "../io/npy.ts";
import { paramLayout } from "../protocol/layout.ts";
import { initialTrial, type TrialInit } from "../protocol/init.ts";
import { testIdsFor } from "../protocol/task.ts";

/** A bad command line (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The options of `train` (and of `trials`, which adds its own). */
export const TRAIN_OPTIONS = {
  p: { type: "string" },
  dim: { type: "string" },
  wd: { type: "string" },
  lr: { type: "string" },
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
  help: { type: "boolean", short: "h" },
} as const;

import { BACKEND_NAMES, type BackendName } from "../gpu/select.ts";
import { releaseGpu } from "../gpu/fused.ts";

type Values = Record<string, string | boolean | undefined>;

/** Parse argv strictly: unknown options and stray arguments are usage errors. */
export function parse<T extends Record<string, { type: "string" | "boolean"; short?: string }>>(
  args: string[],
  options: T,
  allowPositionals = false,
): { values: Values; positionals: string[] } {
  // node's parseArgs reads "--wd -1" as two options; join a negative number to its option so
  // the value reaches validation and gets the proper message.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    const name = a.startsWith("--") ? a.slice(2) : "";
    if (
      name && options[name]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)
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

function int(values: Values, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = parseNumber(name, String(v));
  if (!Number.isInteger(n)) throw new UsageError(`${name} ${v}: allowed is an integer`);
  return n;
}

/** The trial configuration from the options (validated). */
export function configFrom(values: Values): TrialConfig {
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
  set("p", int(values, "p"));
  set("d", int(values, "dim"));
  set("wd", num("wd"));
  set("lr", num("lr"));
  set("steps", int(values, "steps"));
  set("seed", int(values, "seed"));
  set("initSeed", int(values, "init-seed"));
  set("mode", mode as TrialConfig["mode"] | undefined);
  set("freezeEmbedding", values["freeze-embedding"] === true ? true : undefined);
  return makeConfig(partial);
}

/** The backend named by --backend (default auto). */
export function backendFrom(values: Values): BackendName {
  const b = (values.backend as string | undefined) ?? "auto";
  if (!(BACKEND_NAMES as readonly string[]).includes(b)) {
    throw new UsageError(`backend ${JSON.stringify(b)}: allowed are ${BACKEND_NAMES.join(", ")}`);
  }
  return b as BackendName;
}

/** Record options from the options. */
export function recordOptionsFrom(values: Values) {
  const every = int(values, "params-every") ?? 0;
  const until = int(values, "embeddings-until") ?? 0;
  if (every < 0) throw new UsageError(`params-every ${every}: allowed is an integer >= 0`);
  if (until < 0) throw new UsageError(`embeddings-until ${until}: allowed is an integer >= 0`);
  return {
    paramsEvery: every,
    embeddingsUntil: until,
    gradSignals: values["grad-signals"] === true,
  };
}

/** Initial parameters and split: the seeds' draws, replaced by --init-params / --train-ids. */
export async function initFrom(values: Values, config: TrialConfig): Promise<TrialInit> {
  const init = initialTrial(config);
  const paramsFile = values["init-params"] as string | undefined;
  const idsFile = values["train-ids"] as string | undefined;
  if (paramsFile) {
    const arr = await readNpy(paramsFile);
    const total = paramLayout(config.p, config.d, config.hidden).total;
    expectShape(arr, [total], `${paramsFile} (init params for p=${config.p}, dim=${config.d})`);
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
 * Run a CLI body: usage, configuration and `.npy` errors print one line and exit 2.
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
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof NpyError) {
      console.error(`${name}: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  } finally {
    await releaseGpu(); // a device held to exit is left to native teardown; release it here
  }
}
