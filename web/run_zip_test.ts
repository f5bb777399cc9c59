import { deepEqual, equal, throws } from "node:assert/strict";
import { unzipSync } from "fflate";
import {
  runFolderName,
  runFromFiles,
  runFromJson,
  runFromZip,
  runJson,
  runZip,
} from "./run_zip.ts";
import { summarize, writeRunDir } from "../store/run_dir.ts";
import { train } from "../train/trainer.ts";
import { referenceBackend } from "../backends/reference.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";

async function tinyRun() {
  const config = makeConfig({ p: 7, d: 3, hidden: 8, steps: 30, seed: 2, mode: "fix-mlp" });
  const rec = await train(referenceBackend, { config, ...initialTrial(config) }, {
    gradSignals: true,
    embeddingsUntil: 2,
    paramsEvery: 10,
  });
  return { summary: summarize(config, rec), records: rec };
}

Deno.test("run zip: a run's zip holds train --out's files and gives the run back exactly", async () => {
  const run = await tinyRun();
  const zip = runZip(run);
  const folder = runFolderName(run.summary);
  equal(folder, "p7-d3-wd0.5-fix-mlp-init0-seed2");
  const dir = await Deno.makeTempDir();
  try {
    await writeRunDir(`${dir}/run`, run.records, run.summary);
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/run`)) names.push(`${folder}/${e.name}`);
    deepEqual(Object.keys(unzipSync(zip)).sort(), names.sort());
    // the run directory written by train --out opens the same way
    const files = new Map<string, Uint8Array>();
    for (const n of names) files.set(n, await Deno.readFile(`${dir}/run/${n.split("/")[1]}`));
    deepEqual(runFromFiles(files).records, run.records);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  deepEqual(runFromZip(zip), run);
});

Deno.test("run zip: the JSON export gives the run back exactly", async () => {
  const run = await tinyRun();
  deepEqual(runFromJson(runJson(run)), run);
});

Deno.test("run zip: what is not a run is one line saying why", () => {
  throws(() => runFromZip(new Uint8Array([1, 2, 3])), {
    name: "NpyError",
    message: /^not a zip file/,
  });
  throws(() => runFromFiles(new Map()), {
    name: "NpyError",
    message: "run.json: missing (a run directory holds run.json and .npy files)",
  });
  const bad = new Map([["run.json", new TextEncoder().encode("{}")]]);
  throws(() => runFromFiles(bad), { name: "NpyError", message: /no "config"/ });
  throws(() => runFromJson(`{"summary": {"config": {}}, "records": {}}`), {
    name: "NpyError",
    message: "JSON: records.trainLoss missing or not a list",
  });
});
