//! Business-hours calendars and business time: how many seconds of open hours lie between two
//! instants, and when a number of business seconds after an instant runs out.
//!
//! A calendar is an IANA zone, weekly opening hours with any number of blocks a day (09:00–13:00 and
//! 14:00–18:00) and holiday dates on which it is closed all day.
//!
//! **Business time is the elapsed time of the instants whose local wall-clock time, in the
//! calendar's zone, falls inside an open block of a non-holiday date.** Nothing else is assumed, so
//! daylight-saving changes come out as a wall clock shows them: a block spanning the spring change is
//! an hour shorter and one spanning the autumn change an hour longer (the repeated local hour is open
//! twice); a block edge inside a skipped hour opens or closes at the change itself.
//!
//! Nothing here reads the clock: instants are milliseconds since the epoch passed in.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
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

    /// The open intervals of the local dates `first..=last` as `[start, end)` milliseconds, sorted.
    ///
    /// For a block `[s, e)` of date `d`, the open instants are those `t` with
    /// `d+s ≤ t + offset(t) < d+e`. Between two offset transitions the offset is constant, so on each
    /// such segment this is one interval `[d+s − offset, d+e − offset)` clipped to the segment. Every
    /// instant has one local date and time and blocks do not overlap, so the intervals are disjoint.
    fn open_intervals(&self, first: Date, last: Date) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let mut d = first;
        while d <= last {
            let blocks: &[Block] = if self.is_holiday(d) {
                &[]
            } else {
                self.blocks(d.weekday())
            };
            let midnight = civil_ms(d);
            for b in blocks {
                let (c0, c1) = (
                    midnight + i64::from(b.start_min) * 60_000,
                    midnight + i64::from(b.end_min) * 60_000,
                );
                // Offsets lie within ±26 h, so every open instant is inside [lo, hi).
                let (lo, hi) = (c0 - 26 * 3_600_000, c1 + 26 * 3_600_000);
                let mut seg_start = lo;
                let mut off = offset_ms(self.zone.to_offset(ts(lo)));
                let mut transitions = self.zone.following(ts(lo));
                loop {
                    let next = transitions
                        .next()
                        .map(|t| (t.timestamp().as_millisecond(), offset_ms(t.offset())))
                        .filter(|(at, _)| *at < hi);
                    let seg_end = next.map_or(hi, |(at, _)| at);
                    let (a, z) = ((c0 - off).max(seg_start), (c1 - off).min(seg_end));
                    if z > a {
                        out.push((a, z));
                    }
                    match next {
                        Some((at, o)) => (seg_start, off) = (at, o),
                        None => break,
                    }
                }
            }
            d = d.tomorrow().expect("date within range");
        }
        out.sort_unstable();
        out
    }

    fn local_date(&self, ms: i64) -> Date {
        Timestamp::from_millisecond(ms)
            .expect("timestamp within range")
            .to_zoned(self.zone.clone())
            .date()
    }
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).expect("timestamp within range")
}

fn offset_ms(o: jiff::tz::Offset) -> i64 {
    i64::from(o.seconds()) * 1000
}

/// Local midnight of `d` read as if it were UTC: the "civil" milliseconds of the date.
fn civil_ms(d: Date) -> i64 {
    d.to_zoned(TimeZone::UTC)
        .expect("date within range")
        .timestamp()
        .as_millisecond()
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
    // One date either side: an autumn change at midnight can give an instant the previous date.
    let first = cal.local_date(start_ms).yesterday().unwrap_or(Date::MIN);
    let last = cal.local_date(end_ms).tomorrow().unwrap_or(Date::MAX);
    cal.open_intervals(first, last)
        .into_iter()
        .map(|(a, b)| (b.min(end_ms) - a.max(start_ms)).max(0))
        .sum()
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
    // Walk open intervals in time order, a week of dates at a time. Intervals of dates after a
    // window's last date all start at or after `horizon` (offsets are under 26 h), so a window is
    // consumed only up to it; the next window starts two dates back and `pos` (the instant consumed
    // up to) keeps any interval from counting twice.
    let mut pos = start_ms;
    let mut d = cal.local_date(start_ms).yesterday().unwrap_or(Date::MIN);
    // Terminates: the calendar has an open block every week and finitely many holidays.
    loop {
        let last = d.checked_add(7.days()).expect("date within range");
        let horizon = civil_ms(last) - 2 * 3_600_000;
        for (a, b) in cal.open_intervals(d, last) {
            let (a, b) = (a.max(pos), b.min(horizon));
            if b <= a {
                continue;
            }
            if b - a >= left {
                return a + left;
            }
            left -= b - a;
            pos = b;
        }
        d = last.checked_sub(2.days()).expect("date within range");
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
