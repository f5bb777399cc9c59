import { equal } from "node:assert/strict";
import { costPlan, MEAN_EARLY_STOP_STEP, slurmTasks } from "./cost_plan.ts";
import { ResultsStore } from "../store/store.ts";
import { requestKey, type TrialRequest } from "../store/requests.ts";
import { trainMissing } from "./resolve.ts";
import { asmBackend } from "../core_asm/asm_backend.ts";
import { DEFAULT_EARLY_STOP } from "../analysis/early_stop.ts";
import { makeConfig } from "../protocol/config.ts";

// a fixed probe: 10 ms a logged step, 6 ms an unlogged one, per trial (batch 1)
const probe = () => Promise.resolve({ logged: 10, unlogged: 6, batch: 1 });

Deno.test("cost plan: stored and missing trials, trial-steps, logging and verdict weights, wall time", async () => {
  const store = await ResultsStore.open(":memory:");
  const req = (seed: number, steps: number, records?: TrialRequest["records"]): TrialRequest => ({
    config: makeConfig({ p: 11, d: 8, seed, steps }),
    records,
  });
  const reqs = [req(0, 1000), req(1, 1000), req(1, 1000), req(2, 3000, { logEvery: 100 })];
  // seed 0 is stored already (a whole trial: the plan checks what it counts as stored)
  await trainMissing([reqs[0]], { store, workers: 1 });
  equal(store.has(await requestKey(reqs[0], "asm")), true);
  const plan = await costPlan(reqs, { store, backend: asmBackend, workers: 2, probe });
  equal(plan.requests, 4);
  equal(plan.trials, 3, "a repeated request is one trial");
  equal(plan.stored, 1);
  equal(plan.toRun, 2);
  equal(plan.trialSteps, 4000);
  // seed 1: 1000 logged steps = 10 s; seed 2: 30 logged + 2970 unlogged = 0.3 + 17.82 s
  equal(Math.abs(plan.busySeconds - (10 + 0.3 + 17.82)) < 1e-9, true, `${plan.busySeconds}`);
  // two Workers: the longer trial (18.12 s) bounds the wall time from below
  equal(Math.abs(plan.wallSeconds - 18.12) < 1e-9, true, `${plan.wallSeconds}`);
  const three = await costPlan([...reqs, req(3, 3000), req(4, 3000)], {
    store,
    backend: asmBackend,
    workers: 2,
    probe,
  });
  // 10 + 18.12 + 30 + 30 s of one core over two Workers
  equal(Math.abs(three.wallSeconds - 88.12 / 2) < 1e-9, true, `${three.wallSeconds}`);
  // with the verdict a trial is assumed to stop at MEAN_EARLY_STOP_STEP
  const decided = await costPlan([req(5, 30000, { untilDecided: DEFAULT_EARLY_STOP })], {
    store,
    backend: asmBackend,
    probe,
  });
  equal(decided.trialSteps, MEAN_EARLY_STOP_STEP);
  equal(Math.abs(decided.wallSeconds - MEAN_EARLY_STOP_STEP * 0.01) < 1e-9, true);
  // Slurm: 10 h of one core, 2 cores a task, under 1 h → 5 tasks; never more than trials
  equal(slurmTasks({ busySeconds: 36000, toRun: 100 }, 1, 2), 5);
  equal(slurmTasks({ busySeconds: 36000, toRun: 3 }, 1, 2), 3);
  store.close();
});
