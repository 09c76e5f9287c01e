//! `relevo report` and `relevo check`.

use crate::cli_util::{bound_ms, open_existing, zone};
use anyhow::{Context, Result, bail};
use relevo_core::{AbandonTreatment, KpiSettings};
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
    /// Let rows mix channels when --group does not name channel (by default every report is
    /// grouped by channel too: voice seconds and email hours never share a row)
    #[arg(long)]
    pub blend_channels: bool,
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
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
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

/// The scope and the queue/channel filter of the options.
fn scope_and_filter(args: &ReportArgs) -> (Scope, relevo_app::reports::Filter) {
    let scope = args.provider.clone().map_or(Scope::All, Scope::Provider);
    let filter = relevo_app::reports::Filter {
        queues: args.queue.clone(),
        channels: args.channel.clone(),
    };
    (scope, filter)
}

/// Refuses filters that name no data (an unknown provider, queue or channel), before any output.
fn check_filters(store: &dyn Store, args: &ReportArgs) -> Result<()> {
    let (_, filter) = scope_and_filter(args);
    relevo_app::reports::check_filters(store, &Scope::All, args.provider.as_deref(), &filter)?;
    Ok(())
}

/// Streams the report's rows to `sink` (`relevo_app::reports::stream` with the options' scope,
/// filter and FCR instant).
pub fn stream(
    store: &dyn Store,
    args: &ReportArgs,
    spec: &ReportSpec,
    sink: &mut dyn FnMut(ReportRow),
) -> Result<()> {
    let (scope, filter) = scope_and_filter(args);
    let as_of = match (&args.as_of, args.fcr_window_days) {
        (_, 0) => 0,
        (Some(s), _) => bound_ms(s, &spec.tz, false, "--as-of")?,
        (None, _) => {
            #[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
            let now = jiff::Timestamp::now();
            now.as_millisecond()
        }
    };
    relevo_app::reports::stream(store, &scope, spec, &filter, as_of, sink)?;
    Ok(())
}

/// The report's spec for `store`: [`spec_of`] after the filters are checked, grouped by channel
/// too unless the rows may blend channels (`relevo_app::reports::channel_grouping`).
fn checked_spec(store: &dyn Store, args: &ReportArgs) -> Result<ReportSpec> {
    let mut spec = spec_of(args)?;
    check_filters(store, args)?;
    spec.group = relevo_app::reports::channel_grouping(spec.group, args.blend_channels);
    Ok(spec)
}

/// Runs a report into memory; shared by `relevo report` (table, JSON) and `relevo demo`.
pub fn compute(store: &dyn Store, args: &ReportArgs) -> Result<(ReportSpec, Vec<ReportRow>)> {
    let spec = checked_spec(store, args)?;
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
    let (store, _) = open_existing(args.db.as_ref())?;
    if args.format == "csv" {
        // CSV streams: memory stays flat however many rows a year by interval has.
        let spec = checked_spec(&*store, args)?;
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
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let (store, path) = open_existing(args.db.as_ref())?;
    let mut cube = store.cells(i64::MIN, i64::MAX, &Scope::All)?;
    cube.sort_by(|a, b| a.0.cmp(&b.0));
    let raw = store.recompute_cube()?;
    let records = store.summary(&Scope::All)?.records;
    let rollups = relevo_store::rollup_mismatches(&*store)?;
    // A cell no set of valid records can make (a sum that overflowed, a negative count): the
    // cube may equal a recomputation that is just as wrong, so this is checked on its own.
    let impossible = relevo_store::impossible_cells(&*store)?;
    for (grain, k, why) in impossible.iter().take(20) {
        println!(
            "impossible {grain:?} cell at interval {} {}/{}/{}: {why}",
            k.interval, k.provider, k.queue, k.channel
        );
    }
    if !impossible.is_empty() {
        println!(
            "{}: {} cube cells hold sums no valid records can make",
            path.display(),
            impossible.len()
        );
        return Ok(ExitCode::FAILURE);
    }
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
