/**
 * Disk space: how much a filesystem has free (`statfs`, through `node:fs`: Deno 2.9 has no
 * `Deno.statfs`; it needs `--allow-sys`), a check before work that records of a known size fit,
 * and the one-line "disk full" error for the writes that fail anyway (ENOSPC, a quota's EDQUOT,
 * SQLite's "database or disk is full"); whether a folder can be written, and a file written whole
 * or not at all.
 *
 * @module
 */
import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The disk (or the quota) is full, or too full for the records about to be written. */
export class DiskFullError extends Error {
  override name = "DiskFullError";
}

/** A path that cannot be used as asked (one line naming it and what is allowed). */
export class PathError extends Error {
  override name = "PathError";
}

/** Can a file be created in directory `dir`? (A probe file, removed at once.) */
export async function checkWritable(dir: string, what: string): Promise<void> {
  const probe = `${dir}/.circle-survival-probe-${Deno.pid}-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
    await Deno.remove(probe);
  } catch (e) {
    throw new PathError(`${what}: cannot be written in ${dir} (${(e as Error).name})`);
  }
}

/**
 * Whether `path` exists (any kind of entry; false where it cannot be stat'ed).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { exists } from "./disk.ts";
 * assertEquals([await exists(Deno.cwd()), await exists(`${Deno.cwd()}/no-such-entry-here`)], [true, false]);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write a file whole or not at all: a temporary sibling, renamed into place. */
export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * Is `e` a write that failed for want of space (ENOSPC, EDQUOT, SQLITE_FULL)?
 *
 * @example
 * ```ts
 * import { isDiskFull } from "./disk.ts";
 * const enospc = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * if (!isDiskFull(enospc)) throw new Error("ENOSPC is a full disk");
 * if (!isDiskFull(new Error("database or disk is full"))) throw new Error("SQLite's SQLITE_FULL");
 * if (isDiskFull(new Error("no such file"))) throw new Error("not a full disk");
 * ```
 */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return true;
  const text = e instanceof Error ? `${e.message} ${(e as { errstr?: string }).errstr ?? ""}` : "";
  return /No space left on device|Disk quota exceeded|database or disk is full|SQLITE_FULL|os error (28|122)\b/i
    .test(text);
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** The nearest existing folder at or above `path`. */
function existingFolder(path: string): string {
  let p = resolve(path);
  for (;;) {
    try {
      if (Deno.statSync(p).isDirectory) return p;
    } catch { /* not there yet */ }
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

/**
 * Bytes free to this user on the filesystem that holds `path` (or would hold it: its nearest
 * existing folder), or undefined where statfs cannot be called (no `--allow-sys`, no such call).
 *
 * @example
 * ```ts
 * import { freeBytes } from "./disk.ts";
 * const free = freeBytes(Deno.cwd());
 * if (free !== undefined && !(free >= 0)) throw new Error(`${free}`);
 * ```
 */
export function freeBytes(path: string): number | undefined {
  try {
    const s = statfsSync(existingFolder(path));
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/** A size for a message: "12.3 MiB". */
export function formatBytes(b: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) [b, i] = [b / 1024, i + 1];
  return i === 0 ? `${b} bytes` : `${b.toFixed(1)} ${units[i]}`;
}

/**
 * Refuse, before any work, to write `bytes` under `path` when its filesystem has less free: a
 * one-line {@linkcode DiskFullError} naming `what`, the size and the space. Where the free space
 * cannot be read nothing is checked.
 *
 * @example
 * ```ts
 * import { checkFreeSpace, DiskFullError, freeBytes } from "./disk.ts";
 * checkFreeSpace(Deno.cwd(), 1, "a byte");
 * let refused = "";
 * try {
 *   checkFreeSpace(Deno.cwd(), 2 ** 62, "4 EiB of records");
 * } catch (e) {
 *   if (!(e instanceof DiskFullError)) throw e;
 *   refused = e.message;
 * }
 * // where the free space can be read, 4 EiB is refused in one line that names it
 * if (freeBytes(Deno.cwd()) !== undefined && !refused.includes("4 EiB of records")) {
 *   throw new Error(`not refused: ${JSON.stringify(refused)}`);
 * }
 * ```
 */
export function checkFreeSpace(path: string, bytes: number, what: string): void {
  const free = freeBytes(path);
  if (free !== undefined && bytes > free) {
    throw new DiskFullError(
      `${what}: needs ${formatBytes(bytes)} of disk; ${existingFolder(path)} has ${
        formatBytes(free)
      } free`,
    );
  }
}
