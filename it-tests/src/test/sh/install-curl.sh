#!/usr/bin/env bash
# Makes sure curl is on the PATH, as a CI machine would get it: from Debian (apt-get) when missing.
# Usage: install-curl.sh    Exits non-zero, saying why, when it cannot be installed.
set -euo pipefail
if command -v curl >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "curl: installing it (apt-get)" >&2
  apt-get install -y -qq curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
else
  echo "curl: missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
