/**
 * The README's table of the paper-scale claims agrees with the published report it was written
 * from (`deno task publish --readme README.md`): every row of studies/paper/claims.md — figure,
 * claim, verdict, n — is in the README's table, and no other.
 */
import { equal } from "node:assert/strict";
import { TABLE_END, TABLE_START } from "../cli/publish.ts";

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
