#!/bin/sh
# Renders a corpus trace as HTML, loads it in headless Chromium, fails if the page shows an
# error (a script error leaves the state panel empty), and writes a PNG screenshot.
# Usage: counterexamples/render/screenshot.sh BUILD_DIR [TRACE.json] [OUT.png]
set -eu
build=${1:?usage: screenshot.sh BUILD_DIR [TRACE.json] [OUT.png]}
src=$(cd "$(dirname "$0")/../.." && pwd)
trace=${2:-$src/counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json}
out=${3:-$src/docs/trace-7ee58f98.png}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "screenshot.sh: chromium is not installed (apt-get install chromium)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/counterexamples/rseqcheck-corpus" --render "$trace" "$work/trace"
flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
--disable-component-update --disable-sync --user-data-dir=$work/profile"
# The DOM after the script ran: the table and verdict are in the page itself, so only the
# script can have filled in the state panel.
# shellcheck disable=SC2086
"$browser" $flags --virtual-time-budget=2000 --dump-dom "file://$work/trace.html" \
    >"$work/dom.html" 2>"$work/chromium.log"
if ! grep -q '<div id="state">Full state after step ' "$work/dom.html"; then
    echo "screenshot.sh: the page shows no state panel (script error?)" >&2
    exit 1
fi
# shellcheck disable=SC2086
"$browser" $flags --window-size=1400,1000 --screenshot="$out" "file://$work/trace.html" \
    2>>"$work/chromium.log"
[ -s "$out" ] || { echo "screenshot.sh: no screenshot written" >&2; exit 1; }
echo "wrote $out"
