#!/usr/bin/env bash
# Makes sure curl is on the PATH, as a CI machine would get it: from Debian (apt-get) when missing.
# Usage: install-curl.sh    Exits non-zero, saying why, when it cannot be installed.
set -euo pipefail
exec bash "$(dirname "$0")/install-tools.sh" curl
