#!/usr/bin/env bash
# The browser the dashboard tests drive: Debian's chromium (playwright-core downloads nothing).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing: chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
