#!/usr/bin/env bash
# Staffing benchmark: required agents for 33,600 cells (a week of 15-minute intervals x 50
# queues) with Erlang C and Erlang A, in pyworkforce (PyPI) and in relevo-queueing, on the
# same input file. Checks the agent counts cell by cell and prints the speed ratio.
#
#   bash bench/erlang/run.sh                    # pyworkforce Erlang A on every 25th cell
#   ERLANG_A_EVERY=1 bash bench/erlang/run.sh   # all cells (pyworkforce takes hours)
#
# pyworkforce's ErlangA solves a uniformized Markov chain per candidate and takes 0.02-2 s
# per cell, so by default it runs on a fixed sample (cells 0, 25, 50, ...); relevo is
# timed on the same sample for the ratio, and on all cells too.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/bench/out/erlang"
venv="$root/bench/.venv"
every="${ERLANG_A_EVERY:-25}"
mkdir -p "$out"

# pyworkforce 0.5.2 and later (the releases with ErlangA) require Python >= 3.12; the
# newest release that installs on Python 3.11 is 0.5.1, which has Erlang C only.
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
python=$(pick_python)
if "$python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    pin=0.5.4
else
    pin=0.5.1
    echo "note: $("$python" --version) cannot install pyworkforce >= 0.5.2 (needs Python >= 3.12);"
    echo "      pinning 0.5.1, which has no ErlangA: only Erlang C is compared"
fi

echo "== pyworkforce releases on PyPI"
"$python" -m pip index versions pyworkforce 2>/dev/null | head -3 || true

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "
import sys, importlib.metadata as m
sys.exit(m.version('pyworkforce') != '$pin')" 2>/dev/null; then
    echo "== creating $venv with pyworkforce==$pin ($("$python" --version))"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "pyworkforce==$pin"
fi
echo "== using $("$venv/bin/python" --version), pyworkforce $("$venv/bin/python" -c \
    'import importlib.metadata as m; print(m.version("pyworkforce"))')"

echo "== generating inputs"
"$venv/bin/python" "$here/gen_inputs.py" "$out/inputs.csv"

echo "== relevo-queueing (release build)"
cargo build --quiet --release -p relevo-queueing --example bench_staffing
cargo run --quiet --release -p relevo-queueing --example bench_staffing -- \
    "$out/inputs.csv" "$out/relevo.csv" "$every" | tee "$out/relevo.timings"

echo "== pyworkforce (Erlang A on every ${every}th cell)"
"$venv/bin/python" "$here/pyworkforce_staffing.py" "$out/inputs.csv" "$out/pyworkforce.csv" \
    "$every" | tee "$out/pyworkforce.timings"

echo "== comparison ($(nproc) cores; the ratio is what matters)"
"$venv/bin/python" "$here/compare.py" "$out/inputs.csv" "$out/relevo.csv" \
    "$out/relevo.timings" "$out/pyworkforce.csv" "$out/pyworkforce.timings"
