import { assert, assertEquals } from "../tests/assert.ts";
import { cellStats, type TrialOutcome } from "../analysis/circle_stats.ts";
import { SequentialRounds } from "../analysis/sequential_rounds.ts";
import { rng } from "../analysis/sequential_sim.ts";
import { makeConfig } from "../protocol/config.ts";
import { parseGridAxis } from "../protocol/grid_spec.ts";
import { ResultsStore } from "../store/store.ts";
import { finishedCounter } from "../tests/helpers.ts";
import { runSweep, sweepContrasts, type SweepRow } from "./grid_sweep.ts";
import { contrastClaim, contrastName, runSweepInRounds } from "./sweep_rounds.ts";
import { doublingSchedule } from "../analysis/sequential.ts";

/** A cell's simulated #circles: 2 + i with probability `probs[i]`, plus `shift` (an integer). */
function draw(u: () => number, probs: number[], shift: number): number {
  let x = u(), i = 0;
  while (i < probs.length - 1 && x >= probs[i]) x -= probs[i++];
  return 2 + i + shift;
}

const outcome = (circles: number, seed: number): TrialOutcome => ({
  seed,
  circles: Array.from({ length: circles }, (_, k) => k + 1),
  grokStep: 100,
  finalTrainLoss: 0,
  finalTestLoss: 0,
});

/**
 * Simulated sweeps of one axis with two levels, M seeds a cell, through the code the sweep runs
 * (`sweepContrasts` → `contrastClaim` → `SequentialRounds`): how often each decision is reached
 * and the seeds a cell it took.
 */
function simulateSweeps(
  o: { M: number; probs: number[]; shift: number; runs: number; seed: number },
): { higher: number; lower: number; undecided: number; meanSeeds: number; early: number } {
  const u = rng(o.seed), axes = [parseGridAxis("wd=0.5,1")];
  const seedsAt = doublingSchedule(o.M);
  const config = makeConfig({ p: 59 });
  const name = contrastName({ axis: "wd", level: "1", reference: "0.5", at: {} });
  const out = { higher: 0, lower: 0, undecided: 0, meanSeeds: 0, early: 0 };
  for (let r = 0; r < o.runs; r++) {
    const a = Array.from({ length: o.M }, () => draw(u, o.probs, 0));
    const b = Array.from({ length: o.M }, () => draw(u, o.probs, o.shift));
    const seq = new SequentialRounds({
      trials: seedsAt.map((n) => 2 * n),
      claims: [{ name, cut: true, why: "simulated", units: seedsAt }],
    });
    for (let j = 1; j <= seedsAt.length; j++) {
      const n = seedsAt[j - 1];
      const row = (wd: number, x: number[]): SweepRow => ({
        values: { wd },
        config,
        stats: cellStats(x.slice(0, n).map(outcome), 59),
      });
      const contrasts = sweepContrasts(axes, [row(0.5, a), row(1, b)]);
      const seen = seq.observe(j, contrasts.map((c) => contrastClaim(c)));
      if (seen.stop) {
        const v = seen.claims[0].verdict;
        out[v === "PASS" ? "higher" : v === "FAIL" ? "lower" : "undecided"]++;
        out.meanSeeds += n / o.runs;
        if (j < seedsAt.length) out.early++;
        break;
      }
    }
  }
  return out;
}

// #circles of realistic spread (2..6, mostly 3–4: many ties) and a narrow one (3 four times in five)
const SPREAD = [0.1, 0.35, 0.35, 0.15, 0.05];
const NARROW = [0.1, 0.8, 0.1];
const RUNS = 1000;
// α/2 = 0.025 a side, plus three binomial standard errors at 1 000 runs
const BOUND = 0.025 + 3 * Math.sqrt((0.025 * 0.975) / RUNS);

Deno.test("sweep rounds: with no difference, false 'higher' and false 'lower' each ≤ α/2 over the looks (simulated)", () => {
  for (const M of [8, 20, 64]) {
    for (const [label, probs] of [["spread", SPREAD], ["narrow", NARROW]] as const) {
      const s = simulateSweeps({ M, probs, shift: 0, runs: RUNS, seed: 20261202 + M });
      const hi = s.higher / RUNS, lo = s.lower / RUNS;
      console.log(
        `M ${M}, ${label}: false higher ${hi}, false lower ${lo}, mean seeds ${
          s.meanSeeds.toFixed(1)
        }`,
      );
      assert(
        hi <= BOUND && lo <= BOUND,
        `M ${M}, ${label}: false higher ${hi}, false lower ${lo} against ≤ ${BOUND.toFixed(4)}`,
      );
    }
  }
});

Deno.test("sweep rounds: a clear difference is decided in its direction before the last round (simulated)", () => {
  const s = simulateSweeps({ M: 32, probs: SPREAD, shift: 2, runs: 400, seed: 7 });
  assertEquals(s.lower, 0, `a level with 2 more circles called lower ${s.lower} times`);
  assert(s.higher / 400 > 0.95, `decided higher in ${s.higher} of 400 runs`);
  assert(
    s.early / 400 > 0.5,
    `decided before the last round in ${s.early} of 400 runs, mean seeds a cell ${s.meanSeeds} of 32`,
  );
});

Deno.test("sweep rounds: a control without spending (the fixed-n test at every look) is caught above the bound", () => {
  // the same null sweeps, each look tested at 0.05: the error is not held, and the check sees it
  const u = rng(99), seedsAt = doublingSchedule(64);
  let wrong = 0;
  const axes = [parseGridAxis("wd=0.5,1")], config = makeConfig({ p: 59 });
  for (let r = 0; r < RUNS; r++) {
    const a = Array.from({ length: 64 }, () => draw(u, SPREAD, 0));
    const b = Array.from({ length: 64 }, () => draw(u, SPREAD, 0));
    const decided = seedsAt.some((n) => {
      const row = (wd: number, x: number[]): SweepRow => ({
        values: { wd },
        config,
        stats: cellStats(x.slice(0, n).map(outcome), 59),
      });
      return contrastClaim(sweepContrasts(axes, [row(0.5, a), row(1, b)])[0]).verdict !==
        "INCONCLUSIVE";
    });
    if (decided) wrong++;
  }
  assert(
    wrong / RUNS / 2 > BOUND,
    `unspent looks: false decisions ${wrong / RUNS} (per side ≈ half)`,
  );
});

Deno.test("sweep rounds: a round's trials are the first seeds of the full sweep (same store keys)", async () => {
  const store = await ResultsStore.open(":memory:");
  try {
    const spec = {
      axes: [parseGridAxis("wd=0.5,1")],
      seeds: [3, 1, 4, 1 + 4],
      base: { p: 5, d: 2, steps: 5 },
    };
    const cut = await runSweepInRounds(spec, { store, workers: 1 });
    assertEquals(cut.seedsAt, [1, 2, 4]); // ⌈4/16⌉ = ⌈4/8⌉ = ⌈4/4⌉ = 1, then 2, 4
    assertEquals(cut.rounds.rounds, 3);
    assertEquals(cut.trialsRun, 8);
    assertEquals(cut.decisions.map((d) => d.name), ["wd=1 − wd=0.5"]);
    // the full sweep afterwards trains nothing: the rounds stored exactly its trials
    const full = await runSweep(spec, { store, workers: 1 });
    assertEquals([full.trials, full.trialsRun], [8, 0]);
  } finally {
    store.close();
  }
});

Deno.test("sweep rounds: a grid without contrasts runs once at every seed", async () => {
  const store = await ResultsStore.open(":memory:");
  try {
    const spec = { axes: [parseGridAxis("wd=0.5")], seeds: [0, 1], base: { p: 5, d: 2, steps: 5 } };
    const s = await runSweepInRounds(spec, { store, workers: 1 });
    assertEquals([s.rounds.cut, s.rounds.rounds, s.seedsAt, s.decisions.length], [
      false,
      1,
      [2],
      0,
    ]);
  } finally {
    store.close();
  }
});

Deno.test("sweep rounds with fresh: each trial trained once, not again at every round", async () => {
  const store = await ResultsStore.open(":memory:");
  try {
    const spec = {
      axes: [parseGridAxis("wd=0.5,1")],
      seeds: [0, 1, 2, 3],
      base: { p: 5, d: 2, steps: 5 },
    };
    await runSweepInRounds(spec, { store, workers: 1 });
    const finished = finishedCounter();
    await runSweepInRounds(spec, {
      store,
      workers: 1,
      fresh: true,
      onProgress: finished.onProgress,
    });
    assertEquals(
      finished.trials,
      8,
      `trials trained with fresh over rounds of 1, 2, 4 seeds: ${finished.trials}`,
    );
  } finally {
    store.close();
  }
});
