/**
 * Headless Chromium driven over the DevTools protocol with Deno's own WebSocket: launch (a private
 * profile, `--remote-debugging-port=0`, the port read from its stderr), open a page, evaluate,
 * wait, take screenshots, and collect every console error and uncaught exception of the page and
 * of its Workers. The explorer's browser test and its page benchmark use it.
 *
 * @module
 */

/** Where Chromium is looked for (CHROMIUM overrides). */
export const CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/**
 * The Chromium binary here, or undefined.
 *
 * @example
 * ```ts
 * import { assert } from "../tests/assert.ts";
 * import { findChromium } from "./cdp.ts";
 * const chromium = findChromium(); // "/usr/bin/chromium" where Debian's package is installed
 * assert(chromium === undefined || /chrom/i.test(chromium), `found ${chromium}`);
 * ```
 */
export function findChromium(): string | undefined {
  const env = (() => {
    try {
      return Deno.env.get("CHROMIUM");
    } catch {
      return undefined;
    }
  })();
  for (const p of env ? [env] : CHROMIUM_PATHS) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* next */ }
  }
  return undefined;
}

type Json = Record<string, unknown>;

/** `promise`, or `fallback` after `ms` (the timer cleared either way). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
interface Pending {
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
  method: string;
}

/**
 * A running headless Chromium and its DevTools connection.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs Chromium
 * const browser = await Browser.launch();
 * const page = await browser.newPage();
 * await page.goto("http://127.0.0.1:8000/?p=23&dim=32&steps=300&autostart=1");
 * const result = JSON.parse(await page.waitFor<string>(`document.getElementById("result").textContent`, 60_000));
 * if (!Array.isArray(result.circles)) throw new Error(`the run's summary: ${JSON.stringify(result)}`);
 * await browser.close();
 * ```
 */
export class Browser {
  readonly #proc: Deno.ChildProcess;
  readonly #ws: WebSocket;
  readonly #dir: string;
  readonly #stderr: Promise<string>;
  #id = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(method: string, params: Json, sessionId?: string) => void>();

  private constructor(
    proc: Deno.ChildProcess,
    ws: WebSocket,
    dir: string,
    stderr: Promise<string>,
  ) {
    this.#proc = proc;
    this.#ws = ws;
    this.#dir = dir;
    this.#stderr = stderr;
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data as string);
      if (m.id !== undefined) {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (!p) return;
        if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
        else p.resolve(m.result ?? {});
      } else {
        for (const l of this.#listeners) l(m.method, m.params ?? {}, m.sessionId);
      }
    };
  }

  /**
   * Start headless Chromium with a fresh profile and connect to it.
   *
   * @example
   * ```ts ignore
   * // not run by `deno test --doc`: it needs Chromium
   * const browser = await Browser.launch();
   * const page = await browser.newPage();
   * await page.goto("http://127.0.0.1:8000/");
   * await browser.close();
   * ```
   */
  static async launch(opts: { binary?: string; args?: string[] } = {}): Promise<Browser> {
    const binary = opts.binary ?? findChromium();
    if (!binary) {
      throw new Error(`no Chromium found (looked at ${CHROMIUM_PATHS.join(", ")}; set CHROMIUM)`);
    }
    const dir = await Deno.makeTempDir({ prefix: "circle-survival-chromium-" });
    const proc = new Deno.Command(binary, {
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${dir}`,
        "--remote-debugging-port=0",
        ...(opts.args ?? []),
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // read stderr to its end (a full pipe would stall Chromium); the DevTools URL comes first
    let found: (url: string) => void = () => {};
    const wsUrl = new Promise<string>((r) => (found = r));
    const stderr = (async () => {
      let text = "";
      const dec = new TextDecoder();
      for await (const chunk of proc.stderr) {
        text += dec.decode(chunk, { stream: true });
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (m) found(m[1]);
      }
      return text;
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = await Promise.race([
      wsUrl,
      stderr.then((t) => Promise.reject(new Error(`chromium exited: ${t.trim().slice(-400)}`))),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error("chromium: no DevTools URL within 120 s")), 120_000);
      }),
    ]).catch(async (e) => {
      clearTimeout(timer);
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
      await proc.status;
      await stderr.catch(() => "");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw e;
    });
    clearTimeout(timer);
    const ws = new WebSocket(url);
    await new Promise<void>((res, rej) => {
      ws.onopen = () => res();
      ws.onerror = () => rej(new Error(`cannot connect to ${url}`));
    });
    return new Browser(proc, ws, dir, stderr);
  }

  /** Send a DevTools command (to a page's session when given). */
  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Listen to every event (returns the remover). */
  on(listener: (method: string, params: Json, sessionId?: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A new tab, with its console and its Workers' consoles watched. */
  async newPage(viewport = { width: 1400, height: 1000, mobile: false, scale: 1 }): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId as string, targetId as string);
    await page.init(viewport);
    return page;
  }

  /** Close Chromium (politely, then by force) and remove its profile. */
  async close(): Promise<void> {
    await within(this.send("Browser.close").catch(() => {}), 3000, undefined);
    const exited = await within(this.#proc.status.then(() => true), 5000, false);
    if (!exited) {
      try {
        this.#proc.kill("SIGKILL");
      } catch { /* gone */ }
      await this.#proc.status;
    }
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      const closed = new Promise((r) => (this.#ws.onclose = r));
      this.#ws.close();
      await closed;
    }
    for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: browser closed`));
    this.#pending.clear();
    await this.#stderr.catch(() => "");
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}

/**
 * One tab.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs Chromium
 * const page = await browser.newPage();
 * await page.goto(url);
 * const title = await page.evaluate<string>("document.title");
 * if (page.errors.length > 0) throw new Error(`the page logged: ${page.errors.join("; ")} (${title})`);
 * ```
 */
export class Page {
  readonly browser: Browser;
  readonly sessionId: string;
  readonly targetId: string;
  /** Console errors, uncaught exceptions and error log entries of the page and its Workers. */
  readonly errors: string[] = [];
  /** Every console message, as "type: text". */
  readonly console: string[] = [];
  readonly #sessions = new Set<string>();

  constructor(browser: Browser, sessionId: string, targetId: string) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.targetId = targetId;
    this.#sessions.add(sessionId);
  }

  /** Enable the domains, watch Workers, set the viewport. */
  async init(v: { width: number; height: number; mobile: boolean; scale: number }): Promise<void> {
    const b = this.browser;
    b.on((method, params, sessionId) => {
      if (method === "Target.attachedToTarget" && sessionId && this.#sessions.has(sessionId)) {
        const child = params.sessionId as string;
        this.#sessions.add(child);
        void (async () => {
          await b.send("Runtime.enable", {}, child).catch(() => {});
          await b.send("Runtime.runIfWaitingForDebugger", {}, child).catch(() => {});
        })();
        return;
      }
      if (!sessionId || !this.#sessions.has(sessionId)) return;
      if (method === "Runtime.consoleAPICalled") {
        const text = (params.args as Json[] ?? []).map((a) =>
          a.value !== undefined ? String(a.value) : String(a.description ?? a.type)
        ).join(" ");
        this.console.push(`${params.type}: ${text}`);
        if (params.type === "error" || params.type === "assert") {
          this.errors.push(`console: ${text}`);
        }
      } else if (method === "Runtime.exceptionThrown") {
        const d = params.exceptionDetails as Json;
        const ex = d.exception as Json | undefined;
        this.errors.push(`exception: ${ex?.description ?? d.text}`);
      } else if (method === "Log.entryAdded") {
        const e = params.entry as Json;
        if (e.level === "error") this.errors.push(`log: ${e.text} ${e.url ?? ""}`.trim());
      }
    });
    const s = this.sessionId;
    await b.send("Page.enable", {}, s);
    await b.send("Runtime.enable", {}, s);
    await b.send("Log.enable", {}, s);
    await b.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
    }, s);
    await b.send("Emulation.setDeviceMetricsOverride", {
      width: v.width,
      height: v.height,
      deviceScaleFactor: v.scale,
      mobile: v.mobile,
    }, s);
  }

  /** Navigate and wait for the load event. */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    let off = () => {};
    const loaded = new Promise<void>((r) => {
      off = this.browser.on((m, _p, sid) => {
        if (m === "Page.loadEventFired" && sid === this.sessionId) r();
      });
    });
    const nav = await this.browser.send("Page.navigate", { url }, this.sessionId);
    if (nav.errorText) {
      off();
      throw new Error(`navigate ${url}: ${nav.errorText}`);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      loaded,
      new Promise<never>((_, rej) => {
        timer = setTimeout(
          () => rej(new Error(`${url}: no load event in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => {
      clearTimeout(timer);
      off();
    });
  }

  /** Evaluate an expression in the page (promises awaited) and return its value. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.browser.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }, this.sessionId);
    const ex = r.exceptionDetails as Json | undefined;
    if (ex) {
      throw new Error(
        `evaluate ${expression.slice(0, 80)}: ${(ex.exception as Json)?.description ?? ex.text}`,
      );
    }
    return (r.result as Json).value as T;
  }

  /** Poll `expression` until it is truthy; returns its value. */
  async waitFor<T = unknown>(expression: string, timeoutMs: number, everyMs = 200): Promise<T> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (performance.now() > end) {
        throw new Error(
          `waited ${timeoutMs} ms for ${expression}; errors: ${this.errors.join(" | ") || "none"}`,
        );
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Uint8Array> {
    const r = await this.browser.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
    }, this.sessionId);
    return Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0));
  }

  /** Set the viewport (device pixels = CSS pixels × scale). */
  async viewport(width: number, height: number, mobile = false, scale = 1): Promise<void> {
    await this.browser.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: scale,
      mobile,
    }, this.sessionId);
  }
}
