import { assertEquals } from "../tests/assert.ts";
import { fig03 } from "./fig03.ts";
import { circleEmbedding, survivors, symmetric, syntheticTrial } from "../tests/synthetic.ts";
import { assertVerdicts } from "../tests/claim_checks.ts";

const p = 23, d = 22, live = [2, 5, 7, 9];
const run = (E: Float64Array) =>
  syntheticTrial({
    config: { p, d },
    signals: [symmetric(p, () => 87), survivors(p, live)],
    finalParams: E,
  });

Deno.test("Fig. 3: the Δ = k⁻¹ identity measured 1 on clean circles, below on noise; every claim reported", async () => {
  // distinct radii, so the principal components are the circles' planes
  const clean = circleEmbedding(p, d, (k) => (live.includes(k) ? 1 + live.indexOf(k) : 0.01));
  const pass = await fig03.compute({ scale: "quick" }, [run(clean)], "quick");
  assertVerdicts(pass.claims, ["REPORTED", "REPORTED", "REPORTED", "REPORTED"], "clean circles");
  for (const c of pass.claims.slice(2)) {
    assertEquals(c.measured.startsWith("1 ("), true, c.measured);
  }
  const fail = await fig03.compute(
    { scale: "quick" },
    [run(circleEmbedding(p, d, () => 0, 1))],
    "quick",
  );
  assertVerdicts(fail.claims, ["REPORTED", "REPORTED", "REPORTED", "REPORTED"], "noise");
  for (const c of fail.claims.slice(2)) {
    assertEquals(Number(c.measured.split(" ")[0]) < 0.5, true, c.measured);
  }
});

Deno.test("Fig. 3: circles of one radius — PCA mixes their planes, so the PC pairs' Δ fraction drops where each Fourier plane's is 1", async () => {
  const equal = circleEmbedding(p, d, (k) => (live.includes(k) ? 1 : 0.01));
  const out = await fig03.compute({ scale: "quick" }, [run(equal)], "quick");
  const [pcs, own] = [out.claims[2], out.claims[3]];
  assertEquals(
    Number(pcs.measured.split(" ")[0]) < 1,
    true,
    `equal radii, PC pairs: ${pcs.measured}`,
  );
  assertEquals(own.measured.startsWith("1"), true, `equal radii, own planes: ${own.measured}`);
});
