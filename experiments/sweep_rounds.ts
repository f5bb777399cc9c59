/**
 * A grid sweep in rounds until its contrasts are decided (`deno task sweep
 * --until-claims-decided`). A sweep quotes no sentence of the paper; what it asks of its trials is
 * its contrasts — each level of an axis against the axis's first level, at the other axes' levels
 * (`grid_sweep.ts`'s `sweepContrasts`) — and each is a claim "this level changes the mean #circles",
 * decided by the two-sided rank-sum test of the two cells' #circles (`../analysis/rank_sum.ts`;
 * counts are small integers with many ties, where a t test's tail at an early look's tiny level is
 * not to be trusted and a constant cell has no t at all): **higher** or **lower** where it rejects,
 * **undecided** where it does not.
 *
 * Round j trains the first ⌈M / 2^(5−j)⌉ of the M seeds in every cell (M/16, M/8, M/4, M/2, M;
 * repeats dropped), the sweep is summarised on the trials so far and each contrast is decided again
 * at the round's level of the O'Brien–Fleming-type α-spending design
 * (`../analysis/sequential_rounds.ts`, as `reproduce --until-claims-decided`; docs/sequential.md):
 * a contrast's first higher or lower stands, and the rounds stop when every contrast is decided or
 * at M. Held for each contrast over the looks: P(false higher) ≤ α/2 and P(false lower) ≤ α/2 at α =
 * 0.05 (per contrast, not family-wise), measured by simulation in `sweep_rounds_test.ts`. "No
 * difference" is never decided (that would need a margin the sweep does not have), so a sweep with
 * a level that does not matter runs to M — and says so.
 *
 * A round's trials are the first seeds of the full sweep (the same requests, the same store keys):
 * a cut sweep's trials serve the full one later and the other way round. The summary records the
 * rounds (`rounds`: the round it stopped at, of how many, the trials at the stop against the
 * full grid, the spending, the round each contrast was decided at) and each contrast's decision.
 *
 * @module
 */
import { doublingSchedule } from "../analysis/sequential.ts";
import {
  type LookClaim,
  type RoundsSummary,
  SequentialRounds,
} from "../analysis/sequential_rounds.ts";
import type { SequentialEvidence } from "../analysis/sequential.ts";
import {
  runSweep,
  type SweepContrast,
  type SweepDesign,
  sweepPairs,
  type SweepRecords,
  type SweepSummary,
  sweepTrials,
} from "./grid_sweep.ts";
import type { ResolveOptions } from "./resolve.ts";

/** The error rate each contrast is held at over the rounds (two-sided: α/2 a side). */
export const CONTRAST_ALPHA = 0.05;

/** What the rounds decided of one contrast. */
export interface ContrastDecision {
  /** The contrast's name ({@linkcode contrastName}). */
  name: string;
  /** higher / lower: the level's #circles differ from the reference's in that direction, at the
   * look's level; undecided: not at any look. */
  decision: "higher" | "lower" | "undecided";
  /** The rank-sum test's effect U/(n·m) − ½ at the look that decided it (the last look when
   * undecided): > 0 where the level tends to have more circles. */
  effect: number;
  /** The rank-sum test's two-sided p at that look. */
  p: number;
  /** The look's level, the design and the α spent up to it. */
  sequential?: SequentialEvidence;
  /** The round it was decided at (null: undecided). */
  round: number | null;
}

/** A sweep run in rounds: the summary at the stop, what the rounds did, each contrast's
 * decision. */
export interface SweepRoundsSummary extends SweepSummary {
  /** What the rounds did (`cut` false: one round, no contrast to decide or one seed). */
  rounds: RoundsSummary;
  /** Seeds per cell at each round. */
  seedsAt: number[];
  /** Each contrast's decision, in the order of `contrasts`. */
  decisions: ContrastDecision[];
}

/**
 * A contrast's name: "AXIS=LEVEL − AXIS=REFERENCE[ at OTHER=L, …]".
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { contrastName } from "./sweep_rounds.ts";
 * const c = { axis: "wd", level: "1", reference: "0.5", at: { dim: "64" } };
 * assertEquals(contrastName(c), "wd=1 − wd=0.5 at dim=64");
 * ```
 */
export function contrastName(
  c: Pick<SweepContrast, "axis" | "level" | "reference" | "at">,
): string {
  const at = Object.entries(c.at).map(([k, v]) => `${k}=${v}`).join(", ");
  return `${c.axis}=${c.level} − ${c.axis}=${c.reference}${at ? ` at ${at}` : ""}`;
}

/**
 * A contrast as a claim at fixed n: PASS (higher) or FAIL (lower) where the two-sided rank-sum
 * test rejects at `alpha`, INCONCLUSIVE otherwise, with the inputs the rounds decide it from
 * again at each look's level.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { contrastClaim } from "./sweep_rounds.ts";
 * const base = { axis: "wd", level: "1", reference: "0.5", at: {}, diff: -1, low: -2, high: 0, df: 6 };
 * assertEquals(contrastClaim({ ...base, rankSum: { effect: -0.5, p: 0.004 } }).verdict, "FAIL");
 * assertEquals(contrastClaim({ ...base, rankSum: { effect: -0.2, p: 0.3 } }).verdict, "INCONCLUSIVE");
 * ```
 */
export function contrastClaim(c: SweepContrast, alpha = CONTRAST_ALPHA): LookClaim {
  const r = c.rankSum;
  if (!r) return { name: contrastName(c), verdict: "INCONCLUSIVE", note: "a cell has no trial" };
  const verdict = r.p < alpha && r.effect !== 0 ? (r.effect > 0 ? "PASS" : "FAIL") : "INCONCLUSIVE";
  return {
    name: contrastName(c),
    verdict,
    evidence: {
      alpha,
      inputs: { kind: "direction", effect: r.effect, p: r.p, sign: 1 },
    },
  };
}

/**
 * Run a sweep in rounds until its contrasts are decided (see the module's text).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { runSweepInRounds } from "./sweep_rounds.ts";
 * import { ResultsStore } from "../store/store.ts";
 * import { parseGridAxis } from "../protocol/grid_spec.ts";
 * const store = await ResultsStore.open(":memory:");
 * const spec = { axes: [parseGridAxis("wd=0.5,1")], seeds: [0, 1, 2], base: { p: 5, d: 2, steps: 5 } };
 * const s = await runSweepInRounds(spec, { store, workers: 1 });
 * // 3 seeds a cell: rounds of 1, 2, 3 seeds; five steps decide nothing, so it runs to 3
 * assertEquals([s.seedsAt, s.rounds.stoppedAt, s.trials, s.decisions[0].decision], [[1, 2, 3], 3, 6, "undecided"]);
 * store.close();
 * ```
 */
export async function runSweepInRounds(
  design: SweepDesign,
  opts: ResolveOptions & {
    records?: SweepRecords;
    onRound?: (round: number, of: number, seeds: number) => void;
  },
): Promise<SweepRoundsSummary> {
  const M = design.seeds.length;
  const seedsAt = doublingSchedule(M);
  const { cells: grid } = sweepTrials(design), cells = grid.length;
  // the contrasts' names from the full design (the same at every round: the cells do not change)
  const names = sweepPairs(design.axes, grid).map(contrastName);
  const plan = {
    trials: seedsAt.map((n) => n * cells),
    claims: names.map((name) => ({
      name,
      cut: true,
      why: "a two-sample rank-sum test over the same cells at every round, the looks nested",
      units: seedsAt,
    })),
  };
  const seq = names.length > 0 ? new SequentialRounds(plan) : undefined;
  const schedule = seq ? seedsAt : [M];
  let trialsRun = 0;
  // --fresh trains each trial again once, not again at every round that asks for it
  const rerun = { ...opts, retrained: new Set<string>() };
  for (let j = 1; j <= schedule.length; j++) {
    opts.onRound?.(j, schedule.length, schedule[j - 1]);
    const seeds = design.seeds.slice(0, schedule[j - 1]);
    const summary = await runSweep({ ...design, seeds }, rerun);
    trialsRun += summary.trialsRun;
    const claims = summary.contrasts.map((c) => contrastClaim(c));
    const seen = seq?.observe(j, claims);
    if (!seq || seen!.stop) {
      const s = seq?.summary() ?? {
        cut: false,
        stoppedAt: 1,
        rounds: 1,
        trials: { at: summary.trials, of: summary.trials },
        spending: "obrien-fleming" as const,
        decidedAt: {},
      };
      return {
        ...summary,
        trialsRun,
        rounds: s,
        seedsAt: schedule,
        decisions: (seen?.claims ?? claims).map((c) => decisionOf(c, s)),
      };
    }
  }
  throw new Error("unreachable: the last round stops");
}

/** A contrast's decision: the claim as the rounds left it (a decided one as of the look that
 * decided it, its test's effect and p from there). */
function decisionOf(claim: LookClaim, s: RoundsSummary): ContrastDecision {
  const inputs = claim.evidence?.inputs;
  const test = inputs?.kind === "direction" ? inputs : { effect: NaN, p: NaN };
  const round = s.decidedAt[claim.name] ?? null;
  return {
    name: claim.name,
    decision: claim.verdict === "PASS"
      ? "higher"
      : claim.verdict === "FAIL"
      ? "lower"
      : "undecided",
    effect: test.effect,
    p: test.p,
    ...(claim.evidence?.sequential ? { sequential: claim.evidence.sequential } : {}),
    round: claim.verdict === "PASS" || claim.verdict === "FAIL" ? round : null,
  };
}
