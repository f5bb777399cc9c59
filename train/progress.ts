/**
 * Progress displays on a terminal (silent when stderr is not one).
 *
 * @module
 */
/**
 * A one-line progress display for a sweep of trials on a terminal (silent elsewhere).
 *
 * @example
 * ```ts ignore
 * await runTrials(jobs, { onProgress: sweepProgress("trials") });
 * ```
 */
export function sweepProgress(
  label: string,
): (s: { done: number; total: number; finished: number; trials: number }) => void {
  const tty = Deno.stderr.isTerminal();
  const t0 = performance.now();
  const enc = new TextEncoder();
  return ({ done, total, finished, trials }) => {
    if (!tty) return;
    const el = (performance.now() - t0) / 1000;
    const eta = done > 0 ? (el / done) * (total - done) : 0;
    const pct = (100 * done / Math.max(1, total)).toFixed(1);
    Deno.stderr.writeSync(
      enc.encode(
        `\r${label}: trials ${finished}/${trials}, ${pct}% of steps, ${el.toFixed(0)}s, ~${
          eta.toFixed(0)
        }s left \x1b[K`,
      ),
    );
  };
}

/** A one-line progress display of one run's steps. */
export function progressLine(label: string): (done: number, total: number) => void {
  const tty = Deno.stderr.isTerminal();
  const t0 = performance.now();
  const enc = new TextEncoder();
  return (done, total) => {
    if (!tty) return;
    const el = (performance.now() - t0) / 1000;
    const eta = done > 0 ? (el / done) * (total - done) : 0;
    const msg = `\r${label} ${done}/${total} steps  ${el.toFixed(1)}s elapsed, ~${
      eta.toFixed(0)
    }s left `;
    Deno.stderr.writeSync(enc.encode(done === total ? msg + "\n" : msg));
  };
}
