import { assert, assertEquals } from "../tests/assert.ts";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { intervalChart, line, render, ringCharts } from "./jupyter_charts.ts";

/** The RGBA pixels of a PNG. */
async function pixels(png: Uint8Array) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  return {
    width: img.width,
    data: c.getContext("2d").getImageData(0, 0, img.width, img.height).data,
  };
}

/** Pixels whose colour is within 40 of `rgb` on each channel, in the columns [x0, x1). */
function count(
  { width, data }: { width: number; data: Uint8ClampedArray },
  rgb: [number, number, number],
  [x0, x1]: [number, number],
) {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const x = (i / 4) % width;
    if (x < x0 || x >= x1) continue;
    if (rgb.every((v, c) => Math.abs(data[i + c] - v) <= 40)) n++;
  }
  return n;
}

Deno.test("render: each configuration in its own panel, on white, its lines in their colours", async () => {
  const red = line("red", [0, 1, 2], [0, 1, 4], { borderColor: "#ff0000", borderWidth: 3 });
  const blue = line("blue", [0, 1, 2], [4, 1, 0], { borderColor: "#0000ff", borderWidth: 3 });
  const png = render([
    { type: "scatter", data: { datasets: [red] } },
    { type: "scatter", data: { datasets: [blue] } },
  ], { width: 300, height: 200 });
  const px = await pixels(png);
  assertEquals(px.width, 600, "two panels of 300");
  const [redLeft, redRight] = [
    count(px, [255, 0, 0], [0, 300]),
    count(px, [255, 0, 0], [300, 600]),
  ];
  const [blueLeft, blueRight] = [
    count(px, [0, 0, 255], [0, 300]),
    count(px, [0, 0, 255], [300, 600]),
  ];
  assert(redLeft > 200 && redRight === 0, `red pixels: ${redLeft} left, ${redRight} right`);
  assert(blueRight > 200 && blueLeft === 0, `blue pixels: ${blueLeft} left, ${blueRight} right`);
  const white = count(px, [255, 255, 255], [0, 600]);
  assert(white > 0.7 * 600 * 200, `white background: ${white} of ${600 * 200} pixels`);
});

Deno.test("ringCharts: one symmetric range for every panel, past the farthest token", () => {
  const charts = ringCharts([
    { title: "a", points: [{ x: 0.2, y: -2.3 }] },
    { title: "b", points: [{ x: 1, y: 1 }] },
  ]);
  for (const c of charts) {
    const { x, y } = c.options.scales;
    assertEquals(
      [x.min, x.max, y.min, y.max],
      [-2.5, 2.5, -2.5, 2.5],
      c.options.plugins.title.text,
    );
  }
});

Deno.test("intervalChart: open bounds and values drawn at `open`, known ones as given", () => {
  const c = intervalChart({ title: "t", xLabel: "x", yLabel: "y", open: 9 }, [
    { label: "a", value: 2, low: 1, high: null },
    { label: "b", value: null, low: null, high: 3 },
  ]);
  assertEquals(c.data.labels, ["a", "b"]);
  assertEquals(c.data.datasets[0].data, [[1, 9], [9, 3]]);
  assertEquals(c.data.datasets[1].data, [2, 9]);
});
