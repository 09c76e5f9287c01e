#!/usr/bin/env bash
# The invariants ARCHITECTURE.md states, checked by grep: each prints what breaks it, if anything.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0

# only NAME EXPECTED COMMAND...: the command's output (file names, sorted) must be EXPECTED.
only() {
    local name=$1 expected=$2
    shift 2
    local got
    got=$("$@" 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" != "$expected" ]; then
        echo "invariant broken: $name"
        echo "  expected: ${expected:-nothing}"
        echo "  found:    ${got:-nothing}"
        failed=1
    fi
}
# under NAME PREFIX COMMAND...: every line of the command's output must start with PREFIX.
under() {
    local name=$1 prefix=$2
    shift 2
    local bad
    bad=$("$@" 2>/dev/null | grep -v "^$prefix" || true)
    if [ -n "$bad" ]; then
        echo "invariant broken: $name"
        echo "$bad" | sed 's/^/  /'
        failed=1
    fi
}

only "rusqlite is a dependency of relevo-store only" "crates/relevo-store/Cargo.toml" \
    grep -l rusqlite crates/*/Cargo.toml
under "SQL and rusqlite live in the store's engine module" "crates/relevo-store/src/sqlite/" \
    grep -rl rusqlite crates/relevo-store/src
under "no file outside relevo-store names the engine" "crates/relevo-store/" \
    grep -rl SqliteStore crates
only "the only crate with HTTP is relevo-server" "crates/relevo-server/Cargo.toml" \
    grep -lE "^(axum|hyper)" crates/*/Cargo.toml
only "the record's bounds are defined once, in relevo-core" "crates/relevo-core/src/record.rs" \
    grep -rl "const MAX_KEY_BYTES\|const MAX_PART_MS" crates
only "people's CSV cells are written in one place" "crates/relevo-core/src/record.rs" \
    grep -rl "fn push_csv" crates
only "no command but serve uses the server" "crates/relevo/src/serve_cmd.rs" \
    grep -l relevo_server crates/relevo/src/main.rs crates/relevo/src/*_cmd.rs crates/relevo/src/demo.rs crates/relevo/src/cli_util.rs crates/relevo/src/progress.rs
only "relevo-app knows neither HTTP nor the terminal" "" \
    grep -rlE "axum|tokio|clap|println!|eprintln!" crates/relevo-app/src
only "relevo-app reads no clock" "" \
    grep -rlE "Timestamp::now|SystemTime::now|Instant::now" crates/relevo-app/src
only "one KPI enum, in relevo-core" "crates/relevo-core/src/kpi.rs" \
    grep -rlE "pub enum (Kpi|Metric)\b" crates
under "the handle-time sum is written in relevo-metrics only" "crates/relevo-metrics/src/" \
    grep -rl --include=*.rs "talk_ms + " crates
for c in relevo-queueing relevo-forecast relevo-sim; do
    only "$c has no workspace dependencies" "" \
        awk '/^\[dependencies\]/ { d = 1; next } /^\[/ { d = 0 } d && /^relevo-/' "crates/$c/Cargo.toml"
done

if [ "$failed" = 0 ]; then
    echo "architecture invariants: all hold"
fi
exit "$failed"
