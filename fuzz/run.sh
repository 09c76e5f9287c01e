#!/usr/bin/env bash
# Runs every fuzz target for RUNS executions (default 1,000,000) and prints, per target, the
# executions libFuzzer reports and whether it found a crash. Needs nightly and cargo-fuzz.
set -uo pipefail
cd "$(dirname "$0")"
runs=${1:-1000000}
status=0
for t in $(cargo +nightly fuzz list); do
    log=$(mktemp)
    cargo +nightly fuzz run "$t" -- -runs="$runs" -max_len=4096 -rss_limit_mb=2048 >"$log" 2>&1
    rc=$?
    done_line=$(grep -E "^Done [0-9]+ runs" "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "$t: ${done_line:-finished}; no crash"
    else
        status=1
        echo "$t: CRASH (exit $rc); see fuzz/artifacts/$t"
        grep -E "panicked|ERROR|SUMMARY" "$log" | head -5
    fi
    rm -f "$log"
done
exit $status
