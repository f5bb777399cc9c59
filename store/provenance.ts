/**
 * Where an output came from: the suite's version (deno.json's `version`, written into every
 * run.json and report) and the git commit of the source tree.
 *
 * @module
 */
import project from "../deno.json" with { type: "json" };

/** The suite's version: deno.json's `version`, written into every run.json and report. */
export const VERSION: string = project.version;

/** The project's git commit (`+dirty` with uncommitted changes to tracked files), or
 * "unknown". */
export async function gitCommit(): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--short=12", "HEAD"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    const dirty = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=no"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    const c = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || !c) return "unknown";
    return new TextDecoder().decode(dirty.stdout).trim() ? `${c}+dirty` : c;
  } catch {
    return "unknown";
  }
}
