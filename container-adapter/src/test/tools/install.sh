#!/usr/bin/env bash
# Makes sure the command-line tools the listener tests drive are installed, as a CI machine would get them:
# each missing command is installed from its Debian package with apt-get (waiting for other apt runs).
# Usage: install.sh <command>...   (curl, nginx, systemd-socket-activate)
# Exits non-zero, saying why, when one cannot be installed (not root, no apt-get, package unavailable).
set -euo pipefail
package_of() {
  case "$1" in
    curl) echo curl ;;
    nginx) echo nginx ;;
    systemd-socket-activate) echo systemd ;;
    *) echo "tools: no Debian package known for '$1'" >&2; return 1 ;;
  esac
}
missing=()
for command in "$@"; do
  if ! command -v "$command" >/dev/null && [ ! -x "/usr/sbin/$command" ]; then
    missing+=("$(package_of "$command")")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "tools: ${missing[*]} missing and cannot be installed here (not root, or no apt-get)" >&2
  exit 1
fi
echo "tools: installing ${missing[*]} (apt-get)" >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null \
  || { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null; }
