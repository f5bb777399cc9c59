import { fig09, lassoMatrixClaims } from "./fig09.ts";
import { exactOde, noisyOde, odeTrial as run } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

const n = 100;

const params = { scale: "quick" as const, dims: [4, 8], seeds: [0] };
const REPORTS = ["REPORTED", "REPORTED", "REPORTED", "REPORTED"] as const;

const e = exactOde(n), x = noisyOde(n);
const pass = await fig09.compute(params, [run(e), run(e, 4), run(e, 8)], "quick");
const fail = await fig09.compute(params, [run(x), run(x, 4), run(x, 8)], "quick");

Deno.test("Fig. 9 on an exact sparse linear ODE: least squares almost perfect, A sparse and singular", () => {
  assertVerdicts(
    pass.claims,
    ["PASS", "PASS", ...REPORTS, "PASS", "PASS", "REPORTED", "REPORTED"],
    "exact ODE",
  );
});

Deno.test("Fig. 9 on noise around a dense linear map: least squares far from perfect, A dense and invertible", () => {
  assertVerdicts(
    fail.claims,
    ["FAIL", "FAIL", ...REPORTS, "FAIL", "FAIL", "REPORTED", "REPORTED"],
    "noisy dense map",
  );
  assertBothWays([pass.claims, fail.claims]);
});

Deno.test("Fig. 9's d-sweep claim on its own: one d of noisy runs fails it", async () => {
  const mixed = await fig09.compute(params, [run(e), run(e, 4), run(x, 8)], "quick");
  assertVerdicts(
    mixed.claims,
    ["PASS", "FAIL", ...REPORTS, "PASS", "PASS", "REPORTED", "REPORTED"],
    "one noisy d",
  );
});

Deno.test("the Lasso matrix claims of Figs. 9 and 15: each of several matrices must be sparse and singular", () => {
  const quote = { section: "Sec. 4.2", text: "the matrix is extremely sparse" };
  const c = (nonzero: number, rank: number) => ({ nonzero, m: 29, lassoRank: rank });
  assertVerdicts(lassoMatrixClaims([c(100, 20), c(153, 16)], "two"), ["PASS", "PASS"], "both");
  assertVerdicts(
    lassoMatrixClaims([c(100, 20), c(500, 29)], "two", {
      quote: {
        ...quote,
        text:
          "Note that for the coefficient matrix of the Lasso fit, the matrix is extremely sparse and is not naturally invertible, so we have added a small ϵI ($\\epsilon = 10^{-8}$) to A .",
      },
      words: "the matrix is extremely sparse",
    }),
    ["FAIL", "FAIL"],
    "one dense, invertible",
  );
});
