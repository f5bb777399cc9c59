/**
 * Figure panels as PNG: line and scatter charts with chart.js rendered on @napi-rs/canvas, and
 * heatmaps drawn directly on the canvas (chart.js has no heatmap type).
 *
 * @module
 */
import type { Panel, Series } from "../paper/panel.ts";

export type { Panel, Series };

/** The drawing libraries: @napi-rs/canvas (a native addon) and chart.js. */
interface Drawing {
  createCanvas: typeof import("@napi-rs/canvas").createCanvas;
  Chart: typeof import("chart.js").Chart;
}

let drawing: Promise<Drawing> | undefined;

/** Load the drawing libraries on the first panel: importing this module loads neither. */
function loadDrawing(): Promise<Drawing> {
  drawing ??= Promise.all([import("@napi-rs/canvas"), import("chart.js")]).then(
    ([canvas, chart]) => {
      chart.Chart.register(...chart.registerables);
      return { createCanvas: canvas.createCanvas, Chart: chart.Chart };
    },
  );
  return drawing;
}

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** The i-th of n distinct colours. */
export function color(i: number, n = 10): string {
  return n <= PALETTE.length
    ? PALETTE[i % PALETTE.length]
    : `hsl(${Math.round((360 * i) / n)}, 70%, 45%)`;
}

/**
 * Render a panel to PNG bytes (the drawing libraries load on the first call).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { renderPanel } from "./plot.ts";
 * const png = await renderPanel({ kind: "line", file: "a.png", title: "t", xLabel: "x", yLabel: "y",
 *   series: [{ label: "s", x: [1, 2], y: [3, 4] }] });
 * assertEquals(png.subarray(0, 8), [137, 80, 78, 71, 13, 10, 26, 10]); // the PNG signature
 * ```
 */
export async function renderPanel(panel: Panel): Promise<Uint8Array> {
  const lib = await loadDrawing();
  return panel.kind === "heatmap" ? renderHeatmap(panel, lib) : renderLine(panel, lib);
}

function renderLine(
  panel: Extract<Panel, { kind: "line" }>,
  { createCanvas, Chart }: Drawing,
): Uint8Array {
  const width = panel.width ?? (panel.equalAxes ? 640 : 900),
    height = panel.height ?? (panel.equalAxes ? 640 : 560);
  let lim = 0;
  if (panel.equalAxes) {
    for (const s of panel.series) {
      for (let i = 0; i < s.x.length; i++) lim = Math.max(lim, Math.abs(s.x[i]), Math.abs(s.y[i]));
    }
    lim = lim * 1.08 || 1;
  }
  const cats = panel.xCategories;
  const range = panel.equalAxes ? { min: -lim, max: lim } : {};
  const xRange = cats
    ? {
      min: -0.5,
      max: cats.length - 0.5,
      ticks: { autoSkip: false, callback: (v: number | string) => cats[Number(v)] ?? "" },
      afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
        axis.ticks = cats.map((_, i) => ({ value: i }));
      },
      grid: { display: false },
    }
    : {
      ...range,
      ...(panel.xMin !== undefined ? { min: panel.xMin } : {}),
      ...(panel.xMax !== undefined ? { max: panel.xMax } : {}),
    };
  // error bars count in the y range (chart.js sizes the axis by the points only)
  let yRange = range as { min?: number; max?: number };
  if (!panel.equalAxes && !panel.yLog && panel.series.some((s) => s.errorBars)) {
    const ys = panel.series.flatMap((s) => [
      ...Array.from(s.y),
      ...(s.errorBars ? [...Array.from(s.errorBars.low), ...Array.from(s.errorBars.high)] : []),
    ]).filter(Number.isFinite);
    if (ys.length) {
      const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
      const pad = 0.06 * (hi - lo || Math.abs(hi) || 1);
      yRange = { min: lo - pad, max: hi + pad };
    }
  }
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  const datasets = panel.series.map((s, i) => {
    const c = s.color ?? color(i, panel.series.length);
    const data = Array.from(s.x, (x, j) => ({ x, y: s.y[j] })).filter((pt) =>
      Number.isFinite(pt.x) && Number.isFinite(pt.y) && (!panel.xLog || pt.x > 0) &&
      (!panel.yLog || pt.y > 0)
    );
    return {
      label: s.label,
      data,
      borderColor: c,
      backgroundColor: c,
      borderWidth: s.points ? 0 : 1.5,
      borderDash: s.dashed ? [6, 4] : [],
      pointRadius: s.radius ?? (s.points ? 3 : 0),
      showLine: !s.points,
    };
  });
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], {
    type: "scatter",
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      plugins: {
        title: { display: true, text: panel.title, font: { size: 16 } },
        legend: { display: panel.legend ?? panel.series.length <= 12 },
      },
      scales: {
        x: {
          type: panel.xLog ? "logarithmic" : "linear",
          title: { display: true, text: panel.xLabel },
          ...xRange,
        },
        y: {
          type: panel.yLog ? "logarithmic" : "linear",
          title: { display: true, text: panel.yLabel },
          ...yRange,
        },
      },
    },
  });
  // error bars (chart.js has none built in): a vertical line with caps per point
  for (const [i, s] of panel.series.entries()) {
    if (!s.errorBars) continue;
    const c = s.color ?? color(i, panel.series.length);
    const { x: xs, y: ys } = chart.scales;
    ctx.strokeStyle = c;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([]);
    for (let j = 0; j < s.x.length; j++) {
      const lo = s.errorBars.low[j], hi = s.errorBars.high[j];
      const open = hi === Infinity;
      if (![s.x[j], lo].every(Number.isFinite) || !(open || Number.isFinite(hi))) continue;
      if (panel.yLog && lo <= 0) continue;
      const px = xs.getPixelForValue(s.x[j]);
      const py0 = ys.getPixelForValue(lo);
      const py1 = open ? chart.chartArea.top : ys.getPixelForValue(hi);
      ctx.beginPath();
      ctx.moveTo(px, py0);
      ctx.lineTo(px, py1);
      if (open) { // an arrow head: the interval goes on
        ctx.moveTo(px - 5, py1 + 7);
        ctx.lineTo(px, py1);
        ctx.lineTo(px + 5, py1 + 7);
      }
      for (const py of open ? [py0] : [py0, py1]) {
        ctx.moveTo(px - 5, py);
        ctx.lineTo(px + 5, py);
      }
      ctx.stroke();
    }
  }
  // point labels (chart.js has none built in): draw them after the chart
  for (const [i, s] of panel.series.entries()) {
    if (!s.pointLabels) continue;
    const meta = chart.getDatasetMeta(i);
    ctx.fillStyle = "#333";
    ctx.font = "10px sans-serif";
    meta.data.forEach((el, j) => {
      const { x, y } = el.getProps(["x", "y"], true) as { x: number; y: number };
      ctx.fillText(s.pointLabels![j] ?? "", x + 4, y - 4);
    });
  }
  const png = canvas.toBuffer("image/png");
  chart.destroy();
  return new Uint8Array(png);
}

function renderHeatmap(
  panel: Extract<Panel, { kind: "heatmap" }>,
  { createCanvas }: Drawing,
): Uint8Array {
  const rows = panel.matrix.length, cols = panel.matrix[0]?.length ?? 0;
  const width = panel.width ?? 760, height = panel.height ?? 720;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#222";
  ctx.font = "16px sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(panel.title, width / 2, 24);
  ctx.font = "10px sans-serif";
  const every = Math.max(1, Math.ceil(rows / 30));
  const rowLabel = (i: number) => panel.rowLabels?.[i] ?? String(i);
  let labelWidth = 0;
  for (let i = 0; i < rows; i += every) {
    labelWidth = Math.max(labelWidth, ctx.measureText(rowLabel(i)).width);
  }
  const left = Math.max(50, labelWidth + 12 + (panel.rowTitle ? 20 : 0)), top = 44, right = 90;
  const bottom = panel.colTitle ? 56 : 40;
  const cw = (width - left - right) / Math.max(1, cols),
    ch = (height - top - bottom) / Math.max(1, rows);
  let vmax = 0, vmin = Infinity;
  for (const r of panel.matrix) {
    for (const v of r) {
      if (!Number.isFinite(v)) continue;
      vmax = Math.max(vmax, panel.scale === "sequential" ? v : Math.abs(v));
      vmin = Math.min(vmin, v);
    }
  }
  const sequential = panel.scale === "sequential";
  if (!sequential) vmax ||= 1;
  // sequential: from 0 (or the smallest value, when negative) to the largest
  if (sequential) vmin = Math.min(0, vmin === Infinity ? 0 : vmin);
  if (sequential && !(vmax > vmin)) vmax = vmin + 1;
  const lo = sequential ? vmin : -vmax;
  // diverging: blue (negative) – white (0) – red (positive); sequential: white (min) – red (max)
  const colour = (v: number) => {
    if (!Number.isFinite(v)) return "#ddd";
    const t = sequential
      ? Math.max(0, Math.min(1, (v - vmin) / (vmax - vmin)))
      : Math.max(-1, Math.min(1, v / vmax));
    const a = Math.round(255 * (1 - Math.abs(t)));
    return t >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
  };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      ctx.fillStyle = colour(panel.matrix[i][j]);
      ctx.fillRect(left + j * cw, top + i * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
  if (panel.cellLabels) {
    ctx.fillStyle = "#111";
    ctx.textAlign = "center";
    ctx.font = `${Math.max(9, Math.min(16, Math.floor(ch / 4), Math.floor(cw / 12)))}px sans-serif`;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const lines = (panel.cellLabels[i]?.[j] ?? "").split("\n");
        lines.forEach((line, l) => {
          const y = top + (i + 0.5) * ch + (l - (lines.length - 1) / 2) * 18 + 5;
          ctx.fillText(line, left + (j + 0.5) * cw, y);
        });
      }
    }
  }
  ctx.strokeStyle = "#999";
  ctx.strokeRect(left, top, cols * cw, rows * ch);
  ctx.fillStyle = "#333";
  ctx.font = "10px sans-serif";
  for (let i = 0; i < rows; i += every) {
    ctx.textAlign = "right";
    ctx.fillText(rowLabel(i), left - 4, top + (i + 0.5) * ch + 3);
  }
  for (let j = 0; j < cols; j += every) {
    ctx.textAlign = "center";
    ctx.fillText(panel.colLabels?.[j] ?? String(j), left + (j + 0.5) * cw, top + rows * ch + 14);
  }
  ctx.font = "13px sans-serif";
  if (panel.colTitle) {
    ctx.textAlign = "center";
    ctx.fillText(panel.colTitle, left + (cols * cw) / 2, top + rows * ch + 36);
  }
  if (panel.rowTitle) {
    ctx.save();
    ctx.translate(14, top + (rows * ch) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(panel.rowTitle, 0, 0);
    ctx.restore();
  }
  // colour bar
  ctx.font = "10px sans-serif";
  const bx = width - right + 30, bh = rows * ch;
  for (let y = 0; y < bh; y++) {
    ctx.fillStyle = colour(vmax - ((vmax - lo) * y) / bh);
    ctx.fillRect(bx, top + y, 16, 1);
  }
  ctx.fillStyle = "#333";
  ctx.textAlign = "left";
  ctx.fillText(`${vmax.toPrecision(3)}`, bx + 20, top + 8);
  if (!sequential) ctx.fillText(`0`, bx + 20, top + bh / 2 + 4);
  ctx.fillText(`${lo.toPrecision(3)}`, bx + 20, top + bh);
  return new Uint8Array(canvas.toBuffer("image/png"));
}
