/**
 * How a figure's trials split into shards — the one rule behind `reproduce --shard i/n` (and
 * Slurm's job-array variables) and `cluster`'s check that each shard store holds its share: the
 * figure's unique trial keys on a backend, sorted, the i-th, (i+n)-th, ... to shard i.
 *
 * @module
 */
import { type Figure, figureRequests, type Scale } from "./figure.ts";
import { shardPartition, type TrialRequest } from "../store/requests.ts";

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
 * import { assertEquals } from "../tests/assert.ts";
 * import { figureShards } from "./shards.ts";
 * import { figureById } from "./figures.ts";
 * const shards = await figureShards(figureById("fig9")!, {
 *   scale: "tiny", backend: "asm", untilDecided: false, count: 2,
 * });
 * assertEquals(shards.map((s) => s.length), [ 2, 1 ]);
 * ```
 */
export function figureShards(
  // deno-lint-ignore no-explicit-any
  fig: Figure<any>,
  opts: ShardOptions,
): Promise<{ key: string; request: TrialRequest }[][]> {
  return shardPartition(
    figureRequests(fig, opts.scale, opts.untilDecided),
    opts.backend,
    opts.count,
  );
}

/**
 * Each shard's trial keys over several figures (`reproduce all --shard i/n` runs shard i of
 * every figure): shard i's keys of each figure, each key once.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { shardKeys } from "./shards.ts";
 * import { figureById } from "./figures.ts";
 * const keys = await shardKeys([figureById("fig9")!], {
 *   scale: "tiny", backend: "asm", untilDecided: false, count: 2,
 * });
 * assertEquals(keys.map((s) => s.length), [ 2, 1 ]);
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
