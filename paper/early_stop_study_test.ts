import { deepEqual, equal } from "node:assert/strict";
import { earlyStopStudy, GOAL } from "./early_stop_study.ts";
import { STUDY_SIZE, studyRuns } from "./early_stop_runs.ts";
import {
  candidateRules,
  chooseRule,
  DEFAULT_EARLY_STOP,
  type Trajectory,
} from "../analysis/early_stop.ts";
import { ResultsStore } from "../store/store.ts";
import { loadResult, requestKey } from "../store/requests.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const p = 59, steps = 4000;
/** The training version studies/verdict.sqlite's runs were trained at (the lead retrains the
 * study under the current one; this test reads the committed runs until then). */
const STUDY_VERSION = "4";
const params = {
  scale: "paper" as const,
  size: { tunePaper: 2, tuneSpread: 0, validatePaper: 2, validateSpread: 0 },
  steps,
  checkpoints: [1000, 2000, 3000],
  settle: 600,
};
const loggedAt = Array.from({ length: steps / 100 }, (_, i) => 100 * (i + 1));

/** A study run whose circles are `early` until `switchAt` and `late` after; NaN once diverged. */
const run = (early: number[], late: number[], switchAt = steps + 1, diverged = false) =>
  syntheticTrial({
    config: { p, d: 128, steps },
    loggedAt,
    signals: [0, ...loggedAt].map((t) =>
      diverged && t > 1500
        ? symmetric(p, () => NaN)
        : t === 0
        ? symmetric(p, () => 87)
        : survivors(p, t < switchAt ? early : late)
    ),
    divergedAt: diverged ? 1600 : null,
  });

Deno.test("the study: agreement by step, settled finals, disagreements classified, a rule chosen on tuning runs and validated on the others", async () => {
  // runs in studyRuns' order: tune 0, validate 1000, tune 1, validate 1001
  const settledEarly = await earlyStopStudy.compute(
    params,
    [run([2, 5, 9], [2, 5, 9]), run([3, 4], [3, 4]), run([7], [7]), run([1, 8], [1, 8])],
    "paper",
  );
  const lateDeath = await earlyStopStudy.compute(
    params,
    // validation run 1000 loses circle 4 at step 3 500, after every candidate rule has stopped
    [run([2, 5, 9], [2, 5, 9]), run([3, 4], [3], 3500), run([7], [7]), run([1, 8], [1, 8])],
    "paper",
  );
  const diverged = await earlyStopStudy.compute(
    params,
    [run([2, 5, 9], [2, 5, 9]), run([3, 4], [3, 4]), run([7], [7], steps + 1, true), run([1], [1])],
    "paper",
  );
  for (const out of [settledEarly, lateDeath, diverged]) {
    assertVerdicts(out.claims, ["REPORTED", "REPORTED", "REPORTED"], "the text has no bar");
  }
  assertBothWays([settledEarly.claims, lateDeath.claims]);
  const agreement = (out: typeof settledEarly) =>
    (out.data.checkpoints as { agree: number; of: number }[]).map((c) => `${c.agree}/${c.of}`);
  equal(agreement(settledEarly).join(" "), "4/4 4/4 4/4");
  equal(agreement(lateDeath).join(" "), "3/4 3/4 3/4", "run 1000 changes at 3 500");
  equal(agreement(diverged).join(" "), "3/3 3/3 3/3", "the diverged run is left out");
  const v = (out: typeof settledEarly) => out.data.validation as { agree: number; of: number };
  deepEqual([v(settledEarly).agree, v(settledEarly).of], [2, 2]);
  deepEqual(
    [v(lateDeath).agree, v(lateDeath).of],
    [1, 2],
    "the late death is caught on validation",
  );
  const kinds = lateDeath.data.kinds as Record<string, number>;
  equal(kinds["late death"], 1, JSON.stringify(lateDeath.data.disagreements));
  const settled = (out: typeof settledEarly) => (out.data.settled as { settled: number }).settled;
  equal(settled(settledEarly), 4);
  equal(settled(lateDeath), 3, "a set that moves within the last 600 steps is not settled");
  const signalPanels = (out: typeof settledEarly) =>
    out.panels.filter((p) => p.file.startsWith("signals_"));
  equal(signalPanels(settledEarly).length, 0, "no disagreement, no signal panel");
  const late = signalPanels(lateDeath);
  deepEqual(
    late.map((p) => p.file),
    [
      "signals_current_p59_d128_wd0.5_seed0.png",
      "signals_earlier_p59_d128_wd0.5_seed0.png",
      "signals_chosen_p59_d128_wd0.5_seed0.png",
      "signals_unsettled_p59_d128_wd0.5_seed0.png",
    ],
    "both rules stop before the late death; the final set moved within the last 600 steps",
  );
  const unsettledLabels = late[3].kind === "line" ? late[3].series.map((s) => s.label) : [];
  deepEqual(unsettledLabels, ["k = 3", "k = 4", "threshold 2·mean"], "never stopped: no stop line");
  const labels = late[0].kind === "line" ? late[0].series.map((s) => s.label) : [];
  deepEqual(
    labels,
    ["k = 3", "k = 4", "threshold 2·mean", "stop"],
    "verdict ∪ final, threshold, stop",
  );
});

Deno.test("--until-decided's rule is the one the study chose on its stored tuning runs (studies/verdict.sqlite)", async () => {
  const store = await ResultsStore.open(
    new URL("../studies/verdict.sqlite", import.meta.url).pathname,
    { readOnly: true },
  );
  try {
    const tune: Trajectory[] = [];
    // The committed study was trained at training version 4; its runs are read under that
    // version's keys until the study is retrained under the current one.
    for (const s of studyRuns(STUDY_SIZE, 30000).filter((s) => s.set === "tune")) {
      const r = loadResult(store, await requestKey(s.request, "asm", { version: STUDY_VERSION }));
      tune.push({ p: r.config.p, signals: r.signals, loggedAt: r.loggedAt });
    }
    equal(tune.length, STUDY_SIZE.tunePaper + STUDY_SIZE.tuneSpread);
    const chosen = chooseRule(tune, candidateRules(), GOAL.meanStop);
    deepEqual(
      DEFAULT_EARLY_STOP,
      chosen.rule,
      `chosen: ${JSON.stringify(chosen)}; default: ${JSON.stringify(DEFAULT_EARLY_STOP)}`,
    );
  } finally {
    store.close();
  }
});
