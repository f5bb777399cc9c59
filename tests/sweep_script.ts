// A small sweep through the results store, for the kill-and-resume test:
//   deno run -A tests/sweep_script.ts STORE N
import { makeConfig } from "../protocol/config.ts";
import { resolveTrials } from "../experiments/resolve.ts";
import { ResultsStore } from "../store/store.ts";

const [path, n] = [Deno.args[0], Number(Deno.args[1])];
const store = await ResultsStore.open(path);
const reqs = Array.from(
  { length: n },
  (_, seed) => ({ config: makeConfig({ p: 23, d: 32, steps: 800, seed }) }),
);
await resolveTrials(reqs, { store, workers: 1 });
store.close();
