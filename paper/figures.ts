/**
 * The figures of the paper, in order. Each module reads like its docs/SPEC.md row.
 *
 * @module
 */
import type { Figure } from "./figure.ts";
import { earlyStopStudy } from "./early_stop_study.ts";
import { earlyStopEffect } from "./early_stop_effect.ts";
import { fig02 } from "./fig02.ts";
import { fig03 } from "./fig03.ts";
import { fig04 } from "./fig04.ts";
import { fig05 } from "./fig05.ts";
import { fig06l } from "./fig06l.ts";
import { fig06m } from "./fig06m.ts";
import { fig06r } from "./fig06r.ts";
import { fig07 } from "./fig07.ts";
import { fig08 } from "./fig08.ts";
import { fig09 } from "./fig09.ts";
import { fig10 } from "./fig10.ts";
import { fig11 } from "./fig11.ts";
import { fig12 } from "./fig12.ts";
import { fig13 } from "./fig13.ts";
import { fig14 } from "./fig14.ts";
import { fig15 } from "./fig15.ts";
import { fig16 } from "./fig16.ts";

/** Every figure, in the paper's order, then the early-verdict study and its effect. */
// deno-lint-ignore no-explicit-any
export const FIGURES: Figure<any>[] = [
  fig02,
  fig03,
  fig04,
  fig05,
  fig06l,
  fig06m,
  fig06r,
  fig07,
  fig08,
  fig09,
  fig10,
  fig11,
  fig12,
  fig13,
  fig14,
  fig15,
  fig16,
  earlyStopStudy,
  earlyStopEffect,
];

/** The figure with this id ("fig2", "fig02" and "2" all name Figure 2). */
// deno-lint-ignore no-explicit-any
export function figureById(id: string): Figure<any> | undefined {
  const m = /^(?:fig)?0*(\d+[a-z]?)$/i.exec(id.trim());
  return FIGURES.find((f) => f.id === (m ? `fig${m[1].toLowerCase()}` : id.trim()));
}
