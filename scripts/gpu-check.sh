#!/usr/bin/env bash
# GPU check (issue 11), one command on a GPU machine, from a copy of the working tree that carries .gpu-carry/
# (made by scripts/gpu-pack.sh): bash scripts/gpu-check.sh [--quick] [--no-gpt2-small] [--dry-run]
#  1. Vulkan loader: if ldconfig knows no libvulkan.so.1, unpack the carried libvulkan1 .deb into
#     .gpu-carry/sysroot (LD_LIBRARY_PATH), or into / with TUNEBOOK_GPU_SYSTEM_INSTALL=1 as root;
#  2. Vulkan driver: if no ICD json is in the standard folders, point VK_DRIVER_FILES at NVIDIA's container copy;
#  3. node: the machine's if ≥ 20, else the carried one; dawn.node unpacked into .gpu-carry/node_modules/webgpu;
#  4. runs the bundled bench/gpu.ts: adapter, parity (≤ 1e-3), train steps, generation → bench/results/gpu.json
#     (also copied to $OUT when set, with the log).
# Exit: 0 passed, 1 a check failed, 2 no WebGPU adapter ("no adapter: …"), 3 the carry is missing or broken.
set -uo pipefail
cd "$(dirname "$0")/.."
CARRY=${TUNEBOOK_GPU_CARRY:-.gpu-carry}
LOG=bench/results/gpu-check.log
mkdir -p bench/results
exec > >(tee "$LOG") 2>&1

fail_carry() { echo "gpu-check: $*"; exit 3; }
[ -f "$CARRY/bench-gpu.js" ] || fail_carry "$CARRY/bench-gpu.js is missing: run scripts/gpu-pack.sh on the dev machine and carry $CARRY"

unxz_to() { # unxz_to FILE.xz OUT: xz if present, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

echo "== host"
uname -srm
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L

echo "== vulkan loader"
if ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  echo "libvulkan.so.1 present"
else
  # Into .gpu-carry/sysroot + LD_LIBRARY_PATH (Dawn dlopens the loader by name); TUNEBOOK_GPU_SYSTEM_INSTALL=1
  # unpacks into / and runs ldconfig instead, as the device README does (root only).
  system_install=${TUNEBOOK_GPU_SYSTEM_INSTALL:-0}
  [ "$(id -u)" = 0 ] || system_install=0
  for deb in "$CARRY"/debs/*.deb; do
    [ -f "$deb" ] || fail_carry "no libvulkan.so.1 on this machine and no .deb carried in $CARRY/debs"
    command -v dpkg >/dev/null 2>&1 || fail_carry "no libvulkan.so.1 here and no dpkg to unpack $deb"
    if [ "$system_install" = 1 ]; then dpkg -x "$deb" / || fail_carry "dpkg -x $deb / failed"
    else mkdir -p "$CARRY/sysroot"; dpkg -x "$deb" "$CARRY/sysroot" || fail_carry "dpkg -x $deb failed"; fi
  done
  if [ "$system_install" = 1 ]; then ldconfig; else export LD_LIBRARY_PATH="$PWD/$CARRY/sysroot/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
  echo "unpacked $(ls "$CARRY"/debs/*.deb | xargs -n1 basename | tr '\n' ' ')$([ "$system_install" = 1 ] && echo 'into /' || echo "into $CARRY/sysroot")"
fi

echo "== vulkan driver (ICD)"
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true)
if [ -n "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
elif [ -n "$icds" ]; then
  echo "$icds"
elif [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  echo "no ICD json in the standard folders; VK_DRIVER_FILES=$VK_DRIVER_FILES"
else
  echo "no Vulkan ICD json found (Dawn will say so below)"
fi

echo "== node"
NODE=""
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] 2>/dev/null; then
  NODE=$(command -v node)
elif [ -f "$CARRY/node.xz" ]; then
  mkdir -p "$CARRY/bin"
  [ -x "$CARRY/bin/node" ] || { unxz_to "$CARRY/node.xz" "$CARRY/bin/node" && chmod +x "$CARRY/bin/node"; } || fail_carry "could not unpack $CARRY/node.xz"
  NODE="$CARRY/bin/node"
else
  fail_carry "no node ≥ 20 on this machine and no $CARRY/node.xz carried"
fi
echo "$NODE $("$NODE" --version)"

DAWN="$CARRY/node_modules/webgpu/dist/linux-x64/dawn.node"
if [ ! -f "$DAWN" ]; then
  [ -f "$CARRY/dawn.node.xz" ] || fail_carry "$CARRY/dawn.node.xz is missing"
  unxz_to "$CARRY/dawn.node.xz" "$DAWN" || fail_carry "could not unpack $CARRY/dawn.node.xz"
fi

echo "== bench/gpu.ts"
timeout "${TUNEBOOK_GPU_TIMEOUT:-540}" "$NODE" "$CARRY/bench-gpu.js" "$@"
rc=$?
case $rc in
  0) echo "gpu-check: passed" ;;
  1) echo "gpu-check: a check failed (see above and bench/results/gpu.json)" ;;
  2) echo "gpu-check: no WebGPU adapter, nothing measured (the reason is above and in bench/results/gpu.json)" ;;
  124) echo "gpu-check: timed out after ${TUNEBOOK_GPU_TIMEOUT:-540} s (TUNEBOOK_GPU_TIMEOUT); partial output above" ;;
  *) echo "gpu-check: bench/gpu.ts exited with $rc" ;;
esac
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then
  cp bench/results/gpu.json "$OUT/" 2>/dev/null || true
  cp "$LOG" "$OUT/" 2>/dev/null || true
fi
exit $rc
