//! Measurement periods of SLA terms (day, week, month) and the calendar month a scorecard and an
//! invoice cover.
//!
//! Periods are civil dates in the contract's time zone; turning them into UTC milliseconds for a
//! query is [`PeriodSpan::bounds_ms`]. Weeks run Monday to Sunday and count in the month their
//! Monday falls in, so every week belongs to exactly one scorecard.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use std::fmt;
use std::str::FromStr;

/// A calendar month, `2026-10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    /// `None` when `month` is not 1–12 or the year is outside 1–9999.
    pub fn new(year: i16, month: i8) -> Option<Month> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year)).then_some(Month { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("valid month")
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    /// Months since January of year 0: differences of these count months.
    pub fn index(self) -> i32 {
        i32::from(self.year) * 12 + i32::from(self.month) - 1
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let i = self.index() + n;
        Month {
            year: i.div_euclid(12) as i16,
            month: (i.rem_euclid(12) + 1) as i8,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:04}-{:02}", self.year, self.month))
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || format!("not a month (YYYY-MM): {s:?}");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

/// How often a term is measured and judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    #[default]
    Month,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The periods that count in `month`: its days, the weeks whose Monday falls in it, or itself.
    pub fn spans_in(self, month: Month) -> Vec<PeriodSpan> {
        let (first, last) = (month.first_day(), month.last_day());
        match self {
            Period::Month => vec![PeriodSpan { first, last }],
            Period::Day => first
                .series(1.day())
                .take_while(|d| *d <= last)
                .map(|d| PeriodSpan { first: d, last: d })
                .collect(),
            Period::Week => {
                let monday = first
                    .nth_weekday_of_month(1, Weekday::Monday)
                    .expect("every month has a Monday");
                monday
                    .series(1.week())
                    .take_while(|d| *d <= last)
                    .map(|d| PeriodSpan {
                        first: d,
                        last: d.checked_add(6.days()).expect("date in range"),
                    })
                    .collect()
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One measurement period: civil dates `first..=last` in the contract's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodSpan {
    pub first: Date,
    pub last: Date,
}

impl PeriodSpan {
    /// `[start, end)` in milliseconds since the epoch: local midnight of `first` to local midnight
    /// after `last` in `tz` (a day is 23 or 25 hours long on daylight-saving changes).
    pub fn bounds_ms(&self, tz: &TimeZone) -> (i64, i64) {
        let midnight = |d: Date| {
            d.to_zoned(tz.clone())
                .and_then(|z| z.start_of_day())
                .expect("date within range")
                .timestamp()
                .as_millisecond()
        };
        (
            midnight(self.first),
            midnight(self.last.tomorrow().expect("date within range")),
        )
    }

    /// Whether the span shares at least one day with `from..=to`.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.first <= to && from <= self.last
    }
}

impl fmt::Display for PeriodSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            f.pad(&self.first.to_string())
        } else {
            f.pad(&format!("{}..{}", self.first, self.last))
        }
    }
}

#[cfg(test)]
mod tests;
