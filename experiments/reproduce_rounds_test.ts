import { equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { figureRequests } from "../paper/figure.ts";
import { rounds } from "../paper/rounds.ts";
import { ResultsStore } from "../store/store.ts";
import { requestKey } from "../store/requests.ts";
import { reproduceInRounds } from "./reproduce_rounds.ts";
import { finishedCounter } from "../tests/helpers.ts";
import { reproduceFigure } from "./reproduce_figure.ts";

Deno.test("--until-claims-decided: a figure's rounds train first seeds of the full figure (same keys); undecided to the last round, it ends as the full figure with the rounds recorded", async () => {
  const fig = figureById("fig5")!;
  const schedule = rounds(fig, "quick");
  equal(schedule.length > 1, true, `Fig. 5 at quick scale runs in rounds (${schedule.length})`);
  const full = new Set(
    await Promise.all(figureRequests(fig, "quick").map((r) => requestKey(r, "asm"))),
  );
  for (const r of schedule) {
    const keys = await Promise.all(
      figureRequests(fig, "quick", false, r.params).map((q) => requestKey(q, "asm")),
    );
    equal(
      keys.every((k) => full.has(k)),
      true,
      `round ${r.look}: its trials are the full figure's`,
    );
  }
  // Fig. 5 at 40 steps over p ∈ {7, 59}, d ∈ {8, 128} (so (59, 128) is in both sweeps) and 8 seeds
  // a configuration: rounds of 1, 1, 2, 4, 8 seeds (4 distinct); at tiny scale no claim is decided
  // (UNTESTED), so the rounds run to the last.
  const tiny = { ...fig.params.tiny, ps: [7, 59], ds: [8, 128], pTrials: 8, dTrials: 8 };
  const fig8seeds = { ...fig, params: { ...fig.params, tiny } };
  const store = await ResultsStore.open(":memory:");
  const seen: string[] = [];
  const run = await reproduceInRounds(fig8seeds, {
    scale: "tiny",
    store,
    workers: 2,
    onRound: (look, of, n) => seen.push(`${look}/${of}:${n}`),
  });
  const alone = await reproduceFigure(fig8seeds, {
    scale: "tiny",
    store: await ResultsStore.open(":memory:"),
    workers: 2,
  });
  equal(seen.join(" "), "1/4:4 2/4:8 3/4:16 4/4:32", `rounds and their trials: ${seen}`);
  const s = run.rounds!;
  equal(
    [s.cut, s.stoppedAt, s.rounds, s.trials.at, s.trials.of].join(" "),
    "true 4 4 32 32",
    `ran to the last round: ${JSON.stringify(s)}`,
  );
  equal((run.output.data as { rounds?: unknown }).rounds !== undefined, true, "data records them");
  equal(
    run.output.notes?.[0].startsWith(
      "--until-claims-decided: ran to the last round at round 4 of 4, 32 of 32 trials",
    ),
    true,
    run.output.notes?.[0],
  );
  equal(
    JSON.stringify(run.output.claims.map((c) => [c.name, c.verdict, c.measured])),
    JSON.stringify(alone.output.claims.map((c) => [c.name, c.verdict, c.measured])),
    "the last round's claims are the full figure's",
  );
  equal(
    store.count(),
    new Set(alone.results.map((r) => r.key)).size,
    "no trial beyond the full figure's",
  );
  store.close();
});

Deno.test("--until-claims-decided --fresh: each trial of the rounds trained again once, not at every round", async () => {
  const fig = figureById("fig5")!;
  const tiny = { ...fig.params.tiny, ps: [7, 59], ds: [8, 128], pTrials: 8, dTrials: 8 };
  const fig8seeds = { ...fig, params: { ...fig.params, tiny } };
  const store = await ResultsStore.open(":memory:");
  try {
    await reproduceInRounds(fig8seeds, { scale: "tiny", store, workers: 2 });
    const finished = finishedCounter();
    await reproduceInRounds(fig8seeds, {
      scale: "tiny",
      store,
      workers: 2,
      fresh: true,
      onProgress: finished.onProgress,
    });
    // 32 requests at the last round, (59, 128) in both sweeps: 24 distinct trials
    equal(
      finished.trials,
      24,
      `trials trained again with fresh over rounds of 4, 8, 16, 32: ${finished.trials}`,
    );
  } finally {
    store.close();
  }
});
