#!/usr/bin/env bash
# Makes sure haproxy (and the openssl command, with which the tests make HAProxy's certificate) are
# installed, as a CI machine would get them: Debian's packages (apt-get) when missing.
# Usage: install-haproxy.sh    Exits non-zero, saying why, when they cannot be installed.
# Other jobs may run apt at the same time on a shared machine: wait for dpkg's lock instead of failing.
set -euo pipefail
missing=()
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (apt-get)" >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null \
    || { apt-get -o DPkg::Lock::Timeout=600 update -qq \
         && apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null; }
else
  echo "${missing[*]}: missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
