/**
 * What a figure module is: its docs/SPEC.md row, its protocol at three scales — `paper` (exactly
 * docs/SPEC.md's), `quick` (a 2-core laptop in ≤ 10 minutes) and `tiny` (seconds, for tests) — the
 * trials it needs, and the analysis that turns their records into data, panels and claims.
 *
 * @module
 */
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import type { Claim } from "./claims.ts";
import type { Panel } from "./panel.ts";
import type { TrialRequest, TrialResult } from "../store/requests.ts";

/** The scales a figure runs at. */
export type Scale = "paper" | "quick" | "tiny";

/** The scales, in the order the CLI lists them. */
export const SCALES: readonly Scale[] = ["paper", "quick", "tiny"];

/** What a figure's analysis produces. */
export interface FigureOutput {
  /** Everything plotted and asserted, as JSON-able values. */
  data: Record<string, unknown>;
  /** CSV files by name (header line first). */
  csv?: Record<string, string>;
  /** The PNG panels to render. */
  panels: Panel[];
  /** The figure's claims and their verdicts. */
  claims: Claim[];
  /** Remarks for the report (protocol choices, findings). */
  notes?: string[];
}

/** A figure of the paper. */
export interface Figure<P = unknown> {
  /** "fig2", "fig9", ... */
  id: string;
  /** A one-line title for reports. */
  title: string;
  /** The protocol, as docs/SPEC.md states it. */
  spec: string;
  /** docs/SPEC.md's claim to check. */
  claim: string;
  /** The figure's parameters at each scale (paper, quick, tiny). */
  params: Record<Scale, P>;
  /** A survival figure: many trials read for the circles they end with (and Fig. 7's early
   * gradients), so its trials log only that and `--until-decided` may stop them early. */
  survivalFigure?: boolean;
  /** A figure that compares full runs with early stops: it has no meaning under
   * `--until-decided` (`reproduce all --until-decided` leaves it out). */
  fullRunsOnly?: boolean;
  /** The trials this figure needs at these parameters. */
  requests(p: P): TrialRequest[];
  /** Trials that depend on the first ones' results (e.g. Fig. 12's ablations of the frequencies
   * the unablated run kept); their results follow the first ones' in `compute`. */
  followUp?(p: P, first: TrialResult[]): TrialRequest[];
  /** The analysis: results come in the order of `requests`. */
  compute(p: P, results: TrialResult[], scale: Scale): FigureOutput | Promise<FigureOutput>;
}

/** What a survival figure's trial logs: its first 4 updates (Fig. 7's early gradients), every
 * 100th (the early stop's checks) and the last — what the survival figures read, no more — and
 * stored lean (no final parameters: no survival figure reads them). */
export const SURVIVAL_LOG = { logEvery: 100, logFirst: 4, lean: true } as const;

/**
 * The trials a figure needs at a scale: its requests; a survival figure's trials log only what it
 * reads ({@linkcode SURVIVAL_LOG}) and, under `--until-decided`, stop at the early stop (one
 * rule for `reproduce`, shards and plans). `params` replaces the scale's parameters (a round of
 * `--until-claims-decided`: the scale's with fewer seeds).
 */
export function figureRequests(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  scale: Scale,
  untilDecided = false,
  params: unknown = fig.params[scale],
): TrialRequest[] {
  return fig.requests(params).map((r) =>
    fig.survivalFigure
      ? {
        ...r,
        records: {
          ...SURVIVAL_LOG,
          ...r.records,
          ...(untilDecided ? { untilDecided: { ...DEFAULT_EARLY_STOP } } : {}),
        },
      }
      : r
  );
}
