/**
 * Reproduce a figure, in stages that can also run apart:
 *
 * 1. its requests at a scale (`figureRequests`, `../paper/figure.ts`);
 * 2. {@linkcode resolveFigure}: those trials through the results store — what the store lacks is
 *    trained (`./resolve.ts`), then the follow-up trials that depend on the first results;
 * 3. {@linkcode analyseFigure}: the figure's analysis of its results — data, panels, claims;
 * 4. rendering and writing the panels, data and claims (`../report/figure_report.ts`).
 *
 * {@linkcode reproduceFigure} runs stages 1–3. A scheduler over several figures can take stage 1
 * of each, train the union of their trials in one pool, and run stages 2–4 per figure (stage 2
 * then finds every first trial stored).
 *
 * @module
 */
import type { Backend } from "../backends/contract.ts";
import type { PoolProgress } from "../train/pool.ts";
import type { ResultsStore } from "../store/store.ts";
import type { TrialRequest, TrialResult } from "../store/requests.ts";
import { type Figure, type FigureOutput, figureRequests, type Scale } from "../paper/figure.ts";
import { resolveTrials } from "./resolve.ts";
import { type CostPlan, costPlan } from "./cost_plan.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";

/** Options of {@linkcode reproduceFigure} and {@linkcode resolveFigure}. */
export interface ReproduceOptions {
  /** The figure's scale. */
  scale: Scale;
  /** The store that keeps the trials (and serves those already stored). */
  store: ResultsStore;
  /** The backend that trains what the store lacks (default asm). */
  backend?: Backend;
  /** Workers of a CPU backend (default: every core). */
  workers?: number;
  /** Ignore stored trials (rerun and replace them). */
  fresh?: boolean;
  /** With `fresh`: keys already trained again by this run (`ResolveOptions.retrained`). */
  retrained?: Set<string>;
  /** Stop sweep figures' trials once their circles are decided. */
  untilDecided?: boolean;
  /** Called before anything trains with the plan of the figure's first trials (the projected
   * time comes from a short probe of each shape, run only when this is given). */
  onPlan?: (plan: CostPlan) => void;
  /** Called as the trials' steps progress. */
  onProgress?: (s: PoolProgress) => void;
}

/** A figure's trials, resolved through the store. */
export interface FigureTrials {
  /** The first requests, then the follow-ups: `results[i]` answers `requests[i]`. */
  requests: TrialRequest[];
  /** The trials' results, in the order of `requests`. */
  results: TrialResult[];
  /** Trials trained by this call (the rest came from the store). */
  trialsRun: number;
}

/** A figure reproduced: its trials, its analysis's output, the backend and the time taken. */
export interface FigureRun extends FigureTrials {
  /** The figure. */
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>;
  /** The scale it ran at. */
  scale: Scale;
  /** The backends whose trials these are, joined by ", ". */
  backend: string;
  /** The analysis's panels, data, CSVs, claims and notes. */
  output: FigureOutput;
  /** Seconds from the first request to the analysis's end. */
  wallSeconds: number;
}

/**
 * Stage 2: a figure's trials at a scale, through the store — its requests (stage 1), what the
 * store lacks trained, then its follow-up requests (which depend on the first results) likewise.
 *
 * @example
 * ```ts ignore
 * const { results, trialsRun } = await resolveFigure(fig09, { scale: "tiny", store });
 * ```
 */
export async function resolveFigure(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ReproduceOptions,
  params: unknown = fig.params[opts.scale],
): Promise<FigureTrials> {
  const requests = figureRequests(fig, opts.scale, opts.untilDecided, params);
  const before = opts.store.count();
  if (opts.onPlan) {
    opts.onPlan(
      await costPlan(requests, {
        store: opts.store,
        backend: opts.backend ?? asmBackend,
        workers: opts.workers,
        fresh: opts.fresh,
      }),
    );
  }
  const resolve = (rs: TrialRequest[]) =>
    resolveTrials(rs, {
      store: opts.store,
      backend: opts.backend,
      workers: opts.workers,
      fresh: opts.fresh,
      retrained: opts.retrained,
      onProgress: opts.onProgress,
    });
  const results = await resolve(requests);
  if (fig.followUp) {
    const more = fig.followUp(params, results);
    requests.push(...more);
    results.push(...await resolve(more));
  }
  return { requests, results, trialsRun: opts.store.count() - before };
}

/**
 * Stage 3: a figure's analysis of its results (in the order of its requests), with a note
 * counting the trials that diverged (they are counted apart, never as 0 circles).
 *
 * @example
 * ```ts ignore
 * const out = await analyseFigure(fig09, "tiny", results);
 * ```
 */
export async function analyseFigure(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  scale: Scale,
  results: TrialResult[],
  params: unknown = fig.params[scale],
): Promise<FigureOutput> {
  const out = await fig.compute(params, results, scale);
  const diverged = results.filter((r) => r.divergedAt !== null);
  if (diverged.length) {
    (out.notes ??= []).unshift(
      `${diverged.length} of ${results.length} trials diverged (non-finite loss or parameters, at steps ${
        diverged.slice(0, 5).map((r) => r.divergedAt).join(", ")
      }${diverged.length > 5 ? ", …" : ""}): they are counted apart, never as 0 circles.`,
    );
  }
  return out;
}

/**
 * A figure's run from its trials and its analysis: the backends its trials were trained on
 * (`fallback` when it has none), the seconds since `t0` (a `performance.now()`).
 */
export function figureRun(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  scale: Scale,
  trials: FigureTrials,
  output: FigureOutput,
  o: { t0: number; fallback: string },
): FigureRun {
  return {
    fig,
    scale,
    ...trials,
    backend: [...new Set(trials.results.map((r) => r.backend))].join(", ") || o.fallback,
    output,
    wallSeconds: (performance.now() - o.t0) / 1000,
  };
}

/**
 * Reproduce one figure at a scale: its trials through the store (training what is missing on
 * every core), then its analysis. `../report/figure_report.ts`'s `writeFigureReport` renders and
 * writes what it returns.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { reproduceFigure } from "./reproduce_figure.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * const store = await ResultsStore.open(":memory:");
 * // `deno task reproduce fig11 --scale tiny`: seconds, and no claim decided at that scale
 * const run = await reproduceFigure(figureById("fig11")!, { scale: "tiny", store, workers: 1 });
 * assertEquals(run.output.claims.map((c) => c.verdict), ["UNTESTED", "UNTESTED", "REPORTED"]);
 * store.close();
 * ```
 */
export async function reproduceFigure(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ReproduceOptions,
): Promise<FigureRun> {
  const t0 = performance.now();
  const trials = await resolveFigure(fig, opts);
  const output = await analyseFigure(fig, opts.scale, trials.results);
  return figureRun(fig, opts.scale, trials, output, {
    t0,
    fallback: opts.backend?.name ?? "asm",
  });
}
