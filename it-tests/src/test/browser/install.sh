#!/usr/bin/env bash
# Installs what the browser tests run, as a CI machine would get it: Debian's chromium (apt-get), node and npm
# from Debian when missing, then playwright-core (pinned by package-lock.json; it drives /usr/bin/chromium and
# downloads no browser of its own) with `npm ci` into the directory given.
# Usage: install.sh <target-dir>    Exits non-zero, saying why, when something cannot be installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$1"

# Other jobs on the machine may run apt at the same moment: wait for dpkg's lock instead of failing.
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "browser-clients: $* missing and cannot be installed here (not root, or no apt-get)" >&2
    return 1
  fi
  echo "browser-clients: installing $* (apt-get)" >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null \
    || { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null; }
}

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
mkdir -p "$target"
cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs "$target/"
cd "$target"
if [ ! -d node_modules/playwright-core ] || ! cmp -s package-lock.json node_modules/.package-lock.json.installed; then
  # playwright-core never downloads browsers; the variable also keeps any postinstall from trying.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.package-lock.json.installed
fi
