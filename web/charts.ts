/**
 * The explorer's panels, drawn on plain canvases (a chart library redrawing 30 curves of 30 000
 * points twenty times a second would be the bottleneck; these draw at most one point per pixel
 * column): line charts on a log step axis, the embedding projected on a circle's plane, the
 * current signals as bars. Each draw returns a picker that maps a pointer position to what is
 * under it (a frequency), for hovering.
 *
 * @module
 */
/// <reference lib="dom" />

/**
 * The colour of frequency k (the same in every panel).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { freqColor } from "./charts.ts";
 * assertEquals(freqColor(0), "hsla(0, 72%, 42%, 1)");
 * ```
 */
export function freqColor(k: number, alpha = 1): string {
  return `hsla(${(k * 137.508) % 360}, 72%, 42%, ${alpha})`;
}

/**
 * A canvas sized to its box at the device's pixel ratio; drawing units are CSS pixels.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a page's DOM (the explorer's canvases)
 * const { ctx, w, h } = prepare(document.querySelector("canvas")!);
 * ctx.fillRect(0, 0, w / 2, h);
 * ```
 */
export function prepare(
  canvas: HTMLCanvasElement,
): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = Math.max(50, canvas.clientWidth), h = Math.max(50, canvas.clientHeight);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = "11px system-ui, sans-serif";
  return { ctx, w, h };
}

/** A plot area and its scales. */
interface Frame {
  ctx: CanvasRenderingContext2D;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x(step: number): number;
  y(v: number): number;
}

const AXIS = "#666", GRID = "#e6e6e6";

/** Log step axis: step s at log10(s + 1), so init (0) sits at the origin. */
const lx = (s: number) => Math.log10(s + 1);

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace("e+", "e");
  return String(+v.toPrecision(3));
}

/** Axes, grid and tick labels of a chart with a log step axis. */
function frame(
  ctx: CanvasRenderingContext2D,
  box: { w: number; h: number; right?: number },
  total: number,
  yr: { min: number; max: number; log?: boolean; label: string },
): Frame {
  const left = 46, right = box.w - (box.right ?? 10), top = 14, bottom = box.h - 26;
  const x1 = lx(Math.max(total, 1));
  const ty = (v: number) => (yr.log ? Math.log10(v) : v);
  const y0 = ty(yr.min), y1 = ty(yr.max);
  const f: Frame = {
    ctx,
    left,
    right,
    top,
    bottom,
    x: (s) => left + ((right - left) * lx(s)) / x1,
    y: (v) => bottom - ((bottom - top) * (ty(v) - y0)) / (y1 - y0 || 1),
  };
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS;
  ctx.lineWidth = 1;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let s = 1; s <= total * 1.0001; s *= 10) {
    const X = f.x(s - 1 === 0 ? 0 : s);
    ctx.beginPath();
    ctx.moveTo(X, top);
    ctx.lineTo(X, bottom);
    ctx.stroke();
    ctx.fillText(s === 1 ? "0" : fmt(s), X, bottom + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const ticks: number[] = [];
  if (yr.log) {
    for (let e = Math.ceil(y0); e <= Math.floor(y1); e++) ticks.push(10 ** e);
  } else {
    const step = niceStep((yr.max - yr.min) / 4);
    for (let v = Math.ceil(yr.min / step) * step; v <= yr.max + 1e-9; v += step) ticks.push(v);
  }
  for (const v of ticks) {
    const Y = f.y(v);
    ctx.beginPath();
    ctx.moveTo(left, Y);
    ctx.lineTo(right, Y);
    ctx.stroke();
    ctx.fillText(fmt(v), left - 4, Y);
  }
  ctx.strokeStyle = AXIS;
  ctx.strokeRect(left, top, right - left, bottom - top);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(yr.label, left + 4, 1);
  ctx.textAlign = "right";
  ctx.fillText("step (log)", right, bottom + 14);
  return f;
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw || 1));
  const m = raw / e;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

/** Rows to draw: at most one per pixel column (the last row of each column), and the last. */
function columns(steps: ArrayLike<number>, rows: number, f: Frame): number[] {
  const out: number[] = [];
  let lastCol = -Infinity;
  for (let i = 0; i <= rows; i++) {
    const col = Math.floor(f.x(steps[i]));
    if (col !== lastCol || i === rows) {
      if (col === lastCol) out[out.length - 1] = i;
      else out.push(i);
      lastCol = col;
    }
  }
  return out;
}

/** A source of rows for a log-step line chart. */
export interface Rows {
  /** Update of row i (row 0: init). */
  steps: ArrayLike<number>;
  /** Last row to draw. */
  rows: number;
  /** The steps the axis spans. */
  total: number;
}

/**
 * ‖F_k‖ of every frequency k = 0..⌊p/2⌋ over the steps (the conjugates p − k repeat them): the
 * `survivors` in their colours, labelled at their ends; `hover` drawn thick. Returns a picker:
 * the frequency whose curve passes nearest the pointer (within 14 px), or null.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a page's DOM (the explorer's canvases)
 * const pick = drawSignals(canvas, { steps, rows, total, p, signalsRow }, { survivors: [4, 8], hover: null });
 * canvas.onpointermove = (e) => (canvas.title = String(pick(e.offsetX, e.offsetY) ?? "")); // k or null
 * ```
 */
export function drawSignals(
  canvas: HTMLCanvasElement,
  src: Rows & { p: number; signalsRow(i: number): Float64Array; label?: string },
  opts: { survivors: number[]; hover: number | null },
): (x: number, y: number) => number | null {
  const { ctx, w, h } = prepare(canvas);
  const half = Math.floor(src.p / 2);
  let max = 0;
  for (let i = 0; i <= src.rows; i++) {
    const s = src.signalsRow(i);
    for (let k = 0; k <= half; k++) if (s[k] > max) max = s[k];
  }
  const f = frame(ctx, { w, h, right: 30 }, src.total, {
    min: 0,
    max: max * 1.05 || 1,
    label: src.label ?? "‖F_k‖ (signal of frequency k)",
  });
  const cols = columns(src.steps, src.rows, f);
  const order = [...Array(half + 1).keys()].sort((a, b) =>
    Number(opts.survivors.includes(a)) - Number(opts.survivors.includes(b)) ||
    Number(a === opts.hover) - Number(b === opts.hover)
  );
  ctx.lineJoin = "round";
  for (const k of order) {
    const live = opts.survivors.includes(k), hov = k === opts.hover;
    ctx.strokeStyle = live || hov ? freqColor(k) : "rgba(140,140,140,0.45)";
    ctx.lineWidth = hov ? 3 : live ? 2 : 1;
    ctx.beginPath();
    cols.forEach((i, j) => {
      const X = f.x(src.steps[i]), Y = f.y(src.signalsRow(i)[k]);
      if (j === 0) ctx.moveTo(X, Y);
      else ctx.lineTo(X, Y);
    });
    ctx.stroke();
    if (live || hov) {
      const i = cols[cols.length - 1];
      ctx.fillStyle = freqColor(k);
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.fillText(String(k), f.x(src.steps[i]) + 3, f.y(src.signalsRow(i)[k]));
    }
  }
  return (x, y) => {
    if (x < f.left || x > f.right + 20 || y < f.top - 8 || y > f.bottom + 8) return null;
    // the drawn row nearest the pointer's column
    let i = cols[0];
    for (const c of cols) if (f.x(src.steps[c]) <= x) i = c;
    const s = src.signalsRow(i);
    let best: number | null = null, dist = 14;
    for (let k = 0; k <= half; k++) {
      const dy = Math.abs(f.y(s[k]) - y);
      if (dy < dist) [best, dist] = [k, dy];
    }
    return best;
  };
}

/**
 * Curves on a log step axis: each series holds one value per row 1..rows (index i − 1).
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a page's DOM (the explorer's canvases)
 * drawCurves(canvas, { steps, rows, total }, [{ name: "train", values: trainLoss, color: "#2356c7" }], {
 *   label: "cross-entropy (log)",
 *   log: true,
 * });
 * ```
 */
export function drawCurves(
  canvas: HTMLCanvasElement,
  src: Rows,
  series: { name: string; values: ArrayLike<number>; color: string }[],
  axis: { label: string; log?: boolean; min?: number; max?: number },
): void {
  const { ctx, w, h } = prepare(canvas);
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < src.rows; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v) || (axis.log && v <= 0)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = axis.log ? [1e-3, 10] : [0, 1];
  if (axis.log) [lo, hi] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  const f = frame(ctx, { w, h }, src.total, {
    min: axis.min ?? lo,
    max: axis.max ?? (hi > lo ? hi : lo + 1),
    log: axis.log,
    label: axis.label,
  });
  const cols = columns(src.steps, src.rows, f).filter((i) => i > 0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.right - f.left, f.bottom - f.top);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    let started = false;
    for (const i of cols) {
      const v = s.values[i - 1];
      if (!Number.isFinite(v) || (axis.log && v <= 0)) continue;
      const X = f.x(src.steps[i]), Y = f.y(v);
      if (!started) ctx.moveTo(X, Y);
      else ctx.lineTo(X, Y);
      started = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  // legend
  ctx.textAlign = "right";
  ctx.textBaseline = "top";
  let X = f.right - 4;
  for (const s of [...series].reverse()) {
    const last = src.rows > 0 ? s.values[src.rows - 1] : NaN;
    const text = `${s.name} ${Number.isFinite(last) ? last.toPrecision(3) : "–"}`;
    ctx.fillStyle = s.color;
    ctx.fillText(text, X, f.top + 3);
    X -= ctx.measureText(text).width + 12;
  }
}

/**
 * The tokens' embeddings projected on the plane of frequency k (p labelled points), coloured by
 * their place on the ideal circle (k·n mod p), on equal axes.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a page's DOM (the explorer's canvases)
 * const xy = projectOnto(E, p, d, circlePlane(dft(E, p, d), 4));
 * drawPlane(canvas, xy, { k: 4, p, title: "k = 4", highlight: false });
 * ```
 */
export function drawPlane(
  canvas: HTMLCanvasElement,
  xy: Float64Array,
  opts: { k: number; p: number; title: string; highlight: boolean },
): void {
  const { ctx, w, h } = prepare(canvas);
  const { p, k } = opts;
  let r = 0;
  for (let n = 0; n < p; n++) r = Math.max(r, Math.hypot(xy[2 * n], xy[2 * n + 1]));
  r = r * 1.12 || 1;
  const top = 18, size = Math.min(w - 8, h - top - 4);
  const cx = w / 2, cy = top + size / 2, s = size / 2 / r;
  ctx.strokeStyle = opts.highlight ? freqColor(k) : "#ccc";
  ctx.lineWidth = opts.highlight ? 2 : 1;
  ctx.strokeRect(cx - size / 2, cy - size / 2, size, size);
  ctx.strokeStyle = GRID;
  ctx.beginPath();
  ctx.moveTo(cx - size / 2, cy);
  ctx.lineTo(cx + size / 2, cy);
  ctx.moveTo(cx, cy - size / 2);
  ctx.lineTo(cx, cy + size / 2);
  ctx.stroke();
  ctx.fillStyle = freqColor(k);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(opts.title, 4, 2);
  const labels = size > 140 || p <= 31;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let n = 0; n < p; n++) {
    const X = cx + xy[2 * n] * s, Y = cy - xy[2 * n + 1] * s;
    ctx.fillStyle = `hsl(${(360 * ((k * n) % p)) / p}, 75%, 45%)`;
    ctx.beginPath();
    ctx.arc(X, Y, labels ? 7 : 3, 0, 2 * Math.PI);
    ctx.fill();
    if (labels) {
      ctx.fillStyle = "#fff";
      ctx.font = "9px system-ui, sans-serif";
      ctx.fillText(String(n), X, Y + 0.5);
    }
  }
}

/**
 * The current signal of each frequency k = 0..⌊p/2⌋ as a bar, survivors in their colours, the
 * survival threshold (2 × the mean signal, docs/SPEC.md's rule) dashed. Returns a picker: the
 * frequency of the bar under the pointer, or null.
 *
 * @example
 * ```ts ignore
 * // not run by `deno test --doc`: it needs a page's DOM (the explorer's canvases)
 * const pick = drawBars(canvas, signals, { survivors: survivingCircles(signals), hover: null });
 * ```
 */
export function drawBars(
  canvas: HTMLCanvasElement,
  signals: Float64Array,
  opts: { survivors: number[]; hover: number | null },
): (x: number, y: number) => number | null {
  const { ctx, w, h } = prepare(canvas);
  const p = signals.length, half = Math.floor(p / 2);
  const left = 40, right = w - 6, top = 14, bottom = h - 22;
  const max = Math.max(...signals) * 1.08 || 1;
  const bw = (right - left) / (half + 1);
  const Y = (v: number) => bottom - ((bottom - top) * v) / max;
  ctx.fillStyle = AXIS;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const step = niceStep(max / 4);
  ctx.strokeStyle = GRID;
  for (let v = 0; v <= max; v += step) {
    ctx.beginPath();
    ctx.moveTo(left, Y(v));
    ctx.lineTo(right, Y(v));
    ctx.stroke();
    ctx.fillText(fmt(v), left - 4, Y(v));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const every = Math.ceil(half / Math.max(1, (right - left) / 22));
  for (let k = 0; k <= half; k++) {
    const live = opts.survivors.includes(k), hov = k === opts.hover;
    ctx.fillStyle = live || hov ? freqColor(k) : "#b9b9b9";
    const x = left + k * bw;
    ctx.fillRect(x + bw * 0.12, Y(signals[k]), bw * 0.76, bottom - Y(signals[k]));
    if (hov) {
      ctx.strokeStyle = "#222";
      ctx.strokeRect(x + bw * 0.12, Y(signals[k]), bw * 0.76, bottom - Y(signals[k]));
    }
    if (k % every === 0 || live) {
      ctx.fillStyle = live ? freqColor(k) : AXIS;
      ctx.fillText(String(k), x + bw / 2, bottom + 4);
    }
  }
  const mean = signals.reduce((a, b) => a + b, 0) / p;
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = "#c33";
  ctx.beginPath();
  ctx.moveTo(left, Y(2 * mean));
  ctx.lineTo(right, Y(2 * mean));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = AXIS;
  ctx.textAlign = "left";
  ctx.fillText("‖F_k‖ now (dashed: survival threshold)", left, 0);
  return (x, y) => {
    if (x < left || x > right || y < top || y > bottom + 16) return null;
    return Math.min(half, Math.floor((x - left) / bw));
  };
}
