"""Prints the three simulators side by side and checks they agree with each other and
with Erlang A within noise.

Usage: compare.py RELEVO_OUT SIMPY_OUT CIW_OUT
Each file holds the `key=value` lines its driver printed; RELEVO_OUT also has the exact
Erlang A line. Noise: with 10^6 arrivals at 96 % occupancy, one run's service level has a
standard deviation of about 0.0022 and its abandonment about 0.0006 (measured over seeds 2-9
of bench_mmn: SL 0.8625-0.8688, abandonment 0.0438-0.0453), so each simulator is checked
against the exact values to 0.008 and 0.003 (about 3.5 and 5 standard deviations).
"""

import sys

TOLERANCE = {"service_level": 0.008, "abandonment": 0.003}


def lines(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts and all("=" in p for p in parts[1:]) and len(parts) > 1:
                out[parts[0]] = {k: v for k, v in (p.split("=", 1) for p in parts[1:])}
    return out


def main(relevo_path, simpy_path, ciw_path):
    relevo = lines(relevo_path)
    rows = {"relevo": relevo["relevo"], **lines(simpy_path), **lines(ciw_path)}
    exact = relevo["erlang_a"]
    print(f"{'simulator':<10} {'arrivals':>9} {'seconds':>9} {'arrivals/s':>12} {'vs SimPy':>9} {'vs Ciw':>8}"
          f" {'SL(20s)':>8} {'aband.':>8} {'ASA s':>7} {'E[W] s':>7}")
    failed = False
    for name in ("relevo", "simpy", "ciw"):
        r = rows[name]
        speed = float(r["arrivals_per_s"])
        vs_simpy = speed / float(rows["simpy"]["arrivals_per_s"])
        vs_ciw = speed / float(rows["ciw"]["arrivals_per_s"])
        print(f"{name:<10} {int(r['arrivals']):>9,} {float(r['seconds']):>9.3f} {speed:>12,.0f}"
              f" {vs_simpy:>8.1f}x {vs_ciw:>7.1f}x {float(r['service_level']):>8.4f}"
              f" {float(r['abandonment']):>8.4f} {float(r['asa_s']):>7.3f} {float(r['mean_wait_s']):>7.3f}")
        for measure in ("service_level", "abandonment"):
            if abs(float(r[measure]) - float(exact[measure])) > TOLERANCE[measure]:
                print(f"  {name}: {measure} {r[measure]} is off the exact {exact[measure]} by more than {TOLERANCE[measure]}")
                failed = True
    print(f"{'Erlang A':<10} {'':>9} {'':>9} {'':>12} {'':>9} {'':>8} {float(exact['service_level']):>8.4f}"
          f" {float(exact['abandonment']):>8.4f} {'':>7} {float(exact['mean_wait_s']):>7.3f}")
    if rows["ciw"].get("reneging") == "0":
        print("note: this Ciw has no reneging; its row is M/M/50 without abandonment")
    ratio = float(rows["relevo"]["arrivals_per_s"]) / float(rows["simpy"]["arrivals_per_s"])
    print(f"target >= 50x SimPy: {'met' if ratio >= 50 else 'NOT met'} ({ratio:.0f}x)")
    if failed:
        sys.exit(1)
    print("all three agree with Erlang A within noise (service level ± 0.008, abandonment ± 0.003)")


if __name__ == "__main__":
    main(*sys.argv[1:4])
