#!/usr/bin/env bash
# Makes sure each named tool is on the PATH, as a CI machine would get it: from Debian (apt-get) when missing.
# Usage: install-tools.sh TOOL...    (curl, openssl: each tool's Debian package has its name)
# Exits non-zero, saying why, when one cannot be installed. Other jobs may run apt at the same time:
# wait for dpkg's lock instead of failing on it.
set -euo pipefail
missing=()
for tool in "$@"; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "${missing[*]}: installing (apt-get)" >&2
  apt="apt-get -o DPkg::Lock::Timeout=600 -y -qq"
  $apt install "${missing[@]}" >/dev/null || { $apt update && $apt install "${missing[@]}" >/dev/null; }
else
  echo "${missing[*]}: missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
