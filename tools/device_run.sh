#!/usr/bin/env bash
# On a lent GPU machine with no network: unpack what tools/device_carry.ts put into .carry and .gl
# (Deno, the bench:device bundle, the Vulkan loader) and run `bench:device` (bench/device.ts),
# its output in $OUT/bench-device.txt (the last line one JSON object). Arguments go to the
# benchmark (e.g. --quick). gpu/README.md says what to carry and how to call it.
#   DEVICE_RUN_ROOT=DIR  unpack the .deb files into DIR instead of / (a test without root's /)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
log="$OUT/bench-device.txt"
say() { echo "device_run: $*" | tee -a "$log"; }
: >"$log"
for f in .carry/deno.xz .carry/bench-device.js; do
  [ -f "$f" ] || { say "$f missing: run 'deno run -A tools/device_carry.ts' and carry .carry and .gl"; exit 2; }
done

# The Vulkan loader (libvulkan.so.1) and the GL dispatch libraries NVIDIA's Vulkan driver loads.
root="${DEVICE_RUN_ROOT:-/}"
if [ "$root" != "/" ] || ! { ldconfig -p | grep -q 'libvulkan\.so\.1 ' && ldconfig -p | grep -q 'libGLdispatch\.so\.0 '; }; then
  ls .gl/*.deb >/dev/null 2>&1 || { say ".gl/*.deb missing and no Vulkan loader here"; exit 2; }
  mkdir -p "$root"
  for f in .gl/*.deb; do dpkg -x "$f" "$root" || { say "dpkg -x $f failed"; exit 1; }; done
  if [ "$root" = "/" ]; then
    ldconfig
  else
    export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  say "unpacked $(ls .gl/*.deb | wc -l) packages from .gl into $root"
fi
# NVIDIA's driver files, where the image keeps them outside the loader's search path
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then
  export VK_DRIVER_FILES="$icd"
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
fi

# Deno, decompressed with xz or, where the image has none, Python's lzma
bin="$(mktemp -d)"
if command -v xz >/dev/null; then
  xz -dc .carry/deno.xz >"$bin/deno"
else
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    .carry/deno.xz "$bin/deno"
fi || { say "could not decompress .carry/deno.xz"; exit 1; }
chmod +x "$bin/deno"
say "$("$bin/deno" --version | head -1); $(nproc) CPUs; $(uname -m)"
command -v nvidia-smi >/dev/null && nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1

export XDG_RUNTIME_DIR="$(mktemp -d)" DENO_DIR="$(mktemp -d)" NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
chmod 700 "$XDG_RUNTIME_DIR"
# the adapter alone first (seconds), with the Vulkan loader's errors and warnings, in its own file
VK_LOADER_DEBUG=error,warn "$bin/deno" run -A --cached-only .carry/bench-device.js --adapter \
  >"$OUT/adapter.txt" 2>&1
say "$(grep -m1 '^adapter: ' "$OUT/adapter.txt" || tail -1 "$OUT/adapter.txt")"
"$bin/deno" run -A --cached-only .carry/bench-device.js "$@" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}
say "exit $rc; output in $log"
exit "$rc"
