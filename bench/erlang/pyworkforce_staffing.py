"""Required agents per cell with pyworkforce's ErlangC and ErlangA, timed in-process.

Usage: pyworkforce_staffing.py INPUT OUTPUT ERLANG_A_EVERY
ErlangA runs on every ERLANG_A_EVERY-th cell only (it takes ~0.02-2 s per cell); 1 = all.
Only the required_positions calls are timed, not reading or writing files.
"""

import csv
import sys
import time

from pyworkforce.queuing import ErlangC

try:
    from pyworkforce.queuing import ErlangA
except ImportError:  # pyworkforce < 0.5.2 (the newest on Python 3.11) has no ErlangA
    ErlangA = None


def main(input_path: str, output_path: str, erlang_a_every: int) -> None:
    with open(input_path) as f:
        rows = list(csv.DictReader(f))

    c_results = []
    start = time.perf_counter()
    for r in rows:
        erlang = ErlangC(transactions=float(r["calls"]), aht=float(r["aht_s"]) / 60.0,
                         asa=float(r["sl_threshold_s"]) / 60.0, interval=15,
                         shrinkage=float(r["shrinkage"]))
        res = erlang.required_positions(service_level=float(r["sl_target"]),
                                        max_occupancy=float(r["max_occupancy"]))
        c_results.append((res["raw_positions"], res["positions"]))
    c_seconds = time.perf_counter() - start

    a_results = {}
    start = time.perf_counter()
    for r in rows:
        cell = int(r["cell"])
        if ErlangA is None or cell % erlang_a_every:
            continue
        erlang = ErlangA(transactions=float(r["calls"]), aht=float(r["aht_s"]) / 60.0,
                         asa=float(r["sl_threshold_s"]) / 60.0, interval=15,
                         patience=float(r["patience_s"]) / 60.0,
                         shrinkage=float(r["shrinkage"]))
        res = erlang.required_positions(service_level=float(r["sl_target"]),
                                        max_occupancy=float(r["max_occupancy"]),
                                        max_abandonment=float(r["max_abandon"]))
        a_results[cell] = (res["raw_positions"], res["positions"])
    a_seconds = time.perf_counter() - start

    with open(output_path, "w") as out:
        out.write("cell,c_raw,c_positions,a_raw,a_positions\n")
        for r, (c_raw, c_pos) in zip(rows, c_results):
            a_raw, a_pos = a_results.get(int(r["cell"]), ("", ""))
            out.write(f"{r['cell']},{c_raw},{c_pos},{a_raw},{a_pos}\n")
    print(f"pyworkforce erlang_c_cells={len(c_results)} erlang_c_s={c_seconds:.6f} "
          f"erlang_a_cells={len(a_results)} erlang_a_s={a_seconds:.6f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
