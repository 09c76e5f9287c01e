//! Interval forecasts of a queue's history, as `relevo forecast`, `relevo plan` and the API's plan
//! compute them: map the history onto local days and slots, pick the method (by backtest when
//! asked to), and forecast volume and handle time with `relevo-forecast`.
//!
//! Conventions, in the order the pipeline applies them:
//! * the zone is the one whose local days, weekdays and slots the forecast uses;
//! * the interval is the one asked for or, when absent, the most common spacing between
//!   consecutive rows; every row must start on that grid (counted from local midnight). Rows finer
//!   than the interval are summed into it (15-minute rows can be forecast hourly); coarser rows are
//!   an error;
//! * day 0 is the local date of the first row; intervals without a row count as zero volume;
//! * exceptions `2025-12-24=0.5,2025-12-25=0,2025-11-03` mark local dates: each is left out of
//!   fitting; a date in the horizon with `=F` is forecast as `F` times a normal day;
//! * forecast periods that do not exist locally (a spring-forward gap) are left out.
//!
//! Errors about an input name its field neutrally (`horizon`, `k`, `interval`, `exceptions`, `tz`),
//! first in the message and in [`Error::Invalid`]'s `field`: the API's parameter; the command line
//! prints it as its option (`--horizon`). Not here: reading files, rendering.

use crate::Error;
use crate::history::{History, HistoryRow};
use jiff::Timestamp;
use jiff::ToSpan as _;
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use relevo_forecast::{
    Backtest, BacktestConfig, DayProfile, Exceptions, Forecast, ForecastConfig, Interval, Method,
    Series, TaylorConfig, Weekday,
};
use relevo_import::history::parse_non_negative;
use std::collections::{BTreeMap, HashSet};

/// `return Err(..)` with a formatted message (the pipeline's errors are about its input).
macro_rules! bail {
    ($($t:tt)*) => {
        return Err(Error::Invalid { field: None, message: format!($($t)*) })
    };
}

/// [`Error::Invalid`] about `field`, the message starting with the field's name (the command line
/// shows it as its option: `horizon` as `--horizon`).
macro_rules! invalid {
    ($field:literal, $($t:tt)*) => {
        Error::invalid($field, format!($($t)*))
    };
}

/// An [`Error`] with a formatted message.
macro_rules! err {
    ($($t:tt)*) => {
        Error::Invalid { field: None, message: format!($($t)*) }
    };
}

/// How to choose the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodChoice {
    /// The lowest wMAPE in a backtest of the others (ties go to the simpler).
    Auto,
    SeasonalNaive,
    WeekdayMean,
    Taylor,
}

/// What to forecast and how.
#[derive(Debug, Clone)]
pub struct ForecastRequest {
    /// IANA zone of local days.
    pub tz: String,
    /// The interval, or `None` to infer it from the data.
    pub interval: Option<Interval>,
    /// `7d`, `12h` or a number of intervals.
    pub horizon: String,
    pub method: MethodChoice,
    /// Weeks averaged by weekday-mean and by the handle-time forecast.
    pub k: usize,
    /// Backtest every method over the last this many days (and show it).
    pub backtest: Option<usize>,
    /// Local dates left out of fitting (`YYYY-MM-DD[=FACTOR]`, comma-separated).
    pub exceptions: Option<String>,
}

/// Everything a run computed, ready to print.
#[derive(Debug)]
pub struct ForecastRun {
    pub tz: TimeZone,
    pub tz_name: String,
    pub interval: Interval,
    pub day0: Date,
    pub history_days: usize,
    pub forecast: Forecast,
    pub backtest: Option<Backtest>,
    /// Whether `--backtest` asked for the table (auto also backtests, silently).
    pub show_backtest: bool,
    /// Whether the method was chosen automatically.
    pub auto: bool,
}

/// The zone of local days and slots (the error names the field `tz`).
pub fn time_zone(name: &str) -> Result<TimeZone, Error> {
    TimeZone::get(name).map_err(|e| invalid!("tz", "tz {name:?}: unknown time zone: {e}"))
}

/// Where a row came from, for messages.
fn at(history: &History, row: &HistoryRow) -> String {
    match row.line {
        Some(line) => format!("{}: line {line}, column \"period_start\"", history.source),
        None => format!("{}: row at {}", history.source, row.period_start),
    }
}

/// The interval: the one asked for, or the most common spacing between consecutive rows.
fn data_interval(history: &History) -> Result<u32, Error> {
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
        return Err(invalid!(
            "interval",
            "interval: cannot infer it from fewer than two periods in {}; give one",
            history.source
        ));
    };
    match u32::try_from(spacing_s)
        .ok()
        .filter(|s| Interval::from_seconds(*s).is_ok())
    {
        Some(s) => Ok(s),
        None => Err(invalid!(
            "interval",
            "interval: the most common spacing between periods in {} is {spacing_s} s, not 5, 15, 30 or 60 minutes; give one",
            history.source
        )),
    }
}

/// Builds the series: local day 0 = the date of the first row.
fn to_series(
    history: &History,
    tz: &TimeZone,
    interval: Interval,
    data_interval_s: u32,
) -> Result<(Series, Date), Error> {
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
                "{}: {} (local {local}) is not on the {} s grid of the data; give the interval or fix the row",
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
        .ok_or_else(|| err!("{}: no rows", history.source))?;
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
pub fn horizon_intervals(text: &str, interval: Interval) -> Result<usize, Error> {
    let bad = || {
        invalid!(
            "horizon",
            "horizon {text:?}: expected e.g. 7d, 12h or a number of intervals"
        )
    };
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
        return Err(invalid!(
            "horizon",
            "horizon {text:?}: must be at least one interval"
        ));
    }
    Ok(intervals)
}

/// `2025-12-24=0.5,2025-12-25=0,2025-11-03` → exceptions relative to `day0` (earlier dates are
/// outside the history and ignored).
fn parse_exceptions(text: &str, day0: Date) -> Result<Exceptions, Error> {
    let mut exceptions = Exceptions::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (date_text, factor) = match item.split_once('=') {
            Some((d, f)) => (d, Some(f)),
            None => (item, None),
        };
        let date: Date = date_text.parse().map_err(|_| {
            invalid!(
                "exceptions",
                "exceptions: not a date (YYYY-MM-DD): {date_text:?}"
            )
        })?;
        let days = day0
            .until(date)
            .map(|s| s.get_days())
            .map_err(|e| invalid!("exceptions", "exceptions: {date_text:?}: {e}"))?;
        let Ok(day) = usize::try_from(days) else {
            continue;
        };
        match factor {
            None => exceptions.exclude_day(day),
            Some(f) => {
                let factor = parse_non_negative(f).ok_or_else(|| {
                    invalid!("exceptions", "exceptions: {item:?}: not a factor: {f:?}")
                })?;
                let name = format!("x{factor}");
                exceptions.define_profile(&name, DayProfile::Scale { factor })?;
                exceptions.mark_day(day, &name)?;
            }
        }
    }
    Ok(exceptions)
}

/// Forecasts `history` as `args` say.
pub fn run(history: &History, args: &ForecastRequest) -> Result<ForecastRun, Error> {
    let tz = time_zone(&args.tz)?;
    if args.k == 0 {
        return Err(invalid!("k", "k: must be at least 1"));
    }
    let data_s = data_interval(history)?;
    let interval = match args.interval {
        Some(i) => i,
        None => Interval::from_seconds(data_s)?,
    };
    if interval.seconds() % data_s != 0 {
        return Err(invalid!(
            "interval",
            "interval {}: the data in {} are at {data_s} s intervals and it is not a multiple of that",
            interval.label(),
            history.source
        ));
    }
    let (series, day0) = to_series(history, &tz, interval, data_s)?;
    let exceptions = match &args.exceptions {
        Some(text) => parse_exceptions(text, day0)?,
        None => Exceptions::new(),
    };
    let horizon = horizon_intervals(&args.horizon, interval)?;
    let backtest_days = match (args.backtest, args.method) {
        (Some(days), _) => Some(days),
        (None, MethodChoice::Auto) => {
            if series.days() < 8 {
                return Err(Error::Conflict(format!(
                    "{}: the automatic method needs at least 8 days of history to backtest, the data have {}; choose a method",
                    history.source,
                    series.days()
                )));
            }
            Some((series.days() - 7).min(14))
        }
        (None, _) => None,
    };
    let backtest = match backtest_days {
        Some(days) => Some(
            relevo_forecast::backtest(&series, &exceptions, &BacktestConfig::new(days, args.k))
                .map_err(|e| err!("{}: backtest: {e}", history.source))?,
        ),
        None => None,
    };
    let method = match (args.method, &backtest) {
        (MethodChoice::Auto, Some(b)) => b.chosen_method(),
        (MethodChoice::Auto, None) => unreachable!("auto always backtests"),
        (MethodChoice::SeasonalNaive, _) => Method::SeasonalNaive,
        (MethodChoice::WeekdayMean, _) => Method::WeekdayMean { weeks: args.k },
        (MethodChoice::Taylor, _) => Method::Taylor(TaylorConfig {
            ar1: true,
            ..TaylorConfig::default()
        }),
    };
    let config = ForecastConfig {
        horizon_intervals: horizon,
        aht_weeks: args.k,
    };
    let forecast = relevo_forecast::forecast(&series, &exceptions, &method, &config)
        .map_err(|e| err!("{}: forecast: {e}", history.source))?;
    Ok(ForecastRun {
        tz,
        tz_name: args.tz.clone(),
        interval,
        day0,
        history_days: series.days(),
        forecast,
        backtest,
        show_backtest: args.backtest.is_some(),
        auto: args.method == MethodChoice::Auto,
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
pub fn points(
    history: &History,
    args: &ForecastRequest,
) -> Result<(Vec<ForecastPoint>, String), Error> {
    let report = run(history, args)?;
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
pub fn period_start(report: &ForecastRun, k: usize) -> Result<Option<jiff::Zoned>, Error> {
    let s1 = report.interval.slots_per_day();
    let t = report.forecast.start + k;
    let days = i64::try_from(t / s1).map_err(|e| Error::Internal(e.to_string()))?;
    let date = report.day0.checked_add(days.days())?;
    let second = (t % s1) as i64 * i64::from(report.interval.seconds());
    let time = Time::new((second / 3600) as i8, ((second % 3600) / 60) as i8, 0, 0)?;
    let ambiguous = report.tz.to_ambiguous_zoned(date.to_datetime(time));
    Ok(match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => None,
        _ => Some(ambiguous.earlier()?),
    })
}
