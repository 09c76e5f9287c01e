//! Months, and the day/week/month spans that count in a month.

use super::*;
use jiff::civil::date;

#[test]
fn months_parse_step_and_print() {
    let m: Month = "2026-11".parse().unwrap();
    assert_eq!(m.to_string(), "2026-11");
    assert_eq!(m.plus(2).to_string(), "2027-01");
    assert_eq!(m.plus(-11).to_string(), "2025-12");
    assert_eq!(m.plus(3).index() - m.index(), 3);
    assert_eq!(m.last_day(), date(2026, 11, 30));
    assert!("2026-13".parse::<Month>().is_err());
    assert!("2026-1".parse::<Month>().is_err());
    assert!("november".parse::<Month>().is_err());
}

#[test]
fn weeks_count_in_the_month_of_their_monday() {
    // November 2026 starts on a Sunday: its weeks start on the 2nd, 9th, 16th, 23rd and 30th; the
    // last one runs into December.
    let weeks = Period::Week.spans_in("2026-11".parse().unwrap());
    let shown: Vec<String> = weeks.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "2026-11-02..2026-11-08",
            "2026-11-09..2026-11-15",
            "2026-11-16..2026-11-22",
            "2026-11-23..2026-11-29",
            "2026-11-30..2026-12-06"
        ]
    );
    assert_eq!(Period::Day.spans_in("2026-02".parse().unwrap()).len(), 28);
    assert_eq!(Period::Month.spans_in("2026-02".parse().unwrap()).len(), 1);
}

#[test]
fn bounds_follow_local_midnights_across_dst() {
    let tz = TimeZone::get("Europe/Madrid").unwrap();
    // 2026-10-25 is 25 hours long in Madrid.
    let span = PeriodSpan {
        first: date(2026, 10, 25),
        last: date(2026, 10, 25),
    };
    let (a, b) = span.bounds_ms(&tz);
    assert_eq!(b - a, 25 * 3_600_000);
    assert_eq!(
        jiff::Timestamp::from_millisecond(a).unwrap().to_string(),
        "2026-10-24T22:00:00Z"
    );
}
