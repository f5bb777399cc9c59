/**
 * `deno run -A tools/device_carry.ts`: prepare what a lent GPU machine needs to run `bench:device`
 * with no network (gpu/README.md), in two git-ignored folders of the checkout:
 *
 * - `.carry/bench-device.js`: bench/device.ts as one self-contained bundle (cli/bundle.ts; the
 *   wasm core and every npm package inlined: it runs with an empty DENO_DIR);
 * - `.carry/deno.xz`: this Deno's binary, xz-compressed (rebuilt only when Deno changes);
 * - `.gl/*.deb`: the Vulkan loader and GL dispatch libraries (Debian's libvulkan1, libglvnd0,
 *   libegl1, libgl1, libglx0, libgles2, libopengl0) that an image without them needs;
 *
 * then prints each size and the whole working tree that travels (tracked files, untracked files
 * git does not ignore, `.carry`, `.gl`) against the 64 MiB a call may carry. On the machine,
 * `bash tools/device_run.sh` unpacks them and runs the benchmark.
 *
 * @module
 */
import { join } from "node:path";
import { buildBundle, firstError } from "../cli/bundle.ts";
import { exists } from "../store/disk.ts";

const root = new URL("..", import.meta.url).pathname;
const carry = join(root, ".carry"), gl = join(root, ".gl");
const GL_PACKAGES = [
  "libvulkan1",
  "libegl1",
  "libglvnd0",
  "libopengl0",
  "libgl1",
  "libglx0",
  "libgles2",
];
const LIMIT = 64 * 2 ** 20;

/** Run a program in the checkout's root; its output, or a one-line error. */
async function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: opts.cwd ?? root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${firstError(text)}`);
  return text;
}

const size = async (path: string) => (await Deno.stat(path)).size;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    total += e.isDirectory ? await sizeOf(path) : await size(path);
  }
  return total;
}

/** Bytes of the files git would send: tracked ones and untracked ones it does not ignore. */
async function treeBytes(): Promise<number> {
  const list = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  let total = 0;
  for (const f of list.split("\0").filter(Boolean)) {
    try {
      total += await size(join(root, f));
    } catch { /* deleted in the work tree */ }
  }
  return total;
}

if (import.meta.main) {
  try {
    await Deno.mkdir(carry, { recursive: true });
    await Deno.mkdir(gl, { recursive: true });
    console.log(lastLine(await run(Deno.execPath(), ["task", "build:asm"])));
    const bundle = await buildBundle(carry, { entry: "bench/device.ts", name: "bench-device.js" });
    console.log(`bundle: ${bundle} (${mib(await size(bundle))})`);

    // Deno, compressed once per binary
    const deno = Deno.execPath(), stamp = join(carry, "deno.version");
    const want = `${Deno.version.deno} ${await size(deno)}`;
    const have = await Deno.readTextFile(stamp).catch(() => "");
    const xz = join(carry, "deno.xz");
    if (have !== want || !(await exists(xz))) {
      console.log(`compressing ${deno} (${mib(await size(deno))}) with xz -9e: about 2 minutes`);
      await run("bash", ["-c", `xz -9e -T0 -c "$0" > "$1.part" && mv "$1.part" "$1"`, deno, xz]);
      await Deno.writeTextFile(stamp, want);
    }
    console.log(`deno ${Deno.version.deno}: ${xz} (${mib(await size(xz))})`);

    // the Vulkan loader and GL dispatch packages (the device tool's notes: these lines)
    const debs = () => [...Deno.readDirSync(gl)].filter((e) => e.name.endsWith(".deb"));
    if (debs().length < GL_PACKAGES.length) {
      await Deno.mkdir("/tmp/amd64/partial", { recursive: true });
      const o = [
        "-oAPT::Architecture=amd64",
        "-oAPT::Architectures=amd64",
        "-oDir::State::Lists=/tmp/amd64",
      ];
      await run("apt-get", [...o, "update"]);
      await run("apt-get", [...o, "download", ...GL_PACKAGES], { cwd: gl });
    }
    const glBytes = await sizeOf(gl);
    console.log(`.gl: ${debs().map((e) => e.name).join(" ")} (${mib(glBytes)})`);

    const tree = await treeBytes(), carried = await sizeOf(carry);
    const total = tree + carried + glBytes;
    console.log(
      `travels: ${mib(total)} of ${mib(LIMIT)} (tree ${mib(tree)}, .carry ${mib(carried)}, ` +
        `.gl ${mib(glBytes)})`,
    );
    if (total > LIMIT) {
      console.error("device_carry: over the 64 MiB a device call carries");
      Deno.exit(1);
    }
    console.log(`on the machine: bash tools/device_run.sh   (carry: .carry, .gl)`);
  } catch (e) {
    console.error(`device_carry: ${(e as Error).message.split("\n")[0]}`);
    Deno.exit(1);
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
