/**
 * The authors' training loop in PyTorch (bench/torch_step.py) side by side with the asm core,
 * in one run: rounds that alternate a measurement of the asm step (this thread's CPU time, min
 * over 5 runs) and one of the PyTorch script (a subprocess: its thread's CPU time, min over its
 * runs), so both see the same machine at nearly the same moments. For `deno task bench:step
 * --torch`.
 *
 * @module
 */

/** What the PyTorch script reports (its --json line). */
export interface TorchStep {
  torch: string;
  blas: string;
  blasLoaded: string[];
  openblasCore: string;
  threads: number;
  dtype: string;
  msPerStep: number;
  msPerStepWall: number;
  msPerStepProcess: number;
}

/** One round: the asm step's ms and PyTorch's, both by thread CPU time. */
export interface SideBySideRound {
  asmMs: number;
  torchMs: number;
}

const SCRIPT = new URL("./torch_step.py", import.meta.url).pathname;

/**
 * A Python 3 that imports torch: `preferred` if given, else the first of `python3` on PATH and
 * /usr/bin/python3 that does; undefined when none does.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it starts Python processes to look for PyTorch
 * import { findTorchPython } from "./torch_side.ts";
 * const python = await findTorchPython(); // e.g. "/usr/bin/python3", or undefined without torch
 * if (python !== undefined && !python.includes("python")) throw new Error(`found ${python}`);
 * ```
 */
export async function findTorchPython(preferred?: string): Promise<string | undefined> {
  for (const py of preferred ? [preferred] : ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(py, {
        args: ["-c", "import torch"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return py;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Parse the script's output: its last line is one JSON object.
 *
 * @example
 * ```ts
 * import { parseTorchStep } from "./torch_side.ts";
 * const r = parseTorchStep('torch 1.13\n{"torch": "1.13", "msPerStep": 16.7}\n');
 * if (r.msPerStep !== 16.7) throw new Error(String(r.msPerStep));
 * ```
 */
export function parseTorchStep(stdout: string): TorchStep {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  const r = JSON.parse(last) as TorchStep;
  if (!(r.msPerStep > 0)) throw new Error(`torch_step.py printed no ms/step: ${last}`);
  return r;
}

/** Run bench/torch_step.py once (float32, one thread, the paper's p=59, d=128, wd=0.5). */
export async function torchStep(
  python: string,
  opts: { steps: number; runs: number; warmup: number },
): Promise<TorchStep> {
  const out = await new Deno.Command(python, {
    args: [
      SCRIPT,
      "--json",
      "--dtype",
      "f32",
      "--threads",
      "1",
      "--steps",
      String(opts.steps),
      "--runs",
      String(opts.runs),
      "--warmup",
      String(opts.warmup),
    ],
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${python} ${SCRIPT} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return parseTorchStep(text);
}

/**
 * `rounds` rounds of asm (`asmMs()`, one measurement) then PyTorch; the rounds and the last
 * PyTorch report.
 */
export async function sideBySide(
  python: string,
  rounds: number,
  asmMs: () => number,
  opts: { steps: number; runs: number; warmup: number },
): Promise<{ rounds: SideBySideRound[]; torch: TorchStep }> {
  const out: SideBySideRound[] = [];
  let torch: TorchStep | undefined;
  for (let r = 0; r < rounds; r++) {
    const a = asmMs();
    torch = await torchStep(python, opts);
    out.push({ asmMs: a, torchMs: torch.msPerStep });
  }
  return { rounds: out, torch: torch! };
}
