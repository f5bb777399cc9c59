/**
 * Figure panels as PNG: line and scatter charts with chart.js rendered on @napi-rs/canvas, and
 * heatmaps drawn directly on the canvas (chart.js has no heatmap type).
 *
 * @module
 */
// A native addon: imported by full specifier so the single-file bundle can keep it external.
import { createCanvas } from "npm:@napi-rs/canvas@1.1.1";
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);

import type { Panel, Series } from "../paper/panel.ts";

export type { Panel, Series };

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
 * Render a panel to PNG bytes.
 *
 * @example
 * ```ts ignore
 * import { renderPanel } from "./plot.ts";
 * const png = renderPanel({ kind: "line", file: "a.png", title: "t", xLabel: "x", yLabel: "y",
 *   series: [{ label: "s", x: [1, 2], y: [3, 4] }] });
 * ```
 */
export function renderPanel(panel: Panel): Uint8Array {
  return panel.kind === "heatmap" ? renderHeatmap(panel) : renderLine(panel);
}

function renderLine(panel: Extract<Panel, { kind: "line" }>): Uint8Array {
  const width = panel.width ?? (panel.equalAxes ? 640 : 900),
    height = panel.height ?? (panel.equalAxes ? 640 : 560);
  let lim = 0;
  if (panel.equalAxes) {
    for (const s of panel.series) {
      for (let i = 0; i < s.x.length; i++) lim = Math.max(lim, Math.abs(s.x[i]), Math.abs(s.y[i]));
    }
    lim = lim * 1.08 || 1;
  }
  const range = panel.equalAxes ? { min: -lim, max: lim } : {};
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
          ...range,
        },
        y: {
          type: panel.yLog ? "logarithmic" : "linear",
          title: { display: true, text: panel.yLabel },
          ...range,
        },
      },
    },
  });
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

function renderHeatmap(panel: Extract<Panel, { kind: "heatmap" }>): Uint8Array {
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
  const left = 50, top = 44, right = 90, bottom = 40;
  const cw = (width - left - right) / Math.max(1, cols),
    ch = (height - top - bottom) / Math.max(1, rows);
  let vmax = 0;
  for (const r of panel.matrix) {
    for (const v of r) if (Number.isFinite(v)) vmax = Math.max(vmax, Math.abs(v));
  }
  vmax ||= 1;
  // diverging colour map: blue (negative) – white (0) – red (positive)
  const colour = (v: number) => {
    const t = Math.max(-1, Math.min(1, v / vmax));
    const a = Math.round(255 * (1 - Math.abs(t)));
    return t >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
  };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      ctx.fillStyle = colour(panel.matrix[i][j]);
      ctx.fillRect(left + j * cw, top + i * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
  ctx.strokeStyle = "#999";
  ctx.strokeRect(left, top, cols * cw, rows * ch);
  ctx.fillStyle = "#333";
  ctx.font = "10px sans-serif";
  const every = Math.max(1, Math.ceil(rows / 30));
  for (let i = 0; i < rows; i += every) {
    ctx.textAlign = "right";
    ctx.fillText(panel.rowLabels?.[i] ?? String(i), left - 4, top + (i + 0.7) * ch);
  }
  for (let j = 0; j < cols; j += every) {
    ctx.textAlign = "center";
    ctx.fillText(panel.colLabels?.[j] ?? String(j), left + (j + 0.5) * cw, top + rows * ch + 14);
  }
  // colour bar
  const bx = width - right + 30, bh = rows * ch;
  for (let y = 0; y < bh; y++) {
    ctx.fillStyle = colour(vmax * (1 - (2 * y) / bh));
    ctx.fillRect(bx, top + y, 16, 1);
  }
  ctx.fillStyle = "#333";
  ctx.textAlign = "left";
  ctx.fillText(`${vmax.toPrecision(3)}`, bx + 20, top + 8);
  ctx.fillText(`0`, bx + 20, top + bh / 2 + 4);
  ctx.fillText(`${(-vmax).toPrecision(3)}`, bx + 20, top + bh);
  return new Uint8Array(canvas.toBuffer("image/png"));
}
