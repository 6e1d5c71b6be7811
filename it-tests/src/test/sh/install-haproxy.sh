#!/usr/bin/env bash
# Makes sure Debian's haproxy is installed, as a CI machine would get it (apt-get; other engineers' apt runs are
# waited for, not broken). Usage: install-haproxy.sh    Exits non-zero, saying why, when it cannot be installed.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "haproxy: installing it (apt-get)" >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq haproxy >/dev/null \
    || { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq haproxy >/dev/null; }
else
  echo "haproxy: missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
