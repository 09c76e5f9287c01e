#!/usr/bin/env bash
# Writes the outputs of the demo's commands (CLI: table, CSV, JSON; API: JSON) into one folder, so
# that two builds can be compared byte for byte (a restructuring must not change any of them):
#
#   scripts/outputs.sh target/debug/relevo /tmp/before
#   ... change the code, build ...
#   scripts/outputs.sh target/debug/relevo /tmp/after && diff -r /tmp/before /tmp/after
#
# The demo is pinned to a date and a seed and every `--as-of` is fixed; what still depends on the
# moment of the run (a transition created now, a gate window ending now, the temporary folder) is
# masked at the end.
set -euo pipefail
relevo=$(realpath "$1")
out=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$relevo" demo --until 2026-10-31 --no-serve --dir demo >"$out/demo.txt" 2>/dev/null
export RELEVO_DB="$work/demo/relevo.db"
asof=2026-11-20T00:00:00Z
n=0
run() { # run NAME ARGS...: stdout to NAME, stderr and exit code kept too
    local name=$1
    shift
    set +e
    "$relevo" "$@" >"$out/$name" 2>"$out/$name.stderr"
    echo "exit $?" >>"$out/$name.stderr"
    set -e
}
for f in table csv json; do
    run "report-week.$f" report --from 2026-10-01 --to 2026-10-31 --by week --group provider,channel --tz Europe/Madrid --format "$f"
    run "report-interval.$f" report --from 2026-10-01 --to 2026-10-01 --by interval --group queue --format "$f"
    run "report-month-fcr.$f" report --from 2026-09-01 --to 2026-10-31 --by month --group provider --as-of "$asof" --format "$f"
    run "report-hour-nw.$f" report --from 2026-10-20 --to 2026-10-20 --by hour --provider northwind-bpo --channel voice --tz Europe/Madrid --format "$f"
    run "report-excluded.$f" report --from 2026-10-01 --to 2026-10-31 --sl-threshold 30 --abandon-treatment excluded_within_t --format "$f"
    for p in northwind-bpo sur-contact; do
        run "scorecard-$p.$f" scorecard --provider "$p" --period 2026-10 --as-of "$asof" --format "$f"
        [ "$f" = json ] || run "invoice-$p.$f" invoice --provider "$p" --month 2026-10 --as-of "$asof" --format "$f"
    done
    run "plan.$f" plan --queue billing-es --from 2026-11-02 --to 2026-11-03 --tz Europe/Madrid --format "$f"
    run "plan-a.$f" plan --queue billing-es --from 2026-11-02 --to 2026-11-02 --tz Europe/Madrid --patience 120 --split inhouse=0.6,sur-contact=0.4 --format "$f"
done
run costs.table costs --period 2026-10 --as-of "$asof"
for f in table json; do
    j=""
    [ "$f" = json ] && j=--json
    run "erlang-measures.$f" erlang --arrivals 100 --per 30m --aht 240 --agents 16 $j
    run "erlang-target.$f" erlang --arrivals 100 --per 30m --aht 240 --target-sl 0.8 --max-occupancy 0.9 $j
    run "erlang-a.$f" erlang --arrivals 100 --per 30m --aht 240 --patience 120 --target-sl 0.8 --max-abandon 0.05 $j
done
run contract-list contract list
run forecast.table forecast --queue billing-es --tz Europe/Madrid --interval 60m --backtest 14 --horizon 1d
run forecast.csv forecast --queue billing-es --tz Europe/Madrid --interval 60m --horizon 1d --method weekday-mean --format csv
run check check
run simulate.json simulate --plan "$repo/examples/transitions/sur-contact-billing.toml" --replications 3 --format json
run transition-create transition create "$repo/examples/transitions/sur-contact-billing.toml" --actor script
run transition-status-demo transition status 1 --as-of 2026-11-01
run transition-status transition status 2
run transition-evaluate transition evaluate 2 --actor script
run transition-status-all transition status

# The API on the same data, with an admin token.
"$relevo" token create --role admin --name outputs >"$work/token" 2>/dev/null
token=$(grep -o 'rlv_[A-Za-z0-9_]*' "$work/token" | head -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$relevo" serve --listen "127.0.0.1:$port" --tz Europe/Madrid >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
api() { # api NAME PATH
    curl -s -H "Authorization: Bearer $token" -w '\nstatus %{http_code}\n' "http://127.0.0.1:$port$2" >"$out/api-$1"
}
api kpis-week.json "/api/v1/kpis?from=2026-10-01&to=2026-10-31&by=week&group=provider,channel&tz=Europe/Madrid"
api kpis-interval.json "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=interval&group=queue"
api kpis-month.json "/api/v1/kpis?from=2026-09-01&to=2026-10-31&by=month&group=provider&as_of=$asof"
api kpis-interval-again.json "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=interval&group=queue"
api scorecard.json "/api/v1/scorecard?provider=northwind-bpo&month=2026-10&as_of=$asof"
api invoice.json "/api/v1/invoice?provider=sur-contact&month=2026-10&as_of=$asof"
api plan.json "/api/v1/plan?queue=billing-es&from=2026-11-02&to=2026-11-02&tz=Europe/Madrid"
api erlang.json "/api/v1/erlang?arrivals=100&per_s=1800&aht_s=240&target_sl=0.8"
api erlang-a.json "/api/v1/erlang?arrivals=100&per_s=1800&aht_s=240&model=erlang_a&patience_s=120&target_sl=0.8"
api providers.json /api/v1/providers
api queues.json /api/v1/queues
api hours.json "/api/v1/hours?from=2026-10-20&to=2026-10-20"
api transitions.json /api/v1/transitions
api transition.json /api/v1/transitions/1
api openapi.json /api/v1/openapi.json
# What depends on when and where the script ran (today's times, the temporary folder) is masked.
today=$(date -u +%Y-%m-%d)
week_ago=$(date -u -d '7 days ago' +%Y-%m-%d) # the start of a gate window ending now
local_today=$(TZ=Europe/Madrid date +%Y-%m-%d)
for f in "$out"/*; do
    sed -i -E -e "s#$work#WORK#g" \
        -e "s/${today}T[0-9:.]+Z/NOW/g" -e "s/${today}T[0-9:]+/NOW/g" \
        -e "s/${week_ago}T[0-9:.]+Z/NOW-7d/g" \
        -e "s/${local_today} [0-9]{2}:[0-9]{2} CET/NOW/g" "$f"
done
echo "outputs in $out ($(ls "$out" | wc -l) files)"
