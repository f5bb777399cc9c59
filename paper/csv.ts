/**
 * CSV text, as the figures and the sweep report write it: a header line, then a line per row,
 * values joined by commas as JavaScript prints them.
 *
 * @module
 */

/** A CSV text from a header and rows. */
export function csv(header: string[], rows: (number | string)[][]): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}
