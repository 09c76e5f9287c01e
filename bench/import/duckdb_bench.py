"""DuckDB side of the import/report benchmark: load the CSV into a database file, then compute the
same report rows relevo computes (docs/DEFINITIONS.md §4 counts and means, T = 20 s voice,
60 s chat, 86400 s email; S = 5 s; abandon treatment `counted`), by 15-minute interval and by day
(UTC)."""
import sys
import time

import duckdb

csv, out = sys.argv[1], sys.argv[2]
path = f"{out}/duckdb.db"
import os

for p in (path, path + ".wal"):
    if os.path.exists(p):
        os.remove(p)
con = duckdb.connect(path)
t = time.perf_counter()
con.execute(
    f"""CREATE TABLE contacts AS SELECT * FROM read_csv('{csv}', header = true, columns = {{
        'contact_id': 'VARCHAR', 'provider': 'VARCHAR', 'queue': 'VARCHAR', 'channel': 'VARCHAR',
        'arrived_at': 'TIMESTAMP', 'answered_at': 'TIMESTAMP', 'abandoned_at': 'TIMESTAMP', 'ended_at': 'TIMESTAMP',
        'talk_s': 'DOUBLE', 'hold_s': 'DOUBLE', 'acw_s': 'DOUBLE', 'customer': 'VARCHAR', 'csat': 'INTEGER'}})"""
)
con.execute("CHECKPOINT")
load = time.perf_counter() - t
n = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
print(f"duckdb_load_s={load:.3f} duckdb_records={n}")

QUERY = """
WITH w AS (
  SELECT *, epoch(coalesce(answered_at, abandoned_at, ended_at) - arrived_at) AS wait_s,
         CASE channel WHEN 'voice' THEN 20 WHEN 'chat' THEN 60 WHEN 'messaging' THEN 60 ELSE 86400 END AS t_s,
         answered_at IS NOT NULL AS ans, answered_at IS NULL AND (abandoned_at IS NOT NULL OR ended_at IS NOT NULL) AS ab
  FROM contacts WHERE arrived_at >= TIMESTAMP '{frm}' AND arrived_at < TIMESTAMP '{to}'
)
SELECT {bucket} AS period_start, provider, queue, channel,
  count(*) AS offered, count(*) FILTER (ans) AS answered, count(*) FILTER (ab) AS abandoned,
  count(*) FILTER (ab AND wait_s < 5) AS short_abandoned,
  count(*) FILTER (ans AND wait_s <= t_s) AS answered_within_t,
  count(*) FILTER (ab AND wait_s >= 5 AND wait_s <= t_s) AS abandoned_within_t,
  (count(*) FILTER (ans AND wait_s <= t_s)) / nullif(count(*) FILTER (ans) + count(*) FILTER (ab) - count(*) FILTER (ab AND wait_s < 5), 0) AS service_level,
  avg(wait_s) FILTER (ans) AS asa_s,
  (count(*) FILTER (ab) - count(*) FILTER (ab AND wait_s < 5)) / nullif(count(*) - count(*) FILTER (ab AND wait_s < 5), 0) AS abandon_rate,
  avg(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)) FILTER (ans) AS aht_s,
  avg(coalesce(talk_s, 0)) FILTER (ans) AS talk_s, avg(coalesce(hold_s, 0)) FILTER (ans) AS hold_s,
  avg(coalesce(acw_s, 0)) FILTER (ans) AS acw_s,
  quantile_disc(wait_s, 0.9) FILTER (ans) AS p90_answer_s,
  count(csat) AS csat_responses, count(*) FILTER (csat >= 4) / nullif(count(csat), 0) AS csat_top2, avg(csat) AS csat_mean
FROM w GROUP BY ALL ORDER BY ALL
"""

def run(name, frm, to, bucket):
    """Times the query two ways: rows fetched into Python (`fetchall`), and the result kept in
    DuckDB's own columnar memory (a temporary table: no conversion to Python objects)."""
    sql = QUERY.format(frm=frm, to=to, bucket=bucket)
    best = None
    for _ in range(3):
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    print(f"duckdb_report_{name}_s={best:.3f} rows={len(rows)}")
    best = None
    for _ in range(3):
        t = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TEMP TABLE report_result AS {sql}")
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    print(f"duckdb_report_{name}_columnar_s={best:.4f}")
    return rows

def run_process(name, frm, to, bucket):
    """The same report as a user would get it from a fresh process: open the database, COPY to CSV."""
    import subprocess

    sql_file = f"{out}/duckdb-{name}.sql"
    with open(sql_file, "w") as f:
        f.write(f"COPY ({QUERY.format(frm=frm, to=to, bucket=bucket)}) TO '{out}/duckdb-{name}.csv' (HEADER)")
    code = f"import duckdb; duckdb.connect({path!r}, read_only=True).execute(open({sql_file!r}).read())"
    best = None
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    print(f"duckdb_process_report_{name}_s={best:.3f}")


interval = "time_bucket(INTERVAL 15 MINUTE, arrived_at)"
day = "date_trunc('day', arrived_at)"
run("month_interval", "2025-06-01", "2025-07-01", interval)
rows = run("month_day", "2025-06-01", "2025-07-01", day)
run("year_interval", "2025-01-01", "2026-01-01", interval)
run("year_day", "2025-01-01", "2026-01-01", day)
con.close()
run_process("month_interval_csv", "2025-06-01", "2025-07-01", interval)
run_process("month_day_csv", "2025-06-01", "2025-07-01", day)
run_process("year_interval_csv", "2025-01-01", "2026-01-01", interval)
run_process("year_day_csv", "2025-01-01", "2026-01-01", day)
with open(f"{out}/duckdb-month_day.csv", "w") as f:
    f.write("period_start,provider,queue,channel,offered,answered,abandoned,short_abandoned,answered_within_t,abandoned_within_t\n")
    for r in rows:
        f.write(f"{r[0].date()},{r[1]},{r[2]},{r[3]},{r[4]},{r[5]},{r[6]},{r[7]},{r[8]},{r[9]}\n")
