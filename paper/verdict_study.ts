/**
 * The runs of the early-verdict study (issue #13): full 30 000-step runs, logged every 100th
 * update (the verdict's checks), in two disjoint sets — a tuning set on which a rule is chosen,
 * and a validation set it never saw: 20 runs at the paper's p = 59, d = 128, wd = 0.5, and 40
 * spread over p ∈ {31, 43, 97}, d ∈ {64, 128} and wd ∈ {0.3, 0.5, 1.0}.
 *
 * @module
 */
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import type { TrialRequest } from "../store/requests.ts";

/** The study's trial log: every 100th update, the verdict's check interval. */
export const STUDY_LOG = { logEvery: 100 } as const;

/** One study run: its set and request. */
export interface StudyRun {
  set: "tune" | "validate";
  request: TrialRequest;
}

const run = (set: StudyRun["set"], c: Partial<TrialConfig>): StudyRun => ({
  set,
  request: { config: makeConfig({ steps: 30000, ...c }), records: { ...STUDY_LOG } },
});

/**
 * The study's runs: `tune` (seeds 0.., p = 59, d = 128, wd = 0.5) and `validate` (seeds 1000..
 * at the paper's shape, seeds 2000.. spread over the other shapes, cycling through the 18
 * combinations), interleaved so that a partial study already spans every shape.
 *
 * @example
 * ```ts
 * import { studyRuns } from "./verdict_study.ts";
 * const runs = studyRuns({ tune: 20, validatePaper: 20, validateSpread: 40 });
 * console.log(runs.length, runs.filter((r) => r.set === "validate").length); // 80 60
 * ```
 */
export function studyRuns(
  n: { tune: number; validatePaper: number; validateSpread: number },
  steps = 30000,
): StudyRun[] {
  const cells: Partial<TrialConfig>[] = [];
  for (const p of [31, 43, 97]) {
    for (const d of [64, 128]) for (const wd of [0.3, 0.5, 1.0]) cells.push({ p, d, wd });
  }
  const tune = Array.from({ length: n.tune }, (_, i) => run("tune", { seed: i, steps }));
  const paper = Array.from(
    { length: n.validatePaper },
    (_, i) => run("validate", { seed: 1000 + i, steps }),
  );
  const spread = Array.from(
    { length: n.validateSpread },
    (_, i) => run("validate", { ...cells[i % cells.length], seed: 2000 + i, steps }),
  );
  const out: StudyRun[] = [];
  for (let i = 0; out.length < tune.length + paper.length + spread.length; i++) {
    for (const list of [spread, paper, tune]) if (i < list.length) out.push(list[i]);
  }
  return out;
}
