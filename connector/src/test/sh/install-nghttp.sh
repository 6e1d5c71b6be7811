#!/usr/bin/env bash
# Makes sure nghttp (the nghttp2 project's HTTP/2 client) is on the PATH, as a CI machine would get it: from Debian's
# nghttp2-client (apt-get) when missing. Waits up to 10 minutes for another apt-get to release the lock.
# Usage: install-nghttp.sh    Exits non-zero, saying why, when it cannot be installed.
set -euo pipefail
if command -v nghttp >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "nghttp: installing nghttp2-client (apt-get)" >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq nghttp2-client >/dev/null \
    || { apt-get -o DPkg::Lock::Timeout=600 update -qq \
         && apt-get -o DPkg::Lock::Timeout=600 install -y -qq nghttp2-client >/dev/null; }
else
  echo "nghttp: missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
