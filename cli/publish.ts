/**
 * `deno task publish [--store FILE] [--out DIR] [--scale S] [--readme FILE] [--prune]`: rebuild a study's
 * published report from its results store without training (`../experiments/study.ts`): each
 * figure whose trials are all stored analysed and written as `reproduce` writes it, the others
 * listed as "n of N stored" with no verdict; `DIR/index.html` and `DIR/claims.md`. `--readme`
 * rewrites the claims table between the markers in FILE; `--prune` then leaves out of the store
 * every trial no figure of the study reads or needs. Exit 2 on bad input.
 *
 * @module
 */
import { checkOutDir, parse, runCli, UsageError } from "./options.ts";
import { type Scale, SCALES } from "../paper/figure.ts";
import { ResultsStore } from "../store/store.ts";
import { writeAtomic } from "../store/disk.ts";
import { continueCommand, PAPER_STUDY, studyFigure } from "../experiments/study.ts";
import { mergeStores } from "../experiments/merge_stores.ts";
import { studyTable, studyTally, writeStudyReport } from "../report/study_report.ts";

/** The line before the claims table in a README. */
export const TABLE_START = "<!-- paper-claims:start (deno task publish --readme README.md) -->";
/** The line after it. */
export const TABLE_END = "<!-- paper-claims:end -->";

/** `deno task publish --help`. */
export const PUBLISH_HELP = `deno task publish [options]

Rebuilds the paper-scale study's report from its store, training nothing: every figure whose
trials (and follow-ups) are all stored is analysed and written as 'reproduce' writes it (panels,
data.json, report.json); a figure with only some of its trials stored is listed as "n of N
stored" and gets no verdict. Then OUT/index.html and OUT/claims.md (figure, claim, verdict, n,
evidence). OUT is replaced whole, only when everything is written.

  --store FILE    the study's results store (studies/paper.sqlite); opened read-only
  --out DIR       where the report goes (studies/paper)
  --scale S       ${SCALES.join(" | ")} (paper)
  --readme FILE   also rewrite the claims table between FILE's markers
                  ${TABLE_START}
                  ${TABLE_END}
  --prune         then rewrite the store (compactly) with only the trials the study's figures
                  read or still need, leaving out any other (e.g. trials of an earlier request
                  form); the store is replaced whole, only when the new one is written
  -h, --help      this text`;

/** FILE's text with the table between the markers replaced; a one-line error when they are not
 * there once each, in order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "../tests/assert.ts";
 * import { replaceTable, TABLE_END, TABLE_START } from "./publish.ts";
 * const text = `a\n${TABLE_START}\nold\n${TABLE_END}\nb\n`;
 * assertEquals(replaceTable(text, "new\n", "R"), `a\n${TABLE_START}\n\nnew\n\n${TABLE_END}\nb\n`);
 * ```
 */
export function replaceTable(text: string, table: string, name: string): string {
  const a = text.indexOf(TABLE_START), b = text.indexOf(TABLE_END);
  if (a < 0 || b < a || text.indexOf(TABLE_START, a + 1) >= 0) {
    throw new UsageError(
      `readme ${name}: allowed is a file with the markers ${TABLE_START} … ${TABLE_END} once each`,
    );
  }
  // blank lines around the table, as deno fmt writes it
  return text.slice(0, a + TABLE_START.length) + "\n\n" + table + "\n" + text.slice(b);
}

/** Rewrite the store at `path` with only the trials whose keys are in `keep` (compact; the
 * store replaced whole), saying how many were left out. */
async function pruneStore(path: string, keep: Set<string>): Promise<void> {
  const store = await ResultsStore.open(path, { readOnly: true });
  const extra = store.keys().filter((k) => !keep.has(k)).length;
  const total = store.count();
  store.close();
  if (extra === 0) {
    console.log(`${path}: every one of its ${total} trials is read by the study; nothing pruned`);
    return;
  }
  const before = (await Deno.stat(path)).size;
  const tmp = `${path}.pruned`;
  await Deno.remove(tmp).catch(() => {});
  await mergeStores(tmp, [path], { compact: true, keep: (k) => keep.has(k) });
  await Deno.rename(tmp, path);
  const after = (await Deno.stat(path)).size;
  console.log(
    `${path}: ${extra} of ${total} trials no figure of the study reads left out; ${
      (before / 1e6).toFixed(1)
    } MB → ${(after / 1e6).toFixed(1)} MB`,
  );
}

/** Run `publish` with these command-line arguments. */
export function publishMain(args: string[]): Promise<void> {
  return runCli("publish", async () => {
    const { values, positionals } = parse(args, {
      help: { type: "boolean", short: "h" },
      store: { type: "string" },
      out: { type: "string" },
      scale: { type: "string" },
      readme: { type: "string" },
      prune: { type: "boolean" },
    }, true);
    if (values.help) {
      console.log(PUBLISH_HELP);
      return;
    }
    if (positionals.length > 0) {
      throw new UsageError(`${JSON.stringify(positionals[0])}: allowed are only options (--help)`);
    }
    const scale = (values.scale as string | undefined) ?? "paper";
    if (!(SCALES as readonly string[]).includes(scale)) {
      throw new UsageError(`scale ${JSON.stringify(scale)}: allowed are ${SCALES.join(", ")}`);
    }
    const storePath = (values.store as string | undefined) ?? "studies/paper.sqlite";
    const outDir = (values.out as string | undefined) ?? "studies/paper";
    const readme = values.readme as string | undefined;
    let readmeText: string | undefined;
    if (readme !== undefined) {
      try {
        readmeText = await Deno.readTextFile(readme);
      } catch (e) {
        throw new UsageError(
          `readme ${readme}: cannot be read (${(e as Error).message.split("\n")[0]})`,
        );
      }
      replaceTable(readmeText, "", readme); // the markers checked before any work
    }
    await checkOutDir(outDir, "out", true);
    const store = await ResultsStore.open(storePath, { readOnly: true });
    const t0 = performance.now();
    const statuses = [];
    try {
      for (const f of PAPER_STUDY) {
        const s = await studyFigure(f, { store, scale: scale as Scale });
        console.log(
          s.kind === "complete"
            ? `${f.id}: all ${s.run.requests.length} trials stored; analysed`
            : `${f.id}: ${s.stored} of ${s.needed} ${s.what} stored: no verdict`,
        );
        statuses.push(s);
      }
    } finally {
      store.close();
    }
    // --prune before the report is written, so that the report names the store as it is left
    if (values.prune) await pruneStore(storePath, new Set(statuses.flatMap((s) => s.keys)));
    const src = await ResultsStore.open(storePath, { readOnly: true });
    const source = { path: storePath, trials: src.count(), digest: await src.digest() };
    src.close();
    const study = await writeStudyReport(statuses, outDir, {
      scale: scale as Scale,
      wallSeconds: (performance.now() - t0) / 1000,
      continueCommand: (s) => continueCommand(s, scale as Scale, storePath),
      source,
    });
    if (readme !== undefined) {
      await writeAtomic(
        readme,
        replaceTable(readmeText!, studyTable(study, { compact: true }), readme),
      );
    }
    console.log(`${outDir}: ${studyTally(study)}`);
  }, { interrupted: "OUT is as it was (the report is renamed into place only whole)" });
}

if (import.meta.main) await publishMain(Deno.args);
