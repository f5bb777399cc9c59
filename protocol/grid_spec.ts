/**
 * A grid of training configurations: axes of values of the train options, crossed, and each
 * cell run over a list of seeds. An axis is one option (`lr=0.01,0.1`) or several options that
 * vary together (`optimizer:lr=adamw:0.01,sgd:0.5`: AdamW at 0.01 and SGD at 0.5, two cells
 * rather than four). Every cell's configuration is validated before anything runs; a bad axis or
 * cell is a one-line {@linkcode ConfigError}.
 *
 * @module
 */
import { ConfigError, makeConfig, parseNumber, type TrialConfig } from "./config.ts";

/** The train options a grid can sweep (their CLI names). */
export const GRID_KEYS = [
  "p",
  "dim",
  "wd",
  "lr",
  "hidden",
  "train-fraction",
  "optimizer",
  "momentum",
  "mode",
  "init-seed",
  "steps",
] as const;

/** A sweepable option. */
export type GridKey = (typeof GRID_KEYS)[number];

/** The config field of each key. */
const FIELD: Record<GridKey, keyof TrialConfig> = {
  p: "p",
  dim: "d",
  wd: "wd",
  lr: "lr",
  hidden: "hidden",
  "train-fraction": "trainFraction",
  optimizer: "optimizer",
  momentum: "momentum",
  mode: "mode",
  "init-seed": "initSeed",
  steps: "steps",
};

/** Keys whose values are names, not numbers. */
const NAMED: readonly GridKey[] = ["optimizer", "mode"];

/** One value of an option. */
export type GridValue = number | string;

/** One axis of a grid: options that vary together and their values (one tuple per level). */
export interface GridAxis {
  /** The options this axis sets (one, or several that vary together). */
  keys: GridKey[];
  /** levels[i][j] is the value of keys[j] at level i. */
  levels: GridValue[][];
}

/** One cell of a grid: the value of every swept option, and its configuration per seed. */
export interface GridCell {
  /** Swept option → value, in axis order. */
  values: Record<string, GridValue>;
  /** One configuration per seed, in the seeds' order. */
  configs: TrialConfig[];
}

/** The name of an axis (`lr`, or `optimizer:lr` for options that vary together). */
export function axisName(axis: GridAxis): string {
  return axis.keys.join(":");
}

/** A level's label (`0.01`, or `sgd:0.5`). */
export function levelLabel(level: GridValue[]): string {
  return level.map(String).join(":");
}

function parseKeys(name: string, what: string): GridKey[] {
  const keys = name.split(":").map((k) => k.trim());
  for (const k of keys) {
    if (!(GRID_KEYS as readonly string[]).includes(k)) {
      throw new ConfigError(
        `grid ${what}: unknown key ${JSON.stringify(k)}; allowed are ${GRID_KEYS.join(", ")}`,
      );
    }
  }
  if (new Set(keys).size !== keys.length) {
    throw new ConfigError(`grid ${what}: a key is named twice`);
  }
  return keys as GridKey[];
}

function parseValue(key: GridKey, v: unknown, what: string): GridValue {
  if (NAMED.includes(key)) {
    if (typeof v !== "string" || v.trim() === "") {
      throw new ConfigError(`grid ${what}: ${key} value ${JSON.stringify(v)} is not a name`);
    }
    return v.trim();
  }
  if (typeof v === "number") return v;
  if (typeof v !== "string") {
    throw new ConfigError(`grid ${what}: ${key} value ${JSON.stringify(v)} is not a number`);
  }
  try {
    return parseNumber(key, v);
  } catch (e) {
    throw new ConfigError(`grid ${what}: ${(e as Error).message}`);
  }
}

/**
 * An axis from its keys (`lr`, `optimizer:lr`) and its levels: strings `"0.01"` / `"sgd:0.5"`,
 * numbers, or tuples `["sgd", 0.5]`. An empty list, a level of the wrong arity, a value that is
 * not a number where one is needed, or a level listed twice is a {@linkcode ConfigError}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { gridAxis } from "./grid_spec.ts";
 * assertEquals(gridAxis("optimizer:lr", ["adamw:0.01", ["sgd", 0.5]]).levels, [["adamw", 0.01], ["sgd", 0.5]]);
 * ```
 */
export function gridAxis(name: string, values: unknown[]): GridAxis {
  const what = `${name}=${values.map((v) => (Array.isArray(v) ? v.join(":") : v)).join(",")}`;
  const keys = parseKeys(name, what);
  if (values.length === 0) {
    throw new ConfigError(`grid ${what}: an empty list; allowed is KEY=V1,V2,...`);
  }
  const levels = values.map((v) => {
    const parts = Array.isArray(v)
      ? v
      : keys.length > 1 && typeof v === "string"
      ? v.split(":")
      : [v];
    if (parts.length !== keys.length) {
      throw new ConfigError(
        `grid ${what}: level ${
          JSON.stringify(v)
        } has ${parts.length} values for ${keys.length} keys`,
      );
    }
    return keys.map((k, j) => parseValue(k, parts[j], what));
  });
  const labels = levels.map(levelLabel);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) throw new ConfigError(`grid ${what}: ${twice} is listed twice`);
  return { keys, levels };
}

/**
 * An axis from a `--grid` argument `KEY=V1,V2,...` (or `K1:K2=a1:a2,b1:b2`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseGridAxis } from "./grid_spec.ts";
 * assertEquals(parseGridAxis("lr=0.01,0.1").levels, [[0.01], [0.1]]);
 * ```
 */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf("=");
  if (eq < 0) {
    throw new ConfigError(`grid ${JSON.stringify(text)}: allowed is KEY=V1,V2,...`);
  }
  const body = text.slice(eq + 1).trim();
  return gridAxis(text.slice(0, eq).trim(), body === "" ? [] : body.split(","));
}

/** Set option `key` of a partial configuration. */
export function setOption(partial: Partial<TrialConfig>, key: GridKey, value: GridValue): void {
  (partial as Record<string, unknown>)[FIELD[key]] = value;
}

/**
 * The cells of `axes` crossed (the first axis varies slowest), each with one validated
 * configuration per seed, starting from `base`. A key on two axes, a key also set in `base`
 * (`baseKeys`), no seeds, or a cell that is not a valid configuration is a {@linkcode ConfigError}
 * naming the cell.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { gridCells, parseGridAxis } from "./grid_spec.ts";
 * const cells = gridCells({
 *   axes: [parseGridAxis("optimizer:lr=adamw:0.01,sgd:0.5"), parseGridAxis("p=23,31")],
 *   seeds: [0, 1],
 *   base: { d: 32, steps: 100 },
 * });
 * assertEquals([cells.length, cells[3].values, cells[3].configs[1].momentum], [4, { optimizer: "sgd", lr: 0.5, p: 31 }, 0.9]);
 * ```
 */
export function gridCells(spec: {
  axes: GridAxis[];
  seeds: number[];
  base: Partial<TrialConfig>;
  /** Options the base sets explicitly (a grid key among them is refused). */
  baseKeys?: string[];
}): GridCell[] {
  const seen = new Set<string>();
  for (const axis of spec.axes) {
    for (const k of axis.keys) {
      if (seen.has(k)) throw new ConfigError(`grid ${k}: on two axes; allowed once`);
      if (spec.baseKeys?.includes(k)) {
        throw new ConfigError(`grid ${k}: also given as --${k}; allowed is one of the two`);
      }
      seen.add(k);
    }
  }
  if (spec.seeds.length === 0) throw new ConfigError(`seeds: an empty list`);
  let combos: GridValue[][][] = [[]];
  for (const axis of spec.axes) {
    combos = combos.flatMap((c) => axis.levels.map((l) => [...c, l]));
  }
  return combos.map((combo) => {
    const values: Record<string, GridValue> = {};
    const partial: Partial<TrialConfig> = { ...spec.base };
    combo.forEach((level, a) => {
      spec.axes[a].keys.forEach((k, j) => {
        values[k] = level[j];
        setOption(partial, k, level[j]);
      });
    });
    const configs = spec.seeds.map((seed) => {
      try {
        return makeConfig({ ...partial, seed });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const cell = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(", ");
        throw new ConfigError(`grid cell ${cell || "(base)"}: ${e.message}`);
      }
    });
    return { values, configs };
  });
}
