/// <reference lib="deno.unstable" />
/**
 * The notebooks' charts: chart.js configurations drawn on a native canvas (@napi-rs/canvas, as the
 * reports draw theirs) and shown in a Jupyter cell as one PNG, and the few chart shapes the tour
 * uses — lines from arrays, Fourier signals with the survivors coloured, tokens in a circle's
 * plane, estimates with their 95 % intervals.
 *
 * @module
 */
import { createCanvas } from "@napi-rs/canvas";
import { Chart, type ChartConfiguration, registerables } from "chart.js";

Chart.register(...registerables);

/**
 * The i-th of n colours spread around the hue circle, from blue.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { color } from "./jupyter_charts.ts";
 * assertEquals([color(0, 3), color(1, 3), color(2, 3)], ["hsl(210, 70%, 45%)", "hsl(330, 70%, 45%)", "hsl(90, 70%, 45%)"]);
 * ```
 */
export function color(i: number, n: number): string {
  return `hsl(${(210 + Math.round((360 * i) / n)) % 360}, 70%, 45%)`;
}
const GREY = "rgba(0, 0, 0, 0.15)";

/** The size of each panel, in pixels. */
export interface PanelSize {
  width: number;
  height: number;
}

/**
 * Draw chart.js configurations side by side, each `size`, on one white canvas: the PNG's bytes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { line, render } from "./jupyter_charts.ts";
 * const chart = { type: "scatter" as const, data: { datasets: [line("y = x²", [0, 1, 2], [0, 1, 4], { borderColor: "red" })] } };
 * const png = render([chart, chart], { width: 300, height: 200 });
 * const view = new DataView(png.buffer, png.byteOffset);
 * assertEquals([view.getUint32(16), view.getUint32(20)], [600, 200]); // IHDR: two panels wide
 * ```
 */
export function render(
  configs: ChartConfiguration[],
  size: PanelSize = { width: 560, height: 380 },
): Uint8Array {
  const { width, height } = size;
  const out = createCanvas(width * configs.length, height);
  const ctx = out.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, out.width, height);
  configs.forEach((config, i) => {
    const canvas = createCanvas(width, height);
    const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], {
      ...config,
      options: { animation: false, responsive: false, devicePixelRatio: 1, ...config.options },
    });
    ctx.drawImage(canvas, i * width, 0);
    chart.destroy();
  });
  return new Uint8Array(out.toBuffer("image/png"));
}

/**
 * Show {@linkcode render}'s PNG in the running Jupyter cell (the Deno kernel only).
 *
 * @example
 * ```ts ignore
 * // in a notebook cell: Deno.jupyter exists only in the kernel
 * import { line, show } from "./jupyter_charts.ts";
 * await show([{ type: "scatter", data: { datasets: [line("y", [0, 1], [1, 0], { borderColor: "red" })] } }]);
 * ```
 */
export async function show(configs: ChartConfiguration[], size?: PanelSize): Promise<void> {
  await Deno.jupyter.display(Deno.jupyter.image(render(configs, size)));
  // the kernel can send a large display message after the cell's end, and a client then drops it
  // (deno 2.9.6: 1 in 20 here); a timer's turn lets it go out first
  await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A chart.js line (scatter points joined, no markers) from two arrays, in `extra.borderColor`
 * (its legend box too); `extra`'s other fields are chart.js dataset options.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { line } from "./jupyter_charts.ts";
 * const l = line("loss", [1, 2], [0.5, 0.25], { borderColor: "red", borderDash: [6, 4] });
 * assertEquals([l.data, l.backgroundColor, l.borderDash], [[{ x: 1, y: 0.5 }, { x: 2, y: 0.25 }], "red", [6, 4]]);
 * ```
 */
export function line<Extra extends { borderColor: string }>(
  label: string,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  extra: Extra,
) {
  return {
    label,
    data: Array.from(xs, (x, i) => ({ x, y: ys[i] })),
    showLine: true,
    pointRadius: 0,
    borderWidth: 1.5,
    backgroundColor: extra.borderColor,
    ...extra,
  };
}

/**
 * Linear x and y axes with titles (y logarithmic when asked), ticks in two significant digits.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { axes } from "./jupyter_charts.ts";
 * const a = axes("step", "loss", "logarithmic");
 * assertEquals([a.x.title.text, a.y.type, a.y.ticks.callback(0.0012345)], ["step", "logarithmic", "0.0012"]);
 * ```
 */
export function axes(x: string, y: string, yType: "linear" | "logarithmic" = "linear") {
  return {
    x: { type: "linear" as const, title: { display: true, text: x } },
    y: {
      type: yType,
      title: { display: true, text: y },
      ticks: { callback: (v: number | string) => String(+Number(v).toPrecision(2)) },
    },
  };
}

/**
 * A line chart of the signals ‖F_k‖ of k = 1..(p−1)/2 over `steps` (`at(k)`: k's values): the
 * `survivors` coloured and named in the legend, the other frequencies grey and unnamed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { signalChart } from "./jupyter_charts.ts";
 * const c = signalChart({ title: "t", p: 7, steps: [0, 1], at: (k) => [k, k], survivors: [2] });
 * assertEquals(c.data.datasets.map((d) => d.label), ["", "k=2", ""]); // k = 1, 2, 3
 * ```
 */
export function signalChart(
  opts: {
    title: string;
    p: number;
    steps: number[];
    at: (k: number) => number[];
    survivors: number[];
  },
  extra: ReturnType<typeof line>[] = [],
) {
  const { p, steps, at, survivors } = opts;
  const lines = Array.from({ length: (p - 1) / 2 }, (_, i) => i + 1).map((k) => {
    const s = survivors.indexOf(k);
    return line(s >= 0 ? `k=${k}` : "", steps, at(k), {
      borderColor: s >= 0 ? color(s, survivors.length) : GREY,
      borderWidth: s >= 0 ? 2 : 1,
      order: s >= 0 ? 0 : 1,
    });
  });
  return {
    type: "scatter" as const,
    data: { datasets: [...lines, ...extra] },
    options: {
      plugins: {
        title: { display: true, text: opts.title },
        legend: { labels: { filter: (item: { text: string }) => item.text !== "" } },
      },
      scales: axes("step", "‖F_k‖"),
    },
  };
}

/**
 * Square scatter charts of the tokens in a plane (e.g. a circle's: `projectOnto`'s coordinates),
 * one per panel, all on the same symmetric axes (half a unit past the farthest token).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { ringCharts } from "./jupyter_charts.ts";
 * const [a, b] = ringCharts([
 *   { title: "k = 1", points: [{ x: 1, y: 0 }, { x: -1, y: 0 }] },
 *   { title: "k = 2", points: [{ x: 0, y: 1.2 }] },
 * ]);
 * assertEquals([a.options.scales.x.min, b.options.scales.y.max], [-1.5, 1.5]);
 * ```
 */
export function ringCharts(panels: { title: string; points: { x: number; y: number }[] }[]) {
  const far = Math.max(
    ...panels.flatMap((q) => q.points.map((t) => Math.max(Math.abs(t.x), Math.abs(t.y)))),
  );
  const lim = Math.ceil(2 * far) / 2 || 1;
  const { x, y } = axes("Re F_k direction", "Im F_k direction");
  return panels.map(({ title, points }) => ({
    type: "scatter" as const,
    data: {
      datasets: [{ label: "token", data: points, pointRadius: 4, backgroundColor: color(0, 1) }],
    },
    options: {
      plugins: { title: { display: true, text: title }, legend: { display: false } },
      scales: { x: { ...x, min: -lim, max: lim }, y: { ...y, min: -lim, max: lim } },
    },
  }));
}

/** One estimate of {@linkcode intervalChart}: its category, value and interval (null: open). */
export interface Estimate {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Estimates with their intervals by category: a floating bar for each interval, a dot for each
 * estimate; a null bound or value is drawn at `open` (say so in the title).
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { intervalChart } from "./jupyter_charts.ts";
 * const c = intervalChart({ title: "t", xLabel: "dim", yLabel: "step", open: 1500 }, [
 *   { label: "8", value: null, low: 1030, high: null },
 *   { label: "16", value: 695, low: 590, high: 890 },
 * ]);
 * assertEquals([c.data.datasets[0].data, c.data.datasets[1].data], [[[1030, 1500], [590, 890]], [1500, 695]]);
 * ```
 */
export function intervalChart(
  opts: { title: string; xLabel: string; yLabel: string; open?: number },
  rows: Estimate[],
) {
  const open = opts.open ?? 0;
  return {
    type: "bar" as const,
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        {
          type: "bar" as const,
          label: "95 % interval",
          data: rows.map((r) => [r.low ?? open, r.high ?? open] as [number, number]),
          backgroundColor: "rgba(31, 119, 180, 0.3)",
          barPercentage: 0.15,
        },
        {
          type: "line" as const,
          label: "estimate",
          data: rows.map((r) => r.value ?? open),
          showLine: false,
          pointRadius: 6,
          backgroundColor: color(1, 2),
          borderColor: color(1, 2),
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: opts.title } },
      scales: {
        x: { title: { display: true, text: opts.xLabel } },
        y: { title: { display: true, text: opts.yLabel } },
      },
    },
  };
}
