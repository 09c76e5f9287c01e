//! Business time across lunch breaks, weekends, holidays and daylight-saving changes.

use super::*;
use expect_test::{Expect, expect};
use jiff::Zoned;
use jiff::civil::date;

/// Mon–Fri 09:00–13:00 and 14:00–18:00 in London; Monday 2026-10-26 is a holiday. Summer time ends
/// on Sunday 2026-10-25 (clocks go back from 02:00 BST to 01:00 GMT).
fn office() -> Calendar {
    let day = vec![
        Block::parse("09:00-13:00").unwrap(),
        Block::parse("14:00-18:00").unwrap(),
    ];
    Calendar::new(
        "Europe/London",
        [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![],
            vec![],
        ],
        [date(2026, 10, 26)],
    )
    .unwrap()
}

fn ms(local: &str) -> i64 {
    format!("{local}[Europe/London]")
        .parse::<Zoned>()
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn show(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .unwrap()
        .to_zoned(TimeZone::get("Europe/London").unwrap())
        .strftime("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Renders business time between pairs and deadlines from starts, one line each.
fn check(cal: &Calendar, between: &[(&str, &str)], deadlines: &[(&str, i64)], expect: Expect) {
    let mut out = String::new();
    for (a, b) in between {
        let s = business_seconds_between(cal, ms(a), ms(b));
        out.push_str(&format!("{a} → {b}: {s} s = {:.2} h\n", s as f64 / 3600.0));
    }
    for (a, secs) in deadlines {
        let d = business_deadline(cal, ms(a), *secs);
        assert_eq!(
            business_ms_between(cal, ms(a), d),
            secs * 1000,
            "{a} + {secs}"
        );
        out.push_str(&format!("{a} + {secs} s → {}\n", show(d)));
    }
    expect.assert_eq(&out);
}

#[test]
fn email_on_friday_afternoon_over_a_weekend_and_a_monday_holiday() {
    // Worked by hand: an email arrives Friday 2026-10-23 16:30 BST with a 24-business-hour target.
    //   Friday 16:30–18:00                        1.5 h   (1.5)
    //   Saturday, Sunday: closed; Monday: holiday  0
    //   Tuesday 09:00–13:00, 14:00–18:00          8 h     (9.5)
    //   Wednesday                                  8 h     (17.5)
    //   Thursday 09:00–13:00                       4 h     (21.5)
    //   Thursday 14:00 + 2.5 h                    2.5 h   (24)  → Thursday 2026-10-29 16:30 GMT
    // Between arrival and that deadline lie exactly 24 × 3600 = 86 400 business seconds, though 6 days
    // and one extra hour (the clocks went back) of calendar time passed.
    check(
        &office(),
        &[
            ("2026-10-23T16:30", "2026-10-29T16:30"),
            ("2026-10-23T16:30", "2026-10-27T10:00"),
            ("2026-10-24T11:00", "2026-10-27T09:30"),
            ("2026-10-28T12:30", "2026-10-28T14:30"),
            ("2026-10-27T10:00", "2026-10-23T16:30"),
        ],
        &[
            ("2026-10-23T16:30", 24 * 3600),
            ("2026-10-23T16:30", 5400),
            ("2026-10-23T16:30", 5401),
            ("2026-10-24T11:00", 3600),
            ("2026-10-28T12:30", 3600),
            ("2026-10-28T13:20", 0),
        ],
        expect![[r#"
            2026-10-23T16:30 → 2026-10-29T16:30: 86400 s = 24.00 h
            2026-10-23T16:30 → 2026-10-27T10:00: 9000 s = 2.50 h
            2026-10-24T11:00 → 2026-10-27T09:30: 1800 s = 0.50 h
            2026-10-28T12:30 → 2026-10-28T14:30: 3600 s = 1.00 h
            2026-10-27T10:00 → 2026-10-23T16:30: -9000 s = -2.50 h
            2026-10-23T16:30 + 86400 s → Thu 2026-10-29 16:30 GMT
            2026-10-23T16:30 + 5400 s → Fri 2026-10-23 18:00 BST
            2026-10-23T16:30 + 5401 s → Tue 2026-10-27 09:00 GMT
            2026-10-24T11:00 + 3600 s → Tue 2026-10-27 10:00 GMT
            2026-10-28T12:30 + 3600 s → Wed 2026-10-28 14:30 GMT
            2026-10-28T13:20 + 0 s → Wed 2026-10-28 13:20 GMT
        "#]],
    );
}

#[test]
fn blocks_spanning_daylight_saving_changes_count_elapsed_time() {
    // Sunday 00:00–04:00 every week. On 2026-03-29 London skips 01:00–02:00 (3 h elapsed); on
    // 2026-10-25 it repeats 01:00–02:00 (5 h elapsed). A whole-day block (00:00–24:00) on Saturday.
    let sun = vec![Block::parse("00:00-04:00").unwrap()];
    let sat = vec![Block::parse("00:00-24:00").unwrap()];
    let cal = Calendar::new(
        "Europe/London",
        [vec![], vec![], vec![], vec![], vec![], sat, sun],
        [],
    )
    .unwrap();
    check(
        &cal,
        &[
            ("2026-03-28T00:00", "2026-03-30T00:00"),
            ("2026-10-24T00:00", "2026-10-26T00:00"),
            ("2026-10-25T00:30", "2026-10-25T03:00"),
        ],
        &[
            ("2026-10-25T00:00", 4 * 3600),
            ("2026-03-27T23:00", 25 * 3600),
        ],
        expect![[r#"
            2026-03-28T00:00 → 2026-03-30T00:00: 97200 s = 27.00 h
            2026-10-24T00:00 → 2026-10-26T00:00: 104400 s = 29.00 h
            2026-10-25T00:30 → 2026-10-25T03:00: 12600 s = 3.50 h
            2026-10-25T00:00 + 14400 s → Sun 2026-10-25 03:00 GMT
            2026-03-27T23:00 + 90000 s → Sun 2026-03-29 02:00 BST
        "#]],
    );
}

#[test]
fn calendars_refuse_overlapping_blocks_and_no_hours() {
    let b = |s| Block::parse(s).unwrap();
    let err = Calendar::new(
        "Europe/Madrid",
        [
            vec![b("09:00-13:00"), b("12:00-18:00")],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        ],
        [],
    )
    .unwrap_err();
    assert_eq!(err, "blocks 09:00-13:00 and 12:00-18:00 overlap on mon");
    let none: [Vec<Block>; 7] = Default::default();
    assert_eq!(
        Calendar::new("Europe/Madrid", none.clone(), []).unwrap_err(),
        "a calendar needs at least one open block"
    );
    assert_eq!(
        Calendar::new("Mars/Olympus", none, []).unwrap_err(),
        "unknown IANA time zone \"Mars/Olympus\""
    );
    assert_eq!(
        Block::parse("18:00-09:00").unwrap_err(),
        "block \"18:00-09:00\" ends before it starts"
    );
    assert_eq!(
        Block::parse("9-17").unwrap_err(),
        "not a block \"HH:MM-HH:MM\": \"9-17\""
    );
    assert_eq!(parse_days("mon-fri").unwrap(), vec![0, 1, 2, 3, 4]);
    assert!(parse_days("fri-mon").is_err());
}

#[test]
fn response_tally_judges_answered_and_overdue_contacts() {
    let cal = office();
    let within = 8 * 3600;
    // Friday 16:30 arrivals are due Tuesday 16:30: 1.5 h on Friday, Monday is a holiday, then
    // 4 h before lunch and 2.5 h after it on Tuesday.
    let arrived = ms("2026-10-23T16:30");
    let due = business_deadline(&cal, arrived, within);
    assert_eq!(show(due), "Tue 2026-10-27 16:30 GMT");
    let as_of = ms("2026-10-27T17:00");
    let t = tally_responses(
        &cal,
        within,
        as_of,
        [
            (arrived, Some(due)),                                   // met, on the deadline
            (arrived, Some(due + 1)),                               // missed by a millisecond
            (arrived, None),                                        // overdue at as_of: missed
            (ms("2026-10-27T15:00"), None),                         // not due yet: pending
            (ms("2026-10-27T09:00"), Some(ms("2026-10-27T09:05"))), // met
        ],
    );
    assert_eq!(
        t,
        ResponseTally {
            met: 2,
            missed: 2,
            pending: 1
        }
    );
    assert_eq!(t.share(), Some(0.5));
}

/// xorshift64*: a fixed-seed generator for the brute-force comparisons.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Compares business time with the definition applied minute by minute — a minute is open when its
/// local wall-clock time lies in a block of a non-holiday date — over `days` days from `from`
/// (local midnight), for random pairs of instants and random deadlines.
fn check_against_brute_force(cal: &Calendar, from: &str, days: i64, seed: u64) {
    let from_ms = format!("{from}T00:00[{}]", cal.zone_name())
        .parse::<Zoned>()
        .unwrap()
        .timestamp()
        .as_millisecond();
    let n = (days * 1440) as usize;
    let mut prefix = vec![0i64; n + 1];
    for i in 0..n {
        let z = Timestamp::from_millisecond(from_ms + i as i64 * 60_000)
            .unwrap()
            .to_zoned(cal.zone().clone());
        let m = z.hour() as u16 * 60 + z.minute() as u16;
        let open = !cal.is_holiday(z.date())
            && cal
                .blocks(z.date().weekday())
                .iter()
                .any(|b| b.start_min <= m && m < b.end_min);
        prefix[i + 1] = prefix[i] + i64::from(open);
    }
    let at = |i: usize| from_ms + i as i64 * 60_000;
    let mut rng = Rng(seed);
    for _ in 0..400 {
        let (i, j) = (
            rng.below(n as u64 + 1) as usize,
            rng.below(n as u64 + 1) as usize,
        );
        assert_eq!(
            business_ms_between(cal, at(i), at(j)),
            (prefix[j] - prefix[i]) * 60_000,
            "between minute {i} and {j} of {from}"
        );
        let left = prefix[n] - prefix[i];
        if left == 0 {
            continue;
        }
        let k = 1 + rng.below(left as u64) as i64;
        let due = (i..=n).find(|&j| prefix[j] - prefix[i] == k).unwrap();
        assert_eq!(
            business_deadline(cal, at(i), k * 60),
            at(due),
            "deadline of {k} min from minute {i} of {from}"
        );
    }
}

#[test]
fn business_time_matches_the_wall_clock_definition_minute_by_minute() {
    let b = |s| Block::parse(s).unwrap();
    let weekday = vec![b("09:00-13:00"), b("14:00-18:00")];
    // London: Sunday blocks with edges inside the skipped hour (29 March, 01:00–02:00 does not
    // exist) and inside the repeated hour (25 October, 01:00–02:00 happens twice).
    let sunday = vec![b("00:30-01:30"), b("01:45-03:00")];
    let london = Calendar::new(
        "Europe/London",
        [
            weekday.clone(),
            weekday.clone(),
            weekday.clone(),
            weekday.clone(),
            weekday.clone(),
            vec![b("10:00-14:00")],
            sunday,
        ],
        [date(2026, 10, 26), date(2026, 3, 30)],
    )
    .unwrap();
    check_against_brute_force(&london, "2026-03-25", 9, 1);
    check_against_brute_force(&london, "2026-10-21", 9, 2);
    // São Paulo changed its clocks at midnight: on 2018-11-04 local 00:00–01:00 did not exist, and
    // on 2019-02-16 the hour 23:00–24:00 happened twice (the date ran 25 hours).
    let night = vec![b("00:00-02:00"), b("08:00-18:00"), b("22:00-24:00")];
    let sao_paulo = Calendar::new(
        "America/Sao_Paulo",
        std::array::from_fn(|_| night.clone()),
        [],
    )
    .unwrap();
    check_against_brute_force(&sao_paulo, "2018-11-01", 7, 3);
    check_against_brute_force(&sao_paulo, "2019-02-13", 7, 4);
}
