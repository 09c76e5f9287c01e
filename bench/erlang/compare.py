"""Compares relevo's and pyworkforce's agent counts cell by cell and prints the speed ratio.

Usage: compare.py INPUT RELEVO_CSV RELEVO_TIMINGS PYWORKFORCE_CSV PYWORKFORCE_TIMINGS
The timing files hold the one `key=value` line each driver printed.
"""

import csv
import math
import sys


def timings(path):
    with open(path) as f:
        line = f.read().split()
    return {k: float(v) for k, v in (item.split("=") for item in line[1:])}


def main(input_path, relevo_csv, relevo_t, py_csv, py_t):
    with open(input_path) as f:
        inputs = {r["cell"]: r for r in csv.DictReader(f)}
    with open(relevo_csv) as f:
        relevo = {r["cell"]: r for r in csv.DictReader(f)}
    with open(py_csv) as f:
        py = {r["cell"]: r for r in csv.DictReader(f)}
    rt, pt = timings(relevo_t), timings(py_t)

    failed = False
    for model, prefix in (("Erlang C", "c"), ("Erlang A", "a")):
        compared = 0
        mismatches = []
        for cell, p in py.items():
            if p[f"{prefix}_raw"] == "":
                continue
            compared += 1
            r = relevo[cell]
            got = (r[f"{prefix}_raw"], r[f"{prefix}_positions"])
            want = (p[f"{prefix}_raw"], p[f"{prefix}_positions"])
            if got != want:
                mismatches.append((cell, got, want))
        key = "erlang_c" if prefix == "c" else "erlang_a"
        if compared == 0:
            print(f"{model}: skipped (this pyworkforce has no {model})")
            continue
        ratio = pt[f"{key}_s"] / rt[f"{key}_s"]
        print(f"{model}: {compared} cells compared, {len(mismatches)} mismatches; "
              f"pyworkforce {pt[f'{key}_s']:.3f} s, relevo {rt[f'{key}_s']:.6f} s "
              f"-> relevo is {ratio:,.0f}x faster")
        for cell, got, want in mismatches[:20]:
            i = inputs[cell]
            print(f"  cell {cell}: relevo raw/positions {got}, pyworkforce {want} "
                  f"(calls {i['calls']}, aht_s {i['aht_s']}, patience_s {i['patience_s']})")
        failed |= bool(mismatches)
    # relevo's default Erlang A search (the true minimum) against pyworkforce's, which never
    # tries fewer agents than the offered load rounded up.
    lower = [cell for cell, p in py.items() if p["a_raw"] != ""
             and relevo[cell]["a_min_raw"] != p["a_raw"]]
    below_floor = all(int(relevo[c]["a_min_raw"]) < int(py[c]["a_raw"])
                      and int(py[c]["a_raw"]) == math.ceil(float(inputs[c]["calls"]) / 900.0
                                                           * float(inputs[c]["aht_s"]))
                      for c in lower)
    if any(p["a_raw"] != "" for p in py.values()):
        print(f"Erlang A, relevo's default (true minimum, no ceil(A) floor): {len(lower)} of "
              f"the compared cells need fewer agents than pyworkforce reports"
              + (", all where pyworkforce's answer is its starting point ceil(A)"
                 if lower and below_floor else ""))
        failed |= bool(lower) and not below_floor
    print(f"relevo on all {int(rt['erlang_a_all_cells'])} cells: Erlang C {rt['erlang_c_s']:.6f} s, "
          f"Erlang A {rt['erlang_a_all_s']:.6f} s (from ceil(A)), "
          f"{rt['erlang_a_min_all_s']:.6f} s (true minimum)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(*sys.argv[1:6])
