// A command whose body has a bug (a TypeError), for the hostile-input test of how a bug is
// reported: deno run -A tests/bug_script.ts
import { runCli } from "../cli/options.ts";

await runCli("bug", () => {
  const missing = undefined as unknown as { field: number };
  return Promise.resolve(void missing.field);
});
