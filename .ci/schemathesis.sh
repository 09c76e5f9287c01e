#!/usr/bin/env bash
# The API contract: schemathesis (`--checks all`) against `relevo serve` on the demo data, once per
# role that reads differently (admin, analyst, provider). Every status code, content type and
# schema an answer has must be the ones /api/v1/openapi.json documents, schema-valid requests must
# be accepted (or refused with a documented status) and invalid ones refused. Exits non-zero on
# any failure. schemathesis comes from PyPI into a venv under target/.
#
# Usage: bash .ci/schemathesis.sh            (RELEVO_ST_EXAMPLES=N for more cases per operation)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${RELEVO_ST_EXAMPLES:-20}
target=${CARGO_TARGET_DIR:-target}
venv=target/schemathesis-venv

if [ ! -x "$venv/bin/schemathesis" ] ||
    [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
st="$venv/bin/schemathesis"

cargo build -p relevo --locked --quiet
relevo="$target/debug/relevo"

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$relevo" demo --until 2026-10-31 --no-report --dir "$work/demo" >/dev/null
export RELEVO_DB="$work/demo/relevo.db"
token() { "$relevo" token create --name "schemathesis $1" --role "$@" 2>/dev/null; }
admin=$(token admin)
analyst=$(token analyst)
provider=$(token provider --provider northwind-bpo)
# Revocation gets an admin token of its own, used last: a revoked token answers 401 from then on.
revoker=$(token admin)

# Port 0: the system picks a free port, and the server's first log line names it.
"$relevo" serve --listen 127.0.0.1:0 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
    addr=$(sed -n 's/.*msg=listening addr=\([0-9.:]*\).*/\1/p' "$work/server.log" | head -n 1)
    [ -n "$addr" ] && break
    sleep 0.1
done
if [ -z "$addr" ]; then
    echo "error: the server did not start" >&2
    cat "$work/server.log" >&2
    exit 1
fi
url="http://$addr/api/v1/openapi.json"

failed=0
run() {
    local name=$1 secret=$2
    shift 2
    echo "-- schemathesis as $name"
    if ! "$st" --config-file .ci/schemathesis.toml run "$url" --checks all --max-examples "$EXAMPLES" --seed 1 \
        --generation-database none --no-color --workers 2 \
        --header "Authorization: Bearer $secret" "$@"; then
        failed=1
    fi
}
run admin "$admin" --exclude-method DELETE
run analyst "$analyst"
run provider "$provider"
run "admin (revocation)" "$revoker" --include-method DELETE

kill "$server_pid"
wait "$server_pid" || true
server_pid=
if [ "$failed" != 0 ]; then
    echo "schemathesis found failures (server log: tail above)" >&2
fi
exit "$failed"
