//! `relevo forecast`: read interval history (a CSV file, or rows the binary loaded from the
//! store), map it onto local days and slots, and forecast it with `relevo-forecast`.
//!
//! This module is the edge between clock times and the numeric crate: it owns time zones
//! (`jiff`), CSV parsing and output formatting. It does no forecasting arithmetic itself, and it
//! does not open the store: for `--queue` the binary loads a [`History`] and calls
//! [`run_with_history`].
//!
//! Conventions, in the order the pipeline applies them:
//! * `--tz` is the zone whose local days, weekdays and slots the forecast uses, and the zone in
//!   which a `period_start` without offset is read. In a daylight-saving fold, naive times take the
//!   earlier offset the first time they appear and the later one the second time; a naive time in a
//!   gap is an error. Rows of a repeated local hour are summed into one slot.
//! * The interval is `--interval` or, when absent, the most common spacing between consecutive
//!   rows; every row must start on that grid (counted from local midnight). Rows finer than
//!   `--interval` are summed into it (15-minute rows can be forecast hourly); coarser rows are an
//!   error.
//! * Day 0 is the local date of the first row; intervals without a row count as zero volume.
//! * `--exceptions 2025-12-24=0.5,2025-12-25=0,2025-11-03` marks local dates: each is left out of
//!   fitting; a date in the horizon with `=F` is forecast as `F` times a normal day.
//! * Forecast periods that do not exist locally (a spring-forward gap) are not printed.

pub use relevo_app::history::{History, HistoryRow};
use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ToSpan as _};
use relevo_forecast::{
    Backtest, BacktestConfig, DayProfile, Exceptions, Forecast, ForecastConfig, Interval, Method,
    Series, TaylorConfig, Weekday,
};

/// `relevo forecast`: forecast offered volume (and handle time) per interval.
#[derive(Debug, Clone, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["input", "queue"])))]
pub struct ForecastArgs {
    /// CSV with header `period_start,offered[,aht_s]`; period_start is RFC 3339 with offset, or a
    /// local date-time read in --tz
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Forecast the history of queue Q from the store
    #[arg(long, value_name = "Q")]
    pub queue: Option<String>,
    /// Time zone of local days and weekdays, and of period_start values without offset
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Interval length [default: inferred from the data]
    #[arg(long, value_enum)]
    pub interval: Option<IntervalArg>,
    /// How far ahead: `7d` (days), `12h` (hours) or a number of intervals
    #[arg(long, default_value = "7d")]
    pub horizon: String,
    /// Forecasting method; `auto` picks the lowest wMAPE in a backtest
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    pub method: MethodArg,
    /// Weeks averaged by weekday-mean and by the handle-time forecast
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub k: usize,
    /// Backtest every method over the last DAYS days and print MAE, RMSE, wMAPE and MASE
    #[arg(long, value_name = "DAYS")]
    pub backtest: Option<usize>,
    /// Comma-separated local dates (YYYY-MM-DD[=FACTOR]) left out of fitting
    #[arg(long, value_name = "DATES")]
    pub exceptions: Option<String>,
    /// Output format [default: table on a terminal, csv otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IntervalArg {
    #[value(name = "5m")]
    M5,
    #[value(name = "15m")]
    M15,
    #[value(name = "30m")]
    M30,
    #[value(name = "60m")]
    M60,
}

impl IntervalArg {
    fn interval(self) -> Interval {
        match self {
            IntervalArg::M5 => Interval::Min5,
            IntervalArg::M15 => Interval::Min15,
            IntervalArg::M30 => Interval::Min30,
            IntervalArg::M60 => Interval::Min60,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// The lowest wMAPE in a backtest of the others (ties go to the simpler)
    Auto,
    /// The same interval one week earlier
    SeasonalNaive,
    /// The mean of the same interval over the last --k same weekdays
    WeekdayMean,
    /// Double seasonal Holt-Winters (Taylor 2003) with the AR(1) error adjustment
    Taylor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Table,
    Json,
}

/// `relevo forecast --input FILE …`: reads the CSV and forecasts it. With `--queue` the binary
/// must load the history itself and call [`run_with_history`].
pub fn run_csv(args: &ForecastArgs) -> anyhow::Result<()> {
    let Some(path) = &args.input else {
        bail!("--queue needs the store: this build reads history only from --input FILE");
    };
    let tz = time_zone(&args.tz)?;
    let history = read_csv(path, &tz)?;
    run_with_history(args, &history)
}

/// Forecasts `history` as `args` say and prints the result to standard output (the backtest
/// table goes to standard error when the output is CSV, so that standard output stays CSV).
pub fn run_with_history(args: &ForecastArgs, history: &History) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Csv
    });
    let report = forecast_history(args, history)?;
    let mut out = stdout.lock();
    let mut err = std::io::stderr().lock();
    write_report(&report, format, &mut out, &mut err).context("writing the forecast")
}

/// Everything a run computed, ready to print.
#[derive(Debug)]
struct Report {
    tz: TimeZone,
    tz_name: String,
    interval: Interval,
    day0: Date,
    history_days: usize,
    forecast: Forecast,
    backtest: Option<Backtest>,
    /// Whether `--backtest` asked for the table (auto also backtests, silently).
    show_backtest: bool,
    /// Whether the method was chosen automatically.
    auto: bool,
}

fn time_zone(name: &str) -> anyhow::Result<TimeZone> {
    TimeZone::get(name).with_context(|| format!("--tz {name:?}: unknown time zone"))
}

/// Parses `period_start,offered[,aht_s]`. Errors name the file, line, column and value.
fn read_csv(path: &Path, tz: &TimeZone) -> anyhow::Result<History> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("{file}: cannot open"))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{file}: line 1"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let has_aht = match header
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["period_start", "offered"] => false,
        ["period_start", "offered", "aht_s"] => true,
        _ => bail!(
            "{file}: line 1: expected header period_start,offered[,aht_s], found {:?}",
            header.join(",")
        ),
    };
    let mut rows = Vec::new();
    let mut folds_seen: HashSet<Timestamp> = HashSet::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{file}: malformed CSV"))?;
        let line = record.position().map_or(0, |p| p.line());
        let bad = |column: &str, value: &str, why: &str| {
            anyhow!("{file}: line {line}, column {column:?}: {why}: {value:?}")
        };
        let start_text = record.get(0).unwrap_or("");
        let period_start = parse_period_start(start_text, tz, &mut folds_seen)
            .map_err(|why| bad("period_start", start_text, &why))?;
        let offered_text = record.get(1).unwrap_or("");
        let offered = parse_non_negative(offered_text)
            .ok_or_else(|| bad("offered", offered_text, "not a count"))?;
        let aht_s = match record.get(2).filter(|_| has_aht) {
            None | Some("") => None,
            Some(v) => Some(
                parse_non_negative(v).ok_or_else(|| bad("aht_s", v, "not a number of seconds"))?,
            ),
        };
        rows.push(HistoryRow {
            period_start,
            offered,
            aht_s,
            line: Some(line),
        });
    }
    Ok(History { source: file, rows })
}

fn parse_non_negative(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// RFC 3339 with offset, or a naive local date-time in `tz` (see the module docs for folds).
fn parse_period_start(
    text: &str,
    tz: &TimeZone,
    folds_seen: &mut HashSet<Timestamp>,
) -> Result<Timestamp, String> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let dt: DateTime = text
        .parse()
        .map_err(|_| "not an RFC 3339 timestamp or a local date-time".to_owned())?;
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => Err(format!(
            "does not exist in {} (skipped by a clock change)",
            tz_label(tz)
        )),
        AmbiguousOffset::Fold { .. } => {
            let earlier = ambiguous.earlier().map_err(|e| e.to_string())?;
            if folds_seen.insert(earlier) {
                Ok(earlier)
            } else {
                ambiguous.later().map_err(|e| e.to_string())
            }
        }
        AmbiguousOffset::Unambiguous { .. } => ambiguous.compatible().map_err(|e| e.to_string()),
    }
}

fn tz_label(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("the time zone").to_owned()
}

/// Where a row came from, for messages.
fn at(history: &History, row: &HistoryRow) -> String {
    match row.line {
        Some(line) => format!("{}: line {line}, column \"period_start\"", history.source),
        None => format!("{}: row at {}", history.source, row.period_start),
    }
}

/// The interval: `--interval`, or the most common spacing between consecutive rows.
fn data_interval(history: &History) -> anyhow::Result<u32> {
    let mut starts: Vec<Timestamp> = history.rows.iter().map(|r| r.period_start).collect();
    starts.sort();
    starts.dedup();
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for pair in starts.windows(2) {
        *counts
            .entry(pair[1].as_second() - pair[0].as_second())
            .or_default() += 1;
    }
    let Some((&spacing_s, _)) = counts
        .iter()
        .max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s)))
    else {
        bail!(
            "{}: cannot infer the interval from fewer than two periods; pass --interval",
            history.source
        );
    };
    match u32::try_from(spacing_s)
        .ok()
        .filter(|s| Interval::from_seconds(*s).is_ok())
    {
        Some(s) => Ok(s),
        None => bail!(
            "{}: the most common spacing between periods is {spacing_s} s, not 5, 15, 30 or 60 minutes; pass --interval",
            history.source
        ),
    }
}

/// Builds the series: local day 0 = the date of the first row.
fn to_series(
    history: &History,
    tz: &TimeZone,
    interval: Interval,
    data_interval_s: u32,
) -> anyhow::Result<(Series, Date)> {
    let mut seen: HashSet<Timestamp> = HashSet::new();
    let mut located = Vec::with_capacity(history.rows.len());
    for row in &history.rows {
        if !seen.insert(row.period_start) {
            bail!(
                "{}: duplicate period: {}",
                at(history, row),
                row.period_start
            );
        }
        let local = row.period_start.to_zoned(tz.clone()).datetime();
        let second_of_day = i64::from(local.hour()) * 3600
            + i64::from(local.minute()) * 60
            + i64::from(local.second());
        if second_of_day % i64::from(data_interval_s) != 0 || local.subsec_nanosecond() != 0 {
            bail!(
                "{}: {} (local {local}) is not on the {} s grid of the data; pass --interval or fix the row",
                at(history, row),
                row.period_start,
                data_interval_s
            );
        }
        located.push((
            local.date(),
            (second_of_day / i64::from(interval.seconds())) as usize,
            row,
        ));
    }
    let day0 = located
        .iter()
        .map(|l| l.0)
        .min()
        .ok_or_else(|| anyhow!("{}: no rows", history.source))?;
    let s1 = interval.slots_per_day();
    let mut offered: Vec<f64> = Vec::new();
    let mut aht_weighted: Vec<f64> = Vec::new();
    let mut aht_weight: Vec<f64> = Vec::new();
    let any_aht = history.rows.iter().any(|r| r.aht_s.is_some());
    for (date, slot, row) in located {
        let day = usize::try_from(day0.until(date).map(|s| s.get_days()).unwrap_or(0)).unwrap_or(0);
        let t = day * s1 + slot;
        if t >= offered.len() {
            offered.resize(t + 1, 0.0);
            aht_weighted.resize(t + 1, 0.0);
            aht_weight.resize(t + 1, 0.0);
        }
        offered[t] += row.offered;
        if let Some(a) = row.aht_s {
            aht_weighted[t] += row.offered * a;
            aht_weight[t] += row.offered;
        }
    }
    let weekday = Weekday::from_monday0(day0.weekday().to_monday_zero_offset() as u8)?;
    let mut series = Series::new(interval, weekday, offered)?;
    if any_aht {
        let aht = aht_weighted
            .iter()
            .zip(&aht_weight)
            .map(|(s, w)| if *w > 0.0 { s / w } else { 0.0 })
            .collect();
        series = series.with_aht_s(aht)?;
    }
    Ok((series, day0))
}

/// `7d`, `12h` or a plain number of intervals.
fn horizon_intervals(text: &str, interval: Interval) -> anyhow::Result<usize> {
    let bad = || anyhow!("--horizon {text:?}: expected e.g. 7d, 12h or a number of intervals");
    let (number, unit_s) = match text.strip_suffix('d') {
        Some(n) => (n, Some(86_400)),
        None => match text.strip_suffix('h') {
            Some(n) => (n, Some(3600)),
            None => (text, None),
        },
    };
    let n: usize = number.parse().map_err(|_| bad())?;
    let intervals = match unit_s {
        Some(unit) => n * unit / interval.seconds() as usize,
        None => n,
    };
    if intervals == 0 {
        bail!("--horizon {text:?}: must be at least one interval");
    }
    Ok(intervals)
}

/// `2025-12-24=0.5,2025-12-25=0,2025-11-03` → exceptions relative to `day0` (earlier dates are
/// outside the history and ignored).
fn parse_exceptions(text: &str, day0: Date) -> anyhow::Result<Exceptions> {
    let mut exceptions = Exceptions::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (date_text, factor) = match item.split_once('=') {
            Some((d, f)) => (d, Some(f)),
            None => (item, None),
        };
        let date: Date = date_text
            .parse()
            .map_err(|_| anyhow!("--exceptions: not a date (YYYY-MM-DD): {date_text:?}"))?;
        let days = day0
            .until(date)
            .map(|s| s.get_days())
            .map_err(|e| anyhow!("--exceptions: {date_text:?}: {e}"))?;
        let Ok(day) = usize::try_from(days) else {
            continue;
        };
        match factor {
            None => exceptions.exclude_day(day),
            Some(f) => {
                let factor = parse_non_negative(f)
                    .ok_or_else(|| anyhow!("--exceptions: {item:?}: not a factor: {f:?}"))?;
                let name = format!("x{factor}");
                exceptions.define_profile(&name, DayProfile::Scale { factor })?;
                exceptions.mark_day(day, &name)?;
            }
        }
    }
    Ok(exceptions)
}

fn forecast_history(args: &ForecastArgs, history: &History) -> anyhow::Result<Report> {
    let tz = time_zone(&args.tz)?;
    if args.k == 0 {
        bail!("--k: must be at least 1");
    }
    let data_s = data_interval(history)?;
    let interval = match args.interval {
        Some(i) => i.interval(),
        None => Interval::from_seconds(data_s)?,
    };
    if interval.seconds() % data_s != 0 {
        bail!(
            "{}: the data are at {data_s} s intervals; --interval {} is not a multiple of that",
            history.source,
            interval.label()
        );
    }
    let (series, day0) = to_series(history, &tz, interval, data_s)?;
    let exceptions = match &args.exceptions {
        Some(text) => parse_exceptions(text, day0)?,
        None => Exceptions::new(),
    };
    let horizon = horizon_intervals(&args.horizon, interval)?;
    let backtest_days = match (args.backtest, args.method) {
        (Some(days), _) => Some(days),
        (None, MethodArg::Auto) => {
            if series.days() < 8 {
                bail!(
                    "{}: --method auto needs at least 8 days of history to backtest, the data have {}; choose a --method",
                    history.source,
                    series.days()
                );
            }
            Some((series.days() - 7).min(14))
        }
        (None, _) => None,
    };
    let backtest = match backtest_days {
        Some(days) => Some(
            relevo_forecast::backtest(&series, &exceptions, &BacktestConfig::new(days, args.k))
                .with_context(|| format!("{}: backtest", history.source))?,
        ),
        None => None,
    };
    let method = match (args.method, &backtest) {
        (MethodArg::Auto, Some(b)) => b.chosen_method(),
        (MethodArg::Auto, None) => unreachable!("auto always backtests"),
        (MethodArg::SeasonalNaive, _) => Method::SeasonalNaive,
        (MethodArg::WeekdayMean, _) => Method::WeekdayMean { weeks: args.k },
        (MethodArg::Taylor, _) => Method::Taylor(TaylorConfig {
            ar1: true,
            ..TaylorConfig::default()
        }),
    };
    let config = ForecastConfig {
        horizon_intervals: horizon,
        aht_weeks: args.k,
    };
    let forecast = relevo_forecast::forecast(&series, &exceptions, &method, &config)
        .with_context(|| format!("{}: forecast", history.source))?;
    Ok(Report {
        tz,
        tz_name: args.tz.clone(),
        interval,
        day0,
        history_days: series.days(),
        forecast,
        backtest,
        show_backtest: args.backtest.is_some(),
        auto: args.method == MethodArg::Auto,
    })
}

/// One forecast interval for planning: local start, interval length, offered volume and mean handle time.
#[derive(Debug, Clone)]
pub struct ForecastPoint {
    pub start: jiff::Zoned,
    pub interval_s: u32,
    pub offered: f64,
    pub aht_s: Option<f64>,
}

/// Forecasts `history` as `args` say and returns the intervals (for `relevo plan`), with the name of
/// the method used.
pub fn forecast_points(
    args: &ForecastArgs,
    history: &History,
) -> anyhow::Result<(Vec<ForecastPoint>, String)> {
    let report = forecast_history(args, history)?;
    let mut out = Vec::with_capacity(report.forecast.offered.len());
    for (k, &offered) in report.forecast.offered.iter().enumerate() {
        if let Some(start) = period_start(&report, k)? {
            out.push(ForecastPoint {
                start,
                interval_s: report.interval.seconds(),
                offered,
                aht_s: report
                    .forecast
                    .aht_s
                    .as_ref()
                    .and_then(|a| a.get(k).copied()),
            });
        }
    }
    Ok((out, report.forecast.method.name()))
}

/// The local start of forecast interval `k`, or `None` where that local time does not exist.
fn period_start(report: &Report, k: usize) -> anyhow::Result<Option<jiff::Zoned>> {
    let s1 = report.interval.slots_per_day();
    let t = report.forecast.start + k;
    let date = report.day0.checked_add(i64::try_from(t / s1)?.days())?;
    let second = (t % s1) as i64 * i64::from(report.interval.seconds());
    let time = Time::new((second / 3600) as i8, ((second % 3600) / 60) as i8, 0, 0)?;
    let ambiguous = report.tz.to_ambiguous_zoned(date.to_datetime(time));
    Ok(match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => None,
        _ => Some(ambiguous.earlier()?),
    })
}

fn rfc3339(z: &jiff::Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

fn write_report(
    report: &Report,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let f = &report.forecast;
    let mut rows = Vec::with_capacity(f.offered.len());
    for (k, offered) in f.offered.iter().enumerate() {
        if let Some(z) = period_start(report, k)? {
            rows.push((rfc3339(&z), *offered, f.aht_s.as_ref().map(|a| a[k])));
        }
    }
    match format {
        Format::Csv => {
            if let Some(b) = report.backtest.as_ref().filter(|_| report.show_backtest) {
                write!(err, "{}", b.render_table())?;
            }
            let mut w = csv::Writer::from_writer(out);
            if f.aht_s.is_some() {
                w.write_record(["period_start", "offered_forecast", "aht_s_forecast"])?;
            } else {
                w.write_record(["period_start", "offered_forecast"])?;
            }
            for (start, offered, aht) in &rows {
                let mut record = vec![start.clone(), format!("{offered:.3}")];
                if let Some(a) = aht {
                    record.push(format!("{a:.1}"));
                }
                w.write_record(&record)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if let Some(b) = report.backtest.as_ref().filter(|_| report.show_backtest) {
                writeln!(
                    out,
                    "backtest over the last {} days (one-day horizon):",
                    b.origin_days.len()
                )?;
                write!(out, "{}", b.render_table())?;
                writeln!(out)?;
            }
            let chosen_by = match (&report.backtest, report.auto) {
                (Some(b), true) => {
                    format!(
                        " (auto: lowest wMAPE over a {}-day backtest)",
                        b.origin_days.len()
                    )
                }
                _ => String::new(),
            };
            writeln!(
                out,
                "method {}{chosen_by}, {} intervals, {} days of history from {} ({:?}), time zone {}",
                f.method.name(),
                report.interval.label(),
                report.history_days,
                report.day0,
                report.day0.weekday(),
                report.tz_name
            )?;
            writeln!(
                out,
                "{:<26} {:>16} {:>14}",
                "period_start", "offered_forecast", "aht_s_forecast"
            )?;
            for (start, offered, aht) in &rows {
                let aht = aht.map_or(String::new(), |a| format!("{a:.1}"));
                writeln!(out, "{start:<26} {offered:>16.3} {aht:>14}")?;
            }
        }
        Format::Json => {
            let forecast: Vec<serde_json::Value> = rows
                .iter()
                .map(|(start, offered, aht)| {
                    let mut row = serde_json::Map::new();
                    row.insert("period_start".into(), start.clone().into());
                    row.insert("offered_forecast".into(), (*offered).into());
                    if let Some(a) = aht {
                        row.insert("aht_s_forecast".into(), (*a).into());
                    }
                    serde_json::Value::Object(row)
                })
                .collect();
            let mut doc = serde_json::Map::new();
            doc.insert("method".into(), f.method.name().into());
            doc.insert("interval".into(), report.interval.label().into());
            doc.insert("time_zone".into(), report.tz_name.clone().into());
            if let Some(p) = f.taylor {
                let params = [
                    ("alpha", p.alpha),
                    ("gamma", p.gamma),
                    ("delta", p.delta),
                    ("omega", p.omega),
                    ("lambda", p.lambda),
                ];
                let params: serde_json::Map<String, serde_json::Value> = params
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.into()))
                    .collect();
                doc.insert("taylor_params".into(), params.into());
            }
            if let Some(b) = report.backtest.as_ref().filter(|_| report.show_backtest) {
                doc.insert("backtest".into(), backtest_json(b));
            }
            doc.insert("forecast".into(), forecast.into());
            serde_json::to_writer_pretty(&mut *out, &serde_json::Value::Object(doc))?;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn backtest_json(b: &Backtest) -> serde_json::Value {
    let methods: Vec<serde_json::Value> = b
        .scores
        .iter()
        .map(|s| {
            let mut row = serde_json::Map::new();
            row.insert("method".into(), s.method.name().into());
            if let Some(a) = s.accuracy {
                row.insert("points".into(), a.points.into());
                row.insert("mae".into(), a.mae.into());
                row.insert("rmse".into(), a.rmse.into());
                row.insert("wmape".into(), a.wmape.into());
                row.insert("mase".into(), a.mase.into());
            }
            serde_json::Value::Object(row)
        })
        .collect();
    let mut doc = serde_json::Map::new();
    doc.insert("origin_days".into(), b.origin_days.len().into());
    doc.insert("methods".into(), methods.into());
    doc.insert("chosen".into(), b.chosen_method().name().into());
    serde_json::Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV file in the temp dir, removed when dropped.
    struct TempCsv(PathBuf);

    impl TempCsv {
        fn new(name: &str, text: &str) -> TempCsv {
            let path = std::env::temp_dir().join(format!(
                "relevo-forecast-cmd-{}-{name}.csv",
                std::process::id()
            ));
            std::fs::write(&path, text).unwrap();
            TempCsv(path)
        }
    }

    impl Drop for TempCsv {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn args(input: &Path, extra: &[&str]) -> ForecastArgs {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: ForecastArgs,
        }
        let mut argv = vec![
            "relevo-forecast".to_owned(),
            "--input".to_owned(),
            input.display().to_string(),
        ];
        argv.extend(extra.iter().map(|s| (*s).to_owned()));
        Cli::try_parse_from(argv).unwrap().args
    }

    /// Runs the command on `csv` and returns (stdout, stderr) or the error message.
    fn run(name: &str, csv: &str, extra: &[&str]) -> Result<(String, String), String> {
        let file = TempCsv::new(name, csv);
        let args = args(&file.0, extra);
        let go = || -> anyhow::Result<(String, String)> {
            let tz = time_zone(&args.tz)?;
            let history = read_csv(&file.0, &tz)?;
            let report = forecast_history(&args, &history)?;
            let (mut out, mut err) = (Vec::new(), Vec::new());
            write_report(
                &report,
                args.format.unwrap_or(Format::Csv),
                &mut out,
                &mut err,
            )?;
            Ok((String::from_utf8(out)?, String::from_utf8(err)?))
        };
        go().map_err(|e| format!("{e:#}").replace(&file.0.display().to_string(), "FILE"))
    }

    /// `days` days of hourly rows from 2025-03-03 (a Monday) in UTC: 10 a hour, 20 on Mondays.
    fn weekly_csv(days: usize, aht: bool) -> String {
        let mut s = String::from(if aht {
            "period_start,offered,aht_s\n"
        } else {
            "period_start,offered\n"
        });
        let start: Timestamp = "2025-03-03T00:00:00Z".parse().unwrap();
        for t in 0..days * 24 {
            let ts = start.checked_add(((t as i64) * 3600).seconds()).unwrap();
            let offered = if (t / 24) % 7 == 0 { 20 } else { 10 };
            if aht {
                s.push_str(&format!("{ts},{offered},{}\n", 200 + t % 24));
            } else {
                s.push_str(&format!("{ts},{offered}\n"));
            }
        }
        s
    }

    #[test]
    fn seasonal_naive_csv_output() {
        let (out, _) = run(
            "naive",
            &weekly_csv(14, true),
            &["--method", "seasonal-naive", "--horizon", "26"],
        )
        .unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "period_start,offered_forecast,aht_s_forecast");
        assert_eq!(lines[1], "2025-03-17T00:00:00+00:00,20.000,200.0");
        assert_eq!(lines[25], "2025-03-18T00:00:00+00:00,10.000,200.0");
        assert_eq!(lines.len(), 27);
    }

    #[test]
    fn auto_with_backtest_prints_the_table_and_the_choice() {
        let (out, err) = run(
            "auto",
            &weekly_csv(21, false),
            &["--backtest", "7", "--horizon", "1d"],
        )
        .unwrap();
        assert!(
            err.contains("seasonal-naive")
                && err.contains("wMAPE")
                && err.contains("chosen: seasonal-naive"),
            "{err}"
        );
        assert_eq!(out.lines().count(), 25);
        // Without --backtest, auto chooses silently.
        let (csv_out, err) =
            run("auto-quiet", &weekly_csv(21, false), &["--horizon", "1d"]).unwrap();
        assert_eq!((csv_out.lines().count(), err.as_str()), (25, ""));
        let table_args = ["--format", "table", "--horizon", "1d"];
        let (table, _) = run("auto-table", &weekly_csv(21, false), &table_args).unwrap();
        let header = "method seasonal-naive (auto: lowest wMAPE over a 14-day backtest), 60m intervals, \
                      21 days of history from 2025-03-03 (Monday), time zone UTC";
        assert!(table.starts_with(header), "{table}");
        let with_table = [&table_args[..], &["--backtest", "7"]].concat();
        let (table, _) = run("auto-table-bt", &weekly_csv(21, false), &with_table).unwrap();
        assert!(
            table.starts_with("backtest over the last 7 days"),
            "{table}"
        );
    }

    #[test]
    fn json_output() {
        let (out, _) = run(
            "json",
            &weekly_csv(14, false),
            &["--method", "taylor", "--horizon", "2", "--format", "json"],
        )
        .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["method"], "taylor+ar1");
        assert_eq!(doc["interval"], "60m");
        assert_eq!(doc["forecast"].as_array().unwrap().len(), 2);
        assert_eq!(
            doc["forecast"][0]["period_start"],
            "2025-03-17T00:00:00+00:00"
        );
        assert!((doc["forecast"][0]["offered_forecast"].as_f64().unwrap() - 20.0).abs() < 1e-6);
        assert!(doc["taylor_params"]["alpha"].is_number());
    }

    #[test]
    fn errors_name_file_line_column_and_value() {
        let csv = "period_start,offered\n2025-03-03T00:00:00Z,3\n2025-03-03T01:00:00Z,abc\n";
        assert_eq!(
            run("bad-number", csv, &[]).unwrap_err(),
            "FILE: line 3, column \"offered\": not a count: \"abc\""
        );
        let csv = "period_start,offered\n2025-03-03T00:00:00Z,3\nyesterday,1\n";
        assert_eq!(
            run("bad-time", csv, &[]).unwrap_err(),
            "FILE: line 3, column \"period_start\": not an RFC 3339 timestamp or a local date-time: \"yesterday\""
        );
        let csv = "start,calls\n";
        assert_eq!(
            run("bad-header", csv, &[]).unwrap_err(),
            "FILE: line 1: expected header period_start,offered[,aht_s], found \"start,calls\""
        );
    }

    #[test]
    fn interval_inference_and_its_errors() {
        // Mostly 15 minutes, one row off the grid.
        let csv = "period_start,offered\n2025-03-03T00:00:00Z,1\n2025-03-03T00:15:00Z,1\n2025-03-03T00:30:00Z,1\n2025-03-03T00:40:00Z,1\n";
        assert_eq!(
            run("off-grid", csv, &["--method", "seasonal-naive"]).unwrap_err(),
            "FILE: line 5, column \"period_start\": 2025-03-03T00:40:00Z (local 2025-03-03T00:40:00) is not on the 900 s grid of the data; pass --interval or fix the row"
        );
        let csv = "period_start,offered\n2025-03-03T00:00:00Z,1\n2025-03-03T00:10:00Z,1\n2025-03-03T00:20:00Z,1\n";
        assert_eq!(
            run("ten-minutes", csv, &[]).unwrap_err(),
            "FILE: the most common spacing between periods is 600 s, not 5, 15, 30 or 60 minutes; pass --interval"
        );
        let err = run(
            "finer",
            &weekly_csv(14, false),
            &["--interval", "15m", "--method", "seasonal-naive"],
        )
        .unwrap_err();
        assert_eq!(
            err,
            "FILE: the data are at 3600 s intervals; --interval 15m is not a multiple of that"
        );
    }

    #[test]
    fn fifteen_minute_rows_forecast_hourly() {
        let mut csv = String::from("period_start,offered\n");
        let start: Timestamp = "2025-03-03T00:00:00Z".parse().unwrap();
        for q in 0..14 * 96 {
            let ts = start.checked_add(((q as i64) * 900).seconds()).unwrap();
            csv.push_str(&format!("{ts},{}\n", q % 4 + 1)); // 1+2+3+4 = 10 an hour
        }
        let (out, _) = run(
            "agg",
            &csv,
            &[
                "--interval",
                "60m",
                "--method",
                "weekday-mean",
                "--horizon",
                "1",
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "period_start,offered_forecast\n2025-03-17T00:00:00+00:00,10.000\n"
        );
    }

    #[test]
    fn horizon_forms() {
        assert_eq!(horizon_intervals("7d", Interval::Min15).unwrap(), 672);
        assert_eq!(horizon_intervals("12h", Interval::Min30).unwrap(), 24);
        assert_eq!(horizon_intervals("96", Interval::Min5).unwrap(), 96);
        assert_eq!(
            horizon_intervals("1w", Interval::Min5)
                .unwrap_err()
                .to_string(),
            "--horizon \"1w\": expected e.g. 7d, 12h or a number of intervals"
        );
    }

    #[test]
    fn exception_dates_leave_days_out_and_scale_the_future() {
        // Spike the last Monday of the history; as an exception it changes nothing.
        let spiked =
            weekly_csv(14, false).replace("2025-03-10T09:00:00Z,20", "2025-03-10T09:00:00Z,900");
        let extra = ["--method", "seasonal-naive", "--horizon", "1d"];
        let (plain, _) = run("plain", &weekly_csv(14, false), &extra).unwrap();
        let (excluded, _) = run(
            "excl",
            &spiked,
            &[&extra[..], &["--exceptions", "2025-03-10"]].concat(),
        )
        .unwrap();
        assert_eq!(plain, excluded);
        let (closed, _) = run(
            "closed",
            &weekly_csv(14, false),
            &[&extra[..], &["--exceptions", "2025-03-17=0.5"]].concat(),
        )
        .unwrap();
        assert!(
            closed.contains("2025-03-17T09:00:00+00:00,10.000"),
            "{closed}"
        );
    }

    #[test]
    fn naive_times_in_a_zone_with_daylight_saving() {
        // New York springs forward on 2025-03-09 at 02:00: that local hour does not exist.
        let mut csv = String::from("period_start,offered\n");
        let day0: Date = "2025-02-23".parse().unwrap();
        for d in 0..21 {
            let date = day0.checked_add((d as i64).days()).unwrap();
            for h in 0..24 {
                if date.to_string() == "2025-03-09" && h == 2 {
                    continue;
                }
                csv.push_str(&format!("{date}T{h:02}:00:00,{}\n", h + 1));
            }
        }
        let (out, _) = run(
            "dst",
            &csv,
            &[
                "--tz",
                "America/New_York",
                "--method",
                "weekday-mean",
                "--horizon",
                "1d",
            ],
        )
        .unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "2025-03-16T00:00:00-04:00,1.000");
        assert_eq!(lines[24], "2025-03-16T23:00:00-04:00,24.000");
        let gap = "period_start,offered\n2025-03-09T02:30:00,1\n";
        assert_eq!(
            run("gap", gap, &["--tz", "America/New_York"]).unwrap_err(),
            "FILE: line 2, column \"period_start\": does not exist in America/New_York (skipped by a clock change): \"2025-03-09T02:30:00\""
        );
    }

    #[test]
    fn history_from_the_store_goes_through_the_same_path() {
        let start: Timestamp = "2025-03-03T00:00:00Z".parse().unwrap();
        let rows = (0..14 * 24)
            .map(|t: i64| HistoryRow {
                period_start: start.checked_add((t * 3600).seconds()).unwrap(),
                offered: 5.0,
                aht_s: None,
                line: None,
            })
            .collect();
        let history = History {
            source: "queue \"billing\"".into(),
            rows,
        };
        let file = PathBuf::from("unused.csv");
        let args = ForecastArgs {
            input: None,
            queue: Some("billing".into()),
            ..args(&file, &["--method", "seasonal-naive"])
        };
        let report = forecast_history(&args, &history).unwrap();
        assert_eq!(report.forecast.offered.len(), 7 * 24);
        assert!(report.forecast.offered.iter().all(|v| *v == 5.0));
        let err = run_csv(&args).unwrap_err().to_string();
        assert_eq!(
            err,
            "--queue needs the store: this build reads history only from --input FILE"
        );
        let mut dup = history.clone();
        dup.rows.push(dup.rows[3]);
        let err = forecast_history(&args, &dup).unwrap_err().to_string();
        assert_eq!(
            err,
            "queue \"billing\": row at 2025-03-03T03:00:00Z: duplicate period: 2025-03-03T03:00:00Z"
        );
    }
}
