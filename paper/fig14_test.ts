import { fig14 } from "./fig14.ts";
import { survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const moduli = [16, 20, 25, 32, 40, 44, 50], trials = 4, primes = [13, 23, 31, 43, 59];
const params = { scale: "quick" as const, moduli, trials, steps: 100, primes, primeTrials: 4 };

/** Fig. 14's trials then Fig. 5's p sweep: `count(i, t)` and `count5(i, t)` circles, trials of
 * `steps` (30 000: the end of training). */
const results = (
  count: (i: number, t: number) => number,
  count5: (i: number, t: number) => number,
  steps = 30000,
) =>
  [[moduli, count], [primes, count5]].flatMap(([ps, c]) =>
    (ps as number[]).flatMap((p, i) =>
      Array.from({ length: trials }, (_, t) =>
        syntheticTrial({
          config: { p, d: 128, steps, seed: t },
          signals: [
            symmetric(p, () => 87),
            survivors(
              p,
              Array.from(
                { length: (c as (i: number, t: number) => number)(i, t) },
                (_, j) => j + 1,
              ),
            ),
          ],
          loggedAt: [steps],
        }))
    )
  );

// rising by one circle every two values; jagged: ±1 by value and trial; smooth: 1 in 4 trials off
const rise = (i: number) => 1 + Math.floor(i / 2);
const jagged = (i: number, t: number) => rise(i) + ((i + t) % 3 === 0 ? 2 : (i * t) % 2);
const smooth = (i: number, t: number) => rise(i) + (t === 0 ? 1 : 0);

Deno.test("Fig. 14: counts rising with the modulus, more scattered than Fig. 5's, pass; falling and smoother fail; cut short, undecided", async () => {
  const pass = await fig14.compute(params, results(jagged, smooth), "quick");
  assertVerdicts(pass.claims, ["PASS", "PASS"], "rising, jagged");
  // (p = 16 holds at most 3 circles)
  const fall = (i: number, t: number) =>
    Math.max(1, 3 - Math.floor(i / 3) - (t === 0 && i % 2 ? 1 : 0));
  const fail = await fig14.compute(params, results(fall, jagged), "quick");
  assertVerdicts(fail.claims, ["FAIL", "FAIL"], "falling, smooth");
  const cut = await fig14.compute(params, results(jagged, smooth, 100), "quick");
  assertVerdicts(cut.claims, ["INCONCLUSIVE", "INCONCLUSIVE"], "cut short");
  assertBothWays([pass.claims, fail.claims, cut.claims]);
  // the Fig. 5 trials it asks for are Fig. 5's own (one trial each in the store)
  const { fig05 } = await import("./fig05.ts");
  const mine = new Set(fig14.requests(fig14.params.quick).map((r) => JSON.stringify(r.config)));
  const theirs = fig05.requests(fig05.params.quick).slice(0, 5 * 6).map((r) =>
    JSON.stringify(r.config)
  );
  if (!theirs.every((c) => mine.has(c))) {
    throw new Error("Fig. 5's p sweep is not among Fig. 14's requests");
  }
});
