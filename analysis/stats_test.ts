import { equal } from "node:assert/strict";
import {
  linearSvc,
  meanInterval,
  pearson,
  pearsonInterval,
  rateInterval,
  trainTestSplit,
  tTest,
} from "./stats.ts";
import { fourierNorms } from "./fourier.ts";
import { assertClose, fixture } from "../tests/helpers.ts";

const F = (a: string) => fixture("analysis_p59_d128_seed1", a);
const X = (a: string) => fixture("extra_sklearn", a);

Deno.test("Pearson r and p equal scipy's on the seed-1 run (init vs final signals)", async () => {
  const s0 = fourierNorms(
    (await fixture("p59_d128_seed1", "init_params")).subarray(0, 59 * 128),
    59,
    128,
  );
  const x = await F("ode_x"), y = await F("ode_y");
  const final = Array.from({ length: 29 }, (_, j) => x[999 * 29 + j] + y[999 * 29 + j]);
  const { r, p } = pearson(s0.subarray(1, 30), final);
  const ref = await F("pearson");
  assertClose([r], [ref[0]], { rtol: 1e-12 }, "Pearson r");
  // jStat's incomplete beta: measured 2.3e-10 relative to scipy's
  assertClose([p], [ref[1]], { rtol: 1e-8 }, "Pearson p");
});

Deno.test("Pearson r's Fisher-z interval equals scipy's confidence_interval (95 % and 99 %)", async () => {
  const r = (await F("pearson"))[0];
  // scipy 1.17.1: pearsonr(s0[1:30], final).confidence_interval(level) on the same 29 points
  const a = pearsonInterval(r, 29), b = pearsonInterval(r, 29, 0.99);
  assertClose([a.low, a.high], [0.21286655474376184, 0.7551935123087926], { rtol: 1e-9 }, "95 %");
  assertClose([b.low, b.high], [0.095102636009444, 0.8025422361304505], { rtol: 1e-9 }, "99 %");
});

Deno.test("Student's t-test equals scipy's ttest_ind", async () => {
  const s0 = fourierNorms(
    (await fixture("p59_d128_seed1", "init_params")).subarray(0, 59 * 128),
    59,
    128,
  );
  const { t, p } = tTest(s0.subarray(1, 16), s0.subarray(16, 30));
  const ref = await F("ttest");
  assertClose([t], [ref[0]], { rtol: 1e-12 }, "t");
  assertClose([p], [ref[1]], { rtol: 1e-8 }, "p");
});

Deno.test("train_test_split reproduces scikit-learn's indices", async () => {
  const a = trainTestSplit(300, 0.2, 42);
  assertClose(a.train, await X("split300_train"), { atol: 0 }, "train (300, 0.2, 42)");
  assertClose(a.test, await X("split300_test"), { atol: 0 }, "test (300, 0.2, 42)");
  const b = trainTestSplit(1000, 0.2, 0);
  assertClose(b.train, await X("split1000_rs0_train"), { atol: 0 }, "train (1000, 0.2, 0)");
  assertClose(b.test, await X("split1000_rs0_test"), { atol: 0 }, "test (1000, 0.2, 0)");
});

Deno.test("linear SVM (libsvm) reaches scikit-learn's SVC accuracy on Fig. 7's protocol", async () => {
  const sx = await F("svm_x"), sy = await F("svm_y");
  const { train, test } = trainTestSplit(300, 0.2, 42);
  const rows = (ids: Int32Array) => Array.from(ids, (i) => [sx[2 * i], sx[2 * i + 1]]);
  const svm = await linearSvc(rows(train), Array.from(train, (i) => sy[i]));
  const pred = svm.predict(rows(test));
  const acc = pred.filter((v, i) => v === sy[test[i]]).length / test.length;
  equal(acc, (await F("svm_accuracy"))[0], `accuracy ${acc}`);
});

Deno.test("confidence intervals equal scipy's (Clopper–Pearson, Student t)", async () => {
  const cp = await X("clopper_pearson_5of10_37of50");
  const a = rateInterval(5, 10), b = rateInterval(37, 50);
  assertClose([a.low, a.high, b.low, b.high], cp, { rtol: 1e-8 }, "Clopper–Pearson");
  const m = meanInterval(await X("t_interval_sample"), { bootstrap: 2000, seed: 1 });
  // jStat's t quantile: measured 5e-9 relative
  assertClose([m.low, m.high], await X("t_interval"), { rtol: 1e-7 }, "t interval");
  // the bootstrap interval of the mean lies inside the sample's range and around the mean
  if (!(m.bootLow! < m.mean && m.mean < m.bootHigh!)) {
    throw new Error(`bootstrap interval ${m.bootLow}..${m.bootHigh}`);
  }
  equal(rateInterval(0, 10).low, 0);
  equal(rateInterval(10, 10).high, 1);
});
