"""Checks that relevo's and DuckDB's month-by-day reports agree on every count column."""
import csv
import sys

relevo = {}
for r in csv.DictReader(open(sys.argv[1])):
    if int(r["offered"]) == 0:
        continue
    key = (r["period_start"][:10], r["provider"], r["queue"], r["channel"])
    relevo[key] = tuple(int(r[c]) for c in ("offered", "answered", "abandoned", "short_abandoned", "answered_within_t", "abandoned_within_t"))
duck = {}
for r in csv.DictReader(open(sys.argv[2])):
    key = (r["period_start"], r["provider"], r["queue"], r["channel"])
    duck[key] = tuple(int(r[c]) for c in ("offered", "answered", "abandoned", "short_abandoned", "answered_within_t", "abandoned_within_t"))
diff = [k for k in set(relevo) | set(duck) if relevo.get(k) != duck.get(k)]
print(f"groups: relevo {len(relevo)}, duckdb {len(duck)}, differing {len(diff)}")
for k in sorted(diff)[:5]:
    print("  ", k, relevo.get(k), duck.get(k))
sys.exit(1 if diff else 0)
