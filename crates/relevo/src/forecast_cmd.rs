//! `relevo forecast`: the options, reading a history file, and printing the forecast. The pipeline
//! is `relevo_app::forecast` (shared with `relevo plan` and the API); the CSV parser is
//! `relevo_import::history`. It does not open the store: for `--queue` the binary loads a
//! [`History`] and calls [`run_with_history`].
//!
//! Conventions (the pipeline's, see `relevo_app::forecast`):
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

use relevo_app::forecast::{ForecastRequest, ForecastRun as Report, MethodChoice, period_start};
pub use relevo_app::history::History;
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use relevo_forecast::{Backtest, Interval};

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
    pub fn interval(self) -> Interval {
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

impl MethodArg {
    fn choice(self) -> MethodChoice {
        match self {
            MethodArg::Auto => MethodChoice::Auto,
            MethodArg::SeasonalNaive => MethodChoice::SeasonalNaive,
            MethodArg::WeekdayMean => MethodChoice::WeekdayMean,
            MethodArg::Taylor => MethodChoice::Taylor,
        }
    }
}

impl ForecastArgs {
    /// The pipeline's request for these options.
    pub fn request(&self) -> ForecastRequest {
        ForecastRequest {
            tz: self.tz.clone(),
            interval: self.interval.map(IntervalArg::interval),
            horizon: self.horizon.clone(),
            method: self.method.choice(),
            k: self.k,
            backtest: self.backtest,
            exceptions: self.exceptions.clone(),
        }
    }
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

fn time_zone(name: &str) -> anyhow::Result<jiff::tz::TimeZone> {
    Ok(relevo_app::forecast::time_zone(name)?)
}

/// Reads a history CSV file (`relevo_import::history`).
fn read_csv(path: &Path, tz: &jiff::tz::TimeZone) -> anyhow::Result<History> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).with_context(|| format!("{file}: cannot open"))?;
    Ok(relevo_import::history::parse_history_csv(
        std::io::BufReader::new(input),
        &file,
        tz,
    )?)
}

/// The forecast of `history` as `args` say.
fn forecast_history(args: &ForecastArgs, history: &History) -> anyhow::Result<Report> {
    Ok(relevo_app::forecast::run(history, &args.request())?)
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
    use jiff::civil::Date;
    use jiff::{Timestamp, ToSpan as _};
    use relevo_app::forecast::horizon_intervals;
    use relevo_app::history::HistoryRow;

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
        go().map_err(|e| {
            crate::cli_util::describe(&e).replace(&file.0.display().to_string(), "FILE")
        })
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
            "FILE: line 5, column \"period_start\": 2025-03-03T00:40:00Z (local 2025-03-03T00:40:00) is not on the 900 s grid of the data; give the interval or fix the row"
        );
        let csv = "period_start,offered\n2025-03-03T00:00:00Z,1\n2025-03-03T00:10:00Z,1\n2025-03-03T00:20:00Z,1\n";
        assert_eq!(
            run("ten-minutes", csv, &[]).unwrap_err(),
            "--interval: the most common spacing between periods in FILE is 600 s, not 5, 15, 30 or 60 minutes; give one"
        );
        let err = run(
            "finer",
            &weekly_csv(14, false),
            &["--interval", "15m", "--method", "seasonal-naive"],
        )
        .unwrap_err();
        assert_eq!(
            err,
            "--interval 15m: the data in FILE are at 3600 s intervals and it is not a multiple of that"
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
        // The application names the field as the API knows it; the command line, its option.
        let err = horizon_intervals("1w", Interval::Min5).unwrap_err();
        assert!(
            matches!(&err, relevo_app::Error::Invalid { field: Some(f), .. } if f == "horizon"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "horizon \"1w\": expected e.g. 7d, 12h or a number of intervals"
        );
        assert_eq!(
            crate::cli_util::describe(&anyhow::Error::new(err)),
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
