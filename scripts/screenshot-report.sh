#!/bin/sh
# Renders <reports>/allure-report/index.html in headless Chromium to a PNG, offline: inside a network namespace
# with only loopback (unshare -n) when available, so the picture also proves the report needs no network.
# Usage: scripts/screenshot-report.sh [REPORTS_DIR (default reports/latest, the newest run)] [OUT.png (default REPORTS_DIR/allure-report.png)] [#fragment]
# Needs chromium (Debian: apt-get install -y chromium).
set -eu
reports=${1:-reports/latest}
out=${2:-$reports/allure-report.png}
fragment=${3:-}
index="$(cd "$reports/allure-report" && pwd)/index.html"
[ -f "$index" ] || { echo "no report at $index (run npm run conformance first)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac

set -- "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --disable-dev-shm-usage --user-data-dir="$profile" --window-size=1400,1000 \
  --virtual-time-budget=8000 --screenshot="$out" "file://$index$fragment"
if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
  unshare -n "$@" >/dev/null 2>&1
elif command -v unshare >/dev/null 2>&1 && unshare -rn true 2>/dev/null; then
  unshare -rn "$@" >/dev/null 2>&1
else
  echo "unshare not available: rendering with the network reachable" >&2
  "$@" >/dev/null 2>&1
fi
[ -s "$out" ] || { echo "no screenshot written" >&2; exit 1; }
echo "$out"
