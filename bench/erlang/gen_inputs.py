"""Writes the staffing benchmark's input: a week of 15-minute intervals (672) for 50 queues.

Seeded, so every run compares the same 33,600 cells. Volumes follow an intraday curve with
two peaks, a weekday factor and noise; handle time, patience and targets vary by queue.
Handle times keep six decimals so no cell sits exactly on a rounding boundary.
"""

import math
import random
import sys

QUEUES = 50
INTERVALS = 7 * 24 * 4  # 672
INTERVAL_MIN = 15

# (service level, threshold s), max occupancy, max abandonment (1.0 = no cap), shrinkage
SL_TARGETS = [(0.8, 20.0), (0.9, 15.0), (0.7, 30.0), (0.8, 60.0)]
MAX_OCCUPANCY = [0.85, 0.9, 0.95, 1.0]
MAX_ABANDON = [1.0, 0.05, 0.1]
SHRINKAGE = [0.0, 0.25, 0.3, 0.35]
WEEKDAY = [1.0, 0.95, 0.93, 0.95, 0.9, 0.55, 0.4]


def intraday(hour: float) -> float:
    """Relative volume at an hour of the day: quiet nights, peaks at 10:30 and 15:00."""
    morning = math.exp(-((hour - 10.5) / 2.0) ** 2)
    afternoon = 0.8 * math.exp(-((hour - 15.0) / 2.5) ** 2)
    return 0.03 + morning + afternoon


def main(path: str, seed: int = 20260101) -> None:
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write("cell,queue,interval,calls,aht_s,patience_s,sl_target,sl_threshold_s,"
                  "max_occupancy,max_abandon,shrinkage\n")
        cell = 0
        for queue in range(QUEUES):
            peak_calls = math.exp(rng.uniform(math.log(8), math.log(400)))
            aht_base = rng.uniform(150.0, 480.0)
            patience_base = rng.uniform(90.0, 600.0)
            sl, threshold = rng.choice(SL_TARGETS)
            occupancy = rng.choice(MAX_OCCUPANCY)
            abandon = rng.choice(MAX_ABANDON)
            shrinkage = rng.choice(SHRINKAGE)
            for interval in range(INTERVALS):
                day, quarter = divmod(interval, 96)
                hour = quarter / 4.0
                mean = peak_calls * WEEKDAY[day] * intraday(hour)
                calls = max(1, round(mean * rng.lognormvariate(0.0, 0.15)))
                aht = aht_base * rng.uniform(0.9, 1.1)
                patience = patience_base * rng.uniform(0.9, 1.1)
                out.write(f"{cell},{queue},{interval},{calls},{aht:.6f},{patience:.6f},"
                          f"{sl},{threshold},{occupancy},{abandon},{shrinkage}\n")
                cell += 1


if __name__ == "__main__":
    main(sys.argv[1])
