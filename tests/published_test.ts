/**
 * The README's table of the paper-scale claims agrees with the published report it was written
 * from (`deno task publish --readme README.md`): every row of studies/paper/claims.md — figure,
 * claim, verdict, n — is in the README's table, and no other; and the report names the committed
 * store it was built from, whose digest must be the store's now.
 */
import { equal } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { TABLE_END, TABLE_START } from "../cli/publish.ts";
import { ResultsStore } from "../store/store.ts";

const rows = (md: string) =>
  md.split("\n").filter((l) =>
    l.startsWith("| ") && !l.startsWith("| figure") && !l.startsWith("| ---")
  )
    .map((l) => {
      const cells = l.slice(2, -2).split(/(?<!\\)\|/).map((c) => c.trim());
      return cells.slice(0, 4).join(" | ");
    });

Deno.test("README's paper-scale table = studies/paper/claims.md (figure, claim, verdict, n)", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const a = readme.indexOf(TABLE_START), b = readme.indexOf(TABLE_END);
  equal(a >= 0 && b > a, true, "README has the table's markers");
  const inReadme = rows(readme.slice(a, b));
  const published = rows(
    await Deno.readTextFile(new URL("../studies/paper/claims.md", import.meta.url)),
  );
  equal(published.length > 0, true, "claims.md has rows");
  equal(inReadme.join("\n"), published.join("\n"), "README's rows against claims.md's");
});

Deno.test("studies/paper/claims.md names the committed store it was built from (its trials and digest)", async () => {
  const md = await Deno.readTextFile(new URL("../studies/paper/claims.md", import.meta.url));
  const head = md.split("\n\n")[0];
  const m = /from `([^`]+)`: (\d+) trials, digest\s+`([0-9a-f]{64})`/.exec(head);
  equal(m !== null, true, `claims.md's first paragraph names no store: ${head}`);
  const store = await ResultsStore.open(
    fileURLToPath(new URL("../studies/paper.sqlite", import.meta.url)),
    { readOnly: true },
  );
  try {
    equal(m![1], "studies/paper.sqlite");
    equal(store.count(), Number(m![2]), "trials in the committed store against the report's");
    equal(
      await store.digest(),
      m![3],
      "the committed store is not the one the report was built from: run deno task publish --readme README.md",
    );
  } finally {
    store.close();
  }
});
