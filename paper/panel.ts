/**
 * What a figure panel shows, as data: the figure modules describe their panels with these types
 * and `report/plot.ts` renders them (PNG).
 *
 * @module
 */
/** One series of a line or scatter panel. */
export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  /** Draw points (scatter) rather than a line. */
  points?: boolean;
  /** Point radius (default 0 for lines, 3 for points). */
  radius?: number;
  /** Per-point labels shown next to the points (e.g. token ids). */
  pointLabels?: string[];
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
    width?: number;
    height?: number;
  };
