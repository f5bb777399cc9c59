import { fig16 } from "./fig16.ts";
import { exactOde, noisyOde, odeTrial } from "../tests/synthetic.ts";
import { assertBothWays, assertVerdicts } from "../tests/claim_checks.ts";

Deno.test("Fig. 16 reports how the rollout tracks each frequency, never PASS or FAIL: the text gives no number", async () => {
  const good = await fig16.compute({ scale: "quick" }, [odeTrial(exactOde(60))], "quick");
  const bad = await fig16.compute({ scale: "quick" }, [odeTrial(noisyOde(60))], "quick");
  assertVerdicts(good.claims, ["REPORTED"], "exact ODE");
  assertVerdicts(bad.claims, ["REPORTED"], "noise");
  assertBothWays([good.claims, bad.claims]);
  // what it reports does tell them apart
  const median = (c: string) => Number(c.split(" / ")[0]);
  if (!(median(good.claims[0].measured) > 0.99 && median(bad.claims[0].measured) < 0.5)) {
    throw new Error(`medians ${good.claims[0].measured} and ${bad.claims[0].measured}`);
  }
});
