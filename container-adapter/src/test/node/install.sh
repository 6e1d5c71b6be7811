#!/usr/bin/env bash
# Installs the Node.js clients the tests run (package.json, pinned by package-lock.json) into the directory
# given, as a CI machine would get them: node and npm from Debian when missing, then `npm ci`.
# Usage: install.sh <target-dir>    Exits non-zero, saying why, when they cannot be installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$1"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "node-clients: installing nodejs and npm (apt-get)" >&2
    apt-get install -y -qq nodejs npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
  else
    echo "node-clients: node and npm are missing and cannot be installed here (not root, or no apt-get)" >&2
    exit 1
  fi
fi
mkdir -p "$target"
cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs "$target/"
cd "$target"
if [ ! -d node_modules/ws ] || ! cmp -s package-lock.json node_modules/.package-lock.json.installed; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.package-lock.json.installed
fi
