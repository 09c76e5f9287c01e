//! Report latency inside one process (the database open, as in `relevo serve`): the month and year
//! reports of `bench/import/run.sh`, by 15-minute interval and by day, UTC, grouped by provider,
//! queue and channel, FCR off, rows collected in memory — the counterpart of DuckDB's `fetchall`.
//! Each report is timed three ways: from the store's cells of the grain `grain_for` picks (day cells
//! for the day reports), as `relevo serve` reads them when it holds no cube in memory; from that grain
//! held in memory (`relevo_metrics::memcube`, loaded once, its load time printed), as `relevo serve`
//! answers; and, for comparison, from the store's 15-minute cube. The rows of all three must be
//! equal. Best of `RUNS`.
//!
//! ```text
//! cargo run --release -p relevo-server --example report_inprocess -- DB [RUNS] [NAME]
//! ```
//!
//! NAME runs only the reports whose name contains it (e.g. `day`); `RELEVO_BENCH_NO_CUBE=1` skips
//! the comparison runs from the 15-minute cube and `RELEVO_BENCH_MEMORY_ONLY=1` times only the
//! reports from memory (the store's report runs once, for the rows to compare; both for profiling);
//! `RELEVO_BENCH_THREADS=N` fills the reports from memory with at most N threads.

use jiff::tz::TimeZone;
use relevo_core::{Grain, KpiSettings, interval_of};
use relevo_metrics::Granularity;
use relevo_metrics::report::{CellRef, GroupBy, ReportBuilder, ReportRow, ReportSpec, grain_for};
use relevo_server::kpis::{Filter, report};
use relevo_store::{Scope, Store, load_memcube};
use std::time::{Duration, Instant};

/// The report as `kpis::report` builds it, but from cells of a grain chosen by the caller.
fn report_at(store: &dyn Store, spec: &ReportSpec, grain: Grain) -> Vec<ReportRow> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, &Scope::All).expect("groups");
    let mut rows = Vec::new();
    let mut sink = |r: ReportRow| rows.push(r);
    let mut builder = ReportBuilder::new(
        spec,
        groups.iter().map(|(p, q, c)| (p.as_str(), q.as_str(), *c)),
        &mut sink,
    );
    store
        .for_each_cell_at(
            grain,
            from_i,
            to_i,
            &Scope::All,
            &mut |c: CellRef<'_>, cell| builder.add_cell(c, cell),
        )
        .expect("cells");
    builder.finish();
    rows
}

#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args
        .next()
        .expect("usage: report_inprocess DB [RUNS] [NAME]");
    let runs: usize = args.next().map_or(5, |r| r.parse().expect("RUNS"));
    let only = args.next().unwrap_or_default();
    #[allow(clippy::disallowed_methods)] // a benchmark's own switch
    let no_cube = std::env::var_os("RELEVO_BENCH_NO_CUBE").is_some();
    #[allow(clippy::disallowed_methods)] // a benchmark's own switch
    let memory_only = std::env::var_os("RELEVO_BENCH_MEMORY_ONLY").is_some();
    #[allow(clippy::disallowed_methods)] // a benchmark's own switch
    let threads: Option<usize> = std::env::var("RELEVO_BENCH_THREADS")
        .ok()
        .map(|t| t.parse().expect("RELEVO_BENCH_THREADS"));
    let store = relevo_store::open(&db).expect("open the database");
    let ms = |s: &str| {
        s.parse::<jiff::Timestamp>()
            .expect("timestamp")
            .as_millisecond()
    };
    let reports = [
        (
            "month_interval",
            "2025-06-01T00:00:00Z",
            "2025-07-01T00:00:00Z",
            Granularity::Interval,
        ),
        (
            "month_day",
            "2025-06-01T00:00:00Z",
            "2025-07-01T00:00:00Z",
            Granularity::Day,
        ),
        (
            "year_interval",
            "2025-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            Granularity::Interval,
        ),
        (
            "year_day",
            "2025-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            Granularity::Day,
        ),
    ];
    let mut memcubes = std::collections::HashMap::new();
    for (name, from, to, by) in reports.into_iter().filter(|r| r.0.contains(&only)) {
        let spec = ReportSpec {
            from_ms: ms(from),
            to_ms: ms(to),
            granularity: by,
            tz: TimeZone::UTC,
            group: "provider,queue,channel"
                .parse::<GroupBy>()
                .expect("grouping"),
            settings: KpiSettings {
                fcr_window_days: 0,
                ..KpiSettings::default()
            },
        };
        let grain = grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
        let filter = Filter {
            queues: Vec::new(),
            channels: Vec::new(),
        };
        let store_runs = if memory_only { 1 } else { runs };
        let (t, rows) = best(store_runs, || {
            report(&*store, &Scope::All, &spec, &filter, 0).expect("report")
        });
        let nonempty = rows.iter().filter(|r| r.kpis.offered > 0).count();
        println!(
            "relevo_inprocess_{name}_s={:.6} rows={} rows_with_contacts={nonempty} grain={grain:?}",
            t.as_secs_f64(),
            rows.len(),
        );
        let mem = memcubes.entry(grain).or_insert_with(|| {
            let (t, (_, m)) = best(1, || load_memcube(&*store, grain).expect("load the cube"));
            println!(
                "relevo_memory_load_{grain:?}_s={:.3} cells={} heap_mib={:.0}",
                t.as_secs_f64(),
                m.len(),
                m.heap_bytes() as f64 / (1 << 20) as f64
            );
            m
        });
        let all = |_: &str, _: &str, _: relevo_core::Channel| true;
        let (tm, cols) = best(runs, || {
            mem.report_with_threads(&spec, &all, std::iter::empty(), threads)
        });
        assert!(
            cols.rows() == rows,
            "{name}: the memory cube and the store disagree"
        );
        println!(
            "relevo_memory_{name}_s={:.6} rows={} (same rows)",
            tm.as_secs_f64(),
            cols.len()
        );
        if grain != Grain::Quarter && !no_cube {
            let (tq, from_cube) = best(runs, || report_at(&*store, &spec, Grain::Quarter));
            assert_eq!(
                from_cube, rows,
                "{name}: the {grain:?} cells and the cube disagree"
            );
            println!(
                "relevo_inprocess_{name}_from_cube_s={:.6} (same rows)",
                tq.as_secs_f64()
            );
        }
    }
}
