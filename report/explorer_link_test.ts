import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  defaultExplorerRun,
  EXPLORER_PARAMS,
  explorerQuery,
  figureExplorerLinks,
  parseExplorerQuery,
} from "./explorer_link.ts";
import { ConfigError, INIT_MODES, makeConfig, type TrialConfig } from "../protocol/config.ts";
import { OPTIMIZERS, SGD_MOMENTUM } from "../protocol/optimizer.ts";
import { FIGURES } from "../paper/figures.ts";
import { fig2Run } from "../paper/runs.ts";

Deno.test("explorer links: a link's parameters set its controls, the rest keep the defaults", () => {
  const run = parseExplorerQuery("?p=23&dim=32&wd=0.5&seed=1&steps=300&autostart=1");
  deepEqual(run, {
    ...defaultExplorerRun(),
    config: makeConfig({ p: 23, d: 32, wd: 0.5, seed: 1, steps: 300 }),
    autostart: true,
  });
});

/** Whether makeConfig takes `c` (the property draws only runs the controls can describe). */
function valid(c: Partial<TrialConfig>): boolean {
  try {
    makeConfig(c);
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

Deno.test("explorer links: every run survives query → parse unchanged (property)", () => {
  fc.assert(fc.property(
    fc.record({
      p: fc.integer({ min: 3, max: 4096 }),
      d: fc.integer({ min: 1, max: 65536 }),
      hidden: fc.integer({ min: 1, max: 65536 }),
      trainFraction: fc.double({ min: 0, max: 1, minExcluded: true, maxExcluded: true }),
      wd: fc.double({ min: 0, max: 10, noNaN: true }),
      lr: fc.double({ min: 1e-6, max: 1, noNaN: true }),
      optimizer: fc.constantFrom(...OPTIMIZERS),
      // drawn for every optimiser, kept for sgd; undefined: sgd's default
      momentum: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true }), {
        nil: undefined,
      }),
      steps: fc.integer({ min: 0, max: 1e7 }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      initSeed: fc.integer({ min: 0, max: 0xffffffff }),
      mode: fc.constantFrom(...INIT_MODES),
      freezeEmbedding: fc.boolean(),
    }).map((c) => c.optimizer === "sgd" ? c : { ...c, momentum: undefined })
      .filter(valid), // a fraction leaving a set empty (small p) is makeConfig's to refuse
    fc.constantFrom("auto", "asm", "webgpu", "tfjs", "ref"),
    fc.boolean(),
    fc.nat(1000),
    fc.nat(1000),
    fc.boolean(),
    (c, backend, gradSignals, paramsEvery, embeddingsUntil, autostart) => {
      const run = {
        config: makeConfig(c),
        backend,
        gradSignals,
        paramsEvery,
        embeddingsUntil,
        autostart,
      };
      deepEqual(parseExplorerQuery(explorerQuery(run)), run);
    },
  ));
});

Deno.test("explorer links: the width, split and optimiser are written only off the paper's", () => {
  const paper = explorerQuery({ config: makeConfig({ p: 23, d: 32, seed: 1, steps: 300 }) });
  equal(paper, "?p=23&dim=32&wd=0.5&lr=0.01&steps=300&seed=1&mode=default&init-seed=0");
  const sgd = makeConfig({ hidden: 32, trainFraction: 0.6, optimizer: "sgd", lr: 0.5 });
  const q = new URLSearchParams(explorerQuery({ config: sgd }));
  deepEqual(
    ["hidden", "train-fraction", "optimizer", "momentum"].map((k) => q.get(k)),
    ["32", "0.6", "sgd", String(SGD_MOMENTUM)],
  );
  equal(
    new URLSearchParams(explorerQuery({ config: makeConfig({ optimizer: "adam" }) }))
      .has("momentum"),
    false,
  );
  // sgd without a momentum takes sgd's default, as --optimizer sgd does
  equal(parseExplorerQuery("?optimizer=sgd").config.momentum, SGD_MOMENTUM);
});

Deno.test("explorer links: bad parameters are one line naming the value and what is allowed", () => {
  const cases: [string, string][] = [
    ["?p=2", `p "2": allowed is an integer >= 3`],
    ["?p=5000", "p 5000: allowed is an integer in 3..4096"],
    ["?dim=1.5", `dim "1.5": allowed is an integer >= 1`],
    ["?wd=-1", "wd -1: allowed is a finite number >= 0"],
    ["?lr=abc", `lr "abc": allowed is a number`],
    ["?mode=fixed", `mode "fixed": allowed are default, fix-embedding, fix-mlp`],
    ["?autostart=yes", `autostart "yes": allowed are 1 or 0`],
    ["?seed=1&seed=2", "URL parameter seed: given twice; allowed once"],
    ["?backend=<x>", `backend "<x>": allowed is auto or a backend name`],
    ["?hidden=0", "hidden 0: allowed is an integer in 1..65536"],
    ["?hidden=2.5", "hidden 2.5: allowed is an integer in 1..65536"],
    ["?hidden=wide", `hidden "wide": allowed is a number`],
    [
      "?p=5&train-fraction=0.02",
      "train-fraction 0.02: allowed is a number in (0, 1) leaving both sets non-empty",
    ],
    ["?train-fraction=", `train-fraction "": allowed is a number`],
    ["?optimizer=lion", `optimizer "lion": allowed are ${OPTIMIZERS.join(", ")}`],
    ["?momentum=0.5", "momentum 0.5: allowed only with optimizer sgd (optimizer is adamw)"],
    [
      "?optimizer=adam&momentum=0.9",
      "momentum 0.9: allowed only with optimizer sgd (optimizer is adam)",
    ],
    ["?optimizer=sgd&momentum=1", "momentum 1: allowed is a number in [0, 1)"],
    [
      "?pp=3",
      `URL parameter "pp": unknown; allowed are ${Object.keys(EXPLORER_PARAMS).join(", ")}`,
    ],
  ];
  for (const [q, message] of cases) {
    throws(() => parseExplorerQuery(q), { name: "ConfigError", message }, q);
  }
  throws(() => parseExplorerQuery("?p=x"), ConfigError);
});

Deno.test("explorer links: a figure links to its runs, a sweep to none", () => {
  const byId = (id: string) => FIGURES.find((f) => f.id === id)!;
  const fig2 = figureExplorerLinks(byId("fig2"), "quick");
  equal(fig2.length, 1);
  const run = parseExplorerQuery(fig2[0].query);
  deepEqual(run.config, fig2Run("quick").config);
  equal(run.gradSignals, true);
  equal(run.autostart, true);
  deepEqual(figureExplorerLinks(byId("fig5"), "quick"), []); // a sweep
  // Fig. 12's ablations alter the initial embedding: only the unablated run can be linked
  const fig12 = figureExplorerLinks(byId("fig12"), "quick");
  deepEqual(fig12.map((l) => parseExplorerQuery(l.query).config.mode), ["default"]);
});
