import { deepEqual, equal } from "node:assert/strict";
import { encodeNpy } from "../store/npy.ts";
import { assertClose, fixture, runScript } from "../tests/helpers.ts";

const ANALYZE = new URL("./analyze.ts", import.meta.url).pathname;
const FIX = new URL("../tests/fixtures/", import.meta.url).pathname;

function run(args: string[]) {
  return runScript(ANALYZE, args, ["--allow-read", "--allow-env", "--allow-sys"]);
}

Deno.test("analyze --json on the authors' 1 000-step run gives the reference analysis", async () => {
  const r = await run([`${FIX}extra_run1000_p59_d128_seed1`, "--json"]);
  equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const ref = "analysis_p59_d128_seed1";
  deepEqual(rep.circles, Array.from(await fixture(ref, "final_circles")));
  assertClose(
    [rep.ode.lasso.score],
    await fixture(ref, "lasso_score"),
    { atol: 1e-12 },
    "lasso score",
  );
  assertClose(
    [rep.ode.lasso0.score],
    await fixture(ref, "lasso0_score"),
    { atol: 1e-12 },
    "lasso0 score",
  );
  assertClose([rep.ode.ols.score], await fixture(ref, "ols_score"), { atol: 1e-10 }, "ols score");
  const nonzero = (await fixture(ref, "lasso_coef")).filter((v) => v !== 0).length;
  equal(rep.ode.lasso.nonzero, nonzero);
  assertClose(
    rep.circularity.values,
    await fixture(ref, "init_circularity"),
    { atol: 1e-12 },
    "circularity",
  );
});

Deno.test("analyze accepts a single (p, d) embedding", async () => {
  const tmp = await Deno.makeTempDir();
  const E = (await fixture("p59_d128_seed1", "init_params")).subarray(0, 59 * 128);
  await Deno.writeFile(`${tmp}/e.npy`, encodeNpy({ dtype: "<f8", shape: [59, 128], data: E }));
  const r = await run([`${tmp}/e.npy`, "--json"]);
  equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  equal(rep.p, 59);
  equal(rep.ode, undefined);
  assertClose(
    rep.circularity.values,
    await fixture("analysis_p59_d128_seed1", "init_circularity"),
    { atol: 1e-12 },
    "circularity",
  );
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("analyze: bad inputs are one line, exit 2", async () => {
  const tmp = await Deno.makeTempDir();
  const w = (name: string, shape: number[], data: number[]) =>
    Deno.writeFile(
      `${tmp}/${name}`,
      encodeNpy({ dtype: "<f8", shape, data: Float64Array.from(data) }),
    );
  await w("flat.npy", [6], [1, 2, 3, 4, 5, 6]);
  await w("small_p.npy", [2, 3], [1, 2, 3, 4, 5, 6]);
  await w("nan.npy", [3, 2], [1, NaN, 3, 4, 5, 6]);
  await w("inf.npy", [3, 2], [1, 2, Infinity, 4, 5, 6]);
  await Deno.mkdir(`${tmp}/empty_run`);
  await w("empty_run/signals.npy", [0, 5], []);
  await Deno.mkdir(`${tmp}/nan_run`);
  const fx = `${FIX}p13_d16_seed7`;
  for (const f of ["init_params.npy", "final_params.npy"]) {
    await Deno.copyFile(`${fx}/${f}`, `${tmp}/nan_run/${f}`);
  }
  await w(
    "nan_run/signals.npy",
    [3, 13],
    Array.from({ length: 39 }, (_, i) => (i === 20 ? NaN : 1 + i)),
  );
  await Deno.writeTextFile(`${tmp}/garbage.npy`, "not numpy");
  const cases: [string[], string][] = [
    [[`${tmp}/flat.npy`], "shape [6]"],
    [[`${tmp}/small_p.npy`], "p >= 3"],
    [[`${tmp}/nan.npy`], "NaN"],
    [[`${tmp}/inf.npy`], "Infinity"],
    [[`${tmp}/empty_run`], "(steps+1, p)"],
    [[`${tmp}/nan_run`], "NaN"],
    [[`${tmp}/garbage.npy`], "not a .npy"],
    [[`${tmp}/missing`], "not found"],
    [[], "0 paths"],
    [[`${tmp}/flat.npy`, `${tmp}/nan.npy`], "2 paths"],
    [[fx, "--alpha", "-1"], "alpha -1"],
    [[fx, "--ode-steps", "1"], "ode-steps 1"],
    [[fx, "--bogus"], "bogus"],
  ];
  for (const [args, mention] of cases) {
    const r = await run(args);
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code} ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    equal(
      lines[0].includes(mention),
      true,
      `${args.join(" ")}: "${lines[0]}" does not name ${mention}`,
    );
  }
  await Deno.remove(tmp, { recursive: true });
});
