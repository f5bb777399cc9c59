/**
 * The group-sequential design against independent references: Lan & DeMets's published
 * boundaries, a Monte-Carlo of the canonical process (Brownian motion in the information
 * fraction), the binomial distribution summed term by term, and `decide.ts`'s fixed-n rules at
 * α = 0.05. Each Monte-Carlo comparison allows 4 standard errors.
 */
import fc from "fast-check";
import {
  binomialTails,
  boundaries,
  crossings,
  decideAtLook,
  doublingSchedule,
  normalTail,
  normalTailInverse,
  rateAt,
  SequentialDesign,
  spent,
} from "./sequential.ts";
import { existentialLooks, planLooks, rateLooks, universalLooks } from "./sequential_plan.ts";
import { gauss, rng } from "./sequential_sim.ts";
import { rateBound } from "./decide.ts";

const DOUBLING = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];

Deno.test("normal tail: known values to 1e-12 relative, and its inverse", () => {
  // R: pnorm(z, lower.tail = FALSE)
  const known: [number, number][] = [
    [0, 0.5],
    [1.959963984540054, 0.025],
    [3, 1.3498980316301e-3],
    [5, 2.866515718791939e-7],
    [8, 6.220960574271785e-16],
    [10, 7.619853024160527e-24],
    [-2, 0.9772498680518208],
  ];
  for (const [z, q] of known) {
    const got = normalTail(z);
    if (Math.abs(got / q - 1) > 1e-12) throw new Error(`Q(${z}) = ${got}, expected ${q}`);
    const back = normalTailInverse(q);
    if (Math.abs(back - z) > 1e-9 * Math.max(1, Math.abs(z))) {
      throw new Error(`Q⁻¹(${q}) = ${back}, expected ${z}`);
    }
  }
});

Deno.test("boundaries: Lan & DeMets's published values (five equal looks, α = 0.05 two-sided) to 2e-4", () => {
  const five = [0.2, 0.4, 0.6, 0.8, 1];
  // O'Brien–Fleming-type and Pocock-type spending (Lan & DeMets 1983; R ldbounds, gsDesign)
  const published = {
    "obrien-fleming": [4.8769, 3.3569, 2.6803, 2.2898, 2.0310],
    pocock: [2.4380, 2.4268, 2.4101, 2.3966, 2.3859],
  } as const;
  for (const [spending, want] of Object.entries(published)) {
    const got = boundaries({ fractions: five, alpha: 0.05, spending: spending as "pocock" });
    console.log(`  ${spending}: ${got.map((b) => b.z.toFixed(4)).join(" ")}`);
    got.forEach((b, i) => {
      if (Math.abs(b.z - want[i]) > 2e-4) throw new Error(`${spending} look ${i + 1}: ${b.z}`);
    });
    if (Math.abs(got[4].spent - 0.05) > 1e-12) throw new Error(`spent ${got[4].spent}`);
  }
  // one look is the fixed-n test
  const one = boundaries({ fractions: [1], alpha: 0.05 })[0];
  if (Math.abs(one.z - 1.959963984540054) > 1e-9) throw new Error(`one look: ${one.z}`);
});

Deno.test("boundaries: the spending is what a Monte-Carlo of the canonical process crosses, look by look, under no effect and under drift", () => {
  const u = rng(20240521), R = 200_000;
  const b = boundaries({ fractions: DOUBLING, alpha: 0.05 });
  console.log(`  doubling schedule: z ${b.map((x) => x.z.toFixed(3)).join(" ")}`);
  for (const eta of [0, 2.5]) {
    const exact = crossings(b, eta);
    const up = DOUBLING.map(() => 0), down = DOUBLING.map(() => 0);
    for (let r = 0; r < R; r++) {
      let s = 0, t0 = 0;
      for (const [j, t] of DOUBLING.entries()) {
        s += eta * (t - t0) + Math.sqrt(t - t0) * gauss(u);
        t0 = t;
        const z = s / Math.sqrt(t);
        if (z >= b[j].z) {
          up[j]++;
          break;
        }
        if (z <= -b[j].z) {
          down[j]++;
          break;
        }
      }
    }
    for (const [name, mc, ex] of [["up", up, exact.up], ["down", down, exact.down]] as const) {
      mc.forEach((k, j) => {
        const q = k / R, se = Math.sqrt(Math.max(ex[j], 1 / R) * (1 - ex[j]) / R);
        if (Math.abs(q - ex[j]) > 4 * se + 1e-6) {
          throw new Error(`η ${eta} ${name} look ${j + 1}: Monte-Carlo ${q}, recursion ${ex[j]}`);
        }
      });
    }
    const total = (x: number[]) => x.reduce((s, v) => s + v, 0);
    console.log(
      `  η = ${eta}: crossings up ${total(exact.up).toFixed(5)} (MC ${
        (total(up) / R).toFixed(5)
      }), down ${total(exact.down).toExponential(3)} (MC ${(total(down) / R).toExponential(3)})`,
    );
    if (eta === 0 && Math.abs(total(exact.up) + total(exact.down) - 0.05) > 1e-6) {
      throw new Error(`total ${total(exact.up) + total(exact.down)}`);
    }
  }
});

Deno.test("spending: O'Brien–Fleming-type and Pocock-type functions, increasing to α", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-4, max: 0.2, noNaN: true }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      (alpha, t) => {
        for (const s of ["obrien-fleming", "pocock"] as const) {
          // (O'Brien–Fleming-type spending at small α and t is below the smallest double: 0)
          const a = spent(s, alpha, t), b = spent(s, alpha, Math.min(1, t + 0.01));
          if (!(a >= 0 && a <= b && b <= alpha + 1e-15)) {
            throw new Error(`${s} ${alpha} ${t}: ${a} ${b}`);
          }
          if (Math.abs(spent(s, alpha, 1) - alpha) > 1e-12 * alpha) throw new Error(`${s} at 1`);
        }
      },
    ),
  );
});

Deno.test("doubling schedule: ⌈M/16⌉ … M, repeats dropped", () => {
  const got = [100, 50, 20, 5, 1].map((m) => doublingSchedule(m).join(" "));
  const want = ["7 13 25 50 100", "4 7 13 25 50", "2 3 5 10 20", "1 2 3 5", "1"];
  if (got.join("|") !== want.join("|")) throw new Error(got.join("|"));
});

Deno.test("binomial tails and the rate rule: the sum of terms, and decide.ts's rateBound at α = 0.05", () => {
  const choose = (n: number, k: number) => {
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
    return c;
  };
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 120 }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (n, q, f) => {
        const k = Math.min(n, Math.floor(f * (n + 1)));
        let atLeast = 0, atMost = 0;
        for (let i = 0; i <= n; i++) {
          const p = choose(n, i) * q ** i * (1 - q) ** (n - i);
          if (i >= k) atLeast += p;
          if (i <= k) atMost += p;
        }
        const t = binomialTails(k, n, q);
        // jStat's incomplete beta converges to 3e-7 relative; k = 0 and k = n are closed forms
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * b + 1e-15;
        if (!close(t.atLeast, atLeast) || !close(t.atMost, atMost)) {
          throw new Error(`${k}/${n} at ${q}: ${JSON.stringify(t)} vs ${atLeast} ${atMost}`);
        }
        for (const side of ["above", "below"] as const) {
          const a = rateAt({ k, n, bound: q, side, alpha: 0.05 });
          const b = rateBound({ k, n, bound: q, side });
          if (a !== b) throw new Error(`${k}/${n} ${side} ${q}: ${a} vs ${b}`);
        }
      },
    ),
    { numRuns: 300 },
  );
  // far in the tail, where inverting the interval loses digits: 320 of 320 against 0.99 at
  // α = 2e-8 needs 1e-8^(1/320) = 0.9441 > 0.99? no
  if (rateAt({ k: 320, n: 320, bound: 0.94, side: "above", alpha: 2e-8 }) !== "PASS") {
    throw new Error("320 of 320 above 0.94 at 2e-8: 0.94^320 = 2.5e-9 < 1e-8");
  }
  if (rateAt({ k: 320, n: 320, bound: 0.95, side: "above", alpha: 2e-8 }) !== "INCONCLUSIVE") {
    throw new Error("320 of 320 above 0.95 at 2e-8: 0.95^320 = 7.5e-8 > 1e-8");
  }
});

Deno.test("rate looks: the exact recursion against a Monte-Carlo of the looks", () => {
  const n = [25, 50, 100, 200], design = new SequentialDesign(n.map((v) => v / 200));
  const nominal = n.map((_, j) => design.at(j + 1, 0.05).nominal);
  const u = rng(7), R = 100_000;
  for (const q of [0.5, 0.62]) {
    const exact = rateLooks({ n, nominal, bound: 0.5, side: "above", q });
    const pass = n.map(() => 0), fail = n.map(() => 0);
    for (let r = 0; r < R; r++) {
      let k = 0, m = 0;
      for (const [j, nj] of n.entries()) {
        for (; m < nj; m++) if (u() < q) k++;
        const o = rateAt({ k, n: nj, bound: 0.5, side: "above", alpha: nominal[j] });
        if (o === "PASS") pass[j]++;
        if (o === "FAIL") fail[j]++;
        if (o !== "INCONCLUSIVE") break;
      }
    }
    for (
      const [name, mc, ex] of [["PASS", pass, exact.pass], ["FAIL", fail, exact.fail]] as const
    ) {
      mc.forEach((k, j) => {
        const se = Math.sqrt(Math.max(ex[j], 1 / R) / R);
        if (Math.abs(k / R - ex[j]) > 4 * se + 1e-6) {
          throw new Error(`q ${q} ${name} look ${j + 1}: MC ${k / R}, exact ${ex[j]}`);
        }
      });
    }
  }
});

Deno.test("all / sometimes looks: closed forms against a Monte-Carlo", () => {
  const n = [16, 32, 64, 128], u = rng(3), R = 50_000;
  const cases = [
    ["all", 0.03, false],
    ["sometimes", 0.02, false],
    ["sometimes", 0.97, true],
  ] as const;
  for (const [kind, q, notAll] of cases) {
    const exact = kind === "all" ? universalLooks({ n, q }) : existentialLooks({ n, h: q, notAll });
    const pass = n.map(() => 0), fail = n.map(() => 0);
    const design = new SequentialDesign(n.map((v) => v / 128));
    for (let r = 0; r < R; r++) {
      let k = 0, m = 0;
      for (const [j, nj] of n.entries()) {
        for (; m < nj; m++) if (u() < q) k++;
        const inputs = kind === "all"
          ? { kind: "universal" as const, exceptions: k, n: nj }
          : { kind: "existential" as const, hits: k, n: nj, notAll };
        const o = decideAtLook({ inputs, design, look: j + 1, alpha: 0.05 }).outcome;
        if (o === "PASS") pass[j]++;
        if (o === "FAIL") fail[j]++;
        if (o !== "INCONCLUSIVE") break;
      }
    }
    for (
      const [name, mc, ex] of [["PASS", pass, exact.pass], ["FAIL", fail, exact.fail]] as const
    ) {
      mc.forEach((k, j) => {
        const se = Math.sqrt(Math.max(ex[j], 1 / R) / R);
        if (Math.abs(k / R - ex[j]) > 4 * se + 1e-6) {
          throw new Error(`${kind} ${q} ${name} look ${j + 1}: MC ${k / R}, exact ${ex[j]}`);
        }
      });
    }
  }
});

Deno.test("decide at a look: a spending rule applies the look's nominal level; the last look INCONCLUSIVE where undecided", () => {
  const design = new SequentialDesign(DOUBLING);
  const b = DOUBLING.map((_, j) => design.at(j + 1, 0.05));
  const dir = (p: number, look: number) =>
    decideAtLook({
      inputs: { kind: "direction", effect: -1, p, sign: 1 },
      design,
      look,
      alpha: 0.05,
    });
  if (dir(b[2].nominal * 0.99, 3).decision !== "FAIL") throw new Error("just past look 3's level");
  if (dir(b[2].nominal * 1.01, 3).decision !== "continue") throw new Error("just short");
  if (dir(0.2, 5).decision !== "INCONCLUSIVE") throw new Error("the last look");
  const e = dir(1e-30, 1).evidence;
  if (e.look !== 1 || e.looks !== 5 || Math.abs(e.nominalAlpha - b[0].nominal) > 1e-30) {
    throw new Error(JSON.stringify(e));
  }
  // "every": PASS only when every part passes the look's level
  const every = decideAtLook({
    inputs: { kind: "every", parts: [{ effect: 1, p: 1e-20 }, { effect: 1, p: 1e-3 }], sign: 1 },
    design,
    look: 2,
    alpha: 0.05,
  });
  if (every.outcome !== "INCONCLUSIVE") throw new Error(`every: ${every.outcome}`);
  // planning agrees with the design: a claim planned at no effect is decided with chance α
  const none = planLooks({
    inputs: { kind: "direction", effect: 0, p: 1, sign: 1 },
    measuredN: 10,
    design,
    units: [1, 2, 4, 8, 16],
    alpha: 0.05,
  });
  const total = [...none.pass, ...none.fail].reduce((s, v) => s + v, 0);
  if (Math.abs(total - 0.05) > 1e-6) throw new Error(`planned at no effect: ${total}`);
});
