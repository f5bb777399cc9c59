/**
 * The assertions of the JSDoc examples, in the manner of deno std's `@std/assert` (which is not
 * reachable here): each throws an `Error` that shows what was seen and what was expected.
 *
 * @example
 * ```ts
 * import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
 * assertEquals([1, 2, { a: "x" }], [1, 2, { a: "x" }]);
 * assertEquals(Float64Array.from([0.5, 1]), [0.5, 1]); // typed arrays compare by their elements
 * assertAlmostEquals(0.1 + 0.2, 0.3, 1e-12);
 * assert(2 > 1, "two is more than one");
 * ```
 *
 * @module
 */

/** Plain data: typed arrays become arrays, so they compare by their elements. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<unknown>);
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return { Map: [...v].map(([k, x]) => [plain(k), plain(x)]) };
  if (v instanceof Set) return { Set: [...v].map(plain) };
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = plain((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length &&
      ka.every((k, i) =>
        k === kb[i] && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
      );
  }
  return false;
}

/** One line of a value for a message (bigints and non-finite numbers included). */
function show(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) =>
      typeof x === "bigint"
        ? `${x}n`
        : typeof x === "number" && !Number.isFinite(x)
        ? String(x)
        : x === undefined
        ? "undefined"
        : x,
  ) ?? String(v);
}

/**
 * Throws unless `actual` deep-equals `expected`: arrays and typed arrays element by element,
 * objects key by key (any order), numbers by `===` except that NaN equals NaN (and 0 equals −0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "./assert.ts";
 * assertEquals({ b: [1, 2], a: "x" }, { a: "x", b: [1, 2] });
 * let seen = "";
 * try {
 *   assertEquals([1, 2], [1, 3]);
 * } catch (e) {
 *   seen = (e as Error).message;
 * }
 * if (!seen.includes("[1,2]")) throw new Error(`the message shows what was seen: ${seen}`);
 * ```
 */
export function assertEquals(actual: unknown, expected: unknown, what = "value"): void {
  const a = plain(actual), e = plain(expected);
  if (!equal(a, e)) throw new Error(`${what}: got ${show(a)}, expected ${show(e)}`);
}

/**
 * Throws unless |actual − expected| ≤ tolerance (element by element for arrays).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "./assert.ts";
 * assertAlmostEquals(Math.PI, 3.14159, 1e-5);
 * assertAlmostEquals([1, 2.0000001], [1, 2], 1e-6);
 * ```
 */
export function assertAlmostEquals(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance: number,
  what = "value",
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  const bad = a.length !== e.length || a.some((x, i) => !(Math.abs(x - e[i]) <= tolerance));
  if (bad) {
    throw new Error(
      `${what}: got ${show(typeof actual === "number" ? actual : a)}, expected ${
        show(typeof expected === "number" ? expected : e)
      } within ${tolerance}`,
    );
  }
}

/**
 * Throws `Error(message)` unless `condition` holds.
 *
 * @example
 * ```ts
 * import { assert } from "./assert.ts";
 * const circles = [2, 8];
 * assert(circles.includes(2), `circle 2 survives: got ${circles}`);
 * ```
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
