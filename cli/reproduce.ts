/**
 * `deno task reproduce figN|all [--scale quick|paper|tiny] [--out DIR] [--store FILE] [--fresh]
 * [--workers N] [--backend auto|asm|webgpu|tfjs|ref] [--shard i/n] [--until-decided]`: rebuild a
 * figure of the paper, check its claims, write its panels and data; `all` also writes
 * DIR/index.html, its figures trained as one pool (`../experiments/reproduce_all.ts`). Exit 1 when a claim fails (INCONCLUSIVE, UNTESTED and REPORTED do not), 2 on
 * bad input.
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backends/contract.ts";
import { backendNames } from "../train/backends.ts";
import { sweepProgress } from "../train/progress.ts";
import { ResultsStore } from "../store/store.ts";
import { gitCommit } from "../store/provenance.ts";
import { FIGURES } from "../paper/figures.ts";
import { type Figure, figureRequests, type Scale, SCALES } from "../paper/figure.ts";
import { claimsTable } from "../paper/claims.ts";
import { type Shard, trainShard } from "../experiments/shards.ts";
import { selectFigures } from "../experiments/selection.ts";
import {
  type CostPlan,
  costPlan,
  MEAN_EARLY_STOP_STEP,
  planFigures,
  planLine,
  slurmLine,
} from "../experiments/cost_plan.ts";
import { type FigureRun, reproduceFigure } from "../experiments/reproduce_figure.ts";
import { reproduceFigures } from "../experiments/reproduce_all.ts";
import { reproduceInRounds } from "../experiments/reproduce_rounds.ts";
import {
  type MeasuredClaim,
  projectRounds,
  type RoundsProjection,
  unionRounds,
} from "../experiments/rounds_projection.ts";
import { type FigureReport, indexHtml, writeFigureReport } from "../report/figure_report.ts";
import {
  backendFrom,
  checkOutDir,
  hoursFrom,
  parse,
  runCli,
  STORE_RUN_OPTIONS,
  UsageError,
  workersFrom,
} from "./options.ts";

/**
 * `--shard i/n`, or Slurm's array variables when no --shard is given.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { parseShard } from "./reproduce.ts";
 * assertEquals(parseShard("2/8"), { index: 2, count: 8 });
 * ```
 */
export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) {
    const id = Deno.env.get("SLURM_ARRAY_TASK_ID"), count = Deno.env.get("SLURM_ARRAY_TASK_COUNT");
    if (id === undefined || count === undefined) return undefined;
    const min = Number(Deno.env.get("SLURM_ARRAY_TASK_MIN") ?? "0");
    text = `${Number(id) - min}/${count}`;
  }
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || n < 1 || i >= n) {
    throw new UsageError(`shard ${JSON.stringify(text)}: allowed is i/n with 0 <= i < n`);
  }
  return { index: i, count: n };
}

/** Print the cost plan of figures, with and without the early stop, and a Slurm array size. */
async function printPlan(
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[],
  o: {
    scale: Scale;
    store: ResultsStore;
    backend: Backend;
    workers?: number;
    fresh: boolean;
    hours?: number;
    /** With --until-claims-decided: the rounds projected from this earlier run's claims. */
    untilClaims?: { from?: string; untilDecided: boolean };
  },
): Promise<void> {
  console.log(`plan: ${figs.length} figure(s) at ${o.scale} scale on ${o.backend.name}`);
  const plans = await planFigures(figs, {
    ...o,
    total: figs.length > 1 || o.hours !== undefined,
  });
  const projections = new Map<string, RoundsProjection>();
  for (const [i, f] of plans.figures.entries()) {
    console.log(`${f.id.padEnd(8)} ${planLine(f.full)}`);
    if (f.untilDecided) {
      console.log(`${"".padEnd(8)} --until-decided: ${planLine(f.untilDecided)}`);
    }
    if (o.untilClaims) {
      const base = (o.untilClaims.untilDecided && f.untilDecided) || f.full;
      const line = await roundsLine(figs[i], o.scale, o.untilClaims.from, base);
      projections.set(f.id, line.projection);
      console.log(`${"".padEnd(8)} --until-claims-decided: ${line.text}`);
    }
  }
  if (o.untilClaims && figs.length > 1) {
    const ud = o.untilClaims.untilDecided;
    const u = await unionRounds(figs, o.scale, {
      projections,
      untilDecided: (fig) => ud && fig.survivalFigure === true,
      plan: { store: o.store, backend: o.backend, workers: o.workers, fresh: o.fresh },
    });
    console.log(
      `${"all".padEnd(8)} --until-claims-decided: ≈ ${
        (u.busySeconds / 3600).toFixed(1)
      } core-hours, ${
        u.trials.toFixed(0)
      } trials expected (each trial once, trained while some figure that reads it reaches its round; figures taken as independent; counted figure by figure ≈ ${
        (u.apartSeconds / 3600).toFixed(1)
      })`,
    );
  }
  const total = plans.total!;
  if (figs.length > 1) {
    console.log(`${"all".padEnd(8)} ${planLine(total.full)}`);
    console.log(`${"".padEnd(8)} --until-decided: ${planLine(total.untilDecided)}`);
  }
  if (o.hours !== undefined) {
    const cores = o.workers ?? navigator.hardwareConcurrency ?? 1;
    for (
      const [name, plan] of [["", total.full], ["--until-decided: ", total.untilDecided]] as const
    ) {
      console.log(`${name}${slurmLine(plan, o.hours, cores)}`);
    }
  }
  console.log(
    `(${
      plans.followUps
        ? "trials that depend on earlier results, e.g. Fig. 12's ablations, are not counted"
        : "every trial counted"
    }; times projected from a probe of each shape on this machine; where the verdict stops a trial, ${MEAN_EARLY_STOP_STEP} steps are assumed)`,
  );
}

/** A figure's rounds under --until-claims-decided, their expected trials projected from an
 * earlier run's claims (`from`: its output folder), and the core time they scale `base` to. */
async function roundsLine(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  scale: Scale,
  from: string | undefined,
  base: CostPlan,
): Promise<{ text: string; busySeconds: number; projection: RoundsProjection }> {
  let claims: MeasuredClaim[] | undefined;
  if (from !== undefined) {
    try {
      claims = JSON.parse(await Deno.readTextFile(join(from, fig.id, "report.json"))).claims;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  const p = projectRounds(fig, scale, claims), N = p.rounds.at(-1)!;
  const share = base.requests > 0 ? p.expected / N : 1;
  const busySeconds = base.busySeconds * share;
  const rounds = p.rounds.length > 1 ? `rounds of ${p.rounds.join("/")} trials` : "one round";
  const how = p.rounds.length === 1
    ? "not cut"
    : claims === undefined
    ? `no claims to plan from${
      from === undefined ? " (--plan-from DIR)" : ` in ${from}`
    }: planned at N`
    : `expected ${p.expected.toFixed(0)} of ${N} trials from ${from}'s claims`;
  return {
    text: `${rounds}, ${how}, ≈ ${(busySeconds / 3600).toFixed(1)} core-hours`,
    busySeconds,
    projection: p,
  };
}

export const REPRODUCE_HELP = `deno task reproduce FIGURE|all [options]

  FIGURE            ${FIGURES.map((f) => f.id).join(", ")}
  --scale S         quick (default: a 2-core laptop, minutes) | paper (docs/SPEC.md's protocol) | tiny (seconds)
  --out DIR         where panels, data and index.html go (results)
  --store FILE      the results store (DIR/store.sqlite); finished trials are reused
  --fresh           ignore stored trials and run them again
  --workers N       Workers for the trials (default: every core)
  --backend B       auto (webgpu on a hardware adapter, else asm) | ${backendNames().join(" | ")}
                    (the backend is part of every stored trial's key)
  --shard i/n       run only the i-th of n deterministic parts of the trials into this store
                    (0 <= i < n; Slurm job arrays: SLURM_ARRAY_TASK_ID / _COUNT are used when set),
                    no analysis; then 'deno task merge' the shard stores and reproduce with --store
  --until-decided   stop each sweep trial once its circles are decided (analysis/early_stop.ts)
  --until-claims-decided  train each figure's trials in rounds (N/16, N/8, N/4, N/2, N of every
                    configuration, in the paper's order) and stop at the first round where
                    every claim is PASS or FAIL, α held over the rounds by O'Brien–Fleming-type
                    spending (docs/sequential.md); figures whose claims may not be cut run to N.
                    The report notes the round and n it stopped at
  --plan-from DIR   with --plan --until-claims-decided: project each figure's rounds from the
                    claims of an earlier run's output folder (e.g. a quick-scale reproduce)
  --figure-by-figure  with several figures (all): train and analyse one figure after another
                    instead of one pool (every figure's trials together, longest first, each
                    figure analysed as soon as its trials are stored)
  --plan            train nothing: print, per figure, the trials to run and already stored, the
                    trial-steps and the projected wall time on this machine (from a short probe
                    of each shape), with and without --until-decided
  --hours H         with --plan: how many Slurm array tasks bring the run under H hours
  -h, --help        this text

Prints the claims table of each figure: PASS or FAIL where the trials decide at the stated error
rate, INCONCLUSIVE where they cannot (with the trials that would), UNTESTED where the scale does
not run it, REPORTED where the sentence gives no number; each with its evidence (n, test, result).
Exit code 1 when a claim fails (only FAIL), 2 on bad input.`;

/** Run `reproduce` with these command-line arguments. */
export function reproduceMain(args: string[]): Promise<void> {
  return runCli("reproduce", async () => {
    const { values, positionals } = parse(
      args,
      {
        scale: { type: "string" },
        "figure-by-figure": { type: "boolean" },
        "until-claims-decided": { type: "boolean" },
        "plan-from": { type: "string" },
        ...STORE_RUN_OPTIONS,
      },
      true,
    );
    if (values.help) {
      console.log(REPRODUCE_HELP);
      return;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        `${positionals.length} figures named: allowed is one of ${
          FIGURES.map((f) => f.id).join(", ")
        }, all`,
      );
    }
    const which = positionals[0];
    const untilDecided = values["until-decided"] === true;
    const untilClaims = values["until-claims-decided"] === true;
    const figs = selectFigures(which, { untilDecided });
    const scale = (values.scale as string | undefined) ?? "quick";
    if (!(SCALES as readonly string[]).includes(scale)) {
      throw new UsageError(`scale ${JSON.stringify(scale)}: allowed are ${SCALES.join(", ")}`);
    }
    const workers = workersFrom(values);
    const hours = hoursFrom(values);
    const shard = parseShard(values.shard as string | undefined);
    const outDir = (values.out as string | undefined) ?? "results";
    if (!shard) await checkOutDir(outDir, "out", true);
    const planFrom = values["plan-from"] as string | undefined;
    if (planFrom !== undefined) {
      if (!values.plan || values["until-claims-decided"] !== true) {
        throw new UsageError(
          `plan-from ${JSON.stringify(planFrom)}: allowed only with --plan --until-claims-decided`,
        );
      }
      const info = await Deno.stat(planFrom).catch(() => undefined);
      if (!info?.isDirectory) {
        throw new UsageError(
          `plan-from ${
            JSON.stringify(planFrom)
          }: allowed is an output folder of reproduce (DIR/figN/report.json)`,
        );
      }
    }
    const { backend, announce } = await backendFrom(values, "reproduce");
    const store = await ResultsStore.open(
      (values.store as string | undefined) ?? join(outDir, "store.sqlite"),
    );
    announce();
    if (values.plan) {
      await printPlan(figs, {
        scale: scale as Scale,
        store,
        backend,
        workers,
        fresh: values.fresh === true,
        hours,
        untilClaims: values["until-claims-decided"] === true
          ? { from: planFrom, untilDecided }
          : undefined,
      });
      store.close();
      return;
    }
    const t0 = performance.now();
    if (shard) {
      let n = 0;
      for (const fig of figs) {
        n += await trainShard(figureRequests(fig, scale as Scale, untilDecided), shard, {
          store,
          backend,
          workers,
          onProgress: sweepProgress(`${fig.id} shard ${shard.index}/${shard.count}`),
        });
      }
      console.log(
        `shard ${shard.index}/${shard.count}: ${n} trials in ${store.path} (${store.count()} stored)`,
      );
      store.close();
      return;
    }
    const reports: FigureReport[] = [];
    const written = async (run: FigureRun) => {
      if (Deno.stderr.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      const report = await writeFigureReport(run, outDir);
      console.log(
        `\n${run.fig.title} — ${scale} scale, ${
          report.wallSeconds.toFixed(1)
        } s, ${report.trials} trials (${report.trialsRun} run now)`,
      );
      console.log(claimsTable(report.claims));
      console.log(`panels and data: ${join(outDir, run.fig.id)}/`);
      reports.push(report);
    };
    const common = {
      scale: scale as Scale,
      store,
      backend,
      workers,
      fresh: values.fresh === true,
      untilDecided,
    };
    if (figs.length > 1 && values["figure-by-figure"] !== true && !untilClaims) {
      // One pool: every figure's missing trials together, longest first; each figure analysed
      // and written as soon as its trials are stored.
      const all = figs.flatMap((f) => figureRequests(f, scale as Scale, untilDecided));
      console.error(
        `${which} (${scale}), one pool: ${
          planLine(await costPlan(all, { store, backend, workers, fresh: common.fresh }))
        }`,
      );
      await reproduceFigures(figs, {
        ...common,
        onProgress: sweepProgress(which),
        onFigure: written,
      });
      const order = new Map(figs.map((f, i) => [f.id, i]));
      reports.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    } else {
      for (const fig of figs) {
        const o = {
          ...common,
          onPlan: (plan: CostPlan) => console.error(`${fig.id} (${scale}): ${planLine(plan)}`),
          onProgress: sweepProgress(fig.id),
        };
        await written(
          untilClaims
            ? await reproduceInRounds(fig, {
              ...o,
              onRound: (look, of, n) =>
                console.error(`${fig.id}: round ${look} of ${of}, ${n} trials`),
            })
            : await reproduceFigure(fig, o),
        );
      }
    }
    store.close();
    if (which === "all") {
      const html = indexHtml(reports, {
        scale: scale as Scale,
        backend: backend.name,
        commit: await gitCommit(),
        wallSeconds: (performance.now() - t0) / 1000,
      });
      await Deno.writeTextFile(join(outDir, "index.html"), html);
      console.log(`\nreport: ${join(outDir, "index.html")}`);
    }
    const tally = ["PASS", "FAIL", "INCONCLUSIVE", "UNTESTED", "REPORTED"].map((v) =>
      `${reports.reduce((n, r) => n + r.claims.filter((c) => c.verdict === v).length, 0)} ${v}`
    );
    console.log(`\n${scale} scale: ${tally.join(", ")}`);
    const failed = reports.flatMap((r) =>
      r.claims.filter((c) => c.verdict === "FAIL").map((c) => `${r.id}: ${c.name}`)
    );
    if (failed.length > 0) {
      console.error(`${failed.length} claim(s) failed: ${failed.join("; ")}`);
      Deno.exit(1);
    }
  }, {
    interrupted: "every trial finished so far is kept in the store; the same command again resumes",
  });
}

if (import.meta.main) await reproduceMain(Deno.args);
