import { deepEqual, equal } from "node:assert/strict";
import { gridAxis, gridCells, parseGridAxis } from "./grid_spec.ts";
import { ConfigError } from "./config.ts";
import { assertThrows } from "../tests/helpers.ts";

Deno.test("grid: axes cross, the first slowest; options on one axis vary together", () => {
  const cells = gridCells({
    axes: [parseGridAxis("optimizer:lr=adamw:0.01,sgd:0.5"), parseGridAxis("hidden=32,64,100")],
    seeds: [3, 4],
    base: { p: 23, d: 32, steps: 10 },
  });
  equal(cells.length, 6);
  deepEqual(cells.map((c) => [c.values.optimizer, c.values.lr, c.values.hidden]), [
    ["adamw", 0.01, 32],
    ["adamw", 0.01, 64],
    ["adamw", 0.01, 100],
    ["sgd", 0.5, 32],
    ["sgd", 0.5, 64],
    ["sgd", 0.5, 100],
  ]);
  const c = cells[4].configs;
  deepEqual(c.map((x) => x.seed), [3, 4]);
  equal(c[0].optimizer, "sgd");
  equal(c[0].lr, 0.5);
  equal(c[0].momentum, 0.9);
  equal(c[0].hidden, 64);
  equal(c[0].p, 23);
  equal(cells[0].configs[0].momentum, undefined);
  // no axes: one cell, the base
  equal(gridCells({ axes: [], seeds: [0], base: {} }).length, 1);
  // tuples and numbers from a JSON spec are the same levels as the CLI's text
  deepEqual(gridAxis("optimizer:lr", [["sgd", 0.5], "adamw:0.01"]).levels, [
    ["sgd", 0.5],
    ["adamw", 0.01],
  ]);
  deepEqual(gridAxis("train-fraction", [0.5, "0.7"]).levels, [[0.5], [0.7]]);
});

Deno.test("grid: bad axes and cells are one-line ConfigErrors naming the value", () => {
  const cases: [() => unknown, string][] = [
    [() => parseGridAxis("foo=1,2"), 'grid foo=1,2: unknown key "foo"; allowed are p, dim'],
    [() => parseGridAxis("lr="), "grid lr=: an empty list"],
    [() => parseGridAxis("lr"), 'grid "lr": allowed is KEY=V1,V2,...'],
    [() => parseGridAxis("lr=0.1,x"), 'grid lr=0.1,x: lr "x": allowed is a number'],
    [() => parseGridAxis("lr=0.1,0.1"), "grid lr=0.1,0.1: 0.1 is listed twice"],
    [
      () => parseGridAxis("optimizer:lr=sgd"),
      'grid optimizer:lr=sgd: level "sgd" has 1 values for 2 keys',
    ],
    [() => parseGridAxis("lr:lr=1:2"), "grid lr:lr=1:2: a key is named twice"],
    [
      () => gridCells({ axes: [parseGridAxis("p=2,5")], seeds: [0], base: {} }),
      "grid cell p=2: p 2: allowed is an integer in 3..4096",
    ],
    [
      () => gridCells({ axes: [parseGridAxis("optimizer=rmsprop")], seeds: [0], base: {} }),
      'grid cell optimizer=rmsprop: optimizer "rmsprop": allowed are adamw, adam, sgd',
    ],
    [
      () =>
        gridCells({
          axes: [parseGridAxis("optimizer=adamw,sgd"), parseGridAxis("momentum=0.5")],
          seeds: [0],
          base: {},
        }),
      "grid cell optimizer=adamw, momentum=0.5: momentum 0.5: allowed only with optimizer sgd",
    ],
    [
      () =>
        gridCells({
          axes: [parseGridAxis("lr=0.1"), parseGridAxis("lr=0.2")],
          seeds: [0],
          base: {},
        }),
      "grid lr: on two axes",
    ],
    [
      () =>
        gridCells({ axes: [parseGridAxis("p=5")], seeds: [0], base: { p: 7 }, baseKeys: ["p"] }),
      "grid p: also given as --p",
    ],
    [() => gridCells({ axes: [], seeds: [], base: {} }), "seeds: an empty list"],
  ];
  for (const [fn, message] of cases) {
    const e = assertThrows(fn, ConfigError, message);
    equal(e.message.startsWith(message), true, `"${e.message}" does not start with "${message}"`);
    equal(e.message.includes("\n"), false);
  }
});
