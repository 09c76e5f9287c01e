#!/usr/bin/env bash
# Simulation benchmark: simulated arrivals per second on M/M/50+M (λ = 48/180 per s,
# AHT 180 s, mean patience 120 s, 50 agents, 1,000,000 arrivals) in relevo-sim, SimPy and
# Ciw, side by side in one run; checks the three agree with Erlang A on service level and
# abandonment.
#
#   bash bench/sim/run.sh            # ARRIVALS=100000 for a quick look
#
# SimPy and Ciw come from PyPI into bench/.venv-sim (created on first use). Ciw simulates
# reneging with `reneging_time_distributions`; if the installed Ciw lacks it, its model runs
# M/M/50 without abandonment and the comparison says so.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/bench/out/sim"
venv="$root/bench/.venv-sim"
arrivals="${ARRIVALS:-1000000}"
mkdir -p "$out"

pick_python() {
    local candidates=("${PYTHON:-}" python3.13 python3.12)
    candidates+=("$HOME"/.pyenv/versions/3.1[2-4]*/bin/python3)
    candidates+=(python3)
    for p in "${candidates[@]}"; do
        [ -n "$p" ] || continue
        if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys' >/dev/null 2>&1; then
            echo "$p"
            return
        fi
    done
    echo "no python3 found" >&2
    exit 1
}

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import simpy, ciw' 2>/dev/null; then
    python=$(pick_python)
    echo "== Ciw releases on PyPI"
    "$python" -m pip index versions ciw 2>/dev/null | head -2 || true
    echo "== creating $venv with simpy and ciw ($("$python" --version))"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet simpy ciw
fi
echo "== using $("$venv/bin/python" --version), $("$venv/bin/python" -c \
    'import importlib.metadata as m; print("simpy", m.version("simpy"), "ciw", m.version("ciw"))')"

echo "== relevo-sim (release build, best of 5)"
cargo build --quiet --release -p relevo-sim --example bench_mmn
cargo run --quiet --release -p relevo-sim --example bench_mmn -- "$arrivals" 1 5 | tee "$out/relevo.txt"

echo "== SimPy (one run)"
"$venv/bin/python" "$here/simpy_mmn.py" "$arrivals" 1 | tee "$out/simpy.txt"

echo "== Ciw (one run)"
"$venv/bin/python" "$here/ciw_mmn.py" "$arrivals" 1 | tee "$out/ciw.txt"

echo "== comparison ($(nproc) cores; the ratios are what matter)"
"$venv/bin/python" "$here/compare.py" "$out/relevo.txt" "$out/simpy.txt" "$out/ciw.txt"
