import { equal } from "node:assert/strict";
import { figureById } from "../paper/figures.ts";
import { ResultsStore } from "../store/store.ts";
import { figureRequests } from "../paper/figure.ts";
import { missingRequests } from "../store/requests.ts";
import { reproduceFigures, trialWork } from "./reproduce_all.ts";
import { reproduceFigure } from "./reproduce_figure.ts";
import { makeConfig } from "../protocol/config.ts";

// Figs. 2 and 8 share one trial (Fig. 8 reads Fig. 2's run); Fig. 12's ablations follow its first
// run; Fig. 11 is a small sweep.
const IDS = ["fig2", "fig8", "fig12", "fig11"];

Deno.test("figures as one pool: the same claims and data as one figure after another, each shared trial trained once, follow-ups included", async () => {
  const figs = IDS.map((id) => figureById(id)!);
  const pooled = await ResultsStore.open(":memory:");
  const done: string[] = [];
  const runs = await reproduceFigures(figs, {
    scale: "tiny",
    store: pooled,
    workers: 2,
    onFigure: (r) => {
      done.push(r.fig.id);
    },
  });
  equal(runs.map((r) => r.fig.id).join(" "), IDS.join(" "), "runs in the order asked");
  equal([...done].sort().join(" "), [...IDS].sort().join(" "), `each figure once: ${done}`);
  const keys = new Set(runs.flatMap((r) => r.results.map((x) => x.key)));
  equal(
    pooled.count(),
    keys.size,
    `stored ${pooled.count()} trials for ${keys.size} distinct keys`,
  );
  const fig12 = runs[2];
  const first12 = figureRequests(figs[2], "tiny").length;
  equal(
    fig12.requests.length > first12,
    true,
    `Fig. 12's follow-ups joined (${fig12.requests.length} requests, ${first12} first)`,
  );
  for (const [i, fig] of figs.entries()) {
    const alone = await ResultsStore.open(":memory:");
    const one = await reproduceFigure(fig, { scale: "tiny", store: alone, workers: 1 });
    equal(
      JSON.stringify(runs[i].output.claims),
      JSON.stringify(one.output.claims),
      `${fig.id}: claims pooled vs alone`,
    );
    equal(
      JSON.stringify(runs[i].output.data),
      JSON.stringify(one.output.data),
      `${fig.id}: data pooled vs alone`,
    );
    alone.close();
  }
  // Nothing is left to train: the same call again trains nothing.
  const before = pooled.count();
  const again = await reproduceFigures(figs, { scale: "tiny", store: pooled, workers: 2 });
  equal(pooled.count(), before, "a second pool over a full store trains nothing");
  equal(again.map((r) => r.trialsRun).join(" "), "0 0 0 0", "no trial run the second time");
  for (const fig of figs) {
    const { missing } = await missingRequests(figureRequests(fig, "tiny"), pooled, "asm");
    equal(missing.size, 0, `${fig.id}: every first request stored`);
  }
  pooled.close();
});

Deno.test("the pool's order: more work first (steps × a step's multiply-adds)", () => {
  const w = (o: Parameters<typeof makeConfig>[0]) => trialWork({ config: makeConfig(o) });
  equal(w({ p: 59, d: 128, steps: 2000 }) > w({ p: 31, d: 128, steps: 2000 }), true, "larger p");
  equal(w({ p: 59, d: 256, steps: 2000 }) > w({ p: 59, d: 128, steps: 2000 }), true, "larger d");
  equal(
    w({ p: 59, d: 128, steps: 30000 }),
    15 * w({ p: 59, d: 128, steps: 2000 }),
    "linear in steps",
  );
});
