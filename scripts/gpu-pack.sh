#!/usr/bin/env bash
# Assembles .gpu-carry/ (gitignored): what scripts/gpu-check.sh needs on a GPU machine besides the working tree.
#   bench-gpu.js + wasm/       bench/gpu.ts bundled with the engine (esbuild), and the tfjs-wasm binaries beside it
#   node_modules/webgpu/       Dawn's Node bindings: index.js, package.json, linux-x64 dawn.node (xz-compressed)
#   node.xz                    a Node binary (used only if the GPU machine has no node ≥ 20)
#   debs/libvulkan1_*.deb      the Vulkan loader (Dawn dlopens libvulkan.so.1), amd64, from Debian apt
# Prints the size of the carry folder and of the whole transfer (tracked + untracked files + carry; limit 64 MiB).
# Env: TUNEBOOK_GPU_NODE (node binary to carry, default: the node on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=.gpu-carry
# What gpu-check.sh unpacks there (a check run here leaves them) must not travel again.
rm -rf "$CARRY/sysroot" "$CARRY/bin" "$CARRY/node_modules/webgpu/dist/linux-x64/dawn.node" "$CARRY"/*.tmp
mkdir -p "$CARRY/wasm" "$CARRY/debs" "$CARRY/node_modules/webgpu/dist/linux-x64"

echo "gpu-pack: bundling bench/gpu.ts"
node scripts/build.mjs >/dev/null
npx esbuild bench/gpu.ts --bundle --platform=node --format=cjs --target=node20 --log-level=warning \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:@lancedb/lancedb \
  --outfile="$CARRY/bench-gpu.js"
cp dist/wasm/*.wasm "$CARRY/wasm/"

echo "gpu-pack: webgpu (dawn.node linux-x64)"
WEBGPU_DIR=$(dirname "$(node -p "require.resolve('webgpu')")")
cp "$WEBGPU_DIR/index.js" "$WEBGPU_DIR/package.json" "$CARRY/node_modules/webgpu/"
DAWN="$WEBGPU_DIR/dist/linux-x64/dawn.node"
if [ ! -f "$CARRY/dawn.node.xz" ] || [ "$DAWN" -nt "$CARRY/dawn.node.xz" ]; then
  nice -n 10 xz -T1 -6 -c "$DAWN" > "$CARRY/dawn.node.xz.tmp" && mv "$CARRY/dawn.node.xz.tmp" "$CARRY/dawn.node.xz"
fi

NODE_BIN=${TUNEBOOK_GPU_NODE:-$(command -v node)}
NODE_BIN=$(readlink -f "$NODE_BIN")
echo "gpu-pack: node $("$NODE_BIN" --version) from $NODE_BIN"
if [ ! -f "$CARRY/node.xz" ] || [ "$NODE_BIN" -nt "$CARRY/node.xz" ] || [ "$(cat "$CARRY/node.version" 2>/dev/null)" != "$("$NODE_BIN" --version)" ]; then
  nice -n 10 xz -T0 -3 -c "$NODE_BIN" > "$CARRY/node.xz.tmp" && mv "$CARRY/node.xz.tmp" "$CARRY/node.xz"
  "$NODE_BIN" --version > "$CARRY/node.version"
fi

echo "gpu-pack: libvulkan1 (amd64 .deb)"
if ! ls "$CARRY"/debs/libvulkan1_*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/tunebook-apt-amd64'
  mkdir -p /tmp/tunebook-apt-amd64/partial
  # shellcheck disable=SC2086
  (cd "$CARRY/debs" && { apt-get $o download libvulkan1 >/dev/null 2>&1 || { apt-get $o update >/dev/null && apt-get $o download libvulkan1; }; })
fi
ls "$CARRY"/debs/libvulkan1_*.deb >/dev/null

carry_bytes=$(du -sb "$CARRY" | cut -f1)
tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
total=$((carry_bytes + tree_bytes))
limit=$((64 * 1024 * 1024))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "gpu-pack: $CARRY $(mib "$carry_bytes"); working tree $(mib "$tree_bytes"); transfer $(mib "$total") of 64 MiB"
if [ "$total" -gt "$limit" ]; then
  echo "gpu-pack: the transfer is over 64 MiB; carry less (e.g. TUNEBOOK_GPU_NODE unset and no node.xz if the GPU machine has node)" >&2
  exit 1
fi
echo "gpu-pack: ready. On the GPU machine, from a copy of the working tree carrying $CARRY: bash scripts/gpu-check.sh"
