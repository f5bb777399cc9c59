/**
 * A study's published report, rebuilt from its results store without training: each figure whose
 * trials (and follow-ups) are all stored is analysed and written as `reproduce` writes it; a figure
 * with only some of its trials stored is listed as "n of N stored" and gets no verdict — a partial
 * set of trials decides nothing. `../cli/publish.ts` runs it for `studies/paper.sqlite`.
 *
 * @module
 */
import { figureById } from "../paper/figures.ts";
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";
import type { ResultsStore } from "../store/store.ts";
import { loadResult, missingRequests, type TrialRequest } from "../store/requests.ts";
import { analyseFigure, type FigureRun, figureRun } from "./reproduce_figure.ts";

/** One figure of a study: its id and whether its survival trials stop at the early stop. */
export interface StudyFigure {
  /** The figure's id (fig2, fig9, ...). */
  id: string;
  /** Its survival trials stop at the early stop (`--until-decided`). */
  untilDecided?: boolean;
}

/**
 * The paper-scale study (`studies/paper.sqlite`): the one-run figures and Fig. 9, 12, 15, 16 with
 * the full protocol, Figs. 11, 7 and 6 (left) with `--until-decided`, then Fig. 4; and, listed with
 * their paper-scale n so that the report covers every figure of the paper, the sweeps too large for
 * one machine (Figs. 5, 6 middle and right, 10, 14: 1 100 to 20 000 trials each, with
 * `--until-decided`), which a cluster fills (docs/cluster.md).
 */
export const PAPER_STUDY: readonly StudyFigure[] = Object.freeze([
  { id: "fig2" },
  { id: "fig3" },
  { id: "fig4" },
  { id: "fig5", untilDecided: true },
  { id: "fig6l", untilDecided: true },
  { id: "fig6m", untilDecided: true },
  { id: "fig6r", untilDecided: true },
  { id: "fig7", untilDecided: true },
  { id: "fig8" },
  { id: "fig9" },
  { id: "fig10", untilDecided: true },
  { id: "fig11", untilDecided: true },
  { id: "fig12" },
  { id: "fig13" },
  { id: "fig14", untilDecided: true },
  { id: "fig15" },
  { id: "fig16" },
]);

/** A figure's trials as the store holds them: all of them (with follow-ups), or some. */
export type FigureStatus =
  | {
    kind: "complete";
    // deno-lint-ignore no-explicit-any
    fig: Figure<any>;
    untilDecided: boolean;
    run: FigureRun;
    /** The store keys of every trial it read (follow-ups included). */
    keys: string[];
  }
  | {
    kind: "partial";
    // deno-lint-ignore no-explicit-any
    fig: Figure<any>;
    untilDecided: boolean;
    /** The store keys of the trials it needs so far, stored or not (follow-ups once known). */
    keys: string[];
    /** Distinct trials stored and needed (follow-ups counted once the first trials are all in). */
    stored: number;
    needed: number;
    /** "trials" or "follow-up trials" (Fig. 12's ablations, which wait for the first run). */
    what: string;
  };

/** Options of {@linkcode studyFigure}. */
export interface StudyOptions {
  /** The study's results store. */
  store: ResultsStore;
  /** The scale its figures ran at. */
  scale: Scale;
  /** The backend named in the stored trials' keys (default asm). */
  backend?: string;
}

/** How many of `reqs`' distinct trials the store lacks, and the keys in order. */
async function lacking(reqs: TrialRequest[], opts: StudyOptions) {
  const { keys, missing } = await missingRequests(reqs, opts.store, opts.backend ?? "asm");
  return { keys, needed: new Set(keys).size, missing: missing.size };
}

/**
 * A study figure through its store: analysed if every trial it needs is stored, else how many
 * are. Never trains.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { studyFigure } from "./study.ts";
 * const store = await ResultsStore.open(":memory:");
 * const s = await studyFigure({ id: "fig2" }, { store, scale: "tiny" });
 * assertEquals([s.kind, s.kind === "partial" && `${s.stored} of ${s.needed}`], ["partial", "0 of 1"]);
 * store.close();
 * ```
 */
export async function studyFigure(f: StudyFigure, opts: StudyOptions): Promise<FigureStatus> {
  const fig = figureById(f.id);
  if (!fig) throw new Error(`study figure ${f.id}: no such figure`);
  const untilDecided = f.untilDecided === true;
  const t0 = performance.now();
  const requests = figureRequests(fig, opts.scale, untilDecided);
  const first = await lacking(requests, opts);
  const partial = (
    l: { needed: number; missing: number },
    what: string,
    keys: string[],
  ): FigureStatus => ({
    kind: "partial",
    fig,
    untilDecided,
    keys,
    stored: l.needed - l.missing,
    needed: l.needed,
    what,
  });
  if (first.missing > 0) {
    // a figure with follow-ups (Fig. 12's ablations) needs more once these are in
    return partial(
      first,
      fig.followUp ? "trials (then its follow-up trials)" : "trials",
      first.keys,
    );
  }
  const results = first.keys.map((k) => loadResult(opts.store, k));
  if (fig.followUp) {
    const more = fig.followUp(fig.params[opts.scale], results);
    const next = await lacking(more, opts);
    if (next.missing > 0) return partial(next, "follow-up trials", [...first.keys, ...next.keys]);
    requests.push(...more);
    results.push(...next.keys.map((k) => loadResult(opts.store, k)));
    first.keys.push(...next.keys);
  }
  const output = await analyseFigure(fig, opts.scale, results);
  return {
    kind: "complete",
    fig,
    untilDecided,
    keys: first.keys,
    run: figureRun(fig, opts.scale, { requests, results, trialsRun: 0 }, output, {
      t0,
      fallback: opts.backend ?? "asm",
    }),
  };
}

/** The command that trains what a partial figure lacks into a working store. */
export function continueCommand(s: FigureStatus, scale: Scale, store: string): string {
  return `deno task reproduce ${s.fig.id} --scale ${scale}${
    s.untilDecided ? " --until-decided" : ""
  } --store ${store}`;
}
