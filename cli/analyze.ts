/**
 * `deno task analyze RUN_DIR | EMBEDDING.npy [--json]`: surviving circles, signals, circularity
 * at init and the linear-ODE fits of a run directory (`train --out`'s format, which is the
 * reference fixtures'), or circles, signals and circularity of one (p, d) embedding.
 *
 * @module
 */
import { type AnalysisReport, analyzeEmbedding, analyzeRun } from "../experiments/run_analysis.ts";
import { AnalysisError } from "../analysis/fourier.ts";
import { parse, runCli, UsageError } from "./options.ts";
import { parseNumber } from "../protocol/config.ts";
import { readNpy } from "../store/npy.ts";
import { readRunDir } from "../store/run_dir.ts";
import { join } from "node:path";

export const ANALYZE_HELP = `deno task analyze RUN_DIR | EMBEDDING.npy [options]

  RUN_DIR            a run directory (signals.npy, init_params.npy, final_params.npy)
  EMBEDDING.npy      one embedding of shape (p, d)
  --json             print one JSON object instead of the text report
  --ode-steps N      fit the ODE on the first N steps (1000)
  --alpha X          Lasso alpha (0.01)
  --holdout          also score the fits on an 80/20 split (the paper's text)
  -h, --help         this text

A run directory with run.json is read back whole first (every record, its shape and digest).
A run that diverged is one line, exit 0: "RUN: diverged at step N ...; no circles are counted"
(--json: {"source", "diverged": {"step": N}, "circles": null}). Bad input exits with code 2.`;

function text(r: AnalysisReport): string {
  const f = (v: number | null) => (v === null ? "-" : v.toFixed(4));
  const half = Math.floor((r.p - 1) / 2);
  const lines = [
    `${r.source}: p=${r.p} d=${r.d}`,
    `surviving circles (2·mean rule): ${r.circles.length} [${r.circles.join(", ")}]`,
    `signal > 10 (Fig. 7 rule): [${r.survivorsAbove10.join(", ")}]`,
    `signals k=1..${half}: ${r.signals.slice(1, half + 1).map((v) => v.toFixed(2)).join(" ")}`,
    `circularity at init: mean ${f(r.circularity.mean)}, max ${f(r.circularity.max)}`,
  ];
  if (r.ode) {
    const o = r.ode;
    lines.push(
      `linear ODE on ${o.steps} steps of k=${o.frequencies[0]}..${o.frequencies.at(-1)}: ` +
        `Lasso(α=${o.lasso.alpha}) R² ${f(o.lasso.score)} (${o.lasso.nonzero}/${
          o.frequencies.length ** 2
        } nonzero)` +
        `, Lasso(α=0) R² ${f(o.lasso0.score)}, OLS R² ${
          o.ols.error ? `- (${o.ols.error})` : f(o.ols.score)
        }`,
    );
    if (o.holdout) {
      lines.push(
        `  held-out 20 %: Lasso ${f(o.holdout.lasso)}, Lasso(α=0) ${f(o.holdout.lasso0)}, OLS ${
          f(o.holdout.ols)
        }`,
      );
    }
  } else {
    lines.push(`linear ODE: needs a signal trajectory of at least 3 rows`);
  }
  return lines.join("\n");
}

/**
 * The step at which a run directory's run diverged, or undefined when it did not: run.json's
 * `divergedAt` (the directory read back whole first: digests, every record and its shape), or,
 * for a directory without run.json (the reference fixtures' layout), its last logged step when
 * that is the first whose signals are not finite (or when only the final parameters are not).
 */
async function divergedAt(dir: string): Promise<number | undefined> {
  let hasSummary = true;
  try {
    await Deno.stat(join(dir, "run.json"));
  } catch {
    hasSummary = false;
  }
  if (hasSummary) {
    const { summary } = await readRunDir(dir);
    return typeof summary.divergedAt === "number" ? summary.divergedAt : undefined;
  }
  const signals = await readNpy(join(dir, "signals.npy"));
  if (signals.shape.length !== 2 || signals.shape[0] < 1) return undefined; // analyzeRun names it
  const p = signals.shape[1];
  const bad = Array.prototype.findIndex.call(signals.data, (v: number) => !Number.isFinite(v));
  let logged: ArrayLike<number> | undefined;
  try {
    logged = (await readNpy(join(dir, "logged_at.npy"))).data;
  } catch { /* every step logged */ }
  const stepOf = (row: number) => (logged ? logged[row - 1] : row);
  // a diverged run ends at its non-finite row; a non-finite value before the last row is damage
  // (analyzeRun names it)
  const rows = signals.shape[0];
  if (bad >= 0) return Math.floor(bad / p) === rows - 1 && rows > 1 ? stepOf(rows - 1) : undefined;
  try {
    const fin = await readNpy(join(dir, "final_params.npy"));
    if (Array.prototype.some.call(fin.data, (v: number) => !Number.isFinite(v))) {
      return stepOf(rows - 1);
    }
  } catch { /* analyzeRun names a missing or malformed file */ }
  return undefined;
}

/** Run `analyze` with these command-line arguments. */
export function analyzeMain(args: string[]): Promise<void> {
  return runCli("analyze", async () => {
    const { values, positionals } = parse(args, {
      json: { type: "boolean" },
      "ode-steps": { type: "string" },
      alpha: { type: "string" },
      holdout: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, true);
    if (values.help) {
      console.log(ANALYZE_HELP);
      return;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        `${positionals.length} paths given: allowed is one run directory or one .npy embedding`,
      );
    }
    const path = positionals[0];
    const steps = values["ode-steps"] === undefined
      ? 1000
      : parseNumber("ode-steps", String(values["ode-steps"]));
    if (!Number.isInteger(steps) || steps < 2) {
      throw new UsageError(`ode-steps ${steps}: allowed is an integer >= 2`);
    }
    const alpha = values.alpha === undefined ? 0.01 : parseNumber("alpha", String(values.alpha));
    if (!(alpha >= 0) || !Number.isFinite(alpha)) {
      throw new UsageError(`alpha ${alpha}: allowed is a finite number >= 0`);
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new UsageError(`${path}: not found; allowed is a run directory or a .npy embedding`);
    }
    if (info.isDirectory) {
      const diverged = await divergedAt(path);
      if (diverged !== undefined) {
        // a diverged run has no circles to count and no trajectory to fit past its last step
        console.log(
          values.json
            ? JSON.stringify({ source: path, diverged: { step: diverged }, circles: null })
            : `${path}: diverged at step ${diverged} (the loss or the parameters became non-finite); no circles are counted and no fits made`,
        );
        return;
      }
    }
    let report: AnalysisReport;
    try {
      report = info.isDirectory
        ? await analyzeRun(path, { odeSteps: steps, alpha, holdout: values.holdout === true })
        : await analyzeEmbedding(path);
    } catch (e) {
      if (e instanceof AnalysisError) throw new UsageError(e.message);
      throw e;
    }
    console.log(values.json ? JSON.stringify(report) : text(report));
  });
}

if (import.meta.main) await analyzeMain(Deno.args);
