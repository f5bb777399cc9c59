/**
 * Evaluation without training: the loss and accuracy over all p² pairs of any parameters of a
 * trial's shape, on the asm core (Fig. 8 evaluates thousands of surgically restricted
 * embeddings).
 *
 * @module
 */
import type { TrialConfig } from "../protocol/config.ts";
import { coreModule, createAsmKernel } from "../core_asm/asm_backend.ts";
import { initialTrial } from "../protocol/init.ts";
import { paramLayout } from "../protocol/layout.ts";
import { AnalysisError, dft, twiddles } from "../analysis/fourier.ts";
import { poolWorkerScript } from "./pool.ts";

/** Loss and accuracy over every pair. */
export interface Evaluation {
  loss: number;
  acc: number;
}

/**
 * An evaluator of parameters of `config`'s shape over all p² pairs (mean cross-entropy and
 * accuracy); `dispose` frees it.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { allPairsEvaluator } from "./evaluate.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 7, d: 4, hidden: 8 });
 * const ev = await allPairsEvaluator(config);
 * const r = ev.evaluate(initialTrial(config).params);
 * assert(r.loss > 0, `loss over all p² pairs: ${JSON.stringify(r)}`);
 * ```
 */
export async function allPairsEvaluator(
  config: TrialConfig,
): Promise<{ evaluate(params: Float64Array): Evaluation; dispose(): void }> {
  const init = initialTrial(config);
  const k = await createAsmKernel({ config, ...init });
  const { p } = config, nTrain = init.trainIds.length, nTest = p * p - nTrain;
  return {
    evaluate(params) {
      k.setParams(params);
      const s = k.evaluate();
      return {
        loss: (nTrain * s.trainLoss + nTest * s.testLoss) / (p * p),
        acc: (nTrain * s.trainAcc + nTest * s.testAcc) / (p * p),
      };
    },
    dispose: () => k.dispose(),
  };
}

/** The embedding of `params` kept to frequency sets: DC plus, for each set, its frequencies k
 * (and their conjugates p − k), as `keepFrequencies` keeps them. */
export interface RestrictionJob {
  /** The full parameter vector (fused layout); only its embedding is restricted. */
  params: Float64Array;
  /** The frequency sets, each a list of k in 1..p−1. */
  sets: number[][];
}

/**
 * The restricted embeddings of `E` (p×d) for each frequency set, DC kept: one DFT of E, then each
 * set's embedding as DC + Σ_{k∈S} component_k, where component_k is the inverse DFT of F_k and
 * F_{p−k} alone (the restriction is linear, so this equals `keepFrequencies(E, p, d, S)` up to
 * float64 rounding). Sets that keep the same frequencies get the same array.
 *
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "../tests/assert.ts";
 * import { restrictedEmbeddings } from "./evaluate.ts";
 * import { keepFrequencies } from "../analysis/fourier.ts";
 * const E = Float64Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i * i));
 * const [got, same] = restrictedEmbeddings(E, 7, 3, [[1, 3], [3, 6, 1]]); // 6 = 7 − 1
 * const want = keepFrequencies(E, 7, 3, [1, 3], { keepDC: true });
 * for (let i = 0; i < E.length; i++) assertAlmostEquals(got[i], want[i], 1e-12);
 * assert(got === same, "the same frequencies kept: one array");
 * ```
 */
export function restrictedEmbeddings(
  E: ArrayLike<number>,
  p: number,
  d: number,
  sets: number[][],
): Float64Array[] {
  const S = dft(E, p, d);
  const { cos, sin } = twiddles(p);
  // component of the frequency class {k, p − k} (k = 0: DC alone), computed once per class used
  const components = new Map<number, Float64Array>();
  const component = (k: number): Float64Array => {
    const cls = Math.min(k, p - k) % p;
    const done = components.get(cls);
    if (done) return done;
    const out = new Float64Array(p * d);
    for (const q of new Set([cls, (p - cls) % p])) {
      for (let n = 0; n < p; n++) {
        const j = (q * n) % p, c = cos[j] / p, s = sin[j] / p;
        for (let i = 0; i < d; i++) out[n * d + i] += S.re[q * d + i] * c - S.im[q * d + i] * s;
      }
    }
    components.set(cls, out);
    return out;
  };
  const dc = component(0);
  // sets that keep the same frequencies (e.g. {2, k} at k = 2 and {k} at k = 2) share one array
  const made = new Map<string, Float64Array>();
  return sets.map((set) => {
    const classes = new Set<number>();
    for (const k of set) {
      if (!Number.isInteger(k) || k < 0 || k >= p) {
        throw new AnalysisError(`frequency ${k}: allowed are integers 0..${p - 1}`);
      }
      if (k !== 0) classes.add(Math.min(k, p - k));
    }
    const key = [...classes].sort((a, b) => a - b).join(",");
    const known = made.get(key);
    if (known) return known;
    const out = Float64Array.from(dc);
    for (const cls of classes) {
      const c = component(cls);
      for (let i = 0; i < out.length; i++) out[i] += c[i];
    }
    made.set(key, out);
    return out;
  });
}

/** Evaluators kept per configuration in this thread (a Worker evaluates many jobs of one run). */
const evaluators = new Map<string, ReturnType<typeof allPairsEvaluator>>();

/**
 * Loss and accuracy over all p² pairs of `job.params` with its embedding restricted to each of
 * `job.sets` (DC kept), in set order, on this thread's evaluator of `config`'s shape.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { evaluateRestricted } from "./evaluate.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 7, d: 4, hidden: 8 });
 * const r = await evaluateRestricted(config, { params: initialTrial(config).params, sets: [[1], [1, 2]] });
 * assert(r.length === 2 && r.every((e) => e.loss > 0), JSON.stringify(r));
 * ```
 */
export async function evaluateRestricted(
  config: TrialConfig,
  job: RestrictionJob,
): Promise<Evaluation[]> {
  const key = JSON.stringify(config);
  if (!evaluators.has(key)) evaluators.set(key, allPairsEvaluator(config));
  const evaluator = await evaluators.get(key)!;
  const { p, d, hidden } = config;
  const L = paramLayout(p, d, hidden);
  const [e0, e1] = L.embedding;
  const buf = Float64Array.from(job.params);
  // a set keeping the same frequencies as an earlier one shares its embedding and its evaluation
  const done = new Map<Float64Array, Evaluation>();
  return restrictedEmbeddings(job.params.subarray(e0, e1), p, d, job.sets).map((E) => {
    const known = done.get(E);
    if (known) return { ...known };
    buf.set(E, e0);
    const e = evaluator.evaluate(buf);
    done.set(E, e);
    return e;
  });
}

/** @internal a restriction job for the trial pool's Worker */
export interface RestrictionRequest {
  kind: "restricted";
  index: number;
  config: TrialConfig;
  job: RestrictionJob;
}

/** @internal its answer */
export type RestrictionReply =
  | { kind: "evaluated"; index: number; results: Evaluation[] }
  | { kind: "error"; index: number; message: string };

/** Answer one restriction job in a Worker (the trial pool's Worker hands these here). */
export async function answerRestriction(msg: RestrictionRequest): Promise<RestrictionReply> {
  try {
    return {
      kind: "evaluated",
      index: msg.index,
      results: await evaluateRestricted(msg.config, msg.job),
    };
  } catch (e) {
    return { kind: "error", index: msg.index, message: String(e) };
  }
}

/**
 * {@linkcode evaluateRestricted} for many jobs of one configuration, spread over Workers (the
 * trial pool's Worker script, one per core by default); resolves with each job's evaluations,
 * in job order. Each job's numbers do not depend on the Worker that ran it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { evaluateRestricted, evaluateRestrictedOnWorkers } from "./evaluate.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * import { initialTrial } from "../protocol/init.ts";
 * const config = makeConfig({ p: 7, d: 4, hidden: 8 });
 * const job = { params: initialTrial(config).params, sets: [[1], [2, 3]] };
 * const [a, b] = await evaluateRestrictedOnWorkers(config, [job, job], { workers: 2 });
 * assertEquals(a, b);
 * assertEquals(a, await evaluateRestricted(config, job));
 * ```
 */
export async function evaluateRestrictedOnWorkers(
  config: TrialConfig,
  jobs: RestrictionJob[],
  { workers }: { workers?: number } = {},
): Promise<Evaluation[][]> {
  const n = Math.max(1, Math.min(workers ?? navigator.hardwareConcurrency ?? 1, jobs.length));
  const results: Evaluation[][] = new Array(jobs.length);
  if (jobs.length === 0) return results;
  const module = await coreModule();
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0, finished = 0;
      const feed = (w: Worker) => {
        if (next >= jobs.length) return;
        const index = next++;
        w.postMessage(
          { kind: "restricted", index, config, job: jobs[index] } as RestrictionRequest,
        );
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(poolWorkerScript(), { type: "module" });
        pool.push(w);
        w.postMessage({ kind: "module", module });
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`evaluation worker failed: ${e.message}`));
        };
        w.onmessage = (ev: MessageEvent<RestrictionReply>) => {
          const m = ev.data;
          if (m.kind === "error") {
            return reject(new Error(`restriction job ${m.index}: ${m.message}`));
          }
          results[m.index] = m.results;
          if (++finished === jobs.length) return resolve();
          feed(w);
        };
        feed(w);
      }
    });
  } finally {
    for (const w of pool) w.terminate();
  }
  return results;
}
