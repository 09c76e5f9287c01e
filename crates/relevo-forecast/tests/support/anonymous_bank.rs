//! A test-only reader of the Anonymous Bank call log (Israel, 1999; one tab-separated file a
//! month), turning it into an interval [`Series`] of offered calls with handle time.
//!
//! Offered = every call that reached the queue or an agent (outcome `AGENT` or `HANG`, not
//! `PHANTOM`), counted in the interval of its `vru_exit` time; a `vru_exit` earlier than
//! `vru_entry` is past midnight and belongs to the next day. Handle time = `ser_time` of calls
//! with outcome `AGENT` and `ser_time > 0`. Day 0 is the first date in the file.
//! The real importer lives in another crate; this one exists so the forecasting tests and the
//! example can run on real data.

use relevo_forecast::{Interval, Series, Weekday};

/// One offered call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Call {
    /// Days since the first date of the file.
    pub day: usize,
    /// Seconds after local midnight of `day` at which the call left the VRU.
    pub vru_exit_s: u32,
    /// Service time in seconds, for calls an agent served.
    pub ser_time_s: Option<u32>,
}

/// The offered calls of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Calls {
    pub calls: Vec<Call>,
    pub first_weekday: Weekday,
    /// Number of days from the first to the last date of the file.
    pub days: usize,
    pub phantom: usize,
}

/// Parses the whole file. Errors name the line, the column and the value.
pub fn parse(text: &str) -> Result<Calls, String> {
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("no column {name:?} in the header"))
    };
    let (date, entry, exit, outcome, ser_time) = (
        col("date")?,
        col("vru_entry")?,
        col("vru_exit")?,
        col("outcome")?,
        col("ser_time")?,
    );
    let mut raw = Vec::new();
    let mut phantom = 0;
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let get = |c: usize, name: &str| {
            fields
                .get(c)
                .copied()
                .ok_or(format!("line {line_no}, column {name:?}: missing"))
        };
        let what = get(outcome, "outcome")?;
        match what {
            "PHANTOM" => {
                phantom += 1;
                continue;
            }
            "AGENT" | "HANG" => {}
            other => {
                return Err(format!(
                    "line {line_no}, column \"outcome\": unknown outcome {other:?}"
                ));
            }
        }
        let bad = |name: &str, v: &str, why: &str| {
            format!("line {line_no}, column {name:?}: {why}: {v:?}")
        };
        let d = get(date, "date")?;
        let day_number = civil_day(d).ok_or_else(|| bad("date", d, "not a yymmdd date"))?;
        let (entry_v, exit_v) = (get(entry, "vru_entry")?, get(exit, "vru_exit")?);
        let entry_s = clock_s(entry_v).ok_or_else(|| bad("vru_entry", entry_v, "not a time"))?;
        let exit_s = clock_s(exit_v).ok_or_else(|| bad("vru_exit", exit_v, "not a time"))?;
        let st = get(ser_time, "ser_time")?;
        let served: u32 = st
            .parse()
            .map_err(|_| bad("ser_time", st, "not a number of seconds"))?;
        let next_day = i64::from(exit_s < entry_s);
        raw.push((
            day_number + next_day,
            exit_s,
            (what == "AGENT" && served > 0).then_some(served),
        ));
    }
    let first = raw.iter().map(|r| r.0).min().ok_or("no offered calls")?;
    let last = raw.iter().map(|r| r.0).max().unwrap_or(first);
    // 1970-01-01 (civil day 0) was a Thursday, weekday 3 counting from Monday.
    let first_weekday =
        Weekday::from_monday0(((first + 3).rem_euclid(7)) as u8).map_err(|e| e.to_string())?;
    let calls = raw
        .into_iter()
        .map(|(d, vru_exit_s, ser_time_s)| Call {
            day: (d - first) as usize,
            vru_exit_s,
            ser_time_s,
        })
        .collect();
    Ok(Calls {
        calls,
        first_weekday,
        days: (last - first + 1) as usize,
        phantom,
    })
}

impl Calls {
    /// Offered calls and volume-weighted handle time per interval, over the first `days` days
    /// (calls past them, e.g. after midnight of the last day, are dropped).
    pub fn series(&self, interval: Interval, days: usize) -> Series {
        let s1 = interval.slots_per_day();
        let mut offered = vec![0.0; days * s1];
        let (mut served, mut served_s) = (vec![0.0; days * s1], vec![0.0; days * s1]);
        for c in self.calls.iter().filter(|c| c.day < days) {
            let t = c.day * s1 + (c.vru_exit_s / interval.seconds()) as usize;
            offered[t] += 1.0;
            if let Some(s) = c.ser_time_s {
                served[t] += 1.0;
                served_s[t] += f64::from(s);
            }
        }
        let aht_s = served
            .iter()
            .zip(&served_s)
            .map(|(n, s)| if *n > 0.0 { s / n } else { 0.0 })
            .collect();
        Series::new(interval, self.first_weekday, offered)
            .and_then(|s| s.with_aht_s(aht_s))
            .expect("counts are finite and not negative")
    }
}

/// `h:mm:ss` → seconds after midnight.
fn clock_s(v: &str) -> Option<u32> {
    let mut parts = v.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// `yymmdd` (years 50–99 are 19yy) → days since 1970-01-01 (Hinnant's days_from_civil).
fn civil_day(v: &str) -> Option<i64> {
    if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| v[r].parse::<i64>().ok();
    let (yy, m, d) = (n(0..2)?, n(2..4)?, n(4..6)?);
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let y = year - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The data file, in the repository's `test_data/anonymous_bank/`.
pub const DEFAULT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../test_data/anonymous_bank/anonymous_bank_1999_february.txt"
);
