/**
 * Three outcomes from the evidence: the decision rules every claim of the paper goes through.
 * Each rule fixes its error rate α before the run and answers PASS only where the data support the
 * claim at α, FAIL only where they contradict it at α, and INCONCLUSIVE otherwise, with the number
 * of independent units that would decide it, estimated from the observed spread.
 *
 * - a direction ("increases", "lower than"): a two-sided test at α; its significant sign decides
 *   ({@linkcode direction}); false PASS and false FAIL are each at most α/2;
 * - a value the paper measured: an equivalence band target ± tolerance; PASS when the (1 − α)
 *   interval lies inside the band, FAIL when it lies wholly outside, else INCONCLUSIVE
 *   ({@linkcode equivalence}); false PASS ≤ α/2 (the interval misses the truth on the side of the
 *   band), false FAIL ≤ α/2;
 * - "all" / "always" / "every": one counterexample fails; PASS needs n cases without one, n large
 *   enough that an exception rate of 5 % would have shown at α ({@linkcode universal},
 *   {@linkcode casesForAll}: 59 at α = 0.05);
 * - "sometimes" / "not always": one case passes; FAIL needs 59 cases without one
 *   ({@linkcode existential});
 * - a rate against a bound ("near 100 %", "rarely", "almost always"): the Clopper–Pearson (1 − α)
 *   interval wholly on the claimed side passes, wholly on the other fails ({@linkcode rateBound}).
 *
 * @module
 */
import jstat from "jstat";
import { rateInterval } from "./stats.ts";
import { AnalysisError } from "./fourier.ts";

// deno-lint-ignore no-explicit-any
const J = jstat as any;

/** What a decision rule can answer. */
export type Outcome = "PASS" | "FAIL" | "INCONCLUSIVE";

/** The error rate fixed before every run where the sentence states none. */
export const ALPHA = 0.05;

/** The exception rate an "all" / "always" claim must be able to see. */
export const EXCEPTION_RATE = 0.05;

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new AnalysisError(`alpha ${alpha}: allowed is 0 < α < 1`);
}

function checkCount(name: string, k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new AnalysisError(`${name} ${k} of ${n}: allowed are integers 0 <= k <= n`);
  }
}

/** The standard normal quantile z_q. */
export function zQuantile(q: number): number {
  return J.normal.inv(q, 0, 1);
}

/**
 * A direction claim from a two-sided test: PASS when p < α with the effect of the claimed sign,
 * FAIL when p < α with the other sign, INCONCLUSIVE otherwise (and for NaN).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { direction } from "./decide.ts";
 * assertEquals(direction({ pValue: 0.01, effect: -0.4, sign: -1 }), "PASS", "falls");
 * assertEquals(direction({ pValue: 0.01, effect: 0.4, sign: -1 }), "FAIL", "rises");
 * assertEquals(direction({ pValue: 0.2, effect: 0.4, sign: 1 }), "INCONCLUSIVE", "n.s.");
 * ```
 */
export function direction(
  { pValue, effect, sign, alpha = ALPHA }: {
    pValue: number;
    effect: number;
    sign: 1 | -1;
    alpha?: number;
  },
): Outcome {
  checkAlpha(alpha);
  if (!(pValue < alpha) || !Number.isFinite(effect) || effect === 0) return "INCONCLUSIVE";
  return Math.sign(effect) === sign ? "PASS" : "FAIL";
}

/**
 * The units a direction test would need to reach p = α two-sided at the observed effect: the
 * test's z grows as √n, so n·(z_{1−α/2} / z_obs)², z_obs = Φ⁻¹(1 − p/2), rounded up (∞ where the
 * observed effect is nil).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { nForDirection } from "./decide.ts";
 * // p = 0.05 is already on the edge: the same n; p = 0.3173 (z_obs = 1) needs 1.96² × n
 * assertEquals([nForDirection(10, 0.05), nForDirection(10, 0.3173)], [10, 39]);
 * ```
 */
export function nForDirection(n: number, pValue: number, alpha = ALPHA): number {
  checkAlpha(alpha);
  if (!(pValue >= 0 && pValue <= 1)) return Infinity;
  const zObs = zQuantile(1 - pValue / 2);
  if (!(zObs > 0)) return Infinity;
  return Math.ceil(n * (zQuantile(1 - alpha / 2) / zObs) ** 2);
}

/**
 * A value claim as an equivalence band: PASS when [low, high] lies inside target ± tolerance
 * (so it holds the target and is no wider than the band), FAIL when it lies wholly outside the
 * band, INCONCLUSIVE when it straddles an edge (and for NaN).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { equivalence } from "./decide.ts";
 * const band = { target: 0.85, tolerance: 0.05 };
 * assertEquals(equivalence({ low: 0.82, high: 0.88, ...band }), "PASS", "inside");
 * assertEquals(equivalence({ low: 0.6, high: 0.75, ...band }), "FAIL", "outside");
 * assertEquals(equivalence({ low: 0.7, high: 0.86, ...band }), "INCONCLUSIVE", "edge");
 * ```
 */
export function equivalence(
  { low, high, target, tolerance }: {
    low: number;
    high: number;
    target: number;
    tolerance: number;
  },
): Outcome {
  if (!(tolerance > 0)) throw new AnalysisError(`tolerance ${tolerance}: allowed is > 0`);
  if (!(low <= high)) return "INCONCLUSIVE";
  const a = target - tolerance, b = target + tolerance;
  if (low >= a && high <= b) return "PASS";
  if (high < a || low > b) return "FAIL";
  return "INCONCLUSIVE";
}

/**
 * The units an equivalence band would need at the observed estimate: an interval's half-width
 * shrinks as 1/√n, so n·(h / room)², where room is how far the estimate stands inside the band
 * (tolerance − |estimate − target|, to PASS) or outside it (|estimate − target| − tolerance, to
 * FAIL); ∞ on the edge.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { nForEquivalence } from "./decide.ts";
 * // estimate 0.84, half-width 0.06, band 0.85 ± 0.05: room 0.04 → (0.06/0.04)² = 2.25 × n
 * assertEquals(nForEquivalence({ n: 100, estimate: 0.84, halfWidth: 0.06, target: 0.85, tolerance: 0.05 }), 225);
 * ```
 */
export function nForEquivalence(
  { n, estimate, halfWidth, target, tolerance }: {
    n: number;
    estimate: number;
    halfWidth: number;
    target: number;
    tolerance: number;
  },
): number {
  const room = Math.abs(tolerance - Math.abs(estimate - target));
  if (!(room > 0) || !Number.isFinite(halfWidth)) return Infinity;
  return Math.ceil(n * (halfWidth / room) ** 2 - 1e-9);
}

/**
 * The cases an "all" claim needs without an exception for an exception rate of `rate` to have
 * shown at α: the least n with (1 − rate)ⁿ ≤ α (59 at α = 0.05, rate 5 %).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { casesForAll } from "./decide.ts";
 * assertEquals(casesForAll(), 59);
 * ```
 */
export function casesForAll(alpha = ALPHA, rate = EXCEPTION_RATE): number {
  checkAlpha(alpha);
  return Math.ceil(Math.log(alpha) / Math.log(1 - rate) - 1e-12);
}

/**
 * "All" / "always" / "every": FAIL on one exception, PASS on none in at least
 * {@linkcode casesForAll} cases, INCONCLUSIVE on none in fewer.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { universal } from "./decide.ts";
 * assertEquals([universal({ exceptions: 0, n: 60 }), universal({ exceptions: 0, n: 24 }), universal({ exceptions: 1, n: 24 })], ["PASS", "INCONCLUSIVE", "FAIL"]);
 * ```
 */
export function universal(
  { exceptions, n, alpha = ALPHA }: { exceptions: number; n: number; alpha?: number },
): Outcome {
  checkCount("exceptions", exceptions, n);
  if (exceptions > 0) return "FAIL";
  return n >= casesForAll(alpha) ? "PASS" : "INCONCLUSIVE";
}

/**
 * "Sometimes" / "not always": PASS on one case, FAIL on none in at least {@linkcode casesForAll}
 * cases (a rate of 5 % would have shown), INCONCLUSIVE on none in fewer.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { existential } from "./decide.ts";
 * assertEquals([existential({ hits: 1, n: 5 }), existential({ hits: 0, n: 100 })], ["PASS", "FAIL"]);
 * ```
 */
export function existential(
  { hits, n, alpha = ALPHA }: { hits: number; n: number; alpha?: number },
): Outcome {
  checkCount("hits", hits, n);
  if (hits > 0) return "PASS";
  return n >= casesForAll(alpha) ? "FAIL" : "INCONCLUSIVE";
}

/**
 * A rate against a bound: the Clopper–Pearson (1 − α) interval of k/n wholly on the claimed side
 * of `bound` ("above": > bound, "below": < bound) passes, wholly on the other side fails, else
 * INCONCLUSIVE. False PASS and false FAIL are each at most α/2 (the exact interval's one-sided
 * coverage).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { rateBound } from "./decide.ts";
 * assertEquals(rateBound({ k: 2, n: 40, bound: 0.5, side: "below" }), "PASS");
 * assertEquals(rateBound({ k: 30, n: 40, bound: 0.5, side: "below" }), "FAIL");
 * assertEquals(rateBound({ k: 2, n: 5, bound: 0.5, side: "below" }), "INCONCLUSIVE");
 * ```
 */
export function rateBound(
  { k, n, bound, side, alpha = ALPHA }: {
    k: number;
    n: number;
    bound: number;
    side: "above" | "below";
    alpha?: number;
  },
): Outcome {
  checkCount("rate", k, n);
  checkAlpha(alpha);
  if (n === 0) return "INCONCLUSIVE";
  const { low, high } = rateInterval(k, n, 1 - alpha);
  const [claimed, other] = side === "above" ? [low > bound, high < bound] : [
    high < bound,
    low > bound,
  ];
  return claimed ? "PASS" : other ? "FAIL" : "INCONCLUSIVE";
}

/**
 * The trials a rate bound would need at the observed rate: the normal half-width
 * z_{1−α/2}·√(r(1 − r)/n) must fit between r and the bound, n = z²·r(1 − r)/(r − bound)² (at
 * least the trials that make a Clopper–Pearson bound reach it with no exception:
 * ⌈ln(α/2)/ln(bound)⌉ above, ⌈ln(α/2)/ln(1 − bound)⌉ below, where r sits at 1 or 0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { nForRate } from "./decide.ts";
 * assertEquals(nForRate({ k: 6, n: 6, bound: 0.99 }), 368);
 * ```
 */
export function nForRate(
  { k, n, bound, alpha = ALPHA }: { k: number; n: number; bound: number; alpha?: number },
): number {
  checkCount("rate", k, n);
  if (n === 0) return Infinity;
  const r = k / n, z = zQuantile(1 - alpha / 2);
  if (r === bound) return Infinity;
  if (r === 1 || r === 0) {
    const q = r === 1 ? bound : 1 - bound;
    return Math.ceil(Math.log(alpha / 2) / Math.log(q));
  }
  return Math.ceil((z * z * r * (1 - r)) / (r - bound) ** 2);
}

/**
 * The exact two-sided sign test of paired differences (zeros left out): the count of positive
 * ones against Binomial(n, ½), p = min(1, 2·P(X ≤ min(pos, neg))).
 *
 * @example
 * ```ts
 * import { signTest } from "./decide.ts";
 * const t = signTest([0.3, 0.1, 0.2, 0.5, 0.4, -0.1, 0.2, 0.3]);
 * // 7 of 8 positive: p = 2·(1 + 8)/256 = 0.0703
 * if (t.positive !== 7 || Math.abs(t.p - 18 / 256) > 1e-12) throw new Error(JSON.stringify(t));
 * ```
 */
export function signTest(diffs: ArrayLike<number>): {
  positive: number;
  negative: number;
  n: number;
  p: number;
} {
  const d = Array.from(diffs).filter((v) => v !== 0);
  if (d.some((v) => Number.isNaN(v))) throw new AnalysisError("sign test: NaN difference");
  const positive = d.filter((v) => v > 0).length, n = d.length, negative = n - positive;
  if (n === 0) return { positive, negative, n, p: 1 };
  const k = Math.min(positive, negative);
  let tail = 0, c = 1;
  for (let i = 0; i <= k; i++) {
    if (i > 0) c = (c * (n - i + 1)) / i;
    tail += c;
  }
  return { positive, negative, n, p: Math.min(1, 2 * tail * 2 ** -n) };
}
