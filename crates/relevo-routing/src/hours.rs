//! Opening hours in a provider's own time zone: a weekly schedule of local time ranges and
//! closed local dates, evaluated at a UTC instant (follow-the-sun).
//!
//! Daylight-saving time is handled by converting each instant with the zone's offset at that
//! instant (jiff's copy of the IANA database), so "09:00–17:00 local" moves in UTC when the
//! clocks change. On the spring-forward day local times in the gap never occur; on the
//! fall-back day the repeated hour is open (or closed) both times it occurs.
//!
//! Not here: loading zones by name (the caller resolves `jiff::tz::TimeZone`, the only IO
//! involved), public-holiday calendars, or breaks shorter than a minute.
//!
//! # Formula
//!
//! ```text
//! local_s  = ⌊at_ms / 1000⌋ + offset_s(at)          offset_s: zone's UTC offset at that instant
//! day      = ⌊local_s / 86400⌋                       days since 1970-01-01 (local calendar)
//! second   = local_s − 86400 · day                   seconds since local midnight
//! weekday  = (day + 3) mod 7                         0 = Monday (1970-01-01 was a Thursday)
//! open  ⇔  day ∉ closed days  ∧  ∃ range of weekday: open_min·60 ≤ second < close_min·60
//! ```

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

#[cfg(test)]
mod tests;

/// A local time range `[open_min, close_min)` in minutes since local midnight;
/// `close_min` ≤ 1440. Hours past midnight are a second range on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalRange {
    pub open_min: u16,
    pub close_min: u16,
}

impl LocalRange {
    /// `open`–`close` given as (hour, minute) pairs; `(24, 0)` is the end of the day.
    pub fn hm(open: (u16, u16), close: (u16, u16)) -> Self {
        Self {
            open_min: open.0 * 60 + open.1,
            close_min: close.0 * 60 + close.1,
        }
    }
}

/// Opening hours per weekday, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    pub days: [Vec<LocalRange>; 7],
}

impl WeeklyHours {
    /// Open all the time.
    pub fn always() -> Self {
        Self {
            days: std::array::from_fn(|_| {
                vec![LocalRange {
                    open_min: 0,
                    close_min: 1440,
                }]
            }),
        }
    }

    /// The same range every day in `weekdays` (0 = Monday … 6 = Sunday).
    pub fn on(weekdays: &[usize], range: LocalRange) -> Self {
        let mut hours = Self::default();
        for &d in weekdays {
            hours.days[d].push(range);
        }
        hours
    }
}

/// Days since 1970-01-01 of a civil date (Hinnant, "chrono-compatible low-level date
/// algorithms", `days_from_civil`).
pub(crate) fn epoch_day(date: Date) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A provider's hours compiled for fast lookups.
#[derive(Debug, Clone)]
pub(crate) struct Hours {
    time_zone: TimeZone,
    /// Per weekday, `(open_s, close_s)` seconds since local midnight.
    week: [Vec<(u32, u32)>; 7],
    /// Sorted days since the epoch (local calendar).
    closed_days: Vec<i64>,
    always_open: bool,
}

impl Hours {
    pub(crate) fn new(
        time_zone: TimeZone,
        hours: &WeeklyHours,
        closed_dates: &[Date],
    ) -> Result<Self, String> {
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for (d, ranges) in hours.days.iter().enumerate() {
            for r in ranges {
                if r.open_min >= r.close_min || r.close_min > 1440 {
                    return Err(format!(
                        "weekday {d}: range {}–{} minutes is empty or past midnight",
                        r.open_min, r.close_min
                    ));
                }
                week[d].push((u32::from(r.open_min) * 60, u32::from(r.close_min) * 60));
            }
            week[d].sort_unstable();
        }
        let mut closed_days: Vec<i64> = closed_dates.iter().map(|&d| epoch_day(d)).collect();
        closed_days.sort_unstable();
        closed_days.dedup();
        let always_open = closed_days.is_empty()
            && week
                .iter()
                .all(|w| w.iter().any(|&(o, c)| o == 0 && c == 86_400));
        Ok(Self {
            time_zone,
            week,
            closed_days,
            always_open,
        })
    }

    /// Whether the provider is open at `at_ms` (milliseconds since the epoch, UTC).
    /// Instants outside jiff's range (years −9999…9999) count as closed.
    #[inline]
    pub(crate) fn is_open(&self, at_ms: i64) -> bool {
        if self.always_open {
            return true;
        }
        let Ok(at) = Timestamp::from_millisecond(at_ms) else {
            return false;
        };
        let local_s = at_ms.div_euclid(1000) + i64::from(self.time_zone.to_offset(at).seconds());
        let day = local_s.div_euclid(86_400);
        let second = local_s.rem_euclid(86_400) as u32;
        let weekday = (day + 3).rem_euclid(7) as usize;
        self.week[weekday]
            .iter()
            .any(|&(o, c)| o <= second && second < c)
            && self.closed_days.binary_search(&day).is_err()
    }
}
