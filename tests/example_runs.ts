/**
 * Small real runs for the JSDoc examples: a few steps of the float64 reference at p = 5, d = 2,
 * so an example that needs a trial's records trains one in milliseconds instead of restating
 * the setup.
 *
 * @module
 */
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { type RunSummary, summarize } from "../store/run_dir.ts";
import { train, type TrialRecords } from "../train/trainer.ts";

/** A trained run: its configuration, records and summary (what `train --out` writes). */
export interface TinyRun {
  config: TrialConfig;
  records: TrialRecords;
  summary: RunSummary;
}

/**
 * Train a small run on the float64 reference (p = 5, d = 2, hidden 4, 2 steps unless `options`
 * say otherwise; any option of `makeConfig`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * import { tinyRun } from "./example_runs.ts";
 * const { config, records, summary } = await tinyRun({ seed: 3 });
 * assertEquals([config.p, records.trainLoss.length, summary.config.seed], [5, 2, 3]);
 * ```
 */
export async function tinyRun(options: Partial<TrialConfig> = {}): Promise<TinyRun> {
  const config = makeConfig({ p: 5, d: 2, hidden: 4, steps: 2, ...options });
  const records = await train(referenceBackend, { config, ...initialTrial(config) });
  return { config, records, summary: summarize(config, records) };
}
