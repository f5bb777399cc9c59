/**
 * What a sequential design does under an effect: the chance that a rule is first decided at each
 * look — for planning (how many trials the rounds are expected to take, from an effect measured
 * at another scale) and for exact error rates (a rate rule's, by recursion over the binomial
 * counts; the spending rules' under the canonical joint distribution, `sequential.ts`'s
 * `crossings`).
 *
 * - a direction: the drift η = E[Z at the paper's N] = θ·√N, θ the z per √unit measured
 *   (Φ⁻¹(1 − p/2)/√n, signed: + in the claimed direction);
 * - a rate: exact, by the binomial counts' recursion at a planning rate q;
 * - "all" / "sometimes": closed forms at a planning exception (hit) rate.
 *
 * @module
 */
import { AnalysisError } from "./fourier.ts";
import { casesForAll, zQuantile } from "./decide.ts";
import { binomialTails, crossings, type DecisionInputs, SequentialDesign } from "./sequential.ts";

/** The chance of a first PASS and a first FAIL at each look. */
export interface LookChances {
  pass: number[];
  fail: number[];
}

/** The log of the Binomial(m, q) probabilities 0..m. */
function binomialLogPmf(m: number, q: number): Float64Array {
  const out = new Float64Array(m + 1);
  if (q === 0 || q === 1) {
    out.fill(-Infinity);
    out[q === 0 ? 0 : m] = 0;
    return out;
  }
  const lq = Math.log(q), lp = Math.log(1 - q);
  let lc = 0;
  for (let i = 0; i <= m; i++) {
    if (i > 0) lc += Math.log((m - i + 1) / i);
    out[i] = lc + i * lq + (m - i) * lp;
  }
  return out;
}

/**
 * A rate rule's first decisions at each look, exactly: the counts k_j of `n[j]` units at rate
 * `q`, decided at each look by the exact binomial tails at `bound` against nominal[j]/2 (the
 * Clopper–Pearson (1 − nominal) interval, `sequential.ts`'s `rateAt`), by recursion over the
 * undecided counts.
 *
 * @example
 * ```ts
 * import { rateLooks } from "./sequential_plan.ts";
 * // one look of 10 units, level 0.05: 10 of 10 at rate 0.9 lies above 0.5 (tail 0.5^10 < 0.025)
 * const r = rateLooks({ n: [10], nominal: [0.05], bound: 0.5, side: "above", q: 0.9 });
 * // PASS needs k ≥ 9 (P(X ≥ 9 | 0.5) = 0.0107): P(k ≥ 9 | 0.9) = 0.7361
 * if (Math.abs(r.pass[0] - 0.7361) > 1e-4) throw new Error(String(r.pass[0]));
 * ```
 */
export function rateLooks(
  { n, nominal, bound, side, q }: {
    n: number[];
    nominal: number[];
    bound: number;
    side: "above" | "below";
    q: number;
  },
): LookChances {
  if (
    n.length !== nominal.length || !n.every((v, i) => Number.isInteger(v) && v > (n[i - 1] ?? 0))
  ) {
    throw new AnalysisError(
      `looks ${n.join(", ")}: allowed are increasing integers, one level each`,
    );
  }
  if (!(q >= 0 && q <= 1)) throw new AnalysisError(`rate ${q}: allowed is 0 <= q <= 1`);
  let dist = new Float64Array([1]); // P(k, undecided) after the previous look
  let prev = 0;
  const pass: number[] = [], fail: number[] = [];
  for (const [j, nj] of n.entries()) {
    const m = nj - prev, lp = binomialLogPmf(m, q);
    const next = new Float64Array(nj + 1);
    for (let k = 0; k < dist.length; k++) {
      if (dist[k] === 0) continue;
      for (let i = 0; i <= m; i++) {
        if (lp[i] > -745) next[k + i] += dist[k] * Math.exp(lp[i]);
      }
    }
    // the decision regions: counts whose tail at the bound is below nominal/2
    let up = 0, down = 0;
    const half = nominal[j] / 2;
    for (let k = 0; k <= nj; k++) {
      if (next[k] === 0) continue;
      const t = binomialTails(k, nj, bound);
      const high = t.atLeast < half, low = t.atMost < half;
      if (high || low) {
        if (high) up += next[k];
        else down += next[k];
        next[k] = 0;
      }
    }
    pass.push(side === "above" ? up : down);
    fail.push(side === "above" ? down : up);
    dist = next;
    prev = nj;
  }
  return { pass, fail };
}

/**
 * "All" at exception rate `q` over looks of `n[j]` cases: FAIL at the first look with an
 * exception, PASS at the first look with n ≥ 59 and none (the rule needs no spending).
 *
 * @example
 * ```ts
 * import { universalLooks } from "./sequential_plan.ts";
 * const u = universalLooks({ n: [40, 80], q: 0.05 });
 * // no exception in 80 cases: 0.95^80 = 0.0165, the false PASS of an exception rate of 5 %
 * if (Math.abs(u.pass[1] - 0.95 ** 80) > 1e-12) throw new Error(String(u.pass));
 * ```
 */
export function universalLooks(
  { n, q, alpha = 0.05 }: { n: number[]; q: number; alpha?: number },
): LookChances {
  const need = casesForAll(alpha), pass: number[] = [], fail: number[] = [];
  let none = 1, prev = 0, open = true;
  for (const nj of n) {
    const clean = (1 - q) ** (nj - prev);
    fail.push(open ? none * (1 - clean) : 0);
    none *= clean;
    pass.push(open && nj >= need ? none : 0);
    if (nj >= need) open = false;
    prev = nj;
  }
  return { pass, fail };
}

/**
 * "Sometimes" at hit rate `h`: PASS at the first look with a hit (with `notAll`, a hit and a
 * miss), FAIL at the first look with n ≥ 59 and none (with `notAll`, or all hits).
 *
 * @example
 * ```ts
 * import { existentialLooks } from "./sequential_plan.ts";
 * const e = existentialLooks({ n: [10, 70], h: 0.1 });
 * if (Math.abs(e.pass[0] - (1 - 0.9 ** 10)) > 1e-12) throw new Error(String(e.pass));
 * ```
 */
export function existentialLooks(
  { n, h, notAll = false, alpha = 0.05 }: {
    n: number[];
    h: number;
    notAll?: boolean;
    alpha?: number;
  },
): LookChances {
  const need = casesForAll(alpha), pass: number[] = [], fail: number[] = [];
  // P(no hit in n), P(no miss in n), P(neither: n = 0)
  let open = true, decidedBefore = 0;
  for (const nj of n) {
    const noHit = (1 - h) ** nj, noMiss = h ** nj;
    const undecided = notAll ? noHit + noMiss - (nj === 0 ? 1 : 0) : noHit;
    const p = open ? 1 - undecided - decidedBefore : 0;
    const f = open && nj >= need ? undecided : 0;
    pass.push(Math.max(0, p));
    fail.push(f);
    decidedBefore += pass.at(-1)! + f;
    if (nj >= need) open = false;
  }
  return { pass, fail };
}

/**
 * The z per √unit a direction test measured: Φ⁻¹(1 − p/2)/√n, + where the effect has the
 * claimed sign (0 where p is NaN or 1: no effect seen).
 *
 * @example
 * ```ts
 * import { driftPerUnit } from "./sequential_plan.ts";
 * // p = 0.05 two-sided over 16 units: z = 1.96, per √unit 0.49
 * console.log(driftPerUnit({ p: 0.05, effect: 0.3, sign: 1, n: 16 }).toFixed(2)); // 0.49
 * ```
 */
export function driftPerUnit(
  { p, effect, sign, n }: { p: number; effect: number; sign: 1 | -1; n: number },
): number {
  if (!(p >= 0 && p < 1) || !(n > 0) || !Number.isFinite(effect) || effect === 0) return 0;
  const z = p === 0 ? 38 : zQuantile(1 - p / 2);
  return (Math.sign(effect) === sign ? 1 : -1) * z / Math.sqrt(n);
}

/**
 * A claim's chance of a first PASS and FAIL at each look at the paper's units, planned from its
 * inputs as measured at another scale (over `measuredN` units): a direction by its drift per
 * unit, a rate at its measured rate, "all" / "sometimes" at their measured rates.
 *
 * @example
 * ```ts
 * import { planLooks } from "./sequential_plan.ts";
 * import { SequentialDesign } from "./sequential.ts";
 * const design = new SequentialDesign([1 / 16, 1 / 8, 1 / 4, 1 / 2, 1]);
 * const units = [144, 288, 575, 1150, 2300];
 * // r ≈ 0.54 over 18 trials (p = 0.021): decided early at 2 300
 * const c = planLooks({ inputs: { kind: "direction", effect: 0.54, p: 0.021, sign: 1 }, measuredN: 18, design, units, alpha: 0.05 });
 * if (!(c.pass[0] + c.pass[1] + c.pass[2] > 0.99)) throw new Error(JSON.stringify(c));
 * ```
 */
export function planLooks(
  { inputs, measuredN, design, units, alpha }: {
    inputs: DecisionInputs;
    measuredN: number;
    design: SequentialDesign;
    units: number[];
    alpha: number;
  },
): LookChances {
  if (units.length !== design.looks) {
    throw new AnalysisError(`${units.length} units for ${design.looks} looks`);
  }
  const N = units[units.length - 1];
  const looks = Array.from({ length: design.looks }, (_, j) => design.at(j + 1, alpha));
  switch (inputs.kind) {
    case "direction":
    case "every": {
      const parts = inputs.kind === "every" ? inputs.parts : [inputs];
      const theta = Math.min(
        ...parts.map((x) => driftPerUnit({ ...x, sign: inputs.sign, n: measuredN })),
      );
      const c = crossings(looks, theta * Math.sqrt(N));
      return { pass: c.up, fail: c.down };
    }
    case "rate":
      return rateLooks({
        n: units,
        nominal: looks.map((b) => b.nominal),
        bound: inputs.bound,
        side: inputs.side,
        q: inputs.n > 0 ? inputs.k / inputs.n : inputs.bound,
      });
    case "universal":
      return universalLooks({
        n: units,
        q: inputs.n > 0 ? inputs.exceptions / inputs.n : 0,
        alpha,
      });
    case "existential":
      return existentialLooks({
        n: units,
        h: inputs.n > 0 ? inputs.hits / inputs.n : 0,
        notAll: inputs.notAll,
        alpha,
      });
    case "equivalence":
      throw new AnalysisError("an equivalence band is not planned: it is never cut");
  }
}

/** The chance of being decided by each look (PASS or FAIL), cumulated. */
export function decidedBy(c: LookChances): number[] {
  let s = 0;
  return c.pass.map((p, j) => (s += p + c.fail[j], Math.min(1, s)));
}
