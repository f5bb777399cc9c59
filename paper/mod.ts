/**
 * The figures of the paper, in order. Each module reads like its SPEC.md row.
 *
 * @module
 */
import type { Figure } from "./figure.ts";
import { fig02 } from "./fig02.ts";
import { fig03 } from "./fig03.ts";
import { fig08 } from "./fig08.ts";
import { fig09 } from "./fig09.ts";
import { fig13 } from "./fig13.ts";
import { fig15 } from "./fig15.ts";
import { fig16 } from "./fig16.ts";

// deno-lint-ignore no-explicit-any
export const FIGURES: Figure<any>[] = [fig02, fig03, fig08, fig09, fig13, fig15, fig16];

/** The figure with this id ("fig2", "fig02" and "2" all name Figure 2). */
// deno-lint-ignore no-explicit-any
export function figureById(id: string): Figure<any> | undefined {
  const m = /^(?:fig)?0*(\d+)$/i.exec(id.trim());
  return m ? FIGURES.find((f) => f.id === `fig${m[1]}`) : undefined;
}
