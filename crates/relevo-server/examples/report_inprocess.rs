//! Report latency inside one process (the database open, as in `relevo serve`): the month and year
//! reports of `bench/import/run.sh`, by 15-minute interval and by day, UTC, grouped by provider,
//! queue and channel, FCR off, rows collected in memory — the counterpart of DuckDB's `fetchall`.
//! Each report is timed from the cells the store picks for it (day cells for the day reports) and,
//! for comparison, from the 15-minute cube. Also printed: the time to build that many report rows
//! with no data read and nothing computed, the floor under any implementation that returns them.
//! Best of `RUNS`.
//!
//! ```text
//! cargo run --release -p relevo-server --example report_inprocess -- DB [RUNS] [NAME]
//! ```
//!
//! NAME runs only the reports whose name contains it (e.g. `day`); `RELEVO_BENCH_NO_CUBE=1` skips
//! the comparison runs from the 15-minute cube (for profiling).

use jiff::tz::TimeZone;
use relevo_core::{Grain, KpiSettings, interval_of};
use relevo_metrics::Granularity;
use relevo_metrics::report::{CellRef, GroupBy, ReportBuilder, ReportRow, ReportSpec, grain_for};
use relevo_server::kpis::{Filter, report};
use relevo_store::{Scope, SqliteStore, Store};
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

/// The floor under any report that returns `n` rows: building them (names cloned, KPIs copied) into
/// a vector allocated once, with no reading or computing at all.
fn rows_floor(n: usize, runs: usize) -> Duration {
    let providers = ["inhouse", "northwind-bpo", "sur-contact"];
    let queues = [
        "billing-en",
        "billing-es",
        "tech-en",
        "tech-es",
        "sales-en",
        "sales-es",
    ];
    let kpis =
        relevo_metrics::Kpis::compute(&relevo_metrics::Acc::default(), &KpiSettings::default());
    best(runs, || {
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            rows.push(ReportRow {
                period_start_ms: i as i64,
                provider: Some(providers[i % 3].to_string()),
                queue: Some(queues[i % 6].to_string()),
                channel: Some(relevo_core::Channel::Voice),
                kpis: kpis.clone(),
            });
        }
        std::hint::black_box(rows)
    })
    .0
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
    let store = SqliteStore::open(std::path::Path::new(&db)).expect("open the database");
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
        let (t, rows) = best(runs, || {
            report(&store, &Scope::All, &spec, &filter, 0).expect("report")
        });
        let nonempty = rows.iter().filter(|r| r.kpis.offered > 0).count();
        println!(
            "relevo_inprocess_{name}_s={:.6} rows={} rows_with_contacts={nonempty} grain={grain:?} \
             (building that many rows alone: {:.6} s)",
            t.as_secs_f64(),
            rows.len(),
            rows_floor(rows.len(), runs).as_secs_f64()
        );
        if grain != Grain::Quarter && !no_cube {
            let (tq, from_cube) = best(runs, || report_at(&store, &spec, Grain::Quarter));
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
