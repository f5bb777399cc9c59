/**
 * How trials split into shards — the one rule behind `reproduce --shard i/n`, `sweep --shard i/n`
 * (and Slurm's job-array variables) and `cluster`'s check that each shard store holds its share:
 * the unique trial keys on a backend, sorted, the i-th, (i+n)-th, ... to shard i.
 *
 * @module
 */
import { type Figure, figureRequests, type Scale } from "../paper/figure.ts";
import { requestKey, type TrialRequest } from "../store/requests.ts";
import { type ResolveOptions, trainMissing } from "./resolve.ts";

/** One of n deterministic parts of a set of trials (`--shard i/n`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Requests in `count` shards — the one partition behind `reproduce --shard`, `sweep --shard`,
 * Slurm's job arrays and `cluster`'s checks: the distinct requests sorted by store key, the i-th,
 * (i + count)-th, … to shard i. The same on every machine, so the shards' stores merged hold each
 * trial once.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { shardPartition } from "./shards.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const reqs = [0, 1, 2, 3, 4].map((seed) => ({ config: makeConfig({ p: 5, d: 2, seed }) }));
 * const shards = await shardPartition(reqs, "asm", 2); // shards[i]: { key, request }[]
 * assertEquals(shards.map((s) => s.length), [3, 2]);
 * assertEquals(new Set(shards.flat().map((x) => x.key)).size, 5); // each trial in one shard
 * ```
 */
export async function shardPartition(
  reqs: TrialRequest[],
  backend: string,
  count: number,
): Promise<{ key: string; request: TrialRequest }[][]> {
  const keys = await Promise.all(reqs.map((r) => requestKey(r, backend)));
  const unique = [...new Map(keys.map((k, i) => [k, reqs[i]])).entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const shards: { key: string; request: TrialRequest }[][] = Array.from(
    { length: count },
    () => [],
  );
  unique.forEach(([key, request], i) => shards[i % count].push({ key, request }));
  return shards;
}

/**
 * The requests of one shard of {@linkcode shardPartition}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { shardRequests } from "./shards.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const reqs = [0, 1, 2, 3, 4].map((seed) => ({ config: makeConfig({ p: 5, d: 2, seed }) }));
 * const mine = await shardRequests(reqs, "asm", { index: 1, count: 2 }); // `--shard 1/2`
 * assertEquals(mine.length, 2);
 * ```
 */
export async function shardRequests(
  reqs: TrialRequest[],
  backend: string,
  shard: Shard,
): Promise<TrialRequest[]> {
  return (await shardPartition(reqs, backend, shard.count))[shard.index].map((x) => x.request);
}

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
 * Train one shard of the requests into the store (what it lacks of them), on the backend named:
 * it is part of each key, so the merged shards serve a run with the same backend. Returns the
 * shard's number of trials.
 *
 * @example
 * ```ts ignore
 * const n = await trainShard(figureRequests(fig09, "quick"), { index: 2, count: 8 }, { store });
 * ```
 */
export async function trainShard(
  reqs: TrialRequest[],
  shard: Shard,
  opts: ResolveOptions,
): Promise<number> {
  const mine = await shardRequests(reqs, opts.backend?.name ?? "asm", shard);
  await trainMissing(mine, opts);
  return mine.length;
}

/**
 * A figure's trials in `count` shards: shard i gets the unique keys of rank i, i + count, ...
 * in sorted order, each with its request.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { figureShards } from "./shards.ts";
 * import { figureById } from "../paper/figures.ts";
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
 * import { figureById } from "../paper/figures.ts";
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
