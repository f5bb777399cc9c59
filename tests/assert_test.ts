import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";

/** The message `f` throws, or "" when it does not throw. */
function thrown(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

Deno.test("assertEquals: equal values pass, unequal ones throw with both values", () => {
  const passes: [unknown, unknown][] = [
    [1, 1],
    [NaN, NaN],
    [0, -0],
    [Float64Array.from([-0, 1]), [0, 1]],
    ["a", "a"],
    [[1, [2, { x: 3 }]], [1, [2, { x: 3 }]]],
    [{ b: 1, a: 2 }, { a: 2, b: 1 }],
    [Int32Array.from([7, 8]), [7, 8]],
    [new Map([["k", Float64Array.from([1])]]), new Map([["k", [1]]])],
    [null, null],
    [undefined, undefined],
  ];
  for (const [a, b] of passes) {
    const m = thrown(() => assertEquals(a, b));
    if (m !== "") throw new Error(`expected equal: ${m}`);
  }
  const fails: [unknown, unknown, string][] = [
    [1, 2, "got 1, expected 2"],
    [[1, 2], [1, 2, 3], "got [1,2], expected [1,2,3]"],
    [{ a: 1 }, { a: 1, b: undefined }, 'expected {"a":1,"b":"undefined"}'],
    [Float64Array.from([1, 2]), [1, 2.5], "got [1,2], expected [1,2.5]"],
    ["1", 1, 'got "1", expected 1'],
    [null, {}, "got null, expected {}"],
    [[Infinity], [1], 'got ["Infinity"]'],
  ];
  for (const [a, b, words] of fails) {
    const m = thrown(() => assertEquals(a, b, "case"));
    if (!m.startsWith("case: ") || !m.includes(words)) {
      throw new Error(`${JSON.stringify([a, b])}: message ${JSON.stringify(m)} lacks ${words}`);
    }
  }
});

Deno.test("assertAlmostEquals: within the tolerance passes; outside, NaN or a length differing throws", () => {
  assertAlmostEquals(1, 1 + 1e-9, 1e-8);
  assertAlmostEquals([1, 2], Float64Array.from([1.05, 1.95]), 0.05 + 1e-12);
  for (
    const [a, b, tol] of [
      [1, 1.1, 0.05],
      [NaN, NaN, 1],
      [[1, 2], [1], 1],
      [[1, 2], [1, 3], 0.5],
    ] as [number | number[], number | number[], number][]
  ) {
    const m = thrown(() => assertAlmostEquals(a, b, tol, "x"));
    if (!m.startsWith("x: got ") || !m.includes(`within ${tol}`)) {
      throw new Error(`${JSON.stringify([a, b, tol])}: message ${JSON.stringify(m)}`);
    }
  }
});

Deno.test("assert: throws its message when the condition fails", () => {
  assert(true, "never");
  const m = thrown(() => assert(0, "zero is falsy"));
  if (m !== "zero is falsy") throw new Error(`message ${JSON.stringify(m)}`);
});
