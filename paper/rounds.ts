/**
 * A figure's trials in rounds, until its claims are decided (`--until-claims-decided`): round j
 * runs, in the paper's own order, the next seeds of every configuration (⌈M / 2^(K−j)⌉ of each
 * configuration's M, K = 5 rounds: N/16, N/8, N/4, N/2, N), the figure is computed on what is
 * there — the figure at its parameters with each seed count cut to the round's ({@linkcode
 * lookParams}) — and each claim is decided again at the look's level by
 * `../analysis/sequential_rounds.ts` ({@linkcode roundsPlan} gives it the figure's plan). The
 * rounds stop when every claim is PASS or FAIL, or at the paper's N.
 *
 * Which claims may be cut is stated here, figure by figure ({@linkcode CUTS}): a claim may be cut
 * when its statistic estimates the same thing at every n (a trend over trials, a rate over trials,
 * a variance about a line) and its units grow with the rounds; it may not be cut when the
 * statistic's expectation depends on n (a correlation over rates estimated from the trials, a
 * classifier's accuracy), when the looks would not be nested, or when the sentence asks for a
 * measurement at the paper's n. A figure with a claim that may not be cut — or with no entry here
 * — runs in one round to the paper's N and is decided by the fixed-n rules: looking earlier would
 * spend α for no trial saved.
 *
 * @module
 */
import type { Figure, Scale } from "./figure.ts";
import { doublingCount } from "../analysis/sequential.ts";
import type { RoundsPlan } from "../analysis/sequential_rounds.ts";
import { AnalysisError } from "../analysis/fourier.ts";
import { ALMOST } from "./claims.ts";

/** How one claim of a figure goes through the rounds. */
export interface ClaimCut<P> {
  /** Whether the rounds may stop on this claim's verdict before the paper's N. */
  cut: boolean;
  /** Why it may (what makes its looks valid) or may not (what depends on n). */
  why: string;
  /** The claim's planned units at these parameters (cut claims): the information fraction of a
   * look is its units over the paper's. */
  units?: (p: P) => number;
}

/** A figure's rounds: the parameters that count seeds per configuration, and its claims. */
export interface FigureCuts<P> {
  counts: (keyof P & string)[];
  claims: Record<string, ClaimCut<P>>;
}

/** Rounds of the doubling schedule. */
export const LOOKS = 5;

// deno-lint-ignore no-explicit-any
type Params = any;

const TREND =
  "a trend over trials: Pearson r estimates the same correlation at every n (each round " +
  "adds the same seeds to every value of the sweep), and its z grows as √n";
const RATE = "a rate over trials: k/n estimates the same rate at every n";
const MONOTONE = "monotone in the trials: one exception (hit) is a fact, and 'none in ≥ 59' can " +
  "happen at one look only; no spending needed";

/** A claim that may be cut: why, and its units at a figure's parameters. */
const mayBeCut = (why: string, units: (p: Params) => number): ClaimCut<Params> => ({
  cut: true,
  why,
  units,
});

/** Fig. 6 (middle)'s rates over a fifth of the (embedding, factor) pairs. */
const FIFTH_RATE: ClaimCut<Params> = mayBeCut(
  `${RATE} (the fifth is fixed by the initial signals, before any trial)`,
  (p) => Math.max(1, Math.floor((p.embeddings * p.factors.length) / 5)) * p.trials,
);

/**
 * The claims of each figure that runs in rounds, and whether each may be cut. Figures not listed
 * (one-run figures, Fig. 9's sweep of R² that no claim tests) run to the paper's N.
 */
export const CUTS: Record<string, FigureCuts<Params>> = {
  fig4: {
    counts: ["seeds"],
    claims: {
      "test loss d > p vs d < p, at each snapshot: rank-sum over runs": mayBeCut(
        "a direction at every snapshot over runs (rank-sum): the same comparison at every n",
        (p) => p.dims.filter((d: number) => d !== 59).length * p.seeds,
      ),
      "step 10 000: test loss d ≤ 20 vs 20 < d ≤ 59, rank-sum over runs": mayBeCut(
        "a direction over runs (rank-sum)",
        (p) => p.dims.filter((d: number) => d <= 59).length * p.seeds,
      ),
      "step 10000: test loss at d = p vs |d − p| ≤ 5, rank-sum over runs": mayBeCut(
        "a direction over runs (rank-sum)",
        (p) => p.dims.filter((d: number) => Math.abs(d - 59) <= 5).length * p.seeds,
      ),
    },
  },
  fig5: {
    counts: ["pTrials", "dTrials"],
    claims: {
      "#circles rises with p: Pearson r over trials": mayBeCut(
        TREND,
        (p) => p.ps.length * p.pTrials,
      ),
      "#circles rises with d: Pearson r over trials": mayBeCut(
        TREND,
        (p) => p.ds.length * p.dTrials,
      ),
      "(p, d) = (59, 128): trials with three or more circles": {
        cut: true,
        why: RATE,
        // the two sweeps' (59, 128) trials, each once: seeds 0.. of the larger count
        units: (p) =>
          Math.max(p.ps.includes(59) ? p.pTrials : 0, p.ds.includes(128) ? p.dTrials : 0),
      },
    },
  },
  fig6l: {
    counts: ["trials"],
    claims: {
      "survival rate rises with the initial signal: Pearson r, its p-value": {
        cut: false,
        why: "its units are the (embedding, k) points, as many at every n: more trials only " +
          "sharpen each point's rate, so r's expectation grows with n (attenuation) and the " +
          "looks are not those of units added",
      },
      "Pearson r(initial signal, survival rate) carried to 50 trials per rate, against the paper's 0.85":
        {
          cut: false,
          why: "r over rates from m trials each is attenuated by their binomial noise: its " +
            "expectation depends on m; the projection to the paper's 50 trials per rate corrects " +
            "it only approximately (its interval leaves the correction's own noise out)",
        },
      "the largest initial frequency of an embedding dies: trials": mayBeCut(
        MONOTONE,
        (p) => p.embeddings * p.trials,
      ),
    },
  },
  fig6m: {
    counts: ["trials"],
    claims: {
      "survival of k = 25, top fifth of deviations: trials": FIFTH_RATE,
      "survival of k = 25, bottom fifth of deviations: trials": FIFTH_RATE,
    },
  },
  fig6r: {
    counts: ["seeds"],
    claims: {
      "the largest (k=1) survives: runs where it died": mayBeCut(
        MONOTONE,
        (p) => p.ratios.length * p.seeds,
      ),
      "the second's (k=2) survival rises with r: Pearson r(log r, survived) over trials": mayBeCut(
        TREND,
        (p) => p.ratios.length * p.seeds,
      ),
      "near-zero frequencies revived (circles other than k = 1, 2): runs": mayBeCut(
        MONOTONE,
        (p) => p.ratios.length * p.seeds,
      ),
    },
  },
  fig7: {
    counts: ["trials"],
    claims: {
      "survivors had larger step-4 gradients: sign test over trials (survived − died)": mayBeCut(
        "a direction over trials (exact sign test)",
        (p) => p.trials,
      ),
      "linear SVM accuracy on (step-4 gradient, initial signal), held-out 20 %": {
        cut: false,
        why: "the held-out 20 % is drawn afresh from all n·29 points at each n (so looks are " +
          "not nested), and a classifier's accuracy depends on its training set's size (a " +
          "learning curve): its expectation depends on n",
      },
    },
  },
  fig10: {
    counts: ["trials"],
    claims: {
      "fewer circles as wd grows (0.1..1.5): Pearson r over trials": mayBeCut(
        TREND,
        (p) => p.high.length * p.trials,
      ),
      "wd = 0: trials in which a frequency's final signal is ≤ 10": mayBeCut(
        MONOTONE,
        (p) => p.trials,
      ),
      [`wd = 0: trials that generalise (test acc ≥ ${1 - ALMOST})`]: mayBeCut(
        MONOTONE,
        (p) => p.trials,
      ),
    },
  },
  fig11: {
    counts: ["trials"],
    claims: {
      "circularity at init rises with d: Pearson r over embeddings, mean over k": mayBeCut(
        "measured on initial embeddings, exactly, with no trial: the same at every round",
        (p) => p.dims.length * p.embeddings,
      ),
      "circularity at init rises with d: Pearson r over embeddings, largest over k": mayBeCut(
        "measured on initial embeddings, exactly, with no trial: the same at every round",
        (p) => p.dims.length * p.embeddings,
      ),
      "d = 128: circularity at init, survived vs died: Student's t": {
        cut: false,
        why: "a measurement the text asks to be reported (no verdict), over the frequencies of " +
          "the paper's 50 trials: at fewer trials it is another measurement",
      },
    },
  },
  fig14: {
    counts: ["trials", "primeTrials"],
    claims: {
      "#circles rises with the modulus: Pearson r over trials": mayBeCut(
        TREND,
        (p) => p.moduli.length * p.trials,
      ),
      "more variation than Fig. 5(Left): variance of the counts about a line in p, Fig. 14 / Fig. 5":
        mayBeCut(
          "residual variances about a least-squares line (sums of squares over n − 2) are " +
            "unbiased at every n, the design the same at every round",
          (p) => p.moduli.length * p.trials + p.primes.length * p.primeTrials,
        ),
    },
  },
};

/** The rounds' entry of a figure, if it has one. */
// deno-lint-ignore no-explicit-any
export function cutsOf(fig: Figure<any>): FigureCuts<Params> | undefined {
  return CUTS[fig.id];
}

/** Whether a figure runs in rounds: it has an entry and every claim of it may be cut. */
// deno-lint-ignore no-explicit-any
export function mayCut(fig: Figure<any>): boolean {
  const c = cutsOf(fig);
  return c !== undefined && Object.values(c.claims).every((x) => x.cut);
}

/**
 * A figure's parameters at round `look` of `looks`: each seed count of the scale's parameters
 * cut to the doubling schedule's ⌈M / 2^(looks − look)⌉ (the last round: the scale's own).
 *
 * @example
 * ```ts
 * import { lookParams } from "./rounds.ts";
 * import { fig05 } from "./fig05.ts";
 * const p = lookParams(fig05, "paper", 2);
 * if (p.pTrials !== 13 || p.dTrials !== 7) throw new Error(`${p.pTrials} ${p.dTrials}`);
 * ```
 */
export function lookParams<P>(fig: Figure<P>, scale: Scale, look: number, looks = LOOKS): P {
  const c = cutsOf(fig), base = fig.params[scale] as Record<string, unknown>;
  if (!(Number.isInteger(look) && look >= 1 && look <= looks)) {
    throw new AnalysisError(`round ${look}: allowed is an integer 1..${looks}`);
  }
  if (!c) return base as P;
  const out: Record<string, unknown> = { ...base };
  for (const k of c.counts) {
    // ⌈M / 2^(looks − look)⌉: the doubling schedule's count at this round
    out[k] = doublingCount(base[k] as number, look, looks);
  }
  return out as P;
}

/** The rounds of a figure at a scale: the schedule's rounds (repeats dropped) if it may be cut,
 * else one round at the scale's own parameters. */
export function rounds<P>(
  fig: Figure<P>,
  scale: Scale,
  looks = LOOKS,
): { look: number; params: P }[] {
  if (!mayCut(fig)) return [{ look: 1, params: fig.params[scale] }];
  const out: { look: number; params: P }[] = [];
  for (let j = 1; j <= looks; j++) {
    const params = lookParams(fig, scale, j, looks);
    const prev = out.at(-1);
    if (prev && JSON.stringify(prev.params) === JSON.stringify(params)) continue;
    out.push({ look: out.length + 1, params });
  }
  return out;
}

/**
 * A figure's rounds as a plan for `../analysis/sequential_rounds.ts`: its trials at each round
 * and each claim's cut, why, and planned units per round (one round, at the scale's N, when a
 * claim may not be cut or the figure has no entry).
 *
 * @example
 * ```ts
 * import { roundsPlan } from "./rounds.ts";
 * import { fig06r } from "./fig06r.ts";
 * const plan = roundsPlan(fig06r, "paper");
 * if (plan.trials.join(" ") !== "112 208 400 800 1600") throw new Error(plan.trials.join(" "));
 * ```
 */
export function roundsPlan<P>(fig: Figure<P>, scale: Scale, looks = LOOKS): RoundsPlan {
  const rs = rounds(fig, scale, looks), c = cutsOf(fig);
  return {
    trials: rs.map((r) => fig.requests(r.params).length),
    claims: Object.entries(c?.claims ?? {}).map(([name, x]) => ({
      name,
      cut: x.cut && rs.length > 1,
      why: x.why,
      ...(x.cut && x.units && rs.length > 1 ? { units: rs.map((r) => x.units!(r.params)) } : {}),
    })),
  };
}

/** The claims that are never cut, figure by figure, and why. */
export function notCut(): { figure: string; claim: string; why: string }[] {
  return Object.entries(CUTS).flatMap(([figure, f]) =>
    Object.entries(f.claims).filter(([, c]) => !c.cut).map(([claim, c]) => ({
      figure,
      claim,
      why: c.why,
    }))
  );
}
