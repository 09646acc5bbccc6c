#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser test (tests/test_browser.py) when it is missing.
# Playwright drives this system browser (executable_path=/usr/bin/chromium); it never downloads one of its own.
# Usage: tools/install_browser.sh   (needs root or sudo on Debian/Ubuntu; a no-op when chromium is present)
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [[ -x "$CHROMIUM" ]]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: $CHROMIUM is missing and apt-get is not available; install Chromium by hand" >&2
  exit 1
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install_browser.sh: need root (or sudo) to apt-get install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update && $SUDO apt-get install -y chromium
"$CHROMIUM" --version
