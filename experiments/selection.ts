/**
 * Which figures a command runs — the one rule behind `reproduce FIGURE|all`, its `--plan`,
 * `--shard i/n` and `cluster FIGURE|all`, so that a cluster counts in each shard's share exactly
 * the trials its array task trains: a figure named by id, or `all` (every figure); under
 * `--until-decided`, `all` leaves out the figures that compare full runs with early verdicts
 * (`fullRunsOnly`), and naming one of them is refused.
 *
 * @module
 */
import type { Figure } from "../paper/figure.ts";
import { figureById, FIGURES } from "../paper/figures.ts";

/** A figure name that selects nothing, or a figure that cannot run as asked (one line). */
export class SelectionError extends Error {
  override name = "SelectionError";
}

/** Does `fig` run under these options? (A full-runs-only figure has no meaning under
 * `--until-decided`.) */
// deno-lint-ignore no-explicit-any
export function runsUnder(fig: Figure<any>, untilDecided: boolean): boolean {
  return !(untilDecided && fig.fullRunsOnly);
}

/**
 * The figures `which` names ("fig9", "9", "all") that run with `untilDecided`, in the paper's
 * order. An unknown name, or one figure that cannot run under `--until-decided`, is a
 * {@linkcode SelectionError}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { selectFigures } from "./selection.ts";
 * const all = selectFigures("all", { untilDecided: false });
 * const decided = selectFigures("all", { untilDecided: true });
 * assertEquals(all.length - decided.length, 1, "only the verdict figure drops out");
 * assertEquals(selectFigures("9", { untilDecided: true })[0].id, "fig9", "by number");
 * ```
 */
export function selectFigures(
  which: string,
  opts: { untilDecided: boolean },
  // deno-lint-ignore no-explicit-any
): Figure<any>[] {
  const ids = () => `${FIGURES.map((f) => f.id).join(", ")}, all`;
  if (which === "all") return FIGURES.filter((f) => runsUnder(f, opts.untilDecided));
  const fig = figureById(which);
  if (!fig) throw new SelectionError(`figure ${JSON.stringify(which)}: allowed are ${ids()}`);
  if (!runsUnder(fig, opts.untilDecided)) {
    throw new SelectionError(
      `${fig.id} --until-decided: ${fig.id} compares full runs with early verdicts; allowed without --until-decided`,
    );
  }
  return [fig];
}
