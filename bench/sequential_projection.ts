/**
 * The expected trials of `--until-claims-decided` at paper scale, planned from a quick-scale
 * report (`../experiments/rounds_projection.ts`), for every figure that runs in rounds:
 *
 *   deno run -A bench/sequential_projection.ts /work/stores/quick-out
 *
 * Prints one line per figure, one per claim, and a JSON last line.
 *
 * @module
 */
import { figureById } from "../paper/figures.ts";
import { CUTS, mayCut } from "../paper/rounds.ts";
import { type MeasuredClaim, projectRounds } from "../experiments/rounds_projection.ts";

const dir = Deno.args[0];
if (!dir) {
  console.error("usage: sequential_projection.ts DIR (a quick-scale report: DIR/figN/report.json)");
  Deno.exit(2);
}
const rows = [];
for (const id of Object.keys(CUTS)) {
  const fig = figureById(id)!;
  if (!mayCut(fig)) continue;
  let claims: MeasuredClaim[] | undefined;
  try {
    claims = JSON.parse(await Deno.readTextFile(`${dir}/${id}/report.json`)).claims;
  } catch {
    console.log(`${id.padEnd(6)} no quick report: planned at the paper's N`);
  }
  const p = projectRounds(fig, "paper", claims);
  const N = p.rounds.at(-1)!;
  console.log(
    `${id.padEnd(6)} rounds ${p.rounds.join("/")}: P(all decided by round) ${
      p.decidedByRound.map((v) => v.toFixed(3)).join(" ")
    }; expected trials ${p.expected.toFixed(0)} of ${N}`,
  );
  for (const c of p.claims) {
    console.log(
      `       ${c.name}: quick ${c.measured}; decided by round ${
        c.decidedBy.map((v) => v.toFixed(3)).join(" ")
      }`,
    );
  }
  rows.push({ ...p, N, quick: claims !== undefined });
}
console.log(JSON.stringify(rows));
