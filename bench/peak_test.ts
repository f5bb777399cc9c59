import { equal } from "node:assert/strict";
import { peakProbe } from "./peak.ts";

Deno.test("the peak probe computes its 12 FMA chains exactly, with small integers", () => {
  const fill = (i: number) => (i * 7) % 5 + 1; // 1 … 5
  for (const n of [1, 3, 64, 1000]) {
    const probe = peakProbe(fill);
    // lane 0: acc_j starts at float (1024 + 32 + 16j)/4, and every iteration i adds
    // a·b with a = float 4·(i mod 64), b = float 4·(i mod 64) + 4
    let expected = 0;
    for (let j = 0; j < 12; j++) expected += fill((1024 + 32 + 16 * j) / 4);
    for (let i = 0; i < n; i++) {
      const off = (16 * i) % 1024 / 4;
      expected += 12 * fill(off) * fill(off + 4);
    }
    equal(probe(n), expected, `n = ${n}`);
  }
});
