/**
 * What a run of requests will cost, before it starts: how many trials the store already holds and
 * how many must run, the trial-steps, and the wall time on this machine projected from a short
 * measured probe of the backend's time per step for each shape of trial (train/probe.ts) — and
 * how many Slurm array tasks bring it under a wanted wall time; the plans of figures, with and
 * without `--until-decided`.
 *
 * @module
 */
import type { Backend, TrialStart } from "../backends/contract.ts";
import { loggedSteps } from "../protocol/records.ts";
import { initialTrial } from "../protocol/init.ts";
import { type ProbeResult, probeStep } from "../train/probe.ts";
import { batchFor } from "../train/memory.ts";
import { type ResultsStore } from "../store/store.ts";
import { missingRequests, type TrialRequest } from "../store/requests.ts";
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";
import { runsUnder } from "./selection.ts";

/** The mean step at which `--until-decided` stops a trial, as the early-stop study measured it
 * (paper/early_stop_study.ts, paper/early_stop_runs.ts): 5 268 on its 40 validation runs of 30 000 steps,
 * rounded up; the plan assumes it for every trial that asks for the verdict, capped by the
 * trial's own steps. */
export const MEAN_EARLY_STOP_STEP = 5300;

/** One shape of trial in a plan (trials of one shape cost the same per step). */
export interface PlanShape {
  /** The modulus. */
  p: number;
  /** The embedding's dimension. */
  d: number;
  /** The MLP's width. */
  hidden: number;
  /** Trials of this shape to run. */
  trials: number;
  /** Their steps, summed (with the early stop's expected stop where asked). */
  steps: number;
  /** Probed milliseconds per trial-step, weighted by how often these trials log. */
  msPerTrialStep: number;
  /** Trials per kernel on the backend (GPU batches). */
  batch: number;
}

/** A plan of requests on a backend. */
export interface CostPlan {
  /** The backend the plan is for. */
  backend: string;
  /** Requests, distinct trials among them, and how many of those are stored. */
  requests: number;
  /** Distinct trials among the requests. */
  trials: number;
  /** Of those, trials the store already holds. */
  stored: number;
  /** Trials that must run. */
  toRun: number;
  /** Their steps, summed. */
  trialSteps: number;
  /** Seconds of one core (CPU backends) or of the device (GPU backends). */
  busySeconds: number;
  /** Projected wall seconds on this machine with `workers` Workers (CPU) or one device. */
  wallSeconds: number;
  /** Workers the projection assumes (CPU backends). */
  workers: number;
  /** The trials to run, by shape, with their probed speed. */
  shapes: PlanShape[];
}

/** Options of {@linkcode costPlan}. */
export interface PlanOptions {
  /** The store whose trials need no training. */
  store: ResultsStore;
  /** The backend the plan trains on. */
  backend: Backend;
  /** Workers of a CPU backend (default: every core). */
  workers?: number;
  /** Plan every trial, stored or not. */
  fresh?: boolean;
  /** Probe steps per shape (default 8). */
  probeSteps?: number;
  /** The probe (default: train/probe.ts's measurement; tests give a fixed one). */
  probe?: (backend: Backend, specs: TrialStart[], gradSignals: boolean) => Promise<ProbeResult>;
}

/** Probes of this process, by backend, shape and batch: one plan's figures share them. */
const probes = new Map<string, ProbeResult>();

const shapeOf = (r: TrialRequest) => {
  const c = r.config;
  return JSON.stringify([c.p, c.d, c.hidden, c.trainFraction, r.records?.gradSignals ?? false]);
};

/**
 * Plan `reqs` on `opts.backend`: what is stored, what must run, and the projected time from a
 * probe of each shape.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "../tests/assert.ts";
 * import { costPlan, planLine } from "./cost_plan.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { asmBackend } from "../core_asm/asm_backend.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:");
 * const reqs = [0, 1, 2].map((seed) => ({ config: makeConfig({ p: 5, d: 2, steps: 100, seed }) }));
 * const plan = await costPlan(reqs, { store, backend: asmBackend, workers: 1 }); // probes the shape
 * assertEquals([plan.trials, plan.stored, plan.toRun, plan.trialSteps], [3, 0, 3, 300]);
 * assert(planLine(plan).startsWith("3 trials to run (0 of 3 stored), 300 trial-steps"), planLine(plan));
 * store.close();
 * ```
 */
export async function costPlan(reqs: TrialRequest[], opts: PlanOptions): Promise<CostPlan> {
  const { backend } = opts;
  const { keys, missing } = await missingRequests(reqs, opts.store, backend.name, opts.fresh);
  const trials = new Set(keys).size;
  const byShape = new Map<string, TrialRequest[]>();
  for (const r of missing.values()) {
    byShape.set(shapeOf(r), [...(byShape.get(shapeOf(r)) ?? []), r]);
  }
  const shapes: PlanShape[] = [];
  let longest = 0;
  for (const [shape, group] of byShape) {
    const c = group[0].config;
    const batch = Math.min(await batchFor(backend, c, group[0].records ?? {}), group.length);
    const probeKey = `${backend.name} ${shape} ${batch}`;
    let probe = opts.probe ? undefined : probes.get(probeKey);
    if (!probe) {
      const specs = group.slice(0, batch).map((r) => ({
        config: r.config,
        ...initialTrial(r.config),
      }));
      const gradSignals = group[0].records?.gradSignals ?? false;
      probe = opts.probe
        ? await opts.probe(backend, specs, gradSignals)
        : await probeStep(backend, specs, { steps: opts.probeSteps, gradSignals });
      if (!opts.probe) probes.set(probeKey, probe);
    }
    let steps = 0, ms = 0;
    for (const r of group) {
      const rec = r.records ?? {};
      const n = rec.untilDecided ? Math.min(r.config.steps, MEAN_EARLY_STOP_STEP) : r.config.steps;
      const every = rec.logEvery ?? 1;
      const logged = every > 1 ? loggedSteps(n, every, rec.logFirst ?? 0).length : n;
      const trialMs = (logged * probe.logged + (n - logged) * probe.unlogged) / batch;
      steps += n;
      ms += trialMs;
      longest = Math.max(longest, trialMs * (backend.caps.device === "cpu" ? 1 : batch));
    }
    shapes.push({
      p: c.p,
      d: c.d,
      hidden: c.hidden,
      trials: group.length,
      steps,
      msPerTrialStep: steps > 0 ? ms / steps : 0,
      batch,
    });
  }
  const trialSteps = shapes.reduce((s, x) => s + x.steps, 0);
  const busyMs = shapes.reduce((s, x) => s + x.steps * x.msPerTrialStep, 0);
  const cpu = backend.caps.device === "cpu";
  const workers = cpu
    ? Math.max(1, Math.min(opts.workers ?? navigator.hardwareConcurrency ?? 1, missing.size))
    : 1;
  // Workers share the work; no run ends before its longest trial does.
  const wallMs = cpu ? Math.max(busyMs / workers, longest) : busyMs;
  return {
    backend: backend.name,
    requests: reqs.length,
    trials,
    stored: trials - missing.size,
    toRun: missing.size,
    trialSteps,
    busySeconds: busyMs / 1000,
    wallSeconds: wallMs / 1000,
    workers,
    shapes,
  };
}

/**
 * Slurm array tasks of `coresPerTask` cores each that bring a plan under `hours` of wall time.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { slurmTasks } from "./cost_plan.ts";
 * assertEquals(slurmTasks({ busySeconds: 36000, toRun: 100 }, 1, 2), 5);
 * ```
 */
export function slurmTasks(
  plan: Pick<CostPlan, "busySeconds" | "toRun">,
  hours: number,
  coresPerTask: number,
): number {
  const tasks = Math.ceil(plan.busySeconds / (hours * 3600 * coresPerTask));
  return Math.max(1, Math.min(plan.toRun, tasks));
}

/** A duration as the plan prints it. */
export function duration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/**
 * One line of a plan: trials to run and stored, trial-steps, projected wall time.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { planLine } from "./cost_plan.ts";
 * assertEquals(
 *   planLine({ trials: 10, stored: 4, toRun: 6, trialSteps: 36000, wallSeconds: 300, workers: 2, backend: "asm" }),
 *   "6 trials to run (4 of 10 stored), 36 000 trial-steps, ≈ 5.0 min on asm with 2 Workers",
 * );
 * ```
 */
export function planLine(
  p: Pick<
    CostPlan,
    "trials" | "stored" | "toRun" | "trialSteps" | "wallSeconds" | "workers" | "backend"
  >,
): string {
  const where = p.backend === "webgpu" || p.backend === "tfjs"
    ? `on ${p.backend}`
    : `on ${p.backend} with ${p.workers} Worker${p.workers > 1 ? "s" : ""}`;
  return `${p.toRun} trials to run (${p.stored} of ${p.trials} stored), ${
    p.trialSteps.toLocaleString("en-US").replaceAll(",", " ")
  } trial-steps, ≈ ${duration(p.wallSeconds)} ${where}`;
}

/**
 * The Slurm line of a plan: how many array tasks of `cores` cores bring it under `hours`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { slurmLine } from "./cost_plan.ts";
 * assertEquals(
 *   slurmLine({ busySeconds: 36000, toRun: 100 }, 1, 2),
 *   "for ≤ 1 h: 5 Slurm array task(s) of 2 core(s) like this machine's (#SBATCH --array=0-4; 10.0 h of one core in all)",
 * );
 * ```
 */
export function slurmLine(
  plan: Pick<CostPlan, "busySeconds" | "toRun">,
  hours: number,
  cores: number,
): string {
  const n = slurmTasks(plan, hours, cores);
  return `for ≤ ${hours} h: ${n} Slurm array task(s) of ${cores} core(s) like this machine's (#SBATCH --array=0-${
    n - 1
  }; ${duration(plan.busySeconds)} of one core in all)`;
}

/** The plans of several figures' trials ({@linkcode planFigures}). */
export interface FigurePlans {
  /** Each figure's plan; a sweep figure's also under `--until-decided` (it stops their trials). */
  figures: { id: string; full: CostPlan; untilDecided?: CostPlan }[];
  /** Over all the figures: as asked, and under `--until-decided` (the figures that cannot run
   * under it left out); only when asked for. */
  total?: { full: CostPlan; untilDecided: CostPlan };
  /** Some figure has trials that depend on earlier results (e.g. Fig. 12's ablations): they are
   * not counted. */
  followUps: boolean;
}

/**
 * Plan figures at a scale, each with and without `--until-decided` where that changes its
 * trials, and (with `total`) all of them together.
 *
 * @example
 * ```ts ignore
 * const plans = await planFigures(selectFigures("all", { untilDecided: false }), {
 *   scale: "quick", store, backend: asmBackend, total: true,
 * });
 * ```
 */
export async function planFigures(
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[],
  opts: PlanOptions & { scale: Scale; total?: boolean },
): Promise<FigurePlans> {
  const all = { full: [] as TrialRequest[], untilDecided: [] as TrialRequest[] };
  const figures: FigurePlans["figures"] = [];
  for (const fig of figs) {
    const full = figureRequests(fig, opts.scale, false);
    all.full.push(...full);
    const row: FigurePlans["figures"][0] = { id: fig.id, full: await costPlan(full, opts) };
    if (fig.survivalFigure) {
      const decided = figureRequests(fig, opts.scale, true);
      all.untilDecided.push(...decided);
      row.untilDecided = await costPlan(decided, opts);
    } else if (runsUnder(fig, true)) all.untilDecided.push(...full);
    figures.push(row);
  }
  return {
    figures,
    total: opts.total
      ? {
        full: await costPlan(all.full, opts),
        untilDecided: await costPlan(all.untilDecided, opts),
      }
      : undefined,
    followUps: figs.some((f) => f.followUp),
  };
}
