//! `relevo report` and `relevo check`.

use crate::cli_util::{bound_ms, open_store, zone};
use anyhow::{Context, Result, bail};
use relevo_core::{AbandonTreatment, KpiSettings, interval_of};
use relevo_metrics::Granularity;
use relevo_metrics::report::{self, GroupBy, ReportRow, ReportSpec};
use relevo_store::{Scope, Store};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// First day (inclusive, whole day in --tz) or RFC 3339 instant (inclusive)
    #[arg(long)]
    pub from: String,
    /// Last day (inclusive) or RFC 3339 instant (exclusive)
    #[arg(long)]
    pub to: String,
    /// Period: interval (15 min), hour, day, week (ISO, Monday) or month
    #[arg(long, default_value = "day")]
    pub by: Granularity,
    /// Group rows by any of provider,queue,channel (comma-separated)
    #[arg(long, default_value = "")]
    pub group: GroupBy,
    /// Time zone of the periods (IANA name)
    #[arg(long, default_value = "UTC", env = "RELEVO_TZ")]
    pub tz: String,
    /// Service-level threshold T in seconds (default: 20 voice, 60 chat/messaging, 86400 email/web form/social)
    #[arg(long)]
    pub sl_threshold: Option<u32>,
    /// Short-abandon threshold S in seconds: abandons with wait < S are short
    #[arg(long, default_value_t = 5)]
    pub short_abandon: u32,
    /// counted, excluded_within_t or met
    #[arg(long, default_value = "counted")]
    pub abandon_treatment: AbandonTreatment,
    /// Add flowouts to the service-level denominator
    #[arg(long)]
    pub include_flowouts: bool,
    /// FCR window in days (0 = do not compute FCR)
    #[arg(long, default_value_t = 7)]
    pub fcr_window_days: u32,
    /// FCR counts only contacts whose window closed by this instant (default: now)
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this provider's data
    #[arg(long)]
    pub provider: Option<String>,
    /// Only these queues (comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub queue: Vec<String>,
    /// Only these channels (comma-separated: voice, chat, email, messaging, web_form, social)
    #[arg(long, value_delimiter = ',')]
    pub channel: Vec<relevo_core::Channel>,
    /// table, csv or json
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

/// The report's spec from the command-line options.
pub fn spec_of(args: &ReportArgs) -> Result<ReportSpec> {
    let tz = zone(&args.tz)?;
    let from_ms = bound_ms(&args.from, &tz, false, "--from")?;
    let to_ms = bound_ms(&args.to, &tz, true, "--to")?;
    if from_ms >= to_ms {
        bail!("--from {} is not before --to {}", args.from, args.to);
    }
    Ok(ReportSpec {
        from_ms,
        to_ms,
        granularity: args.by,
        tz,
        group: args.group,
        settings: KpiSettings {
            sl_threshold_s: args.sl_threshold,
            short_abandon_s: args.short_abandon,
            abandon_treatment: args.abandon_treatment,
            include_flowouts: args.include_flowouts,
            fcr_window_days: args.fcr_window_days,
        },
    })
}

/// Streams the report's rows to `sink`, period by period, straight from the cube (FCR from raw
/// records when its window is not 0).
pub fn stream(
    store: &dyn Store,
    args: &ReportArgs,
    spec: &ReportSpec,
    sink: &mut dyn FnMut(ReportRow),
) -> Result<()> {
    let scope = args.provider.clone().map_or(Scope::All, Scope::Provider);
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let keep = |queue: &str, channel: relevo_core::Channel| {
        (args.queue.is_empty() || args.queue.iter().any(|q| q == queue))
            && (args.channel.is_empty() || args.channel.contains(&channel))
    };
    let groups = store.groups(from_i, to_i, &scope)?;
    let fcr = if args.fcr_window_days > 0 {
        let as_of = match &args.as_of {
            Some(s) => bound_ms(s, &spec.tz, false, "--as-of")?,
            None => {
                #[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
                let now = jiff::Timestamp::now();
                now.as_millisecond()
            }
        };
        store.fcr(
            spec.from_ms,
            spec.to_ms,
            args.fcr_window_days,
            as_of,
            &scope,
        )?
    } else {
        Vec::new()
    };
    let mut builder = report::ReportBuilder::new(
        spec,
        groups
            .iter()
            .filter(|(_, q, c)| keep(q, *c))
            .map(|(p, q, c)| (p.as_str(), q.as_str(), *c)),
        sink,
    );
    for (k, f) in fcr.iter().filter(|(k, _)| keep(&k.queue, k.channel)) {
        builder.add_fcr(k.cell_ref(), f.eligible, f.resolved);
    }
    let grain = report::grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
    store.for_each_cell_at(grain, from_i, to_i, &scope, &mut |c, cell| {
        if keep(c.queue, c.channel) {
            builder.add_cell(c, cell);
        }
    })?;
    builder.finish();
    Ok(())
}

/// Runs a report into memory; shared by `relevo report` (table, JSON) and `relevo demo`.
pub fn compute(store: &dyn Store, args: &ReportArgs) -> Result<(ReportSpec, Vec<ReportRow>)> {
    let spec = spec_of(args)?;
    let mut rows = Vec::new();
    stream(store, args, &spec, &mut |r| rows.push(r))?;
    Ok((spec, rows))
}

pub fn render(spec: &ReportSpec, rows: &[ReportRow], format: &str) -> Result<String> {
    Ok(match format {
        "table" => report::to_table(rows, spec),
        "csv" => report::to_csv(rows, &spec.tz),
        "json" => report::to_json(rows, spec),
        other => bail!("unknown --format {other:?} (expected table, csv or json)"),
    })
}

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    if args.format == "csv" {
        // CSV streams: memory stays flat however many rows a year by interval has.
        let spec = spec_of(args)?;
        let mut out: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(p)
                    .with_context(|| format!("cannot write {}", p.display()))?,
            )),
            None => Box::new(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout().lock(),
            )),
        };
        let mut buf = String::with_capacity(1 << 16);
        buf.push_str(report::CSV_COLUMNS);
        buf.push('\n');
        let mut write_error = None;
        let mut csv = report::CsvWriter::new(&spec.tz);
        stream(&*store, args, &spec, &mut |r| {
            csv.row(&mut buf, &r);
            if buf.len() > 1 << 15 {
                if let Err(e) = out.write_all(buf.as_bytes())
                    && write_error.is_none()
                {
                    write_error = Some(e);
                }
                buf.clear();
            }
        })?;
        let done = out.write_all(buf.as_bytes()).and_then(|()| out.flush());
        if let (Some(p), Some(e)) = (&args.output, write_error.or(done.err())) {
            return Err(anyhow::Error::new(e).context(format!("cannot write {}", p.display())));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (spec, rows) = compute(&*store, args)?;
    let text = render(&spec, &rows, &args.format)?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let (store, path) = open_store(args.db.as_ref())?;
    let mut cube = store.cells(i64::MIN, i64::MAX, &Scope::All)?;
    cube.sort_by(|a, b| a.0.cmp(&b.0));
    let raw = store.recompute_cube()?;
    let records = store.summary(&Scope::All)?.records;
    let rollups = relevo_store::rollup_mismatches(&*store)?;
    for (grain, k) in rollups.iter().take(20) {
        println!(
            "{grain:?} roll-up mismatch at interval {} {}/{}/{}",
            k.interval, k.provider, k.queue, k.channel
        );
    }
    if cube == raw && rollups.is_empty() {
        println!(
            "{}: the cube matches the raw records and the hour and day roll-ups match the cube \
             ({} cells, {} records)",
            path.display(),
            cube.len(),
            records
        );
        return Ok(ExitCode::SUCCESS);
    }
    if cube == raw {
        println!(
            "{}: the cube matches the raw records but {} roll-up cells do NOT match the cube",
            path.display(),
            rollups.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let cube_keys: std::collections::BTreeMap<_, _> = cube.into_iter().collect();
    let raw_keys: std::collections::BTreeMap<_, _> = raw.into_iter().collect();
    let mut shown = 0;
    for k in cube_keys
        .keys()
        .chain(raw_keys.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        if cube_keys.get(k) != raw_keys.get(k) && shown < 20 {
            println!(
                "mismatch at interval {} {}/{}/{}",
                k.interval, k.provider, k.queue, k.channel
            );
            shown += 1;
        }
    }
    println!(
        "{}: the cube does NOT match the raw records",
        path.display()
    );
    Ok(ExitCode::FAILURE)
}

/// A queue's whole history as 15-minute interval counts and mean handle times (all providers and
/// channels summed), for forecasting.
pub fn queue_history(store: &dyn Store, queue: &str) -> Result<crate::forecast_cmd::History> {
    let cells = store.cells(i64::MIN / 2, i64::MAX / 2, &Scope::All)?;
    let mut per: std::collections::BTreeMap<i64, relevo_metrics::Cell> =
        std::collections::BTreeMap::new();
    for (k, c) in cells.iter().filter(|(k, _)| k.queue == queue) {
        per.entry(k.interval).or_default().merge(c);
    }
    if per.is_empty() {
        let known: std::collections::BTreeSet<String> =
            cells.into_iter().map(|(k, _)| k.queue).collect();
        bail!(
            "queue {queue:?} has no contacts in the store (known queues: {})",
            known.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    let rows = per
        .into_iter()
        .map(|(interval, c)| {
            let start = relevo_core::interval_start_ms(interval);
            Ok(crate::forecast_cmd::HistoryRow {
                period_start: jiff::Timestamp::from_millisecond(start)?,
                offered: c.offered as f64,
                aht_s: (c.answered > 0).then(|| {
                    (c.talk_ms + c.hold_ms + c.acw_ms) as f64 / c.answered as f64 / 1000.0
                }),
                line: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::forecast_cmd::History {
        source: format!("queue {queue:?}"),
        rows,
    })
}
