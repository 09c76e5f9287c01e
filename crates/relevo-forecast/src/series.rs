//! The input: a regular, day-aligned series of interval counts with optional handle time.
//!
//! **Alignment (the one convention callers must follow).** Index 0 of a [`Series`] is the
//! interval that starts at *local midnight* of day 0, and day 0 is the weekday
//! [`Series::first_weekday`]. Interval `t` therefore lies on day `t / s1` at slot `t % s1`, where
//! `s1` = [`Interval::slots_per_day`], and its weekday is `(first_weekday + t / s1) % 7`.
//! The caller maps clock times to local days and slots (time zones, daylight saving: a 23-hour
//! day simply has a missing hour, a 25-hour day sums the repeated hour into one slot); this crate
//! has no time library and never sees a timestamp.
//!
//! **Missing intervals are zero volume.** The caller fills gaps with `0.0`. A day that is missing
//! or abnormal should be marked in [`crate::Exceptions`] so that it is left out of fitting.
//!
//! This module does not aggregate raw records into intervals; that is the importer's job.

use crate::ForecastError;

/// The length of one interval. Only lengths that divide a day into whole slots used by contact
/// centres are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Min5,
    Min15,
    Min30,
    Min60,
}

impl Interval {
    /// All supported lengths, shortest first.
    pub const ALL: [Interval; 4] = [
        Interval::Min5,
        Interval::Min15,
        Interval::Min30,
        Interval::Min60,
    ];

    /// The length in seconds.
    pub fn seconds(self) -> u32 {
        match self {
            Interval::Min5 => 300,
            Interval::Min15 => 900,
            Interval::Min30 => 1800,
            Interval::Min60 => 3600,
        }
    }

    /// The interval of `seconds` length, if supported.
    pub fn from_seconds(seconds: u32) -> Result<Interval, ForecastError> {
        Interval::ALL
            .into_iter()
            .find(|i| i.seconds() == seconds)
            .ok_or(ForecastError::UnsupportedInterval { seconds })
    }

    /// `s1`, the number of slots in a (24-hour) day: 288, 96, 48 or 24.
    pub fn slots_per_day(self) -> usize {
        (86_400 / self.seconds()) as usize
    }

    /// `s2 = 7 · s1`, the number of slots in a week.
    pub fn slots_per_week(self) -> usize {
        7 * self.slots_per_day()
    }

    /// The short name used on the command line: `5m`, `15m`, `30m`, `60m`.
    pub fn label(self) -> &'static str {
        match self {
            Interval::Min5 => "5m",
            Interval::Min15 => "15m",
            Interval::Min30 => "30m",
            Interval::Min60 => "60m",
        }
    }
}

/// A day of the week, ISO order (Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The weekday for `index` in 0–6, where 0 = Monday and 6 = Sunday.
    pub fn from_monday0(index: u8) -> Result<Weekday, ForecastError> {
        Weekday::ALL
            .get(usize::from(index))
            .copied()
            .ok_or(ForecastError::BadWeekday { index })
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn monday0(self) -> u8 {
        self as u8
    }

    /// The weekday `days` days later.
    pub fn plus_days(self, days: usize) -> Weekday {
        Weekday::ALL[(self as usize + days % 7) % 7]
    }
}

/// A regular series of offered counts per interval, optionally with the mean handle time of each
/// interval, aligned so that index 0 starts at local midnight of [`Series::first_weekday`].
///
/// Valid by construction: every value is finite and not negative.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    interval: Interval,
    first_weekday: Weekday,
    offered: Vec<f64>,
    aht_s: Option<Vec<f64>>,
}

impl Series {
    /// A series of `offered` counts (contacts per interval; fractional values are allowed, e.g.
    /// for already-averaged data). Missing intervals must be passed as `0.0`.
    pub fn new(
        interval: Interval,
        first_weekday: Weekday,
        offered: Vec<f64>,
    ) -> Result<Series, ForecastError> {
        check_values("offered", &offered)?;
        Ok(Series {
            interval,
            first_weekday,
            offered,
            aht_s: None,
        })
    }

    /// Adds the mean handle time in seconds of each interval (ignored where `offered` is 0).
    pub fn with_aht_s(mut self, aht_s: Vec<f64>) -> Result<Series, ForecastError> {
        if aht_s.len() != self.offered.len() {
            return Err(ForecastError::LengthMismatch {
                what: "aht_s",
                expected: self.offered.len(),
                got: aht_s.len(),
            });
        }
        check_values("aht_s", &aht_s)?;
        self.aht_s = Some(aht_s);
        Ok(self)
    }

    pub fn interval(&self) -> Interval {
        self.interval
    }

    pub fn first_weekday(&self) -> Weekday {
        self.first_weekday
    }

    pub fn offered(&self) -> &[f64] {
        &self.offered
    }

    pub fn aht_s(&self) -> Option<&[f64]> {
        self.aht_s.as_deref()
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.offered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offered.is_empty()
    }

    /// `s1`, slots per day.
    pub fn slots_per_day(&self) -> usize {
        self.interval.slots_per_day()
    }

    /// Number of days touched by the series, counting a last partial day.
    pub fn days(&self) -> usize {
        self.len().div_ceil(self.slots_per_day())
    }

    /// Number of complete days.
    pub fn full_days(&self) -> usize {
        self.len() / self.slots_per_day()
    }

    /// The weekday of day `day` (day 0 is [`Series::first_weekday`]).
    pub fn weekday_of_day(&self, day: usize) -> Weekday {
        self.first_weekday.plus_days(day)
    }

    /// The first `len` intervals (all of them if `len` is larger): the history as it was at an
    /// earlier origin, used by the backtest.
    pub fn prefix(&self, len: usize) -> Series {
        let len = len.min(self.len());
        Series {
            interval: self.interval,
            first_weekday: self.first_weekday,
            offered: self.offered[..len].to_vec(),
            aht_s: self.aht_s.as_ref().map(|a| a[..len].to_vec()),
        }
    }
}

fn check_values(what: &'static str, values: &[f64]) -> Result<(), ForecastError> {
    match values.iter().position(|v| !v.is_finite() || *v < 0.0) {
        Some(index) => Err(ForecastError::BadValue {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
