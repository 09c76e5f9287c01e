//! Report periods in a named time zone: 15-minute interval, hour, day, ISO week (Monday), month.
//!
//! Cube cells are UTC-aligned quarter hours; every local period is a union of them. A daylight-saving
//! day therefore holds 92 or 100 intervals, and an hour in a zone with a 30- or 45-minute offset is still
//! four whole cells.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use relevo_core::INTERVAL_MS;
use std::fmt;
use std::str::FromStr;

/// The size of a report period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Granularity {
    Interval,
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl FromStr for Granularity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "interval" => Ok(Self::Interval),
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            _ => Err(format!(
                "unknown period {s:?} (expected interval, hour, day, week or month)"
            )),
        }
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Interval => "interval",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        })
    }
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).expect("timestamp within jiff's range")
}

fn day_start(date: Date, tz: &TimeZone) -> Zoned {
    date.to_zoned(tz.clone())
        .expect("date within range")
        .start_of_day()
        .expect("start of day")
}

/// The start (ms since epoch) of the period of `gran` in `tz` that contains instant `ms`.
pub fn period_start_ms(ms: i64, gran: Granularity, tz: &TimeZone) -> i64 {
    if gran == Granularity::Interval {
        return ms.div_euclid(INTERVAL_MS) * INTERVAL_MS;
    }
    let z = ts(ms).to_zoned(tz.clone());
    let start = match gran {
        Granularity::Interval => unreachable!(),
        Granularity::Hour => {
            // Local wall-clock hour; in an ambiguous (repeated) hour, keep the instant's own offset.
            let back = i64::from(z.minute()) * 60_000
                + i64::from(z.second()) * 1000
                + i64::from(z.millisecond());
            return ms - back;
        }
        Granularity::Day => day_start(z.date(), tz),
        Granularity::Week => {
            let d = z.date();
            let back = i64::from(d.weekday().to_monday_zero_offset());
            day_start(d.checked_sub(back.days()).expect("date in range"), tz)
        }
        Granularity::Month => day_start(z.date().first_of_month(), tz),
    };
    start.timestamp().as_millisecond()
}

/// The start of the next period after the one starting at `start_ms`.
pub fn next_period_ms(start_ms: i64, gran: Granularity, tz: &TimeZone) -> i64 {
    match gran {
        Granularity::Interval => start_ms + INTERVAL_MS,
        Granularity::Hour => start_ms + 3_600_000,
        Granularity::Day | Granularity::Week | Granularity::Month => {
            let d = ts(start_ms).to_zoned(tz.clone()).date();
            let next = match gran {
                Granularity::Day => d.tomorrow().expect("date in range"),
                Granularity::Week => d.checked_add(7.days()).expect("date in range"),
                _ => d
                    .first_of_month()
                    .checked_add(1.month())
                    .expect("date in range"),
            };
            day_start(next, tz).timestamp().as_millisecond()
        }
    }
}

/// Every period start in `[from_ms, to_ms)`: the first is the period containing `from_ms`.
pub fn periods(from_ms: i64, to_ms: i64, gran: Granularity, tz: &TimeZone) -> Vec<i64> {
    let mut out = Vec::new();
    if from_ms >= to_ms {
        return out;
    }
    let mut p = period_start_ms(from_ms, gran, tz);
    while p < to_ms {
        out.push(p);
        p = next_period_ms(p, gran, tz);
    }
    out
}

/// Formats an instant as RFC 3339 with the zone's offset, e.g. `2026-03-29T03:00:00+02:00`.
pub fn format_rfc3339(ms: i64, tz: &TimeZone) -> String {
    let z = ts(ms).to_zoned(tz.clone());
    let off = z.offset().seconds();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "{}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        z.date(),
        z.hour(),
        z.minute(),
        z.second(),
        sign,
        off / 3600,
        (off % 3600) / 60
    )
}

#[cfg(test)]
mod tests;
