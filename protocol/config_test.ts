import { deepEqual, equal } from "node:assert/strict";
import { ConfigError, keyConfig, makeConfig } from "./config.ts";
import { assertThrows } from "../tests/helpers.ts";

Deno.test("config: the optimiser's options are validated, momentum only with sgd", () => {
  equal(makeConfig().optimizer, "adamw");
  equal("momentum" in makeConfig(), false);
  equal(makeConfig({ optimizer: "sgd" }).momentum, 0.9);
  equal(makeConfig({ optimizer: "sgd", momentum: 0 }).momentum, 0);
  const bad: [Parameters<typeof makeConfig>[0], string][] = [
    [{ momentum: 0.5 }, "momentum 0.5: allowed only with optimizer sgd (optimizer is adamw)"],
    [{ optimizer: "adam", momentum: 0.9 }, "momentum 0.9: allowed only with optimizer sgd"],
    [{ optimizer: "sgd", momentum: 1 }, "momentum 1: allowed is a number in [0, 1)"],
    [{ optimizer: "sgd", momentum: NaN }, "momentum NaN"],
    // deno-lint-ignore no-explicit-any
    [{ optimizer: "rmsprop" as any }, 'optimizer "rmsprop": allowed are adamw, adam, sgd'],
    [{ hidden: 0 }, "hidden 0: allowed is an integer in 1..65536"],
    [{ trainFraction: 1 }, "train-fraction 1"],
    [{ p: 3, trainFraction: 0.1 }, "train-fraction 0.1"], // int(0.9) = 0 train pairs
  ];
  for (const [partial, message] of bad) {
    const e = assertThrows(() => makeConfig(partial), ConfigError, JSON.stringify(partial));
    equal(e.message.startsWith(message), true, `${e.message} does not start with ${message}`);
    equal(e.message.includes("\n"), false);
  }
});

Deno.test("config: keys leave out the paper's optimiser only (old store keys stay valid)", () => {
  const base = makeConfig({ p: 23, d: 32 });
  const { optimizer: _, ...rest } = base;
  deepEqual(keyConfig(base), rest);
  equal(keyConfig(makeConfig({ optimizer: "adam" })).optimizer, "adam");
  deepEqual(keyConfig(makeConfig({ optimizer: "sgd" })), makeConfig({ optimizer: "sgd" }));
});
