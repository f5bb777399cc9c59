/**
 * Progress of long work on stderr: on a terminal one line rewritten in place; elsewhere (a Slurm
 * log, a CI log, a pipe) a full line every 30 s, so a log shows that a sweep is alive and how far
 * it got. `CIRCLE_SURVIVAL_PROGRESS_SECONDS` sets the interval of the full lines.
 *
 * @module
 */

const enc = new TextEncoder();

/** Seconds between progress lines on a non-terminal stderr (30, or the environment's). */
export function progressInterval(): number {
  try {
    const v = Number(Deno.env.get("CIRCLE_SURVIVAL_PROGRESS_SECONDS"));
    if (Number.isFinite(v) && v > 0) return v;
  } catch { /* no env permission */ }
  return 30;
}

/** A reporter: call it with a line; it decides when and how the line reaches stderr. */
export function progressWriter(): { update(line: string, final?: boolean): void; clear(): void } {
  const tty = Deno.stderr.isTerminal();
  const every = progressInterval() * 1000;
  let last = performance.now(), shown = false;
  return {
    update(line, final = false) {
      const now = performance.now();
      if (tty) {
        Deno.stderr.writeSync(enc.encode(`\r${line} \x1b[K${final ? "\n" : ""}`));
        shown = !final;
      } else if (now - last >= every || final) {
        Deno.stderr.writeSync(enc.encode(`${line}\n`));
        last = now;
      }
    },
    clear() {
      if (tty && shown) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
      shown = false;
    },
  };
}

const eta = (elapsed: number, done: number, total: number) =>
  done > 0 ? (elapsed / done) * (total - done) : 0;

/**
 * Progress of a sweep of trials: trials finished, share of the steps, elapsed and remaining time.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it writes progress lines to stderr
 * await runTrials(jobs, { onProgress: sweepProgress("trials") });
 * ```
 */
export function sweepProgress(
  label: string,
): (s: { done: number; total: number; finished: number; trials: number }) => void {
  const t0 = performance.now();
  const out = progressWriter();
  return ({ done, total, finished, trials }) => {
    const el = (performance.now() - t0) / 1000;
    const pct = (100 * done / Math.max(1, total)).toFixed(1);
    out.update(
      `${label}: trials ${finished}/${trials}, ${pct}% of steps, ${el.toFixed(0)}s, ~${
        eta(el, done, total).toFixed(0)
      }s left`,
    );
  };
}

/** Progress of one run's steps. */
export function progressLine(label: string): (done: number, total: number) => void {
  const t0 = performance.now();
  const out = progressWriter();
  return (done, total) => {
    const el = (performance.now() - t0) / 1000;
    out.update(
      `${label} ${done}/${total} steps  ${el.toFixed(1)}s elapsed, ~${
        eta(el, done, total).toFixed(0)
      }s left`,
      done === total,
    );
  };
}
