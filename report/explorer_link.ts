/**
 * Links into the explorer page (web/): the URL parameters that set every control of a run — the
 * names of `deno task train`'s options (`?p=23&dim=32&wd=0.5&seed=1&steps=300&autostart=1`) —
 * read and written here, once, for the page and for the report's links to a figure's runs.
 *
 * @module
 */
import {
  ConfigError,
  DEFAULT_CONFIG,
  INIT_MODES,
  makeConfig,
  parseNumber,
  type TrialConfig,
} from "../protocol/config.ts";
import { OPTIMIZERS } from "../protocol/optimizer.ts";
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";

/** A run as the explorer's controls describe it. */
export interface ExplorerRun {
  config: TrialConfig;
  /** `auto` (chosen as `--backend auto` chooses) or a backend name. */
  backend: string;
  /** Record ‖F_k(∂L/∂E)‖ per step (`--grad-signals`). */
  gradSignals: boolean;
  /** Record all parameters every N steps (`--params-every`; 0: never). */
  paramsEvery: number;
  /** Record the embedding after each of the first N steps (`--embeddings-until`). */
  embeddingsUntil: number;
  /** Start training as the page opens. */
  autostart: boolean;
}

/** The URL parameters the explorer reads, each with what it sets. */
export const EXPLORER_PARAMS: Readonly<Record<string, string>> = Object.freeze({
  p: "modulus, integer >= 3",
  dim: "embedding dimension d >= 1",
  hidden: "width of both hidden layers >= 1",
  "train-fraction": "int(F·p²) training pairs, 0 < F < 1",
  optimizer: `${OPTIMIZERS.join(" | ")} (PyTorch's semantics)`,
  momentum: "sgd's momentum, 0 <= M < 1 (sgd only)",
  wd: "the optimiser's weight decay >= 0: decoupled for adamw, an L2 term for adam, sgd",
  lr: "the optimiser's learning rate > 0",
  steps: "full-batch steps >= 0",
  seed: "trial seed, 0..2^32-1",
  mode: INIT_MODES.join(" | "),
  "init-seed": "seed of the fixed part in fix-* modes",
  "freeze-embedding": "1: train the MLP only",
  backend: "auto | asm | webgpu | tfjs | ref",
  "grad-signals": "1: record the Fourier norms of dL/dE",
  "params-every": "record all parameters every N steps (0: never)",
  "embeddings-until": "record the embedding after each of the first N steps",
  autostart: "1: start training when the page opens",
});

const BACKEND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The explorer's defaults: docs/SPEC.md's standard run with 3 000 steps (a page, not a sweep).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { defaultExplorerRun } from "./explorer_link.ts";
 * assertEquals(defaultExplorerRun().config.steps, 3000);
 * ```
 */
export function defaultExplorerRun(): ExplorerRun {
  return {
    config: makeConfig({ steps: 3000 }),
    backend: "auto",
    gradSignals: false,
    paramsEvery: 0,
    embeddingsUntil: 0,
    autostart: false,
  };
}

function flag(name: string, v: string): boolean {
  if (v === "1" || v === "true" || v === "") return true;
  if (v === "0" || v === "false") return false;
  throw new ConfigError(`${name} ${JSON.stringify(v)}: allowed are 1 or 0`);
}

function integer(name: string, v: string, min = 0): number {
  const n = v.trim() === "" ? NaN : Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(`${name} ${JSON.stringify(v)}: allowed is an integer >= ${min}`);
  }
  return n;
}

/**
 * The run a query string describes; absent parameters keep {@linkcode defaultExplorerRun}'s
 * values. An unknown or repeated parameter or a bad value throws a one-line
 * {@linkcode ConfigError} naming it and what is allowed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseExplorerQuery } from "./explorer_link.ts";
 * const run = parseExplorerQuery("?p=23&dim=32&wd=0.5&seed=1&steps=300&autostart=1");
 * assertEquals([run.config.p, run.config.d, run.config.steps, run.autostart], [23, 32, 300, true]);
 * ```
 */
export function parseExplorerQuery(search: string): ExplorerRun {
  const q = new URLSearchParams(search);
  const run = defaultExplorerRun();
  const partial: Partial<TrialConfig> = {};
  const seen = new Set<string>();
  for (const [key, v] of q) {
    if (!(key in EXPLORER_PARAMS)) {
      throw new ConfigError(
        `URL parameter ${JSON.stringify(key)}: unknown; allowed are ${
          Object.keys(EXPLORER_PARAMS).join(", ")
        }`,
      );
    }
    if (seen.has(key)) throw new ConfigError(`URL parameter ${key}: given twice; allowed once`);
    seen.add(key);
    switch (key) {
      case "p":
        partial.p = integer("p", v, 3);
        break;
      case "dim":
        partial.d = integer("dim", v, 1);
        break;
      // the new options' ranges (and momentum only with sgd) are makeConfig's, checked below
      case "hidden":
        partial.hidden = parseNumber(key, v);
        break;
      case "train-fraction":
        partial.trainFraction = parseNumber(key, v);
        break;
      case "optimizer":
        partial.optimizer = v as TrialConfig["optimizer"];
        break;
      case "momentum":
        partial.momentum = parseNumber(key, v);
        break;
      case "wd":
        partial.wd = parseNumber(key, v);
        break;
      case "lr":
        partial.lr = parseNumber(key, v);
        break;
      case "steps":
        partial.steps = integer("steps", v);
        break;
      case "seed":
        partial.seed = integer("seed", v);
        break;
      case "init-seed":
        partial.initSeed = integer("init-seed", v);
        break;
      case "mode":
        if (!(INIT_MODES as readonly string[]).includes(v)) {
          throw new ConfigError(`mode ${JSON.stringify(v)}: allowed are ${INIT_MODES.join(", ")}`);
        }
        partial.mode = v as TrialConfig["mode"];
        break;
      case "freeze-embedding":
        partial.freezeEmbedding = flag(key, v);
        break;
      case "backend":
        if (!BACKEND_NAME.test(v)) {
          throw new ConfigError(`backend ${JSON.stringify(v)}: allowed is auto or a backend name`);
        }
        run.backend = v;
        break;
      case "grad-signals":
        run.gradSignals = flag(key, v);
        break;
      case "params-every":
        run.paramsEvery = integer(key, v);
        break;
      case "embeddings-until":
        run.embeddingsUntil = integer(key, v);
        break;
      case "autostart":
        run.autostart = flag(key, v);
        break;
    }
  }
  run.config = makeConfig({ ...run.config, ...partial });
  return run;
}

/**
 * The query string of a run: the paper's options written out, so the link reads on its own; the
 * width, the split fraction and the optimiser only where they differ from the paper's (so links
 * made before they were options stay as they were), sgd's momentum whenever sgd is chosen;
 * recording options and the backend only where they differ from the defaults.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { explorerQuery } from "./explorer_link.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * assertEquals(
 *   explorerQuery({ config: makeConfig({ p: 23, d: 32, seed: 1, steps: 300 }) }),
 *   "?p=23&dim=32&wd=0.5&lr=0.01&steps=300&seed=1&mode=default&init-seed=0",
 * );
 * ```
 */
export function explorerQuery(run: Partial<ExplorerRun> & { config: TrialConfig }): string {
  const c = run.config;
  const q = new URLSearchParams({
    p: String(c.p),
    dim: String(c.d),
    wd: String(c.wd),
    lr: String(c.lr),
    steps: String(c.steps),
    seed: String(c.seed),
    mode: c.mode,
    "init-seed": String(c.initSeed),
  });
  if (c.freezeEmbedding) q.set("freeze-embedding", "1");
  if (c.hidden !== DEFAULT_CONFIG.hidden) q.set("hidden", String(c.hidden));
  if (c.trainFraction !== DEFAULT_CONFIG.trainFraction) {
    q.set("train-fraction", String(c.trainFraction));
  }
  if (c.optimizer !== DEFAULT_CONFIG.optimizer) q.set("optimizer", c.optimizer);
  if (c.momentum !== undefined) q.set("momentum", String(c.momentum));
  if (run.backend && run.backend !== "auto") q.set("backend", run.backend);
  if (run.gradSignals) q.set("grad-signals", "1");
  if (run.paramsEvery) q.set("params-every", String(run.paramsEvery));
  if (run.embeddingsUntil) q.set("embeddings-until", String(run.embeddingsUntil));
  if (run.autostart) q.set("autostart", "1");
  return `?${q}`;
}

/** A link from the report to one of a figure's runs. */
export interface ExplorerLink {
  /** What the run is, in a few words. */
  label: string;
  /** The query string ({@linkcode explorerQuery}). */
  query: string;
}

/** Most runs a figure links to: beyond this a figure is a sweep, which one page cannot show. */
export const MAX_FIGURE_LINKS = 6;

/**
 * The explorer links of a figure's runs at a scale: each distinct run the figure trains from the
 * seeds' own initial parameters (runs with a constructed or altered initial embedding cannot be
 * set from the controls and are left out), when it has at most {@linkcode MAX_FIGURE_LINKS} of
 * them and is not a sweep.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { figureExplorerLinks } from "./explorer_link.ts";
 * import { FIGURES } from "../paper/figures.ts";
 * const fig2 = FIGURES.find((f) => f.id === "fig2")!;
 * assertEquals(figureExplorerLinks(fig2, "quick")[0].label, "p=59 d=128 wd=0.5 fix-mlp seed 10 init-seed 0, 10000 steps");
 * ```
 */
// deno-lint-ignore no-explicit-any
export function figureExplorerLinks(fig: Figure<any>, scale: Scale): ExplorerLink[] {
  if (fig.survivalFigure) return [];
  const seen = new Map<string, ExplorerLink>();
  for (const r of figureRequests(fig, scale)) {
    if (r.embedding) continue;
    const c = r.config;
    const query = explorerQuery({
      config: c,
      gradSignals: r.records?.gradSignals,
      autostart: true,
    });
    if (seen.has(query)) continue;
    const mode = c.mode === "default" ? "" : ` ${c.mode}`;
    const init = c.mode === "default" ? "" : ` init-seed ${c.initSeed}`;
    seen.set(query, {
      label: `p=${c.p} d=${c.d} wd=${c.wd}${mode} seed ${c.seed}${init}${
        c.freezeEmbedding ? " frozen embedding" : ""
      }, ${c.steps} steps`,
      query,
    });
  }
  return seen.size <= MAX_FIGURE_LINKS ? [...seen.values()] : [];
}
