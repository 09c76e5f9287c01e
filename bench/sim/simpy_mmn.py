"""M/M/50+M in SimPy: the same queue as crates/relevo-sim/examples/bench_mmn.rs.

Usage: simpy_mmn.py [ARRIVALS] [SEED]
Prints one `key=value` line: arrivals, wall seconds, arrivals per second and the measures
(service level = answered within 20 s / (answered + abandoned); abandonment = abandoned /
offered; ASA = mean wait of answered contacts; mean wait over answered and abandoned).
"""

import random
import sys
import time

import simpy

ARRIVALS_PER_S = 48.0 / 180.0
AHT_S = 180.0
PATIENCE_S = 120.0
AGENTS = 50
THRESHOLD_S = 20.0


def main(arrivals, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    stats = {"answered": 0, "within": 0, "abandoned": 0, "wait_answered": 0.0, "wait_all": 0.0}

    def contact(arrived):
        request = agents.request()
        patience = env.timeout(rng.expovariate(1.0 / PATIENCE_S))
        result = yield request | patience
        wait = env.now - arrived
        stats["wait_all"] += wait
        if request in result:
            stats["answered"] += 1
            stats["wait_answered"] += wait
            if wait <= THRESHOLD_S:
                stats["within"] += 1
            yield env.timeout(rng.expovariate(1.0 / AHT_S))
            agents.release(request)
        else:
            request.cancel()
            stats["abandoned"] += 1

    def source():
        for _ in range(arrivals):
            yield env.timeout(rng.expovariate(ARRIVALS_PER_S))
            env.process(contact(env.now))

    env.process(source())
    start = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - start
    resolved = stats["answered"] + stats["abandoned"]
    print(
        f"simpy arrivals={arrivals} seconds={elapsed:.6f} arrivals_per_s={arrivals / elapsed:.0f}"
        f" service_level={stats['within'] / resolved:.5f}"
        f" abandonment={stats['abandoned'] / resolved:.5f}"
        f" asa_s={stats['wait_answered'] / stats['answered']:.4f}"
        f" mean_wait_s={stats['wait_all'] / resolved:.4f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1)
