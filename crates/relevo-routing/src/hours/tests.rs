//! Unit tests: weekday arithmetic, follow-the-sun across zones, both daylight-saving changes,
//! hours past midnight and closed dates.

use super::*;
use jiff::civil::date;

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn utc_ms(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().as_millisecond()
}

/// Which of the given hours are open at each UTC instant, as a small table.
fn table(providers: &[(&str, &Hours)], instants: &[&str]) -> String {
    let mut out = String::new();
    for at in instants {
        out.push_str(at);
        for (name, h) in providers {
            out.push_str(&format!(
                "  {name}={}",
                if h.is_open(utc_ms(at)) { "open" } else { "-" }
            ));
        }
        out.push('\n');
    }
    out
}

#[test]
fn epoch_days_and_weekdays() {
    assert_eq!(epoch_day(date(1970, 1, 1)), 0);
    assert_eq!(epoch_day(date(2000, 3, 1)), 11_017);
    assert_eq!(epoch_day(date(1969, 12, 31)), -1);
    for d in [date(2026, 3, 8), date(2024, 2, 29), date(1901, 6, 15)] {
        let via_jiff = d.since(date(1970, 1, 1)).unwrap().get_days();
        assert_eq!(epoch_day(d), i64::from(via_jiff));
    }
}

#[test]
fn follow_the_sun_across_zones() {
    let weekdays = [0, 1, 2, 3, 4];
    let nine_to_five = WeeklyHours::on(&weekdays, LocalRange::hm((9, 0), (17, 0)));
    let manila = Hours::new(zone("Asia/Manila"), &nine_to_five, &[]).unwrap();
    let lisbon = Hours::new(zone("Europe/Lisbon"), &nine_to_five, &[]).unwrap();
    let new_york = Hours::new(zone("America/New_York"), &nine_to_five, &[]).unwrap();
    let got = table(
        &[
            ("manila", &manila),
            ("lisbon", &lisbon),
            ("new_york", &new_york),
        ],
        &[
            "2026-01-14T00:59:00Z",
            "2026-01-14T01:00:00Z",
            "2026-01-14T08:59:00Z",
            "2026-01-14T09:00:00Z",
            "2026-01-14T14:00:00Z",
            "2026-01-14T16:59:00Z",
            "2026-01-14T17:00:00Z",
            "2026-01-14T21:59:00Z",
            "2026-01-14T22:00:00Z",
            "2026-01-17T15:00:00Z",
        ],
    );
    assert_eq!(
        got,
        "\
2026-01-14T00:59:00Z  manila=-  lisbon=-  new_york=-
2026-01-14T01:00:00Z  manila=open  lisbon=-  new_york=-
2026-01-14T08:59:00Z  manila=open  lisbon=-  new_york=-
2026-01-14T09:00:00Z  manila=-  lisbon=open  new_york=-
2026-01-14T14:00:00Z  manila=-  lisbon=open  new_york=open
2026-01-14T16:59:00Z  manila=-  lisbon=open  new_york=open
2026-01-14T17:00:00Z  manila=-  lisbon=-  new_york=open
2026-01-14T21:59:00Z  manila=-  lisbon=-  new_york=open
2026-01-14T22:00:00Z  manila=-  lisbon=-  new_york=-
2026-01-17T15:00:00Z  manila=-  lisbon=-  new_york=-
"
    );
}

#[test]
fn opening_moves_in_utc_when_clocks_change() {
    // New York 09:00–17:00 on weekdays: 14:00–22:00 UTC in winter (EST, UTC−5), 13:00–21:00 UTC
    // after the 2026-03-08 spring-forward (EDT, UTC−4), back after 2026-11-01.
    let hours = WeeklyHours::on(&[0, 1, 2, 3, 4], LocalRange::hm((9, 0), (17, 0)));
    let ny = Hours::new(zone("America/New_York"), &hours, &[]).unwrap();
    let got = table(
        &[("new_york", &ny)],
        &[
            "2026-03-06T13:30:00Z", // Friday 08:30 EST
            "2026-03-06T14:30:00Z", // Friday 09:30 EST
            "2026-03-06T21:30:00Z", // Friday 16:30 EST
            "2026-03-09T13:30:00Z", // Monday 09:30 EDT
            "2026-03-09T21:30:00Z", // Monday 17:30 EDT
            "2026-10-30T13:30:00Z", // Friday 09:30 EDT
            "2026-11-02T13:30:00Z", // Monday 08:30 EST
            "2026-11-02T14:30:00Z", // Monday 09:30 EST
        ],
    );
    assert_eq!(
        got,
        "\
2026-03-06T13:30:00Z  new_york=-
2026-03-06T14:30:00Z  new_york=open
2026-03-06T21:30:00Z  new_york=open
2026-03-09T13:30:00Z  new_york=open
2026-03-09T21:30:00Z  new_york=-
2026-10-30T13:30:00Z  new_york=open
2026-11-02T13:30:00Z  new_york=-
2026-11-02T14:30:00Z  new_york=open
"
    );
}

#[test]
fn hours_spanning_the_change_itself() {
    // Berlin night shift on Sundays 01:00–05:00 local. 2026-03-29: 02:00 CET jumps to 03:00
    // CEST, so the shift lasts 3 hours in UTC (00:00–03:00). 2026-10-25: 03:00 CEST falls back
    // to 02:00 CET, so it lasts 5 hours (23:00 Sat – 04:00 UTC) and the repeated hour is open
    // both times.
    let hours = WeeklyHours::on(&[6], LocalRange::hm((1, 0), (5, 0)));
    let berlin = Hours::new(zone("Europe/Berlin"), &hours, &[]).unwrap();
    let got = table(
        &[("berlin", &berlin)],
        &[
            "2026-03-28T23:59:00Z", // 00:59 CET
            "2026-03-29T00:00:00Z", // 01:00 CET
            "2026-03-29T00:59:00Z", // 01:59 CET
            "2026-03-29T01:00:00Z", // 03:00 CEST (02:00–03:00 never happens)
            "2026-03-29T02:59:00Z", // 04:59 CEST
            "2026-03-29T03:00:00Z", // 05:00 CEST
            "2026-10-24T22:59:00Z", // 00:59 CEST
            "2026-10-24T23:00:00Z", // 01:00 CEST
            "2026-10-25T00:30:00Z", // 02:30 CEST, first time
            "2026-10-25T01:30:00Z", // 02:30 CET, second time
            "2026-10-25T03:59:00Z", // 04:59 CET
            "2026-10-25T04:00:00Z", // 05:00 CET
        ],
    );
    assert_eq!(
        got,
        "\
2026-03-28T23:59:00Z  berlin=-
2026-03-29T00:00:00Z  berlin=open
2026-03-29T00:59:00Z  berlin=open
2026-03-29T01:00:00Z  berlin=open
2026-03-29T02:59:00Z  berlin=open
2026-03-29T03:00:00Z  berlin=-
2026-10-24T22:59:00Z  berlin=-
2026-10-24T23:00:00Z  berlin=open
2026-10-25T00:30:00Z  berlin=open
2026-10-25T01:30:00Z  berlin=open
2026-10-25T03:59:00Z  berlin=open
2026-10-25T04:00:00Z  berlin=-
"
    );
}

#[test]
fn past_midnight_and_closed_dates() {
    // Manila 22:00–06:00 every night as two ranges; closed on the local date 2026-12-25.
    let mut hours = WeeklyHours::default();
    for d in 0..7 {
        hours.days[d].push(LocalRange::hm((0, 0), (6, 0)));
        hours.days[d].push(LocalRange::hm((22, 0), (24, 0)));
    }
    let manila = Hours::new(zone("Asia/Manila"), &hours, &[date(2026, 12, 25)]).unwrap();
    let got = table(
        &[("manila", &manila)],
        &[
            "2026-12-23T14:00:00Z", // 22:00 on the 23rd
            "2026-12-23T21:59:00Z", // 05:59 on the 24th
            "2026-12-23T22:00:00Z", // 06:00 on the 24th
            "2026-12-24T15:00:00Z", // 23:00 on the 24th
            "2026-12-24T16:00:00Z", // 00:00 on the 25th: closed date
            "2026-12-25T15:00:00Z", // 23:00 on the 25th: closed date
            "2026-12-25T16:00:00Z", // 00:00 on the 26th
        ],
    );
    assert_eq!(
        got,
        "\
2026-12-23T14:00:00Z  manila=open
2026-12-23T21:59:00Z  manila=open
2026-12-23T22:00:00Z  manila=-
2026-12-24T15:00:00Z  manila=open
2026-12-24T16:00:00Z  manila=-
2026-12-25T15:00:00Z  manila=-
2026-12-25T16:00:00Z  manila=open
"
    );
}

#[test]
fn invalid_ranges_are_rejected() {
    let bad = WeeklyHours::on(&[0], LocalRange::hm((10, 0), (9, 0)));
    assert!(Hours::new(TimeZone::UTC, &bad, &[]).is_err());
    let bad = WeeklyHours::on(
        &[0],
        LocalRange {
            open_min: 0,
            close_min: 1441,
        },
    );
    assert!(Hours::new(TimeZone::UTC, &bad, &[]).is_err());
    let always = Hours::new(TimeZone::UTC, &WeeklyHours::always(), &[]).unwrap();
    assert!(always.is_open(i64::MAX) && always.is_open(0));
    let weekdays = Hours::new(
        TimeZone::UTC,
        &WeeklyHours::on(&[0, 1, 2, 3, 4], LocalRange::hm((0, 0), (24, 0))),
        &[],
    )
    .unwrap();
    assert!(!weekdays.is_open(i64::MAX), "out of range is closed");
}
