/**
 * What a figure panel shows, as data: the figure modules describe their panels with these types
 * and `report/plot.ts` renders them (PNG).
 *
 * @module
 */
/** One series of a line or scatter panel. */
export interface Series {
  /** The legend's label. */
  label: string;
  /** The x values. */
  x: ArrayLike<number>;
  /** The y values, one per x. */
  y: ArrayLike<number>;
  /** A CSS colour (default: the palette's next). */
  color?: string;
  /** Draw the line dashed. */
  dashed?: boolean;
  /** Draw points (scatter) rather than a line. */
  points?: boolean;
  /** Point radius (default 0 for lines, 3 for points). */
  radius?: number;
  /** Per-point labels shown next to the points (e.g. token ids). */
  pointLabels?: string[];
  /** Per-point vertical error bars (e.g. a 95 % interval): a NaN bound is not drawn, a high of
   * +∞ is an open interval drawn to the top. */
  errorBars?: { low: ArrayLike<number>; high: ArrayLike<number> };
}

/** A panel of a figure. */
export type Panel =
  | {
    kind: "line";
    file: string;
    title: string;
    xLabel: string;
    yLabel: string;
    xLog?: boolean;
    yLog?: boolean;
    legend?: boolean;
    /** Square panel with equal, symmetric axes (projections onto planes). */
    equalAxes?: boolean;
    /** A categorical x axis: x = i is labelled xCategories[i]. */
    xCategories?: string[];
    /** The x axis's range (default: the data's). */
    xMin?: number;
    xMax?: number;
    series: Series[];
    width?: number;
    height?: number;
  }
  | {
    kind: "heatmap";
    file: string;
    title: string;
    /** rows of values */
    matrix: number[][];
    rowLabels?: string[];
    colLabels?: string[];
    /** Axis titles (rows, columns). */
    rowTitle?: string;
    colTitle?: string;
    /** Text drawn in each cell (e.g. a value and its interval). */
    cellLabels?: string[][];
    /** "diverging" (default: blue–white–red around 0) or "sequential" (white at 0, or at the
     * smallest value when negative, to red at the largest). */
    scale?: "diverging" | "sequential";
    width?: number;
    height?: number;
  };

/** About `n` step indices in [1, last], log-spaced (for plots on a log step axis). */
export function logSteps(last: number, n = 400): number[] {
  const out = new Set<number>();
  for (let i = 0; i < n; i++) {
    out.add(Math.max(1, Math.round(Math.exp((Math.log(last) * i) / (n - 1)))));
  }
  return [...out].sort((a, b) => a - b);
}
