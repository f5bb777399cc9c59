/**
 * Build the AssemblyScript SIMD core: `core_asm/assembly/core.ts` → `core_asm/build/core.wasm`,
 * with SIMD and relaxed SIMD enabled. Skips the compiler when the wasm is newer than its source,
 * so it can run as a dependency of every task. Run with `deno task build:asm`.
 *
 * @module
 */
import asc from "assemblyscript/asc";

const here = new URL(".", import.meta.url);
const src = new URL("assembly/core.ts", here);
const outDir = new URL("build/", here);
const out = new URL("core.wasm", outDir);

/** asc's flags: optimise for speed, stub runtime (bump allocation, no GC), SIMD + relaxed SIMD. */
export const ASC_FLAGS = [
  "-O3",
  "--runtime",
  "stub",
  "--noAssert",
  "--enable",
  "simd",
  "--enable",
  "relaxed-simd",
  "--initialMemory",
  "16",
];

async function mtime(u: URL): Promise<number> {
  try {
    return (await Deno.stat(u)).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

/** Compile if needed; returns the wasm path. */
export async function buildCore(force = false): Promise<string> {
  if (!force && (await mtime(out)) > (await mtime(src)) && (await mtime(out)) > 0) {
    return out.pathname;
  }
  await Deno.mkdir(outDir, { recursive: true });
  const tmp = new URL(`core.${Deno.pid}.wasm`, outDir);
  const { error, stderr } = await asc.main([
    src.pathname,
    "--outFile",
    tmp.pathname,
    ...ASC_FLAGS,
  ]);
  if (error) {
    console.error(stderr.toString());
    throw new Error(`asc failed: ${error.message}`);
  }
  await Deno.rename(tmp, out); // atomic: a reader never sees half a module
  return out.pathname;
}

if (import.meta.main) {
  const t0 = performance.now();
  const path = await buildCore(Deno.args.includes("--force"));
  if (performance.now() - t0 > 100) console.error(`core_asm: built ${path}`);
}
