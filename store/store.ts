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
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { decodeNpy, encodeNpy, type NpyArray } from "./npy.ts";
import { CodecError, decodeCompact, encodeCompact, isCompact } from "./codec.ts";
import { firstLine, isDiskFull } from "./disk.ts";

/** The training semantics' version: bump it when a change alters what a trial computes. */
export const TRAINING_VERSION = "5"; // 4: the asm core blocked (row blocks, 4×8 tiles: f32 summation order); 5: its exp (Estrin's scheme), softmax (four rows a lane each, f32 sums over a row's columns) and the loss's log1p (f32) round differently

/** The store's schema version (SQLite's user_version): 2 adds a digest to every array; 3 is 2
 * whose arrays are written in the compact encoding of `codec.ts` (a store committed to git), the
 * float64 records of float32 trainers' trials as float32 values ({@linkcode compactForm}). Both are
 * read; an array's digest is of its `.npy` bytes as stored (before the codec). */
const SCHEMA = 2;
const SCHEMA_COMPACT = 3;

/** A store that cannot be used: damaged, of another version, not writable (one line naming the
 * store, and the trial where one is at fault). */
export class StoreError extends Error {
  override name = "StoreError";
}

/** One stored trial. */
export interface StoredTrial {
  /** The trial's key (its request's digest). */
  key: string;
  /** The canonical JSON of the request the key was made from. */
  request: unknown;
  /** The backend that trained it. */
  backend: string;
  /** The training semantics' version it was trained under (`TRAINING_VERSION`). */
  version: string;
  /** Summary values (circles, final losses, ms/step, ...). */
  summary: Record<string, unknown>;
  /** When it was stored (ISO 8601). */
  createdAt: string;
}

/**
 * The arithmetic a stored trial was trained in: its summary's `precision` (written since compact
 * stores exist), else — for trials stored before — float64 for the float64 reference backend
 * (`ref`) and float32 for every other.
 */
export function trialPrecision(backend: string, summary: unknown): "f32" | "f64" {
  const p = (summary as { precision?: unknown } | null)?.precision;
  if (p === "f32" || p === "f64") return p;
  return backend === "ref" ? "f64" : "f32";
}

/**
 * An array's `.npy` bytes as a compact store keeps them: a float32 trainer's float64 records
 * rounded to float32 values (the trainer's own precision: the digits past it are the host's
 * float64 arithmetic on float32 parameters, ~6e-8 relative), every other array as it is. Such
 * float64 arrays of float32 values compress ~10× (`codec.ts`).
 *
 * @example
 * ```ts
 * import { compactForm } from "./store.ts";
 * import { decodeNpy, encodeNpy } from "./npy.ts";
 * const npy = encodeNpy({ dtype: "<f8", shape: [2], data: Float64Array.from([0.1, 2]) });
 * const kept = decodeNpy(compactForm(npy, "f32")).data;
 * if (kept[0] !== Math.fround(0.1) || kept[1] !== 2) throw new Error(`kept ${kept}`);
 * if (compactForm(npy, "f64") !== npy) throw new Error("a float64 trial's array changed");
 * ```
 */
export function compactForm(npy: Uint8Array, precision: "f32" | "f64"): Uint8Array {
  if (precision === "f64") return npy;
  const a = decodeNpy(npy);
  if (a.dtype !== "<f8") return npy;
  return encodeNpy({ ...a, data: Float64Array.from(a.data, Math.fround) });
}

/**
 * A canonical JSON text: object keys sorted, so equal requests give equal keys.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { canonicalJson } from "./store.ts";
 * assertEquals(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
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
 * SHA-256 (hex) of bytes, synchronously (node:crypto; every array is checked on every read).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { digestBytes } from "./store.ts";
 * assertEquals(digestBytes(new Uint8Array(0)).slice(0, 16), "e3b0c44298fc1c14");
 * ```
 */
export function digestBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The store key of a request: SHA-256 of its canonical JSON, the backend and the training version
 * (this code's, or `version` to find a trial an earlier version trained).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { TRAINING_VERSION, trialKey } from "./store.ts";
 * assertEquals((await trialKey({ p: 59 }, "asm")).length, 64);
 * const same = await trialKey({ p: 59 }, "asm", TRAINING_VERSION);
 * assertEquals(same, await trialKey({ p: 59 }, "asm"), "default version");
 * if (same === await trialKey({ p: 59 }, "asm", "4")) throw new Error("version in the key");
 * ```
 */
export function trialKey(
  request: unknown,
  backend: string,
  version: string = TRAINING_VERSION,
): Promise<string> {
  return sha256(canonicalJson({ request, backend, version }));
}

/**
 * A results store in one SQLite file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { ResultsStore } from "./store.ts";
 * import { requestKey } from "./requests.ts";
 * import { resolveTrials } from "../experiments/resolve.ts";
 * import { makeConfig } from "../protocol/config.ts";
 * const store = await ResultsStore.open(":memory:"); // a path keeps it: "results/store.sqlite"
 * const request = { config: makeConfig({ p: 5, d: 2, steps: 3 }) };
 * await resolveTrials([request], { store, workers: 1 }); // trains and puts the trial
 * const key = await requestKey(request, "asm");
 * assertEquals([store.count(), store.has(key), store.get(key)?.backend], [1, true, "asm"]);
 * assertEquals(store.array(key, "train_loss")?.shape, [3]);
 * store.close();
 * ```
 */
export class ResultsStore {
  /** The SQLite file (or `:memory:`). */
  readonly path: string;
  readonly #db: DatabaseSync;

  /** The stores of this process that are open (closed together on a failure's exit). */
  static readonly #open = new Set<ResultsStore>();

  readonly #readOnly: boolean;

  /** Arrays are written in the compact encoding (schema 3). */
  readonly compact: boolean;

  private constructor(path: string, db: DatabaseSync, readOnly: boolean, compact: boolean) {
    this.path = path;
    this.#db = db;
    this.#readOnly = readOnly;
    this.compact = compact;
    ResultsStore.#open.add(this);
  }

  /** Close every store this process holds open: a command that stops on a failure or a signal
   * leaves each store closed cleanly (no WAL or shared-memory file left beside it). */
  static closeAll(): void {
    for (const s of [...ResultsStore.#open]) {
      try {
        s.close();
      } catch { /* already unusable */ }
    }
  }

  /**
   * Open (and create if needed) a store. Checked before any work: that the file is a results
   * store of this schema and, unless `readOnly`, that it can be written — every problem a one-line
   * {@linkcode StoreError} naming the file. `compact` makes a new store one whose arrays are
   * written compactly (an existing store keeps what it is).
   */
  static async open(
    path: string,
    opts: { readOnly?: boolean; compact?: boolean } = {},
  ): Promise<ResultsStore> {
    const fail = (what: string, e?: unknown) =>
      new StoreError(
        `store ${path}: ${what}${e ? ` (${(e as Error).message.split("\n")[0]})` : ""}`,
      );
    if (path === "") throw new StoreError(`store "": allowed is a file path`);
    if (path !== ":memory:") {
      let info: Deno.FileInfo | undefined;
      try {
        info = await Deno.stat(path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw fail("cannot be read", e);
      }
      if (info && !info.isFile) throw fail("is not a file");
      if (!info && opts.readOnly) throw fail("does not exist");
      if (!info) {
        try {
          await Deno.mkdir(dirname(path), { recursive: true });
        } catch (e) {
          throw fail("its folder cannot be created", e);
        }
      }
    }
    // A read-only connection to a WAL store leaves empty -wal and -shm files beside it (only a
    // writer may remove them), so a store opened to be read is opened writable where it can be
    // (and where no WAL is there already) and only read; the instance refuses writes.
    let connectReadOnly = opts.readOnly ?? false;
    if (connectReadOnly && path !== ":memory:") {
      const wal = await Deno.stat(`${path}-wal`).then(() => true, () => false);
      const writable = await Deno.open(path, { read: true, write: true }).then(
        (f) => (f.close(), true),
        () => false,
      );
      if (!wal && writable) connectReadOnly = false;
    }
    let db: DatabaseSync;
    let tables: string[];
    let version: number;
    try {
      db = new DatabaseSync(path, { readOnly: connectReadOnly });
      db.exec("PRAGMA busy_timeout = 10000;");
      version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
        .user_version;
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[]).map((r) => r.name);
      if (tables.length > 0 && version !== SCHEMA && version !== SCHEMA_COMPACT) {
        db.close();
        throw fail(
          `written by another version of circle-survival (schema ${version}, this one reads ${SCHEMA} and ${SCHEMA_COMPACT}); use a new store`,
        );
      }
      if (tables.length === 0 && opts.readOnly) {
        db.close();
        throw fail("is not a results store (no tables)");
      }
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (isDiskFull(e)) throw fail("disk full: cannot be opened", e);
      const readOnlyPlace = /readonly|read-only|permission denied/i.test(String(e));
      throw fail(readOnlyPlace ? "cannot be written" : "is not a results store", e);
    }
    if (!opts.readOnly) {
      try {
        // a new store gets its tables; an existing one is only checked to be writable (a write
        // lock taken and given back: nothing of the file changes)
        if (tables.length === 0) {
          db.exec(`
          PRAGMA journal_mode = WAL;
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
            sha256 TEXT NOT NULL,
            PRIMARY KEY (key, name)
          );
          PRAGMA user_version = ${opts.compact ? SCHEMA_COMPACT : SCHEMA};
        `);
          version = opts.compact ? SCHEMA_COMPACT : SCHEMA;
        }
        db.exec("PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE;");
        if (db.prepare("SELECT 1 FROM trials WHERE key = ''").get() !== undefined) {
          db.exec("DELETE FROM trials WHERE key = ''");
        }
        db.exec("COMMIT");
      } catch (e) {
        try {
          db.close();
        } catch { /* already unusable */ }
        throw fail(isDiskFull(e) ? "disk full: cannot be written" : "cannot be written", e);
      }
    }
    return new ResultsStore(path, db, opts.readOnly ?? false, version === SCHEMA_COMPACT);
  }

  /** Run a query; SQLite's errors become one line naming the store (and the trial); a full disk
   * says so. */
  #q<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (isDiskFull(e)) {
        throw new StoreError(
          `store ${this.path}: disk full: ${what} (${
            firstLine(e)
          }); the trials stored before are kept`,
        );
      }
      throw new StoreError(`store ${this.path}: ${what}: ${firstLine(e)}`);
    }
  }

  /** Run `f` in one write transaction: committed whole, or rolled back (where SQLite has not
   * already rolled it back itself, as it does on a full disk) with `f`'s error rethrown. */
  #transaction(f: () => void): void {
    if (this.#readOnly) throw new StoreError(`store ${this.path}: opened to be read, not written`);
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      f();
      db.exec("COMMIT");
    } catch (e) {
      try {
        if (db.isTransaction) db.exec("ROLLBACK");
      } catch { /* the first error is the one to report */ }
      throw e;
    }
  }

  /** Is a finished trial stored under `key`? */
  has(key: string): boolean {
    return this.#q(
      "cannot be read",
      () => this.#db.prepare("SELECT 1 FROM trials WHERE key = ?").get(key) !== undefined,
    );
  }

  /** Store a finished trial and its arrays atomically (replacing one under the same key). */
  put(trial: Omit<StoredTrial, "createdAt" | "version">, arrays: Record<string, NpyArray>): void {
    const db = this.#db;
    this.#q(`trial ${trial.key} cannot be written`, () =>
      this.#transaction(() => {
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
        const ins = db.prepare("INSERT INTO arrays (key, name, npy, sha256) VALUES (?, ?, ?, ?)");
        const precision = trialPrecision(trial.backend, trial.summary);
        for (const [name, arr] of Object.entries(arrays)) {
          const plain = encodeNpy(arr);
          const bytes = this.compact ? compactForm(plain, precision) : plain;
          ins.run(trial.key, name, this.compact ? encodeCompact(bytes) : bytes, digestBytes(bytes));
        }
      }));
  }

  /** The stored trial under `key`, or undefined. */
  get(key: string): StoredTrial | undefined {
    return this.#q(`trial ${key} cannot be read`, () => {
      const row = this.#db.prepare(
        "SELECT key, request, backend, version, summary, created_at FROM trials WHERE key = ?",
      ).get(key) as Record<string, string> | undefined;
      if (!row) return undefined;
      const parsed = (what: string, text: string) => {
        try {
          return JSON.parse(text);
        } catch {
          throw new StoreError(
            `store ${this.path}: trial ${key}: its ${what} is not valid JSON (damaged)`,
          );
        }
      };
      return {
        key: row.key,
        request: parsed("request", row.request),
        backend: row.backend,
        version: row.version,
        summary: parsed("summary", row.summary),
        createdAt: row.created_at,
      };
    });
  }

  /** The names of a trial's stored arrays, in name order. */
  arrayNames(key: string): string[] {
    return this.#q(
      `trial ${key} cannot be read`,
      () =>
        (this.#db.prepare("SELECT name FROM arrays WHERE key = ? ORDER BY name").all(key) as {
          name: string;
        }[]).map((r) => r.name),
    );
  }

  /** What a trial holds, as one digest: its request, backend, version and its arrays' stored
   * digests (not their bytes: `checkTrial` verifies those), not its summary, whose timings differ
   * between two runs of one trial. Equal for two copies of one trial. */
  async contentDigest(key: string, opts: { compactForm?: boolean } = {}): Promise<string> {
    if (opts.compactForm && !this.compact) {
      // as a compact store would hold it: digests of the arrays in their compact form
      const [t, arrays] = this.#raw(key);
      const precision = trialPrecision(t.backend, JSON.parse(t.summary));
      const parts = [t.request, t.backend, t.version];
      for (const a of arrays) parts.push(`${a.name}:${digestBytes(compactForm(a.npy, precision))}`);
      return await sha256(parts.join("\n"));
    }
    const parts = this.#q(`trial ${key} cannot be read`, () => {
      const t = this.#db.prepare("SELECT request, backend, version FROM trials WHERE key = ?")
        .get(key) as Record<string, string> | undefined;
      if (!t) throw new StoreError(`store ${this.path}: trial ${key} is not in the store`);
      const arrays = this.#db.prepare(
        "SELECT name, sha256 FROM arrays WHERE key = ? ORDER BY name",
      ).all(key) as { name: string; sha256: string }[];
      return [t.request, t.backend, t.version, ...arrays.map((a) => `${a.name}:${a.sha256}`)];
    });
    return await sha256(parts.join("\n"));
  }

  /** One stored array of a trial, or undefined; its digest is checked (damage is a
   * {@linkcode StoreError} naming the trial and the array). */
  array(key: string, name: string): NpyArray | undefined {
    return this.#q(`trial ${key}: array ${name} cannot be read`, () => {
      const row = this.#db.prepare("SELECT npy, sha256 FROM arrays WHERE key = ? AND name = ?")
        .get(key, name) as { npy: Uint8Array; sha256: string } | undefined;
      if (!row) return undefined;
      return decodeNpy(this.#verified(key, name, row.npy, row.sha256), `${key}/${name}`);
    });
  }

  /** Every stored trial's key, in key order. */
  keys(): string[] {
    return this.#q(
      "cannot be read",
      () =>
        (this.#db.prepare("SELECT key FROM trials ORDER BY key").all() as { key: string }[]).map(
          (r) => r.key,
        ),
    );
  }

  /** Number of stored trials. */
  count(): number {
    return this.#q(
      "cannot be read",
      () => (this.#db.prepare("SELECT COUNT(*) AS n FROM trials").get() as { n: number }).n,
    );
  }

  /** Copy every trial of another store that this one lacks (same key = same trial: the training
   * is deterministic), checking each array's digest on the way; with `keep`, only the keys it
   * accepts. Returns how many were added. */
  mergeFrom(src: ResultsStore, keep: (key: string) => boolean = () => true): number {
    const db = this.#db;
    const before = this.count();
    const insTrial = db.prepare(
      "INSERT INTO trials (key, request, backend, version, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const insArray = db.prepare("INSERT INTO arrays (key, name, npy, sha256) VALUES (?, ?, ?, ?)");
    for (const key of src.keys()) {
      if (this.has(key) || !keep(key)) continue;
      const [t, arrays] = src.#raw(key);
      this.#q(`trial ${key} cannot be written`, () =>
        this.#transaction(() => {
          insTrial.run(t.key, t.request, t.backend, t.version, t.summary, t.created_at);
          const precision = trialPrecision(t.backend, JSON.parse(t.summary));
          for (const a of arrays) {
            if (!this.compact) insArray.run(key, a.name, a.npy, a.sha256);
            else {
              const bytes = compactForm(a.npy, precision);
              insArray.run(key, a.name, encodeCompact(bytes), digestBytes(bytes));
            }
          }
        }));
    }
    return this.count() - before;
  }

  /** An array's `.npy` bytes (decoded if stored compactly), checked against its digest. */
  #verified(key: string, name: string, stored: Uint8Array, sha: string): Uint8Array {
    const damaged = (why: string) =>
      new StoreError(`store ${this.path}: trial ${key}: array ${name} is damaged (${why})`);
    let npy = stored;
    if (isCompact(stored)) {
      try {
        npy = decodeCompact(stored);
      } catch (e) {
        if (e instanceof CodecError) throw damaged("its compact encoding does not decode");
        throw e;
      }
    }
    if (digestBytes(npy) !== sha) throw damaged("its digest does not match");
    return npy;
  }

  /** A trial's rows, its arrays as `.npy` bytes, their digests checked. */
  #raw(key: string): [Record<string, string>, { name: string; npy: Uint8Array; sha256: string }[]] {
    return this.#q(`trial ${key} cannot be read`, () => {
      const t = this.#db.prepare("SELECT * FROM trials WHERE key = ?").get(key) as Record<
        string,
        string
      >;
      const arrays = this.#db.prepare(
        "SELECT name, npy, sha256 FROM arrays WHERE key = ? ORDER BY name",
      ).all(key) as { name: string; npy: Uint8Array; sha256: string }[];
      for (const a of arrays) a.npy = this.#verified(key, a.name, a.npy, a.sha256);
      return [t, arrays];
    });
  }

  /** A digest of everything stored (keys, requests, arrays): equal stores have equal digests. */
  async digest(): Promise<string> {
    const parts: string[] = [];
    for (const key of this.keys()) {
      const [t, arrays] = this.#raw(key);
      parts.push(key, t.request, t.backend, t.version);
      for (const a of arrays) parts.push(a.name, a.sha256);
    }
    return await sha256(parts.join("\n"));
  }

  /** Run SQL that returns nothing (maintenance: checkpoints). */
  exec(sql: string): void {
    if (this.#readOnly) throw new StoreError(`store ${this.path}: opened to be read, not written`);
    this.#q("cannot be written", () => this.#db.exec(sql));
  }

  /** Close the database (a closed store cannot be read or written). */
  close(): void {
    ResultsStore.#open.delete(this);
    this.#db.close();
  }
}
