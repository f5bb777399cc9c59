/**
 * Is a stored trial whole? Its request and summary parse, and every array its request implies is
 * there, matches its digest, decodes and has the shape the others give it: the scalar logs one
 * entry per logged row, `signals` a row more (init) of p, `logged_at` where the request logs
 * sparsely, the final parameters unless it was stored lean, and the gradient signals, embeddings
 * and parameter snapshots it asked for. Checked before anything uses a stored trial — a figure,
 * a sweep, a resume, a merge — so a trial that lost an array is one line naming the store and
 * the trial, never a figure built on a part of it.
 *
 * @module
 */
import type { NpyArray } from "./npy.ts";
import { canonicalJson, type ResultsStore, type StoredTrial, StoreError } from "./store.ts";
import { paramLayout } from "../protocol/layout.ts";
import type { TrialRequest } from "./requests.ts";

/** A whole trial: its row and its arrays (digests verified, decoded). */
export interface WholeTrial {
  trial: StoredTrial;
  arrays: Record<string, NpyArray>;
}

const SCALARS = ["train_loss", "test_loss", "train_acc", "test_acc", "param_norm"];

/**
 * The names of the arrays a request's trial is stored with.
 *
 * @example
 * ```ts
 * import { expectedArrays } from "./trial_check.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const names = expectedArrays({ config: makeConfig({ steps: 10 }), records: { lean: true } });
 * if (names.includes("final_params") || !names.includes("signals")) throw new Error(`${names}`);
 * ```
 */
export function expectedArrays(req: TrialRequest): string[] {
  const r = req.records ?? {};
  const names = [...SCALARS, "signals"];
  if (!r.lean) names.push("final_params");
  if ((r.logEvery ?? 1) > 1) names.push("logged_at");
  if (r.gradSignals) names.push("grad_signals");
  if (Math.min(r.embeddingsUntil ?? 0, req.config.steps) > 0) names.push("embeddings");
  if ((r.paramsEvery ?? 0) > 0) names.push("param_snapshots", "param_snapshot_steps");
  return names;
}

/**
 * Read a stored trial and check that it is whole; a {@linkcode StoreError} naming the store, the
 * trial and what is wrong otherwise (a missing array, a shape that disagrees, a request or summary
 * that does not parse).
 *
 * @example
 * ```ts
 * import { checkTrial } from "./trial_check.ts";
 * import { ResultsStore, StoreError } from "./store.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:");
 * const f8 = (shape: number[]) => ({ dtype: "<f8" as const, shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
 * const request = { config: makeConfig({ p: 3, d: 1, hidden: 2, steps: 2 }), records: { lean: true } };
 * const arrays = { train_loss: f8([2]), test_loss: f8([2]), train_acc: f8([2]), test_acc: f8([2]), param_norm: f8([2]) };
 * store.put({ key: "k", request, backend: "asm", summary: { stepsDone: 2 } }, { ...arrays, signals: f8([3, 3]) });
 * checkTrial(store, "k");
 * store.put({ key: "k", request, backend: "asm", summary: { stepsDone: 2 } }, arrays);
 * try {
 *   checkTrial(store, "k");
 *   throw new Error("a trial without signals passed");
 * } catch (e) {
 *   if (!(e instanceof StoreError) || !e.message.includes("has no signals array")) throw e;
 * }
 * store.close();
 * ```
 */
export function checkTrial(store: ResultsStore, key: string): WholeTrial {
  const fail = (what: string) => new StoreError(`store ${store.path}: trial ${key}: ${what}`);
  const trial = store.get(key);
  if (!trial) throw fail("is not in the store");
  const req = trial.request as TrialRequest;
  const c = req?.config as Partial<TrialRequest["config"]> | undefined;
  if (!c || typeof c.p !== "number" || typeof c.d !== "number" || typeof c.steps !== "number") {
    throw fail(`its request is not a trial request (${canonicalJson(req).slice(0, 80)})`);
  }
  if (!trial.summary || typeof trial.summary !== "object" || Array.isArray(trial.summary)) {
    throw fail("its summary is not an object");
  }
  const arrays: Record<string, NpyArray> = {};
  for (const name of store.arrayNames(key)) arrays[name] = store.array(key, name)!;
  const expected = expectedArrays(req);
  const missing = expected.filter((n) => !(n in arrays));
  if (missing.length > 0) {
    throw fail(`has no ${missing.join(", ")} array${missing.length > 1 ? "s" : ""} (incomplete)`);
  }
  const shape = (name: string, want: number[]) => {
    const got = arrays[name].shape;
    if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
      throw fail(
        `array ${name} has shape ${JSON.stringify(got)} where ${JSON.stringify(want)} is needed`,
      );
    }
  };
  const { p, d } = c as { p: number; d: number };
  const rows = arrays.train_loss.shape[0];
  for (const name of SCALARS) shape(name, [rows]);
  shape("signals", [rows + 1, p]);
  const total = paramLayout(p, d, c.hidden ?? 100).total;
  if ("final_params" in arrays) shape("final_params", [total]);
  if ("logged_at" in arrays) shape("logged_at", [rows]);
  if ("grad_signals" in arrays) shape("grad_signals", [rows, p]);
  if ("embeddings" in arrays) shape("embeddings", [arrays.embeddings.shape[0], p, d]);
  if ("param_snapshots" in arrays) {
    const m = arrays.param_snapshots.shape[0];
    shape("param_snapshots", [m, total]);
    if ("param_snapshot_steps" in arrays) shape("param_snapshot_steps", [m]);
  }
  const done = (trial.summary as { stepsDone?: unknown }).stepsDone;
  if (typeof done === "number") {
    const logged = arrays.logged_at?.data;
    const last = logged ? (rows > 0 ? logged[rows - 1] : 0) : rows;
    if (last !== done) {
      throw fail(`its logs end at step ${last} where its summary says ${done} steps were done`);
    }
  }
  return { trial, arrays };
}
