#!/usr/bin/env bash
# Import and report benchmark: relevo vs DuckDB on the same generated canonical CSV, in one run.
#
#   bash bench/import/run.sh            # 10,000,000 records (~1.2 GB), the documented run
#   N=1000000 bash bench/import/run.sh  # a quicker look
#
# Measures: import throughput and peak memory (relevo: records + identity index + customer index +
# cube in one durable SQLite transaction; DuckDB: CREATE TABLE AS read_csv into a database file),
# then report latency for a month and a year, by 15-minute interval and by day, grouped by
# provider, queue and channel (relevo from the cube and its day roll-ups, as a whole process writing
# CSV and inside one process; DuckDB computing the same columns from rows, in its process and fresh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n="${N:-10000000}"
out="$root/bench/out/import"
venv="$root/bench/.venv-duckdb"
mkdir -p "$out"

echo "== build (release)"
(cd "$root" && cargo build --release --quiet -p relevo && cargo build --release --quiet -p relevo-import --example gen_canonical_csv \
    && cargo build --release --quiet -p relevo-server --example report_inprocess)

if [ ! -x "$venv/bin/python" ]; then
    echo "== venv with duckdb"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi
"$venv/bin/python" -c 'import duckdb; print("duckdb", duckdb.__version__)'

csv="$out/contacts-$n.csv"
if [ ! -f "$csv" ]; then
    echo "== generate $n records"
    "$root/target/release/examples/gen_canonical_csv" "$n" "$csv"
fi
ls -l "$csv"

db="$out/relevo.db"
rm -f "$db" "$db-wal" "$db-shm"
echo "== relevo import"
/usr/bin/time -f "relevo_import_s=%e relevo_import_peak_kb=%M" "$root/target/release/relevo" import "$csv" --db "$db" 2>&1 | tee "$out/relevo-import.txt"

report() { # name from to by
    local start end
    start=$(date +%s.%N)
    "$root/target/release/relevo" report --db "$db" --from "$2" --to "$3" --by "$4" --group provider,queue,channel \
        --fcr-window-days 0 --format csv -o "$out/relevo-$1.csv"
    end=$(date +%s.%N)
    echo "relevo_report_$1_s=$(echo "$end - $start" | bc)"
}
echo "== relevo reports (best of 3 each)"
for spec in "month_interval 2025-06-01 2025-06-30 interval" "month_day 2025-06-01 2025-06-30 day" \
            "year_interval 2025-01-01 2025-12-31 interval" "year_day 2025-01-01 2025-12-31 day"; do
    set -- $spec
    for _ in 1 2 3; do report "$@"; done | sort -t= -k2 -n | head -1
done | tee "$out/relevo-report.txt"
echo "== relevo report with FCR from raw records (month by day)"
start=$(date +%s.%N)
"$root/target/release/relevo" report --db "$db" --from 2025-06-01 --to 2025-06-30 --by day --group provider,queue,channel \
    --as-of 2026-01-01 --format csv -o "$out/relevo-month_day_fcr.csv"
end=$(date +%s.%N)
echo "relevo_report_month_day_fcr_s=$(echo "$end - $start" | bc)" | tee -a "$out/relevo-report.txt"

echo "== relevo reports in one process (database open, rows in memory; best of 5)"
"$root/target/release/examples/report_inprocess" "$db" 5 | tee "$out/relevo-report-inprocess.txt"

echo "== duckdb load and reports"
/usr/bin/time -f "duckdb_process_peak_kb=%M" "$venv/bin/python" "$here/duckdb_bench.py" "$csv" "$out" 2>&1 | tee "$out/duckdb.txt"

echo "== cross-check: relevo and DuckDB agree on the month-by-day counts"
"$venv/bin/python" "$here/compare.py" "$out/relevo-month_day.csv" "$out/duckdb-month_day.csv"
