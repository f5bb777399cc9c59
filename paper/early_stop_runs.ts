/**
 * The runs of the early-stop study: 60 full 30 000-step runs, logged every 100th
 * update (the early stop's checks) — 20 at the paper's p = 59, d = 128, wd = 0.5 and 40 spread over
 * p ∈ {31, 43, 97}, d ∈ {64, 128} and wd ∈ {0.3, 0.5, 1.0} — in two disjoint sets: a tuning set on
 * which a rule is chosen (10 + 10) and a validation set it never sees (10 + 30).
 *
 * @module
 */
import { makeConfig, type TrialConfig } from "../protocol/config.ts";
import type { TrialRequest } from "../store/requests.ts";

/** The study's trial log: every 100th update (the early stop's check interval), stored lean (the
 * study's store is committed, so that a later run continues it). */
export const STUDY_LOG = { logEvery: 100, lean: true } as const;

/** One study run: its set and request. */
export interface StudyRun {
  set: "tune" | "validate";
  request: TrialRequest;
}

const run = (set: StudyRun["set"], c: Partial<TrialConfig>): StudyRun => ({
  set,
  request: { config: makeConfig({ steps: 30000, ...c }), records: { ...STUDY_LOG } },
});

/** How many runs of each kind. */
export interface StudySize {
  tunePaper: number;
  tuneSpread: number;
  validatePaper: number;
  validateSpread: number;
}

/** The study's size: 60 runs, 20 at the paper's shape. */
export const STUDY_SIZE: StudySize = {
  tunePaper: 10,
  tuneSpread: 10,
  validatePaper: 10,
  validateSpread: 30,
};

/**
 * The study's runs. At the paper's shape: tuning seeds 0.., validation seeds 1000..; spread:
 * seeds 2000.. cycling through the 18 combinations of p, d and wd, the first `tuneSpread` for
 * tuning. Interleaved so that a partial study already spans every shape and both sets.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { STUDY_SIZE, studyRuns } from "./early_stop_runs.ts";
 * const runs = studyRuns(STUDY_SIZE);
 * assertEquals([runs.length, runs.filter((r) => r.set === "validate").length], [60, 40]);
 * ```
 */
export function studyRuns(n: StudySize, steps = 30000): StudyRun[] {
  const cells: Partial<TrialConfig>[] = [];
  for (const p of [31, 43, 97]) {
    for (const d of [64, 128]) for (const wd of [0.3, 0.5, 1.0]) cells.push({ p, d, wd });
  }
  const paper = (set: StudyRun["set"], seed0: number, k: number) =>
    Array.from({ length: k }, (_, i) => run(set, { seed: seed0 + i, steps }));
  const spread = Array.from(
    { length: n.tuneSpread + n.validateSpread },
    (_, i) =>
      run(i < n.tuneSpread ? "tune" : "validate", {
        ...cells[i % cells.length],
        seed: 2000 + i,
        steps,
      }),
  );
  const lists = [spread, paper("tune", 0, n.tunePaper), paper("validate", 1000, n.validatePaper)];
  const out: StudyRun[] = [];
  for (let i = 0; out.length < lists.reduce((s, l) => s + l.length, 0); i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]);
  }
  return out;
}
