/**
 * How a figure's trials split into shards — the one rule behind `reproduce --shard i/n` (and
 * Slurm's job-array variables) and `cluster`'s check that each shard store holds its share: the
 * figure's unique trial keys on a backend, sorted, the i-th, (i+n)-th, ... to shard i.
 *
 * @module
 */
import { type Figure, figureRequests, type Scale } from "./figure.ts";
import { requestKey, type TrialRequest } from "../store/requests.ts";

/** What decides a figure's shards. */
export interface ShardOptions {
  scale: Scale;
  /** The backend's name: part of every trial's key. */
  backend: string;
  untilDecided: boolean;
  /** The number of shards. */
  count: number;
}

/**
 * A figure's trials in `count` shards: shard i gets the unique keys of rank i, i + count, ...
 * in sorted order, each with its request.
 *
 * @example
 * ```ts
 * import { figureShards } from "./shards.ts";
 * import { figureById } from "./figures.ts";
 * const shards = await figureShards(figureById("fig9")!, {
 *   scale: "tiny", backend: "asm", untilDecided: false, count: 2,
 * });
 * console.log(shards.map((s) => s.length)); // [ 2, 1 ]
 * ```
 */
export async function figureShards(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ShardOptions,
): Promise<{ key: string; request: TrialRequest }[][]> {
  const reqs = figureRequests(fig, opts.scale, opts.untilDecided);
  const keys = await Promise.all(reqs.map((r) => requestKey(r, opts.backend)));
  const unique = [...new Map(keys.map((k, i) => [k, reqs[i]])).entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const shards: { key: string; request: TrialRequest }[][] = Array.from(
    { length: opts.count },
    () => [],
  );
  unique.forEach(([key, request], i) => shards[i % opts.count].push({ key, request }));
  return shards;
}

/**
 * Each shard's trial keys over several figures (`reproduce all --shard i/n` runs shard i of
 * every figure): shard i's keys of each figure, each key once.
 *
 * @example
 * ```ts
 * import { shardKeys } from "./shards.ts";
 * import { figureById } from "./figures.ts";
 * const keys = await shardKeys([figureById("fig9")!], {
 *   scale: "tiny", backend: "asm", untilDecided: false, count: 2,
 * });
 * console.log(keys.map((s) => s.length)); // [ 2, 1 ]
 * ```
 */
export async function shardKeys(
  // deno-lint-ignore no-explicit-any
  figs: Figure<any>[],
  opts: ShardOptions,
): Promise<string[][]> {
  const out: Set<string>[] = Array.from({ length: opts.count }, () => new Set());
  for (const fig of figs) {
    (await figureShards(fig, opts)).forEach((s, i) => s.forEach(({ key }) => out[i].add(key)));
  }
  return out.map((s) => [...s]);
}
