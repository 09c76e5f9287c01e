//! Business-hours calendars and business time: how many seconds of open hours lie between two
//! instants, and when a number of business seconds after an instant runs out.
//!
//! A calendar is an IANA zone, weekly opening hours with any number of blocks a day (09:00–13:00 and
//! 14:00–18:00) and holiday dates on which it is closed all day. Business time is *elapsed* time
//! inside open blocks: a block that spans a daylight-saving change is an hour shorter or longer, as
//! a clock on the wall would say. A block edge that falls in a skipped local hour moves forward by the
//! gap; one that falls in a repeated hour takes its first occurrence (jiff's "compatible" rule).
//!
//! Nothing here reads the clock: instants are milliseconds since the epoch passed in.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use std::collections::BTreeSet;
use std::fmt;

/// One open block of a day, in minutes after local midnight: `start_min..end_min`, `end_min ≤ 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Block {
    pub start_min: u16,
    pub end_min: u16,
}

impl Block {
    /// Parses `"09:00-13:00"`; `24:00` is allowed as an end.
    pub fn parse(text: &str) -> Result<Block, String> {
        let bad = || format!("not a block \"HH:MM-HH:MM\": {text:?}");
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let minutes = |s: &str| -> Option<u16> {
            let (h, m) = s.trim().split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || h == 24 && m == 0)).then_some(h * 60 + m)
        };
        let (start_min, end_min) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if start_min >= end_min {
            return Err(format!("block {text:?} ends before it starts"));
        }
        Ok(Block { start_min, end_min })
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        f.pad(&format!("{}-{}", hm(self.start_min), hm(self.end_min)))
    }
}

/// Business hours in one zone: blocks per weekday (Monday first) and closed dates.
#[derive(Clone, Debug)]
pub struct Calendar {
    zone_name: String,
    zone: TimeZone,
    weekly: [Vec<Block>; 7],
    holidays: BTreeSet<Date>,
}

impl Calendar {
    /// `weekly[0]` is Monday. Blocks of a day must not overlap; at least one block must exist.
    pub fn new(
        zone_name: &str,
        weekly: [Vec<Block>; 7],
        holidays: impl IntoIterator<Item = Date>,
    ) -> Result<Calendar, String> {
        let zone = TimeZone::get(zone_name)
            .map_err(|_| format!("unknown IANA time zone {zone_name:?}"))?;
        let mut weekly = weekly;
        for (i, day) in weekly.iter_mut().enumerate() {
            day.sort();
            for w in day.windows(2) {
                if w[1].start_min < w[0].end_min {
                    return Err(format!(
                        "blocks {} and {} overlap on {}",
                        w[0],
                        w[1],
                        weekday_name(i)
                    ));
                }
            }
        }
        if weekly.iter().all(Vec::is_empty) {
            return Err("a calendar needs at least one open block".into());
        }
        Ok(Calendar {
            zone_name: zone_name.to_string(),
            zone,
            weekly,
            holidays: holidays.into_iter().collect(),
        })
    }

    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// Blocks of a weekday.
    pub fn blocks(&self, day: Weekday) -> &[Block] {
        &self.weekly[day.to_monday_zero_offset() as usize]
    }

    pub fn holidays(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    pub fn is_holiday(&self, date: Date) -> bool {
        self.holidays.contains(&date)
    }

    /// The open intervals of one local date as `[start, end)` milliseconds, in order.
    fn open_ms(&self, date: Date) -> impl Iterator<Item = (i64, i64)> + '_ {
        let blocks: &[Block] = if self.is_holiday(date) {
            &[]
        } else {
            self.blocks(date.weekday())
        };
        blocks.iter().map(move |b| {
            (
                self.instant_ms(date, b.start_min),
                self.instant_ms(date, b.end_min),
            )
        })
    }

    fn instant_ms(&self, date: Date, minute: u16) -> i64 {
        let (date, minute) = if minute == 1440 {
            (date.tomorrow().expect("date within range"), 0)
        } else {
            (date, minute)
        };
        date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0)
            .to_zoned(self.zone.clone())
            .expect("date within range")
            .timestamp()
            .as_millisecond()
    }

    fn local_date(&self, ms: i64) -> Date {
        Timestamp::from_millisecond(ms)
            .expect("timestamp within range")
            .to_zoned(self.zone.clone())
            .date()
    }
}

fn weekday_name(i: usize) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i]
}

/// Business milliseconds in `[start_ms, end_ms)`; negative when `end_ms < start_ms`
/// (`between(a, b) = −between(b, a)`).
///
/// Timestamps must lie within jiff's range (years −9999 to 9999).
pub fn business_ms_between(cal: &Calendar, start_ms: i64, end_ms: i64) -> i64 {
    if end_ms < start_ms {
        return -business_ms_between(cal, end_ms, start_ms);
    }
    // Every block of a local date lies between that date's midnight and the next (24:00 is the
    // next midnight), so the local dates of the two ends bound the search.
    let (first, last) = (cal.local_date(start_ms), cal.local_date(end_ms));
    let mut total = 0;
    let mut d = first;
    while d <= last {
        for (a, b) in cal.open_ms(d) {
            let (a, b) = (a.max(start_ms), b.min(end_ms));
            if b > a {
                total += b - a;
            }
        }
        d = d.tomorrow().expect("date within range");
    }
    total
}

/// Whole business seconds in `[start_ms, end_ms)` (truncated toward zero); see [`business_ms_between`].
///
/// ```
/// use relevo_contracts::{Block, Calendar, business_seconds_between};
/// let day = vec![Block::parse("09:00-13:00").unwrap(), Block::parse("14:00-18:00").unwrap()];
/// let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
/// let cal = Calendar::new("Europe/Madrid", week, []).unwrap();
/// // Friday 2026-11-20 17:00 Madrid (16:00Z) to Monday 2026-11-23 10:00 (09:00Z): 1 h + 1 h.
/// let fri = 1_795_190_400_000; // 2026-11-20T16:00:00Z
/// let mon = fri + (2 * 24 + 17) * 3_600_000;
/// assert_eq!(business_seconds_between(&cal, fri, mon), 2 * 3600);
/// ```
pub fn business_seconds_between(cal: &Calendar, start_ms: i64, end_ms: i64) -> i64 {
    business_ms_between(cal, start_ms, end_ms) / 1000
}

/// The earliest instant `t ≥ start_ms` with `business_ms_between(cal, start_ms, t) = business_s × 1000`:
/// the deadline of a response target of `business_s` business seconds for a contact arriving at
/// `start_ms`. With `business_s ≤ 0` it is `start_ms`.
pub fn business_deadline(cal: &Calendar, start_ms: i64, business_s: i64) -> i64 {
    let mut left = business_s.saturating_mul(1000);
    if left <= 0 {
        return start_ms;
    }
    let mut d = cal.local_date(start_ms);
    // Terminates: the calendar has an open block every week and finitely many holidays.
    loop {
        for (a, b) in cal.open_ms(d) {
            let a = a.max(start_ms);
            if b <= a {
                continue;
            }
            if b - a >= left {
                return a + left;
            }
            left -= b - a;
        }
        d = d.tomorrow().expect("date within range");
    }
}

/// Counts of contacts judged against a business-time response target (the
/// `business_response_within` metric) at some instant `as_of_ms`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseTally {
    /// Answered no later than the deadline.
    pub met: u64,
    /// Answered after the deadline, or unanswered with the deadline passed.
    pub missed: u64,
    /// Unanswered and not yet due: not judged yet.
    pub pending: u64,
}

impl ResponseTally {
    /// Adds one contact that arrived at `arrived_ms` and was first answered at `answered_ms`.
    /// `deadline_ms` is [`business_deadline`] of the arrival.
    pub fn add(&mut self, deadline_ms: i64, answered_ms: Option<i64>, as_of_ms: i64) {
        match answered_ms {
            Some(t) if t <= deadline_ms => self.met += 1,
            Some(_) => self.missed += 1,
            None if as_of_ms > deadline_ms => self.missed += 1,
            None => self.pending += 1,
        }
    }

    /// Contacts judged: the term's sample (volume).
    pub fn judged(&self) -> u64 {
        self.met + self.missed
    }

    /// `met / (met + missed)`; `None` when nothing is judged.
    pub fn share(&self) -> Option<f64> {
        (self.judged() > 0).then(|| self.met as f64 / self.judged() as f64)
    }
}

/// Tallies contacts `(arrived_ms, first answered_ms)` against a target of `within_s` business
/// seconds, as known at `as_of_ms`.
pub fn tally_responses(
    cal: &Calendar,
    within_s: i64,
    as_of_ms: i64,
    contacts: impl IntoIterator<Item = (i64, Option<i64>)>,
) -> ResponseTally {
    let mut t = ResponseTally::default();
    for (arrived, answered) in contacts {
        t.add(
            business_deadline(cal, arrived, within_s),
            answered,
            as_of_ms,
        );
    }
    t
}

/// Parses a weekday list entry: `mon`…`sun`, or a range `mon-fri`.
pub(crate) fn parse_days(text: &str) -> Result<Vec<usize>, String> {
    let one = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        (0..7).find(|&i| weekday_name(i) == s).ok_or_else(|| {
            format!("unknown weekday {s:?} (expected mon, tue, wed, thu, fri, sat or sun)")
        })
    };
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if a > b {
                return Err(format!("weekday range {text:?} runs backwards"));
            }
            Ok((a..=b).collect())
        }
        None => Ok(vec![one(text)?]),
    }
}

#[cfg(test)]
mod tests;
