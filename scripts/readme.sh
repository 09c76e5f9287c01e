#!/usr/bin/env bash
# Regenerates what README.md shows of the pinned demo, so that it is what the demo prints:
#
#   scripts/readme.sh [BINARY]      (default: builds the debug binary and uses it)
#
# - the demo-output block (between `<!-- demo-output` and `<!-- /demo-output -->`): the summary
#   `relevo demo --until DATE --no-serve` prints, DATE being the one of the README's demo command;
# - docs/dashboard.png: the dashboard's browser test on the demo's database, over northwind-bpo's
#   slipping week (needs Chromium; without it the picture is left as it is, and the script says so).
#
# crates/relevo/tests/tour.rs fails when the block is not what the demo prints.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
until=$(grep -o -- '-- demo --until [0-9-]*' README.md | head -1 | awk '{print $4}')
[ -n "$until" ] || { echo "error: README.md has no 'cargo run --release -p relevo -- demo --until DATE' command" >&2; exit 1; }
relevo=${1:-}
if [ -z "$relevo" ]; then
    cargo build -p relevo --locked --quiet
    relevo="${CARGO_TARGET_DIR:-$repo/target}/debug/relevo"
fi
relevo=$(realpath "$relevo")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && "$relevo" demo --until "$until" --no-serve >"$work/out.txt" 2>/dev/null)

# The summary: from the report's title to the line before "Try next:", without trailing blank lines.
awk '/^Voice, weekly/ { p = 1 } /^Try next:/ { p = 0 } p { lines[n++] = $0 }
     END { while (n > 0 && lines[n - 1] == "") n--; for (i = 0; i < n; i++) print lines[i] }' \
    "$work/out.txt" >"$work/block.txt"
[ -s "$work/block.txt" ] || { echo "error: the demo printed no summary" >&2; exit 1; }
awk -v block="$work/block.txt" '
    /^<!-- demo-output/ { print; print "```text"; while ((getline l < block) > 0) print l; print "```"; skip = 1; next }
    /^<!-- \/demo-output -->/ { skip = 0 }
    !skip { print }' README.md >"$work/README.md"
cp "$work/README.md" README.md
echo "README.md: demo-output block written from relevo demo --until $until"

slip=$(grep -o "slipped the week of [0-9-]*" "$work/block.txt" | awk '{print $5}')
slip_to=$(date -u -d "$slip + 6 days" +%Y-%m-%d)
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    RELEVO_BROWSER_TESTS=1 RELEVO_E2E_DB="$work/relevo-demo/relevo.db" RELEVO_E2E_TZ=Europe/Madrid \
        RELEVO_SCREENSHOT="$repo/docs/dashboard.png" RELEVO_E2E_QUERY="from=$slip&to=$slip_to" \
        cargo test -p relevo-server --locked --test server browser
    echo "docs/dashboard.png: the dashboard over $slip .. $slip_to"
else
    echo "Chromium is not installed: docs/dashboard.png left as it is (install chromium and run again)"
fi
