import { deepEqual, equal, throws } from "node:assert/strict";
import { runsUnder, selectFigures, SelectionError } from "./selection.ts";
import { FIGURES } from "../paper/figures.ts";

Deno.test("selection: all figures, less the full-runs-only ones under --until-decided", () => {
  deepEqual(
    selectFigures("all", { untilDecided: false }).map((f) => f.id),
    FIGURES.map((f) => f.id),
  );
  const decided = selectFigures("all", { untilDecided: true }).map((f) => f.id);
  const dropped = FIGURES.filter((f) => !decided.includes(f.id)).map((f) => f.id);
  deepEqual(dropped, FIGURES.filter((f) => f.fullRunsOnly).map((f) => f.id));
  equal(dropped.includes("verdict"), true, `dropped ${dropped}`);
  equal(runsUnder(FIGURES.find((f) => f.id === "verdict")!, true), false);
});

Deno.test("selection: one figure by id or number; unknown or impossible names are one line", () => {
  deepEqual(selectFigures("fig09", { untilDecided: true }).map((f) => f.id), ["fig9"]);
  deepEqual(selectFigures("6l", { untilDecided: false }).map((f) => f.id), ["fig6l"]);
  throws(
    () => selectFigures("fig99", { untilDecided: false }),
    (e: Error) =>
      e instanceof SelectionError && e.message.startsWith('figure "fig99": allowed are fig2,') &&
      !e.message.includes("\n"),
  );
  throws(
    () => selectFigures("verdict", { untilDecided: true }),
    (e: Error) => e instanceof SelectionError && e.message.includes("compares full runs"),
  );
  equal(selectFigures("verdict", { untilDecided: false })[0].id, "verdict");
});
