"""M/M/50+M in Ciw: the same queue as crates/relevo-sim/examples/bench_mmn.rs.

Usage: ciw_mmn.py [ARRIVALS] [SEED]
Uses `reneging_time_distributions` (Ciw >= 2.2) for exponential patience; without it
(older Ciw) it simulates M/M/50 without abandonment and says so. Runs until ARRIVALS
customers have left (answered or reneged: `simulate_until_max_customers(..., method="Finish")`)
and prints one `key=value` line like simpy_mmn.py.
"""

import inspect
import sys
import time

import ciw

ARRIVALS_PER_S = 48.0 / 180.0
AHT_S = 180.0
PATIENCE_S = 120.0
AGENTS = 50
THRESHOLD_S = 20.0


def main(arrivals, seed):
    params = dict(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_S)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / AHT_S)],
        number_of_servers=[AGENTS],
    )
    reneging = "reneging_time_distributions" in inspect.signature(ciw.create_network).parameters
    if reneging:
        params["reneging_time_distributions"] = [ciw.dists.Exponential(rate=1.0 / PATIENCE_S)]
    else:
        print(f"note: ciw {ciw.__version__} has no reneging: simulating M/M/50 without abandonment")
    network = ciw.create_network(**params)
    ciw.seed(seed)
    start = time.perf_counter()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(arrivals, method="Finish")
    elapsed = time.perf_counter() - start
    records = sim.get_all_records()
    answered = [r for r in records if r.record_type == "service"]
    abandoned = [r for r in records if r.record_type == "renege"]
    resolved = len(answered) + len(abandoned)
    within = sum(1 for r in answered if r.waiting_time <= THRESHOLD_S)
    wait_answered = sum(r.waiting_time for r in answered)
    wait_all = wait_answered + sum(r.exit_date - r.arrival_date for r in abandoned)
    print(
        f"ciw arrivals={resolved} seconds={elapsed:.6f} arrivals_per_s={resolved / elapsed:.0f}"
        f" service_level={within / resolved:.5f}"
        f" abandonment={len(abandoned) / resolved:.5f}"
        f" asa_s={wait_answered / len(answered):.4f}"
        f" mean_wait_s={wait_all / resolved:.4f}"
        f" reneging={int(reneging)} version={ciw.__version__}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1)
