/**
 * A figure reproduced in rounds until its claims are decided (`--until-claims-decided`): round j
 * trains the next seeds of every configuration in the paper's own order (`../paper/rounds.ts`:
 * N/16, N/8, N/4, N/2, N), the figure is computed on the trials so far, and each claim is decided
 * again at the round's level by `../analysis/sequential_rounds.ts` (O'Brien–Fleming-type alpha
 * spending, so that false PASS and false FAIL stay ≤ α over the repeated looks); the rounds stop
 * when every claim is PASS or FAIL, or at the paper's N. A figure with a claim that may not be
 * cut (a statistic whose expectation depends on n) runs to N in one round.
 *
 * The trials of a round are the first ones of the full figure (same requests, same store keys):
 * a cut figure's trials serve the full figure later, and the full figure's serve any round. What
 * was cut is recorded in the figure's report: its data's `rounds` (`RoundsSummary`: the round it
 * stopped at, of how many, the trials at the stop against N, the spending, the round each claim
 * was decided at) and a note.
 *
 * @module
 */
import type { Figure } from "../paper/figure.ts";
import { cutsOf, mayCut, rounds, roundsPlan } from "../paper/rounds.ts";
import { type RoundsSummary, SequentialRounds } from "../analysis/sequential_rounds.ts";
import {
  analyseFigure,
  type FigureRun,
  figureRun,
  reproduceFigure,
  type ReproduceOptions,
  resolveFigure,
} from "./reproduce_figure.ts";

/** A figure run in rounds: its run at the stop and what the rounds did (none: not cut). */
export interface RoundsRun extends FigureRun {
  /** What the rounds did (absent: the figure was not cut). */
  rounds?: RoundsSummary;
}

/** The note a figure's report gets from its rounds. */
export function roundsNote(s: RoundsSummary): string {
  const decided = Object.entries(s.decidedAt).map(([name, at]) =>
    `${name}: ${at === null ? "not decided" : `round ${at}`}`
  ).join("; ");
  return `--until-claims-decided: ${
    s.stoppedAt < s.rounds ? "cut" : "ran to the last round"
  } at round ${s.stoppedAt} of ${s.rounds}, ${s.trials.at} of ${s.trials.of} trials, ${s.spending}-type alpha spending over the rounds (docs/sequential.md). Decided: ${decided}.`;
}

/**
 * Reproduce `fig` in rounds until its claims are decided (see the module's text). A figure that
 * may not be cut is reproduced whole, with a note saying so.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { reproduceInRounds } from "./reproduce_rounds.ts";
 * import { figureById } from "../paper/figures.ts";
 * import { ResultsStore } from "../store/store.ts";
 * const store = await ResultsStore.open(":memory:");
 * const run = await reproduceInRounds(figureById("fig3")!, { scale: "tiny", store, workers: 1 });
 * assertEquals(run.rounds, undefined); // one run: nothing to cut
 * store.close();
 * ```
 */
export async function reproduceInRounds(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ReproduceOptions & { onRound?: (look: number, of: number, trials: number) => void },
): Promise<RoundsRun> {
  const t0 = performance.now();
  const seq = mayCut(fig) ? new SequentialRounds(roundsPlan(fig, opts.scale)) : undefined;
  if (!seq?.cut) {
    const run = await reproduceFigure(fig, opts);
    const blocking = Object.entries(cutsOf(fig)?.claims ?? {}).filter(([, c]) => !c.cut);
    const why = blocking.length > 0
      ? `a claim may not be cut (${blocking.map(([name, c]) => `${name}: ${c.why}`).join("; ")})`
      : seq
      ? "its seed counts at this scale make one round"
      : "the figure has no rounds (its claims rest on named runs)";
    (run.output.notes ??= []).unshift(
      `--until-claims-decided: not cut — ${why}; it runs to the scale's N.`,
    );
    return run;
  }
  const schedule = rounds(fig, opts.scale);
  let trialsRun = 0;
  let at: RoundsRun | undefined;
  // --fresh trains each trial again once, not again at every round that asks for it
  const rerun = { ...opts, retrained: new Set<string>() };
  for (const r of schedule) {
    const trials = await resolveFigure(fig, rerun, r.params);
    trialsRun += trials.trialsRun;
    opts.onRound?.(r.look, schedule.length, trials.requests.length);
    const output = await analyseFigure(fig, opts.scale, trials.results, r.params);
    const seen = seq.observe(r.look, output.claims);
    at = figureRun(fig, opts.scale, { ...trials, trialsRun }, { ...output, claims: seen.claims }, {
      t0,
      fallback: opts.backend?.name ?? "asm",
    });
    if (seen.stop) break;
  }
  const summary = seq.summary();
  at!.rounds = summary;
  at!.output.data = { ...at!.output.data, rounds: summary };
  (at!.output.notes ??= []).unshift(roundsNote(summary));
  return at!;
}
