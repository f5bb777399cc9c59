/**
 * The AssemblyScript SIMD backend ("asm"): loads `build/core.wasm` once, runs one instance per
 * trial, and converts between the authors' fused float64 parameters and the core's padded f32
 * layout (see the header of `assembly/core.ts`).
 *
 * @module
 */
import {
  type Backend,
  checkBatch,
  singleTrialKernel,
  type StepStats,
  type TrainingKernel,
  type TrialStart,
} from "../backends/contract.ts";
import { registerBackend } from "../backends/registry.ts";
import { paramLayout } from "../protocol/layout.ts";
import { pairRows } from "../protocol/task.ts";
import { type OptimizerSettings, optimizerSettings, stepScalars } from "../protocol/optimizer.ts";
import { dftMatrix } from "../analysis/fourier.ts";
import * as ids from "./assembly/ids.ts";

/** The core's exports. */
interface CoreExports {
  memory: WebAssembly.Memory;
  setup(p: number, d: number, h: number, nt: number): void;
  addr(which: number): number;
  offset(which: number): number;
  refreshTransposes(): void;
  step(
    kind: number,
    lr: number,
    wd: number,
    beta1: number,
    beta2: number,
    eps: number,
    momentum: number,
    stepSize: number,
    bc2sqrt: number,
    freeze: number,
    withTest: number,
  ): void;
  evaluate(): void;
  signals(which: number): void;
  paramSquares(): number;
}

let modulePromise: Promise<WebAssembly.Module> | undefined;

/**
 * Compile the core once per process (or take a module compiled elsewhere, e.g. sent to a Worker).
 * The bytes come inlined (build/core_wasm.ts, generated with build/core.wasm by the build), so
 * the core works the same from the source tree, a bundle or a compiled binary; they load on the
 * first call, not with this module.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { coreModule } from "./asm_backend.ts";
 * const mod = await coreModule(); // compiled once: a second call gives the same module
 * assert(mod === await coreModule(), "one module per process");
 * const names = WebAssembly.Module.exports(mod).map((e) => e.name);
 * assert(["setup", "step"].every((n) => names.includes(n)), `exports: ${names}`);
 * ```
 */
export function coreModule(module?: WebAssembly.Module): Promise<WebAssembly.Module> {
  if (module) modulePromise = Promise.resolve(module);
  modulePromise ??= import("./build/core_wasm.ts").then(({ CORE_WASM_BASE64 }) =>
    WebAssembly.compile(Uint8Array.from(atob(CORE_WASM_BASE64), (c) => c.charCodeAt(0)))
  );
  return modulePromise;
}

/** One trial on one instance of the core. */
export class AsmKernel implements TrainingKernel {
  readonly #x: CoreExports;
  readonly #p: number;
  readonly #d: number;
  readonly #h: number;
  readonly #nt: number;
  readonly #opt: OptimizerSettings;
  readonly #freeze: boolean;
  #t = 0;
  readonly #dp: number;
  readonly #hp: number;
  readonly #pp: number;
  #map: Uint32Array | undefined;

  /** One trial on its own instance of the core: its parameters and split copied in. */
  constructor(instance: WebAssembly.Instance, spec: TrialStart) {
    const { p, d, hidden, freezeEmbedding } = spec.config;
    const x = instance.exports as unknown as CoreExports;
    this.#x = x;
    [this.#p, this.#d, this.#h, this.#freeze] = [p, d, hidden, freezeEmbedding];
    this.#opt = optimizerSettings(spec.config);
    const rows = pairRows(p, spec.trainIds);
    this.#nt = rows.nTrain;
    x.setup(p, d, hidden, rows.nTrain);
    this.#dp = x.offset(ids.OFF_DP);
    this.#hp = x.offset(ids.OFF_HP);
    this.#pp = x.offset(ids.OFF_PP);
    // Pairs: train rows first (drawing order), then the sorted test rows.
    this.#i32(ids.ADDR_IA, p * p).set(rows.a);
    this.#i32(ids.ADDR_IB, p * p).set(rows.b);
    this.#i32(ids.ADDR_LABELS, p * p).set(rows.label);
    // DFT tables: F_k = Σ_n (cos − i·sin)(2π·kn/p) E_n; the imaginary part's sign does not
    // matter for the norm.
    const dft = dftMatrix(p);
    this.#f32(ids.ADDR_DFT_COS, p * p).set(dft.cos);
    this.#f32(ids.ADDR_DFT_SIN, p * p).set(dft.sin);
    this.setParams(spec.params);
  }

  #f32(which: number, n: number): Float32Array {
    return new Float32Array(this.#x.memory.buffer, this.#x.addr(which), n);
  }
  #i32(which: number, n: number): Int32Array {
    return new Int32Array(this.#x.memory.buffer, this.#x.addr(which), n);
  }

  /** Position in the core's padded in×out parameter block of each fused parameter. */
  #blockIndex(): Uint32Array {
    if (this.#map) return this.#map;
    const [p, d, h, dp, hp, pp] = [this.#p, this.#d, this.#h, this.#dp, this.#hp, this.#pp];
    const L = paramLayout(p, d, h);
    const [oE, oW0a, oW0b, oB0, oW1, oB1, oW2, oB2] = [
      ids.OFF_E,
      ids.OFF_W0A,
      ids.OFF_W0B,
      ids.OFF_B0,
      ids.OFF_W1,
      ids.OFF_B1,
      ids.OFF_W2,
      ids.OFF_B2,
    ].map((i) => this.#x.offset(i));
    const map = new Uint32Array(L.total);
    for (let t = 0; t < p; t++) {
      for (let i = 0; i < d; i++) map[L.embedding[0] + t * d + i] = oE + t * dp + i;
    }
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < d; i++) {
        map[L.w0[0] + j * 2 * d + i] = oW0a + i * hp + j;
        map[L.w0[0] + j * 2 * d + d + i] = oW0b + i * hp + j;
      }
      map[L.b0[0] + j] = oB0 + j;
      map[L.b1[0] + j] = oB1 + j;
      for (let i = 0; i < h; i++) map[L.w1[0] + j * h + i] = oW1 + i * hp + j;
    }
    for (let k = 0; k < p; k++) {
      for (let i = 0; i < h; i++) map[L.w2[0] + k * h + i] = oW2 + i * pp + k;
      map[L.b2[0] + k] = oB2 + k;
    }
    return (this.#map = map);
  }

  /** Load fused float64 parameters into the core's padded in×out layout. */
  setParams(fused: Float64Array): void {
    const map = this.#blockIndex();
    const blk = this.#f32(ids.ADDR_PARAMS, this.#x.offset(ids.OFF_TOTAL));
    blk.fill(0);
    for (let i = 0; i < map.length; i++) blk[map[i]] = fused[i];
    this.#x.refreshTransposes();
  }

  step(withTest = true): StepStats {
    this.#t++;
    const o = this.#opt;
    const { stepSize, bc2Sqrt } = stepScalars(o, this.#t);
    this.#x.step(
      o.code,
      o.lr,
      o.wd,
      o.beta1,
      o.beta2,
      o.eps,
      o.momentum,
      stepSize,
      bc2Sqrt,
      this.#freeze ? 1 : 0,
      withTest ? 1 : 0,
    );
    const s = this.#stats();
    if (!withTest) [s.testLoss, s.testAcc] = [NaN, NaN];
    return s;
  }

  /** Losses and accuracies of the current parameters without updating them. */
  evaluate(): StepStats {
    this.#x.evaluate();
    return this.#stats();
  }

  #stats(): StepStats {
    const s = new Float64Array(this.#x.memory.buffer, this.#x.addr(ids.ADDR_STATS), 4);
    const nTest = this.#p * this.#p - this.#nt;
    return {
      trainLoss: s[0] / this.#nt,
      trainAcc: s[1] / this.#nt,
      testLoss: s[2] / nTest,
      testAcc: s[3] / nTest,
    };
  }

  signals(out: Float64Array): void {
    this.#x.signals(0);
    out.set(new Float64Array(this.#x.memory.buffer, this.#x.addr(ids.ADDR_SIGNALS), this.#p));
  }
  gradSignals(out: Float64Array): void {
    this.#x.signals(1);
    out.set(new Float64Array(this.#x.memory.buffer, this.#x.addr(ids.ADDR_SIGNALS), this.#p));
  }
  params(): Float64Array {
    return this.#unpack(ids.ADDR_PARAMS);
  }

  /** The gradient of the last step (weight decay excluded), in the fused layout. */
  gradient(): Float64Array {
    return this.#unpack(ids.ADDR_GRAD);
  }

  /** Block `which` (ADDR_PARAMS or ADDR_GRAD) in the authors' fused float64 layout. */
  #unpack(which: number): Float64Array {
    const map = this.#blockIndex();
    const blk = this.#f32(which, this.#x.offset(ids.OFF_TOTAL));
    const out = new Float64Array(map.length);
    for (let i = 0; i < map.length; i++) out[i] = blk[map[i]];
    return out;
  }
  paramNorm(): number {
    return Math.sqrt(this.#x.paramSquares());
  }
  dispose(): void {}
}

const ceil8 = (x: number) => (x + 7) & ~7;
const ceil4 = (x: number) => (x + 3) & ~3;

/** Pair rows per block of the core's step (`BR` in assembly/core.ts; `offset(OFF_BR)` there). */
export const ASM_BLOCK_ROWS = 64;

/** WebAssembly's 32-bit address space: the most linear memory one core instance can have. */
export const WASM32_BYTES = 4 * 1024 ** 3;

/**
 * The linear memory the core's `setup` allocates for one trial (the buffers of
 * `assembly/core.ts`, each with 64 bytes for alignment, plus the heap's headers), in bytes.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "../tests/assert.ts";
 * import { asmCoreBytes } from "./asm_backend.ts";
 * assertAlmostEquals(asmCoreBytes(59, 128, 100, 2784) / 2 ** 20, 1.37, 5e-3); // MiB
 * ```
 */
export function asmCoreBytes(p: number, d: number, h: number, _nt: number): number {
  const [P, DP, HP, PP, R, BR] = [p, ceil8(d), ceil8(h), ceil8(p), p * p, ASM_BLOCK_ROWS];
  const kmax = Math.max(HP, PP, DP, P);
  const total = P * DP + 2 * DP * HP + HP + HP * HP + HP + HP * PP + PP;
  const floats = 4 * total + 2 * HP * DP + HP * HP + PP * HP + 3 * R + 2 * P * HP +
    5 * BR * HP + BR * PP + 2 * P * HP + 2 * P * P + 2 * P * DP + BR * PP + 28 +
    (ceil4(Math.max(BR, P)) + 4) * kmax + kmax;
  return 4 * floats + 8 * P + 64 + 80 * 40;
}

/**
 * One trial on a fresh instance of the core (tests and the Fig. 8 evaluator use the kernel's own
 * methods: `gradient`, `setParams`, `evaluate`).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { createAsmKernel } from "./asm_backend.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 23, d: 32 });
 * const k = await createAsmKernel({ config, ...initialTrial(config) });
 * const s = k.step();
 * assert(s.trainLoss > 0, JSON.stringify(s));
 * ```
 */
export async function createAsmKernel(spec: TrialStart): Promise<AsmKernel> {
  const mod = await coreModule();
  const instance = await WebAssembly.instantiate(mod, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`core.wasm aborted at ${line}:${col}`);
      },
    },
  });
  return new AsmKernel(instance, spec);
}

/**
 * The AssemblyScript SIMD backend ("asm"): f32, one trial per kernel, on the CPU (a Worker per
 * core in sweeps).
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { asmBackend } from "./asm_backend.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 23, d: 32 });
 * const k = await asmBackend.create([{ config, ...initialTrial(config) }]);
 * const out = new Float64Array(5 + 23);
 * await k.run(1, out);
 * assert(out[0] > 0, `the train loss of the first step: ${out[0]}`);
 * ```
 */
export const asmBackend: Backend = {
  name: "asm",
  summary: "AssemblyScript WebAssembly SIMD core, f32, one trial per Worker on every core",
  caps: { device: "cpu", maxBatch: 1, gradSignals: true },
  probe: () => Promise.resolve(),
  fits(c, nTrain) {
    const bytes = asmCoreBytes(c.p, c.d, c.hidden, nTrain);
    return bytes <= WASM32_BYTES
      ? undefined
      : `the asm core needs ${
        (bytes / 2 ** 30).toFixed(1)
      } GiB of linear memory for p=${c.p}, dim=${c.d}, hidden=${c.hidden}; WebAssembly allows 4 GiB`;
  },
  async create(specs, opts = {}) {
    const c = checkBatch(specs, "asm");
    if (specs.length !== 1) throw new Error(`the asm backend trains one trial per kernel`);
    return singleTrialKernel(await createAsmKernel(specs[0]), c.p, opts.gradSignals ?? false);
  },
};

registerBackend(asmBackend, { rank: 100, prefer: () => Promise.resolve(undefined) });
