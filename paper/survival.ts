/**
 * Survival of a frequency over trials, as Fig. 6's panels count it: whether k survived a trial
 * (docs/SPEC.md's code rule on its final signals), and its rate over the trials whose circles are those
 * of the end of training (`./trial_views.ts`'s `settledRuns`).
 *
 * @module
 */
import { survivingCircles } from "../analysis/fourier.ts";
import type { TrialResult } from "../store/requests.ts";
import { settledRuns } from "./trial_views.ts";

/** Did k survive the trial (docs/SPEC.md's code rule on its final signals)? */
export const survived = (r: TrialResult, k: number): boolean =>
  survivingCircles(r.finalSignals()).includes(k);

/** k survived in `hits` of the `trials` settled trials (rate NaN when none). */
export function tally(
  rs: TrialResult[],
  k: number,
): { hits: number; trials: number; rate: number } {
  const { runs } = settledRuns(rs);
  const hits = runs.filter((r) => survived(r, k)).length;
  return { hits, trials: runs.length, rate: hits / runs.length };
}

/** The fraction of the settled trials in which k survived (NaN if none). */
export const rate = (rs: TrialResult[], k: number): number => tally(rs, k).rate;
