/**
 * The expected trials of `--until-claims-decided` at paper scale, planned from a quick-scale
 * report: each cut claim's fixed-n evidence as the quick run measured it (`report.json` of each
 * figure under DIR) carried to the paper's rounds (`../analysis/sequential_plan.ts`: a direction
 * by its z per √unit, a rate at its measured rate, "all" / "sometimes" at their measured rates),
 * the figure stopping at the first round where all its claims are decided (claims taken as
 * independent), and the expected trials Σ P(stop at j)·trials_j against the paper's N.
 *
 *   deno run -A bench/sequential_projection.ts /work/stores/quick-out
 *
 * Prints one line per figure that runs in rounds, and a JSON last line.
 *
 * @module
 */
import { figureById } from "../paper/figures.ts";
import { CUTS, mayCut, roundsPlan } from "../paper/rounds.ts";
import { decidedBy, planLooks } from "../analysis/sequential_plan.ts";
import { type DecisionInputs, SequentialDesign } from "../analysis/sequential.ts";

interface QuickClaim {
  name: string;
  verdict: string;
  evidence?: { n?: number; test?: string; statistic?: number | null; pValue?: number | null };
}

/** The claimed sign of each figure's direction claims (Fig. 4: lower loss; Fig. 10: fewer). */
const SIGN: Record<string, 1 | -1> = { fig4: -1, fig10: -1 };

/** A quick claim's decision inputs, read back from its evidence's test and numbers. */
function inputsOf(fig: string, c: QuickClaim): DecisionInputs | undefined {
  const e = c.evidence, n = e?.n ?? 0, test = e?.test ?? "", s = e?.statistic;
  if (!e || !n || s === null || s === undefined) return undefined;
  const bound = /wholly ([≥<≤>]) ([\d.]+)/.exec(test);
  if (test.startsWith("Clopper") && bound) {
    const side = bound[1] === "≥" || bound[1] === ">" ? "above" : "below";
    return { kind: "rate", k: Math.round(s * n), n, bound: +bound[2], side };
  }
  if (test.startsWith("every case")) return { kind: "universal", exceptions: s, n };
  if (test.startsWith("some case")) {
    return { kind: "existential", hits: s, n, notAll: test.includes("not every") };
  }
  if (e.pValue === null || e.pValue === undefined) return undefined;
  return { kind: "direction", effect: s, p: e.pValue, sign: SIGN[fig] ?? 1 };
}

const dir = Deno.args[0];
if (!dir) {
  console.error("usage: sequential_projection.ts DIR (a quick-scale report: DIR/figN/report.json)");
  Deno.exit(2);
}
const rows: Record<string, unknown>[] = [];
for (const id of Object.keys(CUTS)) {
  const fig = figureById(id)!;
  if (!mayCut(fig)) continue;
  let report: { claims: QuickClaim[] };
  try {
    report = JSON.parse(await Deno.readTextFile(`${dir}/${id}/report.json`));
  } catch {
    console.log(`${id.padEnd(6)} no quick report: planned at the paper's N`);
    const plan = roundsPlan(fig, "paper"), N = plan.trials.at(-1)!;
    rows.push({ figure: id, N, expected: N, quick: false, claims: [] });
    continue;
  }
  const plan = roundsPlan(fig, "paper"), N = plan.trials.at(-1)!;
  const claims = plan.claims.map((c) => {
    const q = report.claims.find((x) => x.name === c.name);
    const inputs = q && inputsOf(id, q);
    const units = c.units!, total = units.at(-1)!;
    const t = units.map((v) => v / total);
    const distinct = t.filter((v, i) => i === 0 || v > t[i - 1]);
    const lookOf = t.map((v) => distinct.indexOf(v));
    const design = new SequentialDesign(distinct);
    const byLook = inputs
      ? decidedBy(planLooks({
        inputs,
        measuredN: q!.evidence!.n!,
        design,
        units: units.filter((v, i) => i === 0 || v > units[i - 1]),
        alpha: 0.05,
      }))
      : distinct.map(() => 0);
    return {
      name: c.name,
      quick: q
        ? `${q.verdict} n=${q.evidence?.n} p=${q.evidence?.pValue} stat=${q.evidence?.statistic}`
        : "absent",
      decidedBy: lookOf.map((j) => byLook[j]),
    };
  });
  const all = plan.trials.map((_, j) => claims.reduce((s, c) => s * c.decidedBy[j], 1));
  let expected = 0, before = 0;
  for (const [j, n] of plan.trials.entries()) {
    const stop = j === plan.trials.length - 1 ? 1 - before : all[j] - before;
    expected += stop * n;
    before = j === plan.trials.length - 1 ? 1 : all[j];
  }
  console.log(
    `${id.padEnd(6)} rounds ${plan.trials.join("/")}: P(all decided by round) ${
      all.map((v) => v.toFixed(3)).join(" ")
    }; expected trials ${expected.toFixed(0)} of ${N}`,
  );
  for (const c of claims) {
    console.log(
      `       ${c.name}: quick ${c.quick}; decided by round ${
        c.decidedBy.map((v) => v.toFixed(3)).join(" ")
      }`,
    );
  }
  rows.push({ figure: id, N, expected, rounds: plan.trials, decidedByRound: all, claims });
}
console.log(JSON.stringify(rows));
