#!/usr/bin/env bash
# Installs code-server (the real VS Code workbench, served over HTTP with a Node extension host) into
# .vscode-test/, offline-safe: only the npm registry is reached. Idempotent: a finished install is kept.
# Recipe and reasons: ../shared/notes/VSCODE_E2E.md. Needs Debian chromium, libkrb5-dev and ripgrep
# (.ci/run installs them).
#   - 4.100.3 (VS Code 1.100.3) is the newest code-server that runs on Node 20: package.json's
#     engines.vscode must stay ^1.100.0.
#   - its @vscode/ripgrep postinstall downloads rg from GitHub unless a cached tarball is present:
#     we seed that cache with Debian's rg.
set -euo pipefail
cd "$(dirname "$0")/../.."
CS_VERSION=4.100.3
DEST=.vscode-test/code-server-$CS_VERSION
if [ -f "$DEST/.installed" ]; then echo "code-server $CS_VERSION already in $DEST"; exit 0; fi
for bin in rg; do command -v $bin >/dev/null || { echo "install-code-server: '$bin' missing (apt install ripgrep)" >&2; exit 1; }; done
dpkg -s libkrb5-dev >/dev/null 2>&1 || { echo "install-code-server: libkrb5-dev missing (apt install libkrb5-dev)" >&2; exit 1; }
rm -rf "$DEST"; mkdir -p "$DEST/tmp/vscode-ripgrep-cache-1.15.11" "$DEST/tmp/rg"
cp "$(command -v rg)" "$DEST/tmp/rg/rg"
tar czf "$DEST/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$DEST/tmp/rg" rg
echo '{"name":"rubato-code-server","private":true}' > "$DEST/package.json"
NODEDIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
echo "install-code-server: npm install code-server@$CS_VERSION (compiles native modules; a few minutes on 2 cores)"
(
  cd "$DEST"
  export TMPDIR=$PWD/tmp npm_config_nodedir=$NODEDIR npm_config_yes=true npm_config_unsafe_perm=true
  npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > install.log 2>&1
) || { tail -40 "$DEST/install.log"; exit 1; }
node "$DEST/node_modules/code-server/out/node/entry.js" --version | tail -1
touch "$DEST/.installed"
