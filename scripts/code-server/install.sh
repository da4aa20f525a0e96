#!/usr/bin/env bash
# Installs what the VS Code integration tests (test/vscode/) need on a Debian machine:
#   - Debian's chromium (headless browser that drives the code-server workbench) and ripgrep,
#   - code-server (a real VS Code server + extension host) OUTSIDE the project's node_modules,
#     so `npm ci` keeps installing exactly what package-lock.json pins.
# Idempotent and cached: every step is skipped when its result is already there.
#   CODE_SERVER_HOME   install folder (default: ~/.cache/apim-vnet-lint/code-server-<version>)
#   SKIP_CODE_SERVER_INSTALL=1  do nothing (the tests then print a SKIP reason)
# Never fails the caller: a failed install only means the integration tests are skipped.
set -uo pipefail

CODE_SERVER_VERSION="4.100.3"
RIPGREP_PKG_VERSION="1.15.11"          # @vscode/ripgrep that code-server's VS Code depends on
RIPGREP_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
# same default as scripts/code-server/env.js (Node's os.homedir() when HOME is unset)
USER_HOME="${HOME:-$(node -e 'process.stdout.write(require("os").homedir())')}"
HOME_DIR="${CODE_SERVER_HOME:-${XDG_CACHE_HOME:-$USER_HOME/.cache}/apim-vnet-lint/code-server-$CODE_SERVER_VERSION}"

log() { echo "code-server install: $*"; }

if [ "${SKIP_CODE_SERVER_INSTALL:-}" = "1" ]; then log "SKIP_CODE_SERVER_INSTALL=1, nothing done"; exit 0; fi
if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ]; then log "only scripted for Linux x86_64, nothing done"; exit 0; fi

start=$(date +%s)

# 1. Debian packages: chromium, ripgrep, libkrb5-dev (headers for code-server's kerberos module).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/krb5.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "apt-get install ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed"
    apt-get install -y -qq "${need_apt[@]}" >/dev/null 2>&1 || log "apt-get install ${need_apt[*]} failed"
  else
    log "missing ${need_apt[*]} and not root with apt-get: install them by hand"
  fi
fi

# 2. code-server, cached by version.
marker="$HOME_DIR/.installed-$CODE_SERVER_VERSION"
cs_pkg="$HOME_DIR/node_modules/code-server"
if [ -f "$marker" ] && [ -x "$cs_pkg/out/node/entry.js" -o -f "$cs_pkg/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $HOME_DIR"
  exit 0
fi
if ! command -v rg >/dev/null 2>&1; then log "no ripgrep binary to seed @vscode/ripgrep's download cache; skipping code-server"; exit 0; fi

# @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here): seed its cache with
# Debian's rg, packed the way the release asset is (the binary `rg` at the archive root).
tmp="${TMPDIR:-/tmp}"
rgcache="$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
if [ ! -s "$rgcache/$RIPGREP_ASSET" ]; then
  mkdir -p "$rgcache"
  stage=$(mktemp -d)
  cp "$(command -v rg)" "$stage/rg"
  tar czf "$rgcache/$RIPGREP_ASSET" -C "$stage" rg
  rm -rf "$stage"
fi

mkdir -p "$HOME_DIR"
[ -f "$HOME_DIR/package.json" ] || echo '{ "name": "apim-vnet-lint-code-server", "private": true }' > "$HOME_DIR/package.json"
log "npm install code-server@$CODE_SERVER_VERSION into $HOME_DIR (about 300 MB, 1-2 minutes)"
# unsafe_perm: as root npm would refuse the nested install scripts; nodedir: node-gyp would download
# Node headers; yes: node-pty's `npx node-gyp` would stop at a prompt.
if npm_config_unsafe_perm=true npm_config_nodedir="${npm_config_nodedir:-/usr}" npm_config_yes=true \
   npm install --prefix "$HOME_DIR" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" \
   > "$HOME_DIR/install.log" 2>&1; then
  if [ -f "$cs_pkg/out/node/entry.js" ]; then
    touch "$marker"
    log "installed in $(( $(date +%s) - start )) s"
  else
    log "npm finished but $cs_pkg/out/node/entry.js is missing; see $HOME_DIR/install.log"
  fi
else
  log "npm install failed (integration tests will be skipped); last lines of $HOME_DIR/install.log:"
  tail -n 20 "$HOME_DIR/install.log" | sed 's/^/  /'
fi
exit 0
