// The GPU machine's benchmark at tiny sizes on whatever adapter is here (Mesa's lavapipe in CI;
// without one these fail, never pass silently). CI also runs `bench:device --quick` whole.
import { deepEqual, equal, match } from "node:assert/strict";
import { checkOutput, type DeviceBenchResult, PARITY_BOUNDS, runDeviceBench } from "./device.ts";
import { releaseGpu } from "../gpu/adapter.ts";
import { runScript } from "../tests/helpers.ts";

const SCRIPT = new URL("./device.ts", import.meta.url).pathname;

Deno.test("bench:device at tiny sizes: adapter, parity within the bounds, doubling batches, projection", async () => {
  const lines: string[] = [];
  const steps = { full: 3_600_000, untilDecided: 720_000 };
  const r = await runDeviceBench({
    parity: { p: 7, d: 4, steps: 40, trials: 2 },
    throughput: { p: 7, d: 4, first: 2, last: 16 },
    timedSeconds: 0.1,
    seconds: 120,
  }, { print: (l) => lines.push(l), trialSteps: () => Promise.resolve(steps) });
  await releaseGpu();
  const text = lines.join("\n");
  // the last line is the result, and it passes the check CI applies
  deepEqual(JSON.parse(lines.at(-1)!), JSON.parse(JSON.stringify(r)));
  deepEqual(checkOutput(text), [], text);
  match(text, /^adapter: /);
  equal(r.parity.maxSignalDiff <= PARITY_BOUNDS.signalRel * r.parity.maxSignal, true);
  equal(r.parity.maxSignal > 0, true, "signals recorded");
  // B doubles from 2 until 16 or until the throughput stops rising
  const Bs = r.batches.map((b) => b.B);
  equal(Bs[0], 2);
  Bs.forEach((B, i) => equal(B, 2 * 2 ** i, `${Bs}`));
  for (const b of r.batches) {
    const expected = (b.B * b.steps) / ((b.msPerStep * b.steps) / 1000);
    equal(Math.abs(b.trialStepsPerSecond - expected) < 1e-6 * expected, true, JSON.stringify(b));
  }
  const best = r.batches.reduce((a, b) => (b.trialStepsPerSecond > a.trialStepsPerSecond ? b : a));
  deepEqual(r.best, { B: best.B, trialStepsPerSecond: best.trialStepsPerSecond });
  // hours = trial-steps / best trial-steps per second
  const hours = steps.full / best.trialStepsPerSecond / 3600;
  equal(Math.abs(r.paperScaleHours! - hours) < 1e-9 * hours, true, `${r.paperScaleHours}`);
  const decided = steps.untilDecided / best.trialStepsPerSecond / 3600;
  equal(Math.abs(r.paperScaleHoursUntilDecided! - decided) < 1e-9 * decided, true);
});

Deno.test("bench:device --check: the last line must be the result, with finite parity within the bounds", () => {
  const good: Partial<DeviceBenchResult> = {
    adapter: {
      vendor: "",
      architecture: "",
      device: "",
      description: "x",
      software: true,
      limits: {},
      libraries: [],
    },
    parity: {
      p: 31,
      d: 24,
      steps: 300,
      trials: 4,
      maxSignalDiff: 1e-4,
      maxSignal: 40,
      maxLossRelDiff: 1e-4,
    },
    batches: [{ B: 64, trialStepsPerSecond: 100, msPerStep: 640, steps: 4, deviceGiB: 0.6 }],
    paperScaleHours: 2,
    paperScaleHoursUntilDecided: 1,
  };
  const line = (r: unknown) => `adapter: x\n${JSON.stringify(r)}\n`;
  deepEqual(checkOutput(line(good)), []);
  const bad = (patch: Record<string, unknown>, pattern: RegExp) => {
    const problems = checkOutput(line({ ...good, ...patch }));
    equal(problems.some((p) => pattern.test(p)), true, `${JSON.stringify(patch)}: ${problems}`);
  };
  bad({ parity: { ...good.parity, maxSignalDiff: NaN } }, /parity not finite/);
  bad({ parity: { ...good.parity, maxSignalDiff: 0.01 } }, /max \|Δsignal\|/);
  bad({ parity: { ...good.parity, maxLossRelDiff: 0.01 } }, /relative Δloss/);
  bad({ batches: [] }, /no batch measured/);
  bad({ paperScaleHours: null }, /paperScaleHours not a positive number/);
  equal(checkOutput("adapter: x\nnot json")[0].startsWith("the last line is not JSON"), true);
});

Deno.test("bench:device: bad input is one line and exit 2, before any work", async () => {
  for (
    const [args, pattern] of [
      [["--seconds", "abc"], /^bench:device: seconds "abc": allowed is 10 … 3600$/],
      [["--bogus"], /^bench:device: Unknown option '--bogus'/],
      [["--check", "/nonexistent/out.txt"], /^bench:device: check "\/nonexistent\/out.txt": /],
    ] as const
  ) {
    const r = await runScript(SCRIPT, [...args], ["--allow-read", "--allow-env"]);
    equal(r.code, 2, `${args}: ${r.stderr}`);
    equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    match(r.stderr.trim(), pattern);
  }
});
