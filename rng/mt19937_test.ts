import { deepEqual as assertEquals } from "node:assert/strict";
import { MT19937 } from "./mt19937.ts";
import { TorchGenerator } from "./torch.ts";
import { NumpyRandomState } from "./numpy.ts";
import { fma } from "./fma.ts";
import fc from "fast-check";

Deno.test("MT19937: the C++ standard's check value (10000th output of seed 5489)", () => {
  const mt = new MT19937(5489);
  assertEquals(mt.nextU32(), 3499211612);
  let v = 0;
  for (let i = 1; i < 10000; i++) v = mt.nextU32();
  assertEquals(v, 4123659995);
});

Deno.test("MT19937 rejects seeds outside 0..2^32-1", () => {
  for (const s of [-1, 2 ** 32, 1.5, NaN]) {
    let threw = false;
    try {
      new MT19937(s);
    } catch {
      threw = true;
    }
    assertEquals(threw, true, `seed ${s} accepted`);
  }
});

Deno.test("numpy permutation is a permutation, and choice is its prefix", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.nat(2 ** 32 - 1), (n, seed) => {
    const perm = new NumpyRandomState(seed).permutation(n);
    assertEquals([...perm].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    const k = Math.floor(n / 2);
    assertEquals([...new NumpyRandomState(seed).choice(n, k)], [...perm.slice(0, k)]);
  }));
});

Deno.test("torch uniform draws lie in [from, to) and normal draws have mean ~0, var ~1", () => {
  const u = new TorchGenerator(3).uniform(10000, -0.25, 0.25);
  for (const x of u) {
    if (!(x >= -0.25 && x < 0.25)) throw new Error(`uniform draw ${x} out of range`);
  }
  const z = new TorchGenerator(4).normal(100000);
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const v = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
  // 100 000 draws: standard errors 0.0032 (mean) and 0.0045 (variance); 5 sigma bounds.
  if (Math.abs(mean) > 0.016 || Math.abs(v - 1) > 0.023) {
    throw new Error(`normal draws: mean ${mean}, variance ${v}`);
  }
});

Deno.test("fma is exactly rounded: agrees with exact rational arithmetic", () => {
  // a·b + c where the exact value is representable, and a case where separate rounding loses it.
  assertEquals(fma(3, 5, 7), 22);
  const e = 2 ** -30;
  assertEquals(fma(1 + e, 1 - e, -1), -(2 ** -60));
  const normal = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) =>
    Math.abs(x) >= 1e-100
  );
  fc.assert(
    // normal-range operands (Dekker's product is exact only without underflow)
    fc.property(normal, normal, (a, b) => {
      // with c = −round(a·b), the fma returns the exact rounding error of the product
      const p = a * b;
      const err = fma(a, b, -p);
      // Veltkamp/Dekker two-product gives the same error exactly
      const split = (x: number) => {
        const t = 134217729 * x;
        const hi = t - (t - x);
        return [hi, x - hi];
      };
      const [ah, al] = split(a), [bh, bl] = split(b);
      const ref = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
      if (err !== ref) throw new Error(`fma(${a}, ${b}, ${-p}) = ${err}, two-product error ${ref}`);
    }),
  );
});
