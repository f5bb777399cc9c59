/**
 * The authors' initial parameters and split for a trial, draw for draw: `nn.Linear`'s default
 * init (`kaiming_uniform_(a=√5)` for weights, U(±1/√fan_in) for biases, layer by layer), then
 * `torch.normal(0, 1, (p, d))` for the embedding, after `torch.manual_seed(seed)`; the split from
 * `np.random.seed(seed)`. The three modes combine an init seed and a trial seed (docs/SPEC.md).
 *
 * @module
 */
import type { TrialConfig } from "./config.ts";
import { paramLayout } from "./layout.ts";
import { TorchGenerator } from "../rng/torch.ts";
import { splitTrainIds } from "./task.ts";

/** What a trial starts from. */
export interface TrialInit {
  /** Fused float64 parameters ({@linkcode paramLayout}). */
  params: Float64Array;
  /** Training pair ids in drawing order. */
  trainIds: Int32Array;
}

/** The MLP part of `MLP.__init__` after the seed: three Linear layers, weight then bias. */
function drawLinears(g: TorchGenerator, p: number, d: number, hidden: number): Float64Array[] {
  const shapes: [number, number][] = [[hidden, 2 * d], [hidden, hidden], [p, hidden]];
  const out: Float64Array[] = [];
  for (const [fanOut, fanIn] of shapes) {
    // torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5)), computed as PyTorch computes it.
    const a = Math.sqrt(5);
    const gain = Math.sqrt(2.0 / (1 + a * a));
    const std = gain / Math.sqrt(fanIn);
    const wBound = Math.sqrt(3.0) * std;
    out.push(g.uniform(fanOut * fanIn, -wBound, wBound));
    const bBound = 1 / Math.sqrt(fanIn);
    out.push(g.uniform(fanOut, -bBound, bBound));
  }
  return out;
}

/** `get_model(seed)`: the linears, then the embedding. */
function authorsModel(seed: number, p: number, d: number, hidden: number, withEmbedding: boolean) {
  const g = new TorchGenerator(seed);
  const linears = drawLinears(g, p, d, hidden);
  const embedding = withEmbedding ? g.normal(p * d) : null;
  return { linears, embedding };
}

function fuse(p: number, d: number, hidden: number, emb: Float64Array, linears: Float64Array[]) {
  const layout = paramLayout(p, d, hidden);
  const params = new Float64Array(layout.total);
  params.set(emb, 0);
  let at = p * d;
  for (const t of linears) {
    params.set(t, at);
    at += t.length;
  }
  return params;
}

/**
 * The initial parameters and split of a trial, as the authors' code draws them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { makeConfig } from "./config.ts";
 * import { initialTrial } from "./init.ts";
 * const { params, trainIds } = initialTrial(makeConfig({ p: 23, d: 32, seed: 0 }));
 * assertEquals([params.length, trainIds.length], [19659, 423]);
 * ```
 */
export function initialTrial(
  cfg: Pick<TrialConfig, "p" | "d" | "hidden" | "seed" | "initSeed" | "mode" | "trainFraction">,
): TrialInit {
  const { p, d, hidden, seed, initSeed, mode, trainFraction } = cfg;
  if (mode === "default") {
    const m = authorsModel(seed, p, d, hidden, true);
    return {
      params: fuse(p, d, hidden, m.embedding!, m.linears),
      trainIds: splitTrainIds(p, seed, trainFraction),
    };
  }
  if (mode === "fix-embedding") {
    const base = authorsModel(initSeed, p, d, hidden, true);
    const m = authorsModel(seed, p, d, hidden, false);
    return {
      params: fuse(p, d, hidden, base.embedding!, m.linears),
      trainIds: splitTrainIds(p, seed, trainFraction),
    };
  }
  // fix-mlp: MLP and split from the init seed; the embedding is the first p·d normals of the
  // trial seed's generator (torch.manual_seed(seed); torch.normal(0, 1, (p, d))).
  const base = authorsModel(initSeed, p, d, hidden, false);
  const emb = new TorchGenerator(seed).normal(p * d);
  return {
    params: fuse(p, d, hidden, emb, base.linears),
    trainIds: splitTrainIds(p, initSeed, trainFraction),
  };
}
