import { equal } from "node:assert/strict";
import { atLeast, atMost, between, claimsTable, holds, onlyAt, untested } from "./claims.ts";

Deno.test("claims fail on failing data and pass on passing data", () => {
  equal(atLeast("x", 0.5, 0.9, "").verdict, "FAIL");
  equal(atLeast("x", 0.95, 0.9, "").verdict, "PASS");
  equal(atMost("x", 2, 1, "").verdict, "FAIL");
  equal(atMost("x", NaN, 1, "").verdict, "FAIL", "NaN must not pass");
  equal(atLeast("x", NaN, 1, "").verdict, "FAIL", "NaN must not pass");
  equal(between("x", 6, 3, 5, "").verdict, "FAIL");
  equal(between("x", 4, 3, 5, "").verdict, "PASS");
  equal(holds("x", false, "", "", "").verdict, "FAIL");
  equal(untested("x", "", "", "", "why").verdict, "UNTESTED");
  equal(onlyAt(false, atLeast("x", 1, 0, ""), "tiny").verdict, "UNTESTED");
  equal(onlyAt(true, atLeast("x", -1, 0, ""), "tiny").verdict, "FAIL");
  equal(claimsTable([atLeast("Lasso R²", 0.97, 0.9, "close to 1")]).includes("PASS"), true);
});
