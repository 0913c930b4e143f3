#!/usr/bin/env bash
# Install Debian's Chromium for the browser test (tests/test_app_browser.py) when it is missing
# and this machine can: apt-get exists and we are root. Otherwise say why the test will be
# skipped (outside CI; under CI it fails, because CI must run it). Never downloads a browser of
# its own: the Python playwright package drives /usr/bin/chromium (no `playwright install`).
set -euo pipefail
chromium=/usr/bin/chromium
if [ -x "$chromium" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: $chromium is missing and there is no apt-get here: the browser test will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "note: $chromium is missing: 'sudo apt-get install -y chromium' enables the browser test (skipped until then)" >&2
  exit 0
fi
echo "Installing Chromium for the browser test (apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
