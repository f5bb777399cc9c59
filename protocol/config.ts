/**
 * The configuration of one training trial, its defaults (docs/SPEC.md's standard run) and its
 * validation. Every bad value is rejected with a one-line {@linkcode ConfigError} that names the
 * value and what is allowed; the CLIs turn it into exit code 2.
 *
 * @module
 */
import { type OptimizerName, OPTIMIZERS, SGD_MOMENTUM } from "./optimizer.ts";
import { trainCount } from "./task.ts";

/** How the initial parameters are drawn from the seeds (docs/SPEC.md "seeds"). */
export type InitMode = "default" | "fix-embedding" | "fix-mlp";

/** The modes, in the order the CLI lists them. */
export const INIT_MODES: readonly InitMode[] = ["default", "fix-embedding", "fix-mlp"];

/** One trial of the modular-addition model. */
export interface TrialConfig {
  /** The modulus, an integer ≥ 3. */
  p: number;
  /** The embedding dimension d ≥ 1. */
  d: number;
  /** Width of both hidden layers (100 in the paper). */
  hidden: number;
  /** Weight decay ≥ 0: decoupled for adamw (the paper's), an L2 term for adam and sgd. */
  wd: number;
  /** Learning rate > 0 (0.01). */
  lr: number;
  /** The optimiser, with PyTorch's semantics (protocol/optimizer.ts); the paper's is adamw. */
  optimizer: OptimizerName;
  /** SGD's momentum in [0, 1) (0.9 when sgd is chosen); absent for the other optimisers. */
  momentum?: number;
  /** Full-batch steps ≥ 0. */
  steps: number;
  /** Trial seed: MLP and split (default), or the part that varies (fix-* modes). */
  seed: number;
  /** How the seeds combine. */
  mode: InitMode;
  /** The seed of the fixed part in the fix-* modes. */
  initSeed: number;
  /** Train the MLP only; the embedding is neither updated nor decayed. */
  freezeEmbedding: boolean;
  /** Fraction of the p² pairs in the training set (int(frac·p²) pairs; 0.8). */
  trainFraction: number;
}

/** docs/SPEC.md's standard run. */
export const DEFAULT_CONFIG: Readonly<TrialConfig> = Object.freeze({
  p: 59,
  d: 128,
  hidden: 100,
  wd: 0.5,
  lr: 0.01,
  optimizer: "adamw",
  steps: 30000,
  seed: 0,
  mode: "default",
  initSeed: 0,
  freezeEmbedding: false,
  trainFraction: 0.8,
});

/** A bad configuration value (one line, names the value and what is allowed). */
export class ConfigError extends Error {
  /** The error's name. */
  override name = "ConfigError";
}

const MAX_SEED = 0xffffffff;

function integerIn(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER
      ? `an integer >= ${min}`
      : `an integer in ${min}..${max}`;
    throw new ConfigError(`${name} ${JSON.stringify(v) ?? String(v)}: allowed is ${allowed}`);
  }
  return v;
}

/**
 * Fill defaults and validate. Throws {@linkcode ConfigError} on the first bad value.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { makeConfig } from "./config.ts";
 * const cfg = makeConfig({ p: 23, d: 32, steps: 400 });
 * assertEquals(cfg.wd, 0.5);
 * ```
 */
export function makeConfig(partial: Partial<TrialConfig> = {}): TrialConfig {
  const c: TrialConfig = { ...DEFAULT_CONFIG, ...partial };
  // p ≤ 4096 keeps p² pairs addressable by the int32 ids of the kernels.
  integerIn("p", c.p, 3, 4096);
  integerIn("dim", c.d, 1, 65536);
  integerIn("hidden", c.hidden, 1, 65536);
  integerIn("steps", c.steps, 0, Number.MAX_SAFE_INTEGER);
  integerIn("seed", c.seed, 0, MAX_SEED);
  integerIn("init-seed", c.initSeed, 0, MAX_SEED);
  if (typeof c.wd !== "number" || !Number.isFinite(c.wd) || c.wd < 0) {
    throw new ConfigError(`wd ${c.wd}: allowed is a finite number >= 0`);
  }
  if (typeof c.lr !== "number" || !Number.isFinite(c.lr) || c.lr <= 0) {
    throw new ConfigError(`lr ${c.lr}: allowed is a positive finite number`);
  }
  if (!INIT_MODES.includes(c.mode)) {
    throw new ConfigError(`mode ${JSON.stringify(c.mode)}: allowed are ${INIT_MODES.join(", ")}`);
  }
  if (typeof c.freezeEmbedding !== "boolean") {
    throw new ConfigError(`freeze-embedding ${c.freezeEmbedding}: allowed is true or false`);
  }
  if (!OPTIMIZERS.includes(c.optimizer)) {
    throw new ConfigError(
      `optimizer ${JSON.stringify(c.optimizer)}: allowed are ${OPTIMIZERS.join(", ")}`,
    );
  }
  if (c.optimizer !== "sgd") {
    if (c.momentum !== undefined) {
      throw new ConfigError(
        `momentum ${c.momentum}: allowed only with optimizer sgd (optimizer is ${c.optimizer})`,
      );
    }
    delete c.momentum;
  } else {
    c.momentum ??= SGD_MOMENTUM;
    if (typeof c.momentum !== "number" || !(c.momentum >= 0 && c.momentum < 1)) {
      throw new ConfigError(`momentum ${c.momentum}: allowed is a number in [0, 1)`);
    }
  }
  const n = trainCount(c.p, c.trainFraction);
  if (
    typeof c.trainFraction !== "number" || !(c.trainFraction > 0 && c.trainFraction < 1) ||
    n < 1 || n >= c.p * c.p
  ) {
    throw new ConfigError(
      `train-fraction ${c.trainFraction}: allowed is a number in (0, 1) leaving both sets non-empty`,
    );
  }
  return c;
}

/**
 * A configuration as store keys and sweep identities see it: the paper's optimiser (adamw) is
 * left out, so the keys of runs made before the optimiser was an option stay valid (their
 * training is unchanged). Every other optimiser is part of the key.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { keyConfig, makeConfig } from "./config.ts";
 * assertEquals(["optimizer" in keyConfig(makeConfig()), keyConfig(makeConfig({ optimizer: "sgd" })).optimizer], [false, "sgd"]);
 * ```
 */
export function keyConfig(c: TrialConfig): Partial<TrialConfig> {
  const { optimizer, ...rest } = c;
  return optimizer === "adamw" ? rest : c;
}

/** A decimal number as the command line takes it: digits, an optional fraction and exponent (no
 * hexadecimal, octal or binary literals, no "Infinity"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse a number from a command-line string strictly: a decimal number (no trailing junk, no empty
 * string, no `0x11`), that float64 holds without rounding it to 0 or to infinity. `allowed` says
 * what the option takes (for the message).
 *
 * @example
 * ```ts
 * import { parseNumber } from "./config.ts";
 * if (parseNumber("wd", "0.5") !== 0.5 || parseNumber("steps", "1e3") !== 1000) throw new Error();
 * let refused = 0;
 * for (const t of ["0x11", "1e-400", "1e400", "Infinity", ""]) {
 *   try { parseNumber("lr", t); } catch { refused++; }
 * }
 * if (refused !== 5) throw new Error(`${refused} of 5 refused`);
 * ```
 */
export function parseNumber(name: string, text: string, allowed = "a number"): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) {
    throw new ConfigError(`${name} ${JSON.stringify(text)}: allowed is ${allowed}`);
  }
  const v = Number(t);
  if (v === 0 && /[1-9]/.test(t.split(/[eE]/)[0])) {
    throw new ConfigError(`${name} ${t}: underflows to 0 in float64; allowed is ${allowed}`);
  }
  if (!Number.isFinite(v)) {
    throw new ConfigError(`${name} ${t}: overflows float64; allowed is ${allowed}`);
  }
  return v;
}
