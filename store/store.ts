/**
 * The results store: every finished trial — its request (configuration, initial-state override,
 * records asked for), the code version and backend, its summary and its records — in one SQLite
 * database (`node:sqlite`, WAL journal). A trial is written in one transaction when it finishes,
 * so a sweep killed at any moment (SIGKILL included) loses only the trials still running, and a
 * rerun finds every finished one by its key and does not run it again.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { decodeNpy, encodeNpy, type NpyArray } from "../io/npy.ts";

/** The training semantics' version: bump it when a change alters what a trial computes. */
export const TRAINING_VERSION = "2"; // 2: cancellation-free cross-entropy in the asm core

/** One stored trial. */
export interface StoredTrial {
  key: string;
  /** The canonical JSON of the request the key was made from. */
  request: unknown;
  backend: string;
  version: string;
  /** Summary values (circles, final losses, ms/step, ...). */
  summary: Record<string, unknown>;
  createdAt: string;
}

/**
 * A canonical JSON text: object keys sorted, so equal requests give equal keys.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./store.ts";
 * console.log(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })); // {"a":[2,{"c":4,"d":3}],"b":1}
 * ```
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) =>
        `${JSON.stringify(k)}:${canonicalJson(o[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/** SHA-256 (hex) of a string. */
export async function sha256(text: string): Promise<string> {
  const h = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The store key of a request: SHA-256 of its canonical JSON, the backend and the training version.
 *
 * @example
 * ```ts
 * import { trialKey } from "./store.ts";
 * console.log((await trialKey({ p: 59 }, "asm")).length); // 64
 * ```
 */
export function trialKey(request: unknown, backend: string): Promise<string> {
  return sha256(canonicalJson({ request, backend, version: TRAINING_VERSION }));
}

/**
 * A results store in one SQLite file.
 *
 * @example
 * ```ts ignore
 * import { ResultsStore } from "./store.ts";
 * const store = await ResultsStore.open("results/store.sqlite");
 * if (!store.has(key)) store.put({ ... }, arrays);
 * ```
 */
export class ResultsStore {
  readonly path: string;
  readonly #db: DatabaseSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  /** Open (and create if needed) a store. */
  static async open(path: string): Promise<ResultsStore> {
    if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 10000;
      CREATE TABLE IF NOT EXISTS trials (
        key TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        backend TEXT NOT NULL,
        version TEXT NOT NULL,
        summary TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS arrays (
        key TEXT NOT NULL REFERENCES trials(key) ON DELETE CASCADE,
        name TEXT NOT NULL,
        npy BLOB NOT NULL,
        PRIMARY KEY (key, name)
      );
    `);
    return new ResultsStore(path, db);
  }

  /** Is a finished trial stored under `key`? */
  has(key: string): boolean {
    return this.#db.prepare("SELECT 1 FROM trials WHERE key = ?").get(key) !== undefined;
  }

  /** Store a finished trial and its arrays atomically (replacing one under the same key). */
  put(trial: Omit<StoredTrial, "createdAt" | "version">, arrays: Record<string, NpyArray>): void {
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.prepare("DELETE FROM arrays WHERE key = ?").run(trial.key);
      db.prepare(
        "INSERT OR REPLACE INTO trials (key, request, backend, version, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(
        trial.key,
        canonicalJson(trial.request),
        trial.backend,
        TRAINING_VERSION,
        JSON.stringify(trial.summary),
        new Date().toISOString(),
      );
      const ins = db.prepare("INSERT INTO arrays (key, name, npy) VALUES (?, ?, ?)");
      for (const [name, arr] of Object.entries(arrays)) ins.run(trial.key, name, encodeNpy(arr));
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  }

  /** The stored trial under `key`, or undefined. */
  get(key: string): StoredTrial | undefined {
    const row = this.#db.prepare(
      "SELECT key, request, backend, version, summary, created_at FROM trials WHERE key = ?",
    ).get(key) as Record<string, string> | undefined;
    if (!row) return undefined;
    return {
      key: row.key,
      request: JSON.parse(row.request),
      backend: row.backend,
      version: row.version,
      summary: JSON.parse(row.summary),
      createdAt: row.created_at,
    };
  }

  /** One stored array of a trial, or undefined. */
  array(key: string, name: string): NpyArray | undefined {
    const row = this.#db.prepare("SELECT npy FROM arrays WHERE key = ? AND name = ?").get(
      key,
      name,
    ) as
      | { npy: Uint8Array }
      | undefined;
    return row ? decodeNpy(row.npy, `${key}/${name}`) : undefined;
  }

  /** Every stored trial's key, in key order. */
  keys(): string[] {
    return (this.#db.prepare("SELECT key FROM trials ORDER BY key").all() as { key: string }[]).map(
      (r) => r.key,
    );
  }

  /** Number of stored trials. */
  count(): number {
    return (this.#db.prepare("SELECT COUNT(*) AS n FROM trials").get() as { n: number }).n;
  }

  /** Copy every trial of another store file that this one lacks (same key = same trial: the
   * training is deterministic). Returns how many were added. */
  mergeFrom(path: string): number {
    const src = new DatabaseSync(path, { readOnly: true });
    const db = this.#db;
    const before = this.count();
    try {
      const keys = (src.prepare("SELECT key FROM trials ORDER BY key").all() as { key: string }[])
        .map((r) => r.key);
      const getTrial = src.prepare("SELECT * FROM trials WHERE key = ?");
      const getArrays = src.prepare("SELECT name, npy FROM arrays WHERE key = ?");
      const insTrial = db.prepare(
        "INSERT INTO trials (key, request, backend, version, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      const insArray = db.prepare("INSERT INTO arrays (key, name, npy) VALUES (?, ?, ?)");
      for (const key of keys) {
        if (this.has(key)) continue;
        const t = getTrial.get(key) as Record<string, string>;
        db.exec("BEGIN IMMEDIATE");
        try {
          insTrial.run(t.key, t.request, t.backend, t.version, t.summary, t.created_at);
          for (const a of getArrays.all(key) as { name: string; npy: Uint8Array }[]) {
            insArray.run(key, a.name, a.npy);
          }
          db.exec("COMMIT");
        } catch (e) {
          db.exec("ROLLBACK");
          throw e;
        }
      }
    } finally {
      src.close();
    }
    return this.count() - before;
  }

  /** A digest of everything stored (keys, summaries, arrays): equal stores have equal digests. */
  async digest(): Promise<string> {
    const parts: string[] = [];
    for (const key of this.keys()) {
      const t = this.get(key)!;
      parts.push(key, canonicalJson(t.request), t.backend, t.version);
      const rows = this.#db.prepare("SELECT name, npy FROM arrays WHERE key = ? ORDER BY name").all(
        key,
      ) as {
        name: string;
        npy: Uint8Array;
      }[];
      for (const r of rows) {
        parts.push(
          r.name,
          await sha256(Array.from(r.npy, (b) => String.fromCharCode(b)).join("")),
        );
      }
    }
    return sha256(parts.join("\n"));
  }

  close(): void {
    this.#db.close();
  }
}
