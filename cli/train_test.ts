import { deepEqual, equal } from "node:assert/strict";
import { decodeNpy, encodeNpy } from "../store/npy.ts";
import { runScript } from "../tests/helpers.ts";

const TRAIN = new URL("./train.ts", import.meta.url).pathname;

function run(args: string[]) {
  return runScript(TRAIN, args);
}

Deno.test("train: every bad input is one line on stderr, exit 2, nothing written", async () => {
  const tmp = await Deno.makeTempDir();
  const notNpy = `${tmp}/garbage.npy`;
  await Deno.writeTextFile(notNpy, "this is not numpy");
  const wrongShape = `${tmp}/wrong.npy`;
  await Deno.writeFile(
    wrongShape,
    encodeNpy({ dtype: "<f8", shape: [5], data: new Float64Array(5) }),
  );
  const badIds = `${tmp}/ids.npy`;
  await Deno.writeFile(
    badIds,
    encodeNpy({ dtype: "<i8", shape: [3], data: Float64Array.from([0, 1, 9999]) }),
  );
  const nanParams = `${tmp}/nan.npy`;
  const total = 14921; // p=13, d=16
  const nan = new Float64Array(total);
  nan[7] = NaN;
  await Deno.writeFile(nanParams, encodeNpy({ dtype: "<f8", shape: [total], data: nan }));
  const cases: [string[], string][] = [
    [["--p", "2"], "p 2"],
    [["--p", "5.5"], "p 5.5"],
    [["--p", "abc"], 'p "abc"'],
    [["--dim", "0"], "dim 0"],
    [["--wd", "-0.1"], "wd -0.1"],
    [["--wd", "nan"], "wd"],
    [["--steps", "-1"], "steps -1"],
    [["--seed", "-3"], "seed -3"],
    [["--seed", "1.5"], "seed 1.5"],
    [["--init-seed", "x"], "init-seed"],
    [["--mode", "fixed"], 'mode "fixed"'],
    [["--hidden", "0"], "hidden 0"],
    [["--hidden", "2.5"], "hidden 2.5"],
    [["--train-fraction", "1"], "train-fraction 1"],
    [["--p", "5", "--train-fraction", "0.01"], "train-fraction 0.01"],
    [["--optimizer", "rmsprop"], 'optimizer "rmsprop"'],
    [["--momentum", "0.5"], "momentum 0.5: allowed only with optimizer sgd"],
    [["--optimizer", "adam", "--momentum", "0.9"], "momentum 0.9"],
    [["--optimizer", "sgd", "--momentum", "1"], "momentum 1"],
    [["--optimizer", "sgd", "--momentum", "-0.1"], "momentum -0.1"],
    [["--lr", "0"], "lr 0"],
    [["--backend", "cuda"], 'backend "cuda"'],
    [["--bogus"], "bogus"],
    [["--init-params", notNpy], "not a .npy"],
    [["--init-params", wrongShape], "shape [5]"],
    [["--init-params", `${tmp}/missing.npy`], "cannot be read"],
    [["--p", "13", "--dim", "16", "--init-params", nanParams], "NaN"],
    [["--p", "13", "--train-ids", badIds], "9999"],
    [["--p", "13", "--p", "17"], "--p: given twice"],
    [["--bogus"], "allowed are --p, --dim"],
    [["--steps", "1e12"], "GiB"],
    // 4.6 GiB for the asm core (p=4000, d=4000 fits: its activations are held one block at a time)
    [["--p", "4000", "--dim", "40000"], "4 GiB"],
  ];
  for (const [args, mention] of cases) {
    const out = `${tmp}/out-${args.join("_").replace(/[^\w-]/g, "")}`;
    const steps = args.includes("--steps") ? [] : ["--steps", "2"];
    const r = await run([...args, ...steps, "--out", out]);
    equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, `${args.join(" ")}: ${lines.length} lines of stderr: ${r.stderr}`);
    equal(
      lines[0].includes(mention),
      true,
      `${args.join(" ")}: "${lines[0]}" does not name ${mention}`,
    );
    let exists = true;
    try {
      await Deno.stat(out);
    } catch {
      exists = false;
    }
    equal(exists, false, `${args.join(" ")}: wrote ${out}`);
  }
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("train: an output place that cannot be written is refused before training", async () => {
  const tmp = await Deno.makeTempDir();
  const file = `${tmp}/a-file`;
  await Deno.writeTextFile(file, "x");
  const readOnly = `${tmp}/read-only`;
  await Deno.mkdir(readOnly, { mode: 0o555 });
  await Deno.chmod(readOnly, 0o555);
  const cases: [string, string][] = [
    ["", 'out ""'],
    [file, "is a file"],
    [`${file}/run`, "is a file"],
    [`${file}/deeper/run`, "is a file"],
    [`${readOnly}/run`, "cannot be written"],
  ];
  for (const [out, mention] of cases) {
    // a long run: if the check came after training, this test would time out
    const r = await runScript(TRAIN, ["--steps", "100000000", "--out", out], undefined, {
      unprivileged: true,
    });
    equal(r.code, 2, `--out ${JSON.stringify(out)}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    equal(lines.length, 1, r.stderr);
    equal(lines[0].includes(mention), true, `"${lines[0]}" does not name ${mention}`);
  }
  const left = [...Deno.readDirSync(readOnly)];
  equal(left.length, 0, "nothing written");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("train: a run whose loss becomes non-finite is reported as diverged, not as 0 circles", async () => {
  const tmp = await Deno.makeTempDir();
  const dir = `${tmp}/run`;
  const r = await run([..."--p 7 --dim 4 --steps 40 --lr 1e30 --wd 0".split(" "), "--out", dir]);
  equal(r.code, 0, r.stderr);
  equal(/diverged at step \d+/.test(r.stdout), true, r.stdout);
  equal(r.stdout.includes("surviving circles"), false, r.stdout);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  equal(meta.circles, null, "a diverged run has no circle count");
  equal(
    Number.isInteger(meta.divergedAt) && meta.divergedAt >= 1,
    true,
    `divergedAt ${meta.divergedAt}`,
  );
  equal(meta.stepsDone, meta.divergedAt, "the run stops at the diverging step");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("train --out writes the fixtures' format and refuses a non-empty directory", async () => {
  const tmp = await Deno.makeTempDir();
  const dir = `${tmp}/run`;
  const r = await run([
    "--p",
    "7",
    "--dim",
    "4",
    "--steps",
    "5",
    "--seed",
    "3",
    "--out",
    dir,
    "--grad-signals",
    "--embeddings-until",
    "2",
    "--params-every",
    "2",
  ]);
  equal(r.code, 0, r.stderr);
  const shape = async (f: string) => decodeNpy(await Deno.readFile(`${dir}/${f}.npy`)).shape;
  const total = 7 * 4 + 100 * 8 + 100 + 100 * 100 + 100 + 7 * 100 + 7;
  deepEqual(await shape("init_params"), [total]);
  deepEqual(await shape("final_params"), [total]);
  deepEqual(await shape("train_ids"), [39]);
  deepEqual(await shape("train_loss"), [5]);
  deepEqual(await shape("signals"), [6, 7]);
  deepEqual(await shape("grad_signals"), [5, 7]);
  deepEqual(await shape("embeddings"), [3, 7, 4]);
  deepEqual(await shape("param_snapshots"), [3, total]);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  equal(meta.backend, "asm");
  equal(meta.config.seed, 3);
  equal(Array.isArray(meta.circles), true);
  const again = await run(["--p", "7", "--dim", "4", "--steps", "1", "--out", dir]);
  equal(again.code, 2, "a second run into the same directory must be refused");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("train --out interrupted by SIGTERM writes the steps done, marked interrupted", async () => {
  const tmp = await Deno.makeTempDir();
  const dir = `${tmp}/run`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      TRAIN,
      "--p",
      "23",
      "--dim",
      "32",
      "--steps",
      "1000000",
      "--out",
      dir,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { CIRCLE_SURVIVAL_PROGRESS_SECONDS: "0.05" },
  }).spawn();
  // once it has reported steps done (a progress line), not at a guessed time
  let stderr = "";
  const dec = new TextDecoder();
  const stdout = child.stdout.pipeTo(new WritableStream());
  for await (const chunk of child.stderr) {
    stderr += dec.decode(chunk);
    if (/ [1-9]\d*\/1000000 steps/.test(stderr) && !stderr.includes("SIGTERM")) {
      child.kill("SIGTERM");
      stderr += "(SIGTERM sent)";
    }
  }
  await stdout;
  const res = await child.status;
  equal(res.code, 130, stderr);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  equal(meta.interrupted, true);
  const n = meta.stepsDone;
  equal(n > 0 && n < 1000000, true, `stepsDone ${n}`);
  const shape = async (f: string) => decodeNpy(await Deno.readFile(`${dir}/${f}.npy`)).shape;
  deepEqual(await shape("train_loss"), [n]);
  deepEqual(await shape("signals"), [n + 1, 23]);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("train --until-decided stops where the verdict is reached and says so", async () => {
  const tmp = await Deno.makeTempDir();
  const dir = `${tmp}/run`;
  const r = await run([
    ..."--p 23 --dim 32 --steps 10000 --until-decided".split(" "),
    "--out",
    dir,
  ]);
  equal(r.code, 0, r.stderr);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  equal(Number.isInteger(meta.decidedAt) && meta.decidedAt < 10000, true, `${meta.decidedAt}`);
  equal(meta.stepsDone, meta.decidedAt);
  equal(r.stdout.includes(`decided at step ${meta.decidedAt} of 10000`), true, r.stdout);
  await Deno.remove(tmp, { recursive: true });
});
