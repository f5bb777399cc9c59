import fc from "fast-check";
import { deepEqual } from "node:assert/strict";
import {
  AnalysisError,
  dft,
  fourierNorms,
  idftReal,
  keepFrequencies,
  scaleFrequencies,
  survivingCircles,
  survivorsAbove,
} from "./fourier.ts";
import { assertClose, assertThrows, fixture, TRAINING_FIXTURES } from "../tests/helpers.ts";

Deno.test("signals of the fixtures' initial embeddings equal numpy's fft norms", async () => {
  for (const { name, config } of TRAINING_FIXTURES) {
    const E = (await fixture(name, "init_params")).subarray(0, config.p * config.d);
    const ref = (await fixture(name, "signals")).subarray(0, config.p);
    // direct DFT vs numpy's FFT, both float64: rounding only (~1e-13 on signals of ~80)
    assertClose(fourierNorms(E, config.p, config.d), ref, { rtol: 1e-12 }, `${name} row 0`);
  }
});

Deno.test("signals of a real embedding are conjugate-symmetric: s_k = s_(p−k)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 40 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer(),
      (p, d, seed) => {
        let s = seed >>> 0 || 1;
        const E = Float64Array.from(
          { length: p * d },
          () => ((s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647) - 0.5,
        );
        const sig = fourierNorms(E, p, d);
        for (let k = 1; k < p; k++) {
          if (Math.abs(sig[k] - sig[p - k]) > 1e-12 * (1 + sig[k])) {
            throw new Error(
              `p=${p}: s_${k} = ${sig[k]}, s_${p - k} = ${sig[p - k]}`,
            );
          }
        }
      },
    ),
  );
});

Deno.test("surviving circles follow the code's rule (threshold 2·mean, pairs by rank)", () => {
  // k = 2/5 and 1/6 stand far above the mean; the rest are small
  deepEqual(survivingCircles([0.1, 50, 80, 1, 1, 1, 1, 1, 1, 80, 50]), [2, 1]);
  // only the 80s exceed 2·mean here: one circle
  deepEqual(survivingCircles([0.1, 50, 80, 1, 1, 80, 50]), [2]);
  // nothing above 2·mean: no circle
  deepEqual(survivingCircles([1, 1, 1, 1, 1]), []);
});

const embedding = fc.record({
  p: fc.integer({ min: 3, max: 31 }),
  d: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
}).map(({ p, d, seed }) => {
  let s = seed;
  const E = Float64Array.from(
    { length: p * d },
    () => ((s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647) - 0.5,
  );
  return { p, d, E };
});

Deno.test("DFT: linearity, Parseval, the shift theorem, inverse (fast-check)", () => {
  fc.assert(
    fc.property(
      embedding,
      embedding,
      fc.double({ min: -3, max: 3, noNaN: true }),
      fc.integer({ min: 0, max: 50 }),
      (A, B0, c, shift) => {
        const { p, d, E } = A;
        const Eb = Float64Array.from({ length: p * d }, (_, i) => B0.E[i % B0.E.length]);
        const Sa = dft(E, p, d), Sb = dft(Eb, p, d);
        const Sc = dft(E.map((v, i) => v + c * Eb[i]), p, d);
        assertClose(Sc.re, Sa.re.map((v, i) => v + c * Sb.re[i]), { atol: 1e-10 }, "linearity re");
        assertClose(Sc.im, Sa.im.map((v, i) => v + c * Sb.im[i]), { atol: 1e-10 }, "linearity im");
        // Parseval: Σ_k ‖F_k‖² = p Σ_n ‖E_n‖²
        const lhs = fourierNorms(E, p, d).reduce((a, v) => a + v * v, 0);
        const rhs = p * E.reduce((a, v) => a + v * v, 0);
        if (Math.abs(lhs - rhs) > 1e-9 * (1 + rhs)) throw new Error(`Parseval: ${lhs} vs ${rhs}`);
        // shift: E'_n = E_{n−s} ⇒ F'_k = e^{−2πiks/p} F_k
        const s = shift % p;
        const Es = new Float64Array(p * d);
        for (let n = 0; n < p; n++) {
          Es.set(
            E.subarray(((n - s + p) % p) * d, ((n - s + p) % p + 1) * d),
            n * d,
          );
        }
        const Ss = dft(Es, p, d);
        for (let k = 0; k < p; k++) {
          const a = (-2 * Math.PI * k * s) / p, co = Math.cos(a), si = Math.sin(a);
          for (let i = 0; i < d; i++) {
            const re = Sa.re[k * d + i] * co - Sa.im[k * d + i] * si,
              im = Sa.re[k * d + i] * si + Sa.im[k * d + i] * co;
            if (
              Math.abs(re - Ss.re[k * d + i]) > 1e-10 || Math.abs(im - Ss.im[k * d + i]) > 1e-10
            ) {
              throw new Error(`shift theorem fails at p=${p} k=${k} s=${s}`);
            }
          }
        }
        assertClose(idftReal(Sa), E, { atol: 1e-12 }, "inverse DFT");
      },
    ),
  );
});

Deno.test("keepFrequencies leaves exactly those frequencies; scaleFrequencies scales them (fast-check)", () => {
  fc.assert(
    fc.property(
      embedding,
      fc.array(fc.nat(100), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.double({ min: 0.5, max: 2, noNaN: true }),
      ({ p, d, E }, raw, keepDC, factor) => {
        const ks = raw.map((r) => 1 + (r % (p - 1)));
        const kept = new Set<number>();
        for (const k of ks) kept.add(k).add(p - k);
        if (keepDC) kept.add(0);
        const before = fourierNorms(E, p, d);
        const after = fourierNorms(keepFrequencies(E, p, d, ks, { keepDC }), p, d);
        for (let k = 0; k < p; k++) {
          const want = kept.has(k) ? before[k] : 0;
          if (Math.abs(after[k] - want) > 1e-9) {
            throw new Error(
              `p=${p} keep ${ks}: s_${k} = ${after[k]}, expected ${want}`,
            );
          }
        }
        const scaled = fourierNorms(scaleFrequencies(E, p, d, ks, factor), p, d);
        for (let k = 0; k < p; k++) {
          const want = kept.has(k) && k !== 0 ? before[k] * factor : before[k];
          if (Math.abs(scaled[k] - want) > 1e-9 * (1 + want)) {
            throw new Error(
              `scale: s_${k} = ${scaled[k]}, expected ${want}`,
            );
          }
        }
      },
    ),
  );
});

Deno.test("survivorsAbove uses k = 1..(p−1)/2 and the threshold", () => {
  deepEqual(survivorsAbove([100, 11, 9, 9, 11]), [1]);
  deepEqual(survivorsAbove([0, 5, 50, 50, 5], 20), [2]);
});

Deno.test("bad embeddings are AnalysisErrors naming the problem", () => {
  const bad: [() => unknown, string][] = [
    [() => dft(new Float64Array(6), 2, 3), "p 2"],
    [() => dft(new Float64Array(5), 3, 2), "5 values"],
    [() => dft(Float64Array.from([1, NaN, 3]), 3, 1), "NaN"],
    [() => keepFrequencies(new Float64Array(6), 3, 2, [3]), "frequency 3"],
  ];
  for (const [f, mention] of bad) {
    const e = assertThrows(f, AnalysisError, mention);
    if (!e.message.includes(mention)) throw new Error(`"${e.message}" does not mention ${mention}`);
  }
});
