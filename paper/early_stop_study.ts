/**
 * The early-stop study: when are a run's surviving circles decided, and can a rule
 * stop a trial there and still give the circles it would have after 30 000 steps? Full
 * 30 000-step runs (paper/early_stop_runs.ts: 20 at the paper's p = 59, d = 128, wd = 0.5, 40
 * spread over p, d and wd), logged every 100th update. On them:
 *
 * - how often the circles at an earlier step already equal those at the end (the quick scale's
 *   6 000 steps among them);
 * - whether the final set itself is settled (unchanged over the last 5 000 steps);
 * - each disagreement of the current rule classified: a late death, a late revival, a swap, or
 *   flicker of a frequency at the survivor threshold;
 * - a rule chosen on the tuning runs alone (the most agreement, then the fewest steps, among
 *   rules whose mean cost is at most 6 000 steps) and validated on runs it never saw: agreement
 *   with its 95 % Clopper–Pearson interval, and the mean stop.
 *
 * The paper trains every run 30 000 steps and says nothing of fewer, so these are reported, not
 * judged; the study's target (≥ 97 % agreement at a mean stop ≤ 6 000) stands beside them.
 *
 * @module
 */
import {
  candidateRules,
  chooseRule,
  classify,
  DEFAULT_EARLY_STOP,
  type Disagreement,
  type EarlyStopRule,
  finalSettled,
  readCircles,
  replay,
  scoreRule,
  type Trajectory,
} from "../analysis/early_stop.ts";
import { rateInterval } from "../analysis/stats.ts";
import { type Claim, fmt, onlyAt, type Quote, reported } from "./claims.ts";
import type { Figure, Scale } from "./figure.ts";
import type { Panel, Series } from "./panel.ts";
import { QUICK_SURVIVAL_STEPS } from "./runs.ts";
import { converged } from "./trial_views.ts";
import { csv } from "./csv.ts";
import { STUDY_SIZE, studyRuns, type StudySize } from "./early_stop_runs.ts";
import type { TrialResult } from "../store/requests.ts";

const STEPS: Quote = {
  section: "App. E",
  text: "In each experiment, the model is trained for 3×10^4 steps.",
};

/** The study's target for a rule: agreement on validation runs, and its mean stop. */
export const GOAL = { agreement: 0.97, meanStop: 6000 } as const;

interface Params {
  scale: Scale;
  size: StudySize;
  steps: number;
  /** Steps at which the circles are compared with the final ones. */
  checkpoints: number[];
  /** The settled-final window. */
  settle: number;
}

/** A study run read as a trajectory. */
const trajectory = (r: TrialResult): Trajectory => ({
  p: r.config.p,
  signals: r.signals,
  loggedAt: r.loggedAt,
});

const keyAt = (r: TrialResult, step: number) => readCircles(r.signalsAt(step)).key;

const ruleText = (r: EarlyStopRule) =>
  `from step ${r.minSteps}, every ${r.every}: circles unchanged over ${r.window} steps, ` +
  `weakest survivor ≥ ${r.separation}× the strongest other` +
  (r.margin > 1 ? `, both ${r.margin}× clear of the survivor threshold` : "") +
  (r.trend ? ", losers not growing and winners holding over the window" : "");

/** The rule `--until-decided` had before this study (a first measurement on 30 runs: 25 agreed). */
export const EARLIER_RULE: EarlyStopRule = {
  every: 100,
  minSteps: 2000,
  window: 2000,
  separation: 4,
  margin: 1,
  trend: false,
};

/** At most this many disagreeing runs get a panel of their signals. */
const SIGNAL_PANELS = 8;

/**
 * A disagreeing run's signals: every frequency in its verdict or its final set, the survivor
 * threshold (2 × the mean signal), and the step where the rule stopped — so a reader sees whether
 * a circle died late, revived, or flickered at the threshold.
 */
function signalPanel(r: TrialResult, stop: number | null, who: string, file: string) {
  const p = r.config.p, half = Math.floor((p - 1) / 2);
  const steps = [0, ...Array.from(r.loggedAt)];
  const rows = steps.map((_, i) => Array.prototype.slice.call(r.signals, i * p, (i + 1) * p));
  const involved = new Set<number>();
  // the circles at the stop (or, for a run never stopped, at every step of its last 5 000) and at
  // the end
  const looked = stop !== null
    ? [stop]
    : Array.from(r.loggedAt).filter((t) => t >= r.stepsDone - 5000);
  for (const key of [...looked.map((t) => keyAt(r, t)), keyAt(r, r.stepsDone)]) {
    for (const k of key.split(",").filter(Boolean)) involved.add(Math.min(+k, p - +k));
  }
  const ks = [...involved].filter((k) => k >= 1 && k <= half).sort((a, b) => a - b);
  const threshold = rows.map((row) => (2 * row.reduce((a, b) => a + b, 0)) / p);
  const top = Math.max(...threshold, ...ks.flatMap((k) => rows.map((row) => row[k])));
  const c = r.config;
  return {
    kind: "line" as const,
    file,
    title: `${who}: seed ${c.seed}, p ${p}, d ${c.d}, wd ${c.wd} — ${
      stop !== null ? `stopped at ${stop}, circles ${keyAt(r, stop) || "none"} there, ` : ""
    }${keyAt(r, r.stepsDone) || "none"} at ${r.stepsDone}`,
    xLabel: "step",
    yLabel: "signal",
    series: [
      ...ks.map((k): Series => ({
        label: `k = ${k}`,
        x: steps,
        y: rows.map((row) => row[k]),
      })),
      { label: "threshold 2·mean", x: steps, y: threshold, dashed: true, color: "#555555" },
      ...(stop !== null
        ? [{ label: "stop", x: [stop, stop], y: [0, top], color: "#d62728", dashed: true }]
        : []),
    ],
  };
}

const sameRule = (a: EarlyStopRule, b: EarlyStopRule) =>
  (Object.keys(a) as (keyof EarlyStopRule)[]).every((k) => a[k] === b[k]);

/** The rate of `k` in `n` with its 95 % Clopper–Pearson interval (NaN for no runs). */
const ci = (k: number, n: number) =>
  n > 0 ? rateInterval(k, n) : { rate: NaN, low: NaN, high: NaN };

/** `k/n` with its 95 % interval, as the claims and notes print it. */
const interval = (k: number, n: number) =>
  `${k}/${n} (95 % CI ${fmt(ci(k, n).low)}–${fmt(ci(k, n).high)})`;

/** The runs of each rule the study judges, by tag. */
const WHO = { current: "--until-decided's rule", earlier: "the rule before the study" };

/** How often the circles at each checkpoint before the end are already the final ones. */
function checkpointAgreement(runs: TrialResult[], checkpoints: number[], steps: number) {
  const finals = runs.map((r) => keyAt(r, r.stepsDone));
  return checkpoints.filter((c) => c < steps).map((c) => {
    const k = runs.filter((r, i) => keyAt(r, c) === finals[i]).length;
    return { step: c, agree: k, of: runs.length, ...ci(k, runs.length) };
  });
}

/** The disagreements of --until-decided's rule and of the rule before the study (when it
 * differs), each classified, and the current rule's count of each kind. */
function ruleDisagreements(runs: TrialResult[]) {
  const studied = [
    { tag: "current" as const, rule: DEFAULT_EARLY_STOP },
    ...(sameRule(EARLIER_RULE, DEFAULT_EARLY_STOP)
      ? []
      : [{ tag: "earlier" as const, rule: EARLIER_RULE }]),
  ];
  const disagreeing = studied.flatMap(({ tag, rule }) =>
    runs.flatMap((r) => {
      const o = replay(trajectory(r), rule);
      return o.agrees || o.stop === null
        ? []
        : [{ r, stop: o.stop, tag, kind: classify(trajectory(r), o.stop) }];
    })
  );
  const disagreements = disagreeing.map(({ r, stop, tag, kind }) => ({
    seed: r.config.seed,
    p: r.config.p,
    d: r.config.d,
    wd: r.config.wd,
    stop,
    kind,
    rule: tag,
  }));
  const kinds: Record<Disagreement, number> = {
    "late death": 0,
    "late revival": 0,
    swap: 0,
    flicker: 0,
  };
  for (const x of disagreeing) if (x.tag === "current") kinds[x.kind]++;
  return { studied, disagreeing, disagreements, kinds };
}

/** A rule's agreement and mean stop on the validation runs. */
function validationOf(validate: TrialResult[], rule: EarlyStopRule) {
  const v = scoreRule(validate.map(trajectory), rule);
  return { agree: v.agree, of: v.runs, meanStop: v.meanCost };
}

/** The rule chosen on the tuning runs alone, and its outcome on each validation run. */
function chooseAndValidate(tune: TrialResult[], validate: TrialResult[]) {
  const chosen = tune.length
    ? chooseRule(tune.map(trajectory), candidateRules(), GOAL.meanStop)
    : scoreRule([], DEFAULT_EARLY_STOP);
  const onValidation = scoreRule(validate.map(trajectory), chosen.rule);
  const currentOnValidation = validationOf(validate, DEFAULT_EARLY_STOP);
  const outcomes = validate.map((r) => replay(trajectory(r), chosen.rule));
  const stops = outcomes.map((o) => o.cost);
  const chosenMisses = validate.flatMap((r, i) => {
    const o = outcomes[i];
    return o.agrees || o.stop === null ? [] : [{ r, stop: o.stop }];
  });
  return { chosen, onValidation, currentOnValidation, outcomes, stops, chosenMisses };
}

/** Everything the study measures on its runs, before it is drawn and written. */
function measure(
  { size, steps, checkpoints, settle }: Params,
  results: TrialResult[],
) {
  const sets = studyRuns(size, steps).map((r) => r.set);
  const { runs, diverged } = converged(results);
  const setOf = new Map(results.map((r, i) => [r, sets[i]]));
  const tune = runs.filter((r) => setOf.get(r) === "tune");
  const validate = runs.filter((r) => setOf.get(r) === "validate");
  // is the final set itself settled?
  const unsettled = runs.filter((r) => !finalSettled(trajectory(r), settle));
  return {
    runs,
    diverged,
    tune,
    validate,
    agree: checkpointAgreement(runs, checkpoints, steps),
    unsettled,
    settled: runs.length - unsettled.length,
    ...ruleDisagreements(runs),
    ...chooseAndValidate(tune, validate),
  };
}

/** The study's measurements. */
type Study = ReturnType<typeof measure>;

/** The signals panels of the first disagreeing runs: the studied rules', the chosen rule's on
 * validation, then the runs whose final set is not settled. */
function signalPanels(m: Study, settle: number) {
  return [
    ...m.disagreeing.map((x) => ({ ...x, who: WHO[x.tag] })),
    ...m.chosenMisses.map((x) => ({ ...x, who: "chosen rule (validation)", tag: "chosen" })),
    ...m.unsettled.map((r) => ({
      r,
      stop: null,
      who: `final set not settled over the last ${settle} steps`,
      tag: "unsettled",
    })),
  ].slice(0, SIGNAL_PANELS).map((x) =>
    signalPanel(
      x.r,
      x.stop,
      x.who,
      `signals_${x.tag}_p${x.r.config.p}_d${x.r.config.d}_wd${x.r.config.wd}_seed${x.r.config.seed}.png`,
    )
  );
}

/** The agreement-by-step panel and the chosen rule's stops on the validation runs. */
function studyPanels(m: Study, steps: number): Panel[] {
  const { agree, stops, outcomes } = m;
  const x = agree.map((a) => a.step);
  const band = (y: number[], label: string): Series => ({
    label,
    x,
    y,
    dashed: true,
    color: "#9ecae1",
  });
  return [
    {
      kind: "line",
      file: "agreement.png",
      title: `Circles at step t equal those at step ${steps} (${m.runs.length} runs, 95 % CI)`,
      xLabel: "step t",
      yLabel: "fraction of runs",
      series: [
        { label: "agreement", x, y: agree.map((a) => a.rate), radius: 4 },
        band(agree.map((a) => a.low), "95 % CI"),
        band(agree.map((a) => a.high), ""),
      ],
    },
    {
      kind: "line",
      file: "validation_stops.png",
      title: `Chosen rule on ${m.validate.length} validation runs: where it stops (red: disagrees)`,
      xLabel: "validation run",
      yLabel: "stop step",
      series: [
        {
          label: "agrees",
          x: stops.map((_, i) => i),
          y: stops.map((s, i) => outcomes[i].agrees ? s : NaN),
          points: true,
        },
        {
          label: "disagrees",
          x: stops.map((_, i) => i),
          y: stops.map((s, i) => outcomes[i].agrees ? NaN : s),
          points: true,
          color: "#d62728",
        },
      ],
    },
  ];
}

/** The study's claims, reported (the paper says nothing of fewer steps), decided only at the
 * paper's scale. */
function studyClaims(m: Study, { scale, steps, settle }: Params): Claim[] {
  const quick = m.agree.find((a) => a.step === QUICK_SURVIVAL_STEPS);
  const { onValidation } = m;
  return [
    reported({
      name: `circles at step ${QUICK_SURVIVAL_STEPS} (quick sweeps) = at ${steps}: runs`,
      quote: STEPS,
      words: "trained for 3×10^4 steps",
      because:
        "the text trains every run 30 000 steps and says nothing of fewer: how often fewer give the same circles is measured",
      measured: quick ? interval(quick.agree, quick.of) : "-",
      paper: "30 000 steps",
    }),
    reported({
      name: `final circles settled over the last ${settle} steps: runs`,
      quote: STEPS,
      words: "trained for 3×10^4 steps",
      because: "whether 30 000 steps is itself a settled target",
      measured: interval(m.settled, m.runs.length),
      paper: "30 000 steps",
    }),
    reported({
      name: "chosen rule's verdict = circles at the end: validation runs",
      quote: STEPS,
      words: "trained for 3×10^4 steps",
      because: `the study's target is ≥ ${
        GOAL.agreement * 100
      } % at a mean stop ≤ ${GOAL.meanStop}; the paper has no bar`,
      measured: `${interval(onValidation.agree, onValidation.runs)}, mean stop ${
        onValidation.meanCost.toFixed(0)
      }`,
      paper: "30 000 steps",
    }),
  ].map((c) =>
    onlyAt(scale === "paper", c, "needs the study's 60 runs of 30 000 steps (paper scale)")
  );
}

/** The study's notes: the run sets, the chosen rule, each rule's disagreements, the unsettled
 * runs and the agreement at each checkpoint. */
function studyNotes(m: Study, settle: number): string[] {
  const { chosen, onValidation, currentOnValidation, unsettled } = m;
  return [
    ...(m.diverged ? [`${m.diverged} run(s) diverged and are left out.`] : []),
    `Tuning runs: ${m.tune.length}; validation runs: ${m.validate.length} (disjoint seeds).`,
    `Chosen on the tuning runs (${chosen.agree}/${chosen.runs} agree, mean stop ${
      chosen.meanCost.toFixed(0)
    }): ${ruleText(chosen.rule)}. ${
      sameRule(chosen.rule, DEFAULT_EARLY_STOP)
        ? "It is --until-decided's rule."
        : `--until-decided's rule is ${ruleText(DEFAULT_EARLY_STOP)}.`
    }`,
    `On the validation runs the chosen rule agrees in ${
      interval(onValidation.agree, onValidation.runs)
    } at a mean stop of ${onValidation.meanCost.toFixed(0)} steps; --until-decided's rule in ${
      interval(currentOnValidation.agree, currentOnValidation.of)
    } at ${currentOnValidation.meanStop.toFixed(0)}. Goal: ≥ ${
      GOAL.agreement * 100
    } % at ≤ ${GOAL.meanStop}.`,
    ...m.studied.map(({ tag }) => {
      const mine = m.disagreements.filter((x) => x.rule === tag);
      return `${WHO[tag]}'s disagreements: ${
        mine.length
          ? mine.map((x) =>
            `seed ${x.seed} (p ${x.p}, d ${x.d}, wd ${x.wd}) stopped at ${x.stop}: ${x.kind}`
          ).join("; ")
          : "none"
      }.`;
    }),
    ...(unsettled.length
      ? [
        `Final set not settled over the last ${settle} steps: ${
          unsettled.map((r) =>
            `seed ${r.config.seed} (p ${r.config.p}, d ${r.config.d}, wd ${r.config.wd})`
          ).join("; ")
        } — see its signals panel.`,
      ]
      : []),
    ...m.agree.map((a) =>
      `step ${a.step}: ${a.agree}/${a.of} runs already have their final circles (95 % CI ${
        fmt(a.low)
      }–${fmt(a.high)}).`
    ),
  ];
}

/** The study's data.json: the agreement, the settled count, the rules, their disagreements, and
 * the chosen rule on the tuning and validation runs. */
function studyData(m: Study, settle: number) {
  const { chosen, onValidation } = m;
  return {
    checkpoints: m.agree,
    settled: { settled: m.settled, of: m.runs.length, window: settle },
    currentRule: DEFAULT_EARLY_STOP,
    earlierRule: EARLIER_RULE,
    earlierOnValidation: validationOf(m.validate, EARLIER_RULE),
    disagreements: m.disagreements,
    kinds: m.kinds,
    chosen: { rule: chosen.rule, tune: { agree: chosen.agree, of: chosen.runs } },
    validation: {
      agree: onValidation.agree,
      of: onValidation.runs,
      ...ci(onValidation.agree, onValidation.runs),
      meanStop: onValidation.meanCost,
      stops: m.stops,
    },
    currentOnValidation: m.currentOnValidation,
    goal: GOAL,
  };
}

/** The study's tables: agreement by step, and the chosen rule on each validation run. */
function studyCsv(m: Study): Record<string, string> {
  return {
    "agreement.csv": csv(
      ["step", "agree", "of", "ci_low", "ci_high"],
      m.agree.map((a) => [a.step, a.agree, a.of, a.low, a.high]),
    ),
    "validation.csv": csv(
      ["seed", "p", "d", "wd", "stop", "agrees"],
      m.validate.map((r, i) => [
        r.config.seed,
        r.config.p,
        r.config.d,
        r.config.wd,
        m.outcomes[i].cost,
        m.outcomes[i].agrees ? 1 : 0,
      ]),
    ),
  };
}

export const earlyStopStudy: Figure<Params> = {
  id: "decided",
  title: "Early verdict: are the circles decided before 30 000 steps?",
  spec:
    "60 runs of 30 000 steps (20 at p=59, d=128, wd 0.5; 40 over p ∈ {31, 43, 97}, d ∈ {64, 128}, wd ∈ {0.3, 0.5, 1.0}); a stopping rule chosen on 20 of them, validated on the other 40",
  claim:
    "survival is decided long before step 30 000 — measured on runs the rule never saw, not assumed",
  params: {
    paper: {
      scale: "paper",
      size: STUDY_SIZE,
      steps: 30000,
      checkpoints: [2000, 4000, QUICK_SURVIVAL_STEPS, 10000, 20000],
      settle: 5000,
    },
    quick: {
      scale: "quick",
      size: { tunePaper: 1, tuneSpread: 1, validatePaper: 1, validateSpread: 1 },
      steps: 30000,
      checkpoints: [2000, 4000, QUICK_SURVIVAL_STEPS, 10000, 20000],
      settle: 5000,
    },
    tiny: {
      scale: "tiny",
      size: { tunePaper: 1, tuneSpread: 1, validatePaper: 1, validateSpread: 1 },
      steps: 400,
      checkpoints: [100, 200],
      settle: 100,
    },
  },
  requests: ({ size, steps }) => studyRuns(size, steps).map((r) => r.request),
  compute(params, results) {
    const m = measure(params, results);
    return {
      data: studyData(m, params.settle),
      csv: studyCsv(m),
      panels: [...studyPanels(m, params.steps), ...signalPanels(m, params.settle)],
      claims: studyClaims(m, params),
      notes: studyNotes(m, params.settle),
    };
  },
};
