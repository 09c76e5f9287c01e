//! Unit tests: each reason, capacity overflow, language limits, closed providers, stickiness
//! within and across phases, and follow-the-sun decisions through a daylight-saving change.
//! Long random streams are property-tested in tests/routing.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::*;
use crate::hours::{LocalRange, WeeklyHours};
use crate::plan::{Cap, Phase, Provider, Route};

fn provider(id: &str, zone: &str, hours: WeeklyHours, languages: Option<&[&str]>) -> Provider {
    Provider {
        id: id.to_owned(),
        time_zone: TimeZone::get(zone).unwrap(),
        hours,
        closed_dates: vec![],
        languages: languages.map(|l| l.iter().map(|s| (*s).to_owned()).collect()),
    }
}

fn ms(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().as_millisecond()
}

fn route(phases: Vec<Phase>, overflow: &[&str], caps: Vec<Cap>) -> Route {
    Route {
        queue: "support".into(),
        channel: "voice".into(),
        phases,
        overflow_order: overflow.iter().map(|s| (*s).to_owned()).collect(),
        caps,
    }
}

fn phase(name: &str, starts: &str, shares: &[(&str, f64)]) -> Phase {
    Phase {
        name: name.into(),
        starts_at_ms: ms(starts),
        shares: shares
            .iter()
            .map(|(id, s)| ((*id).to_owned(), *s))
            .collect(),
    }
}

/// Decisions for `(time, language, customer)` contacts on the plan's only route, one line each.
fn decide_all(plan: &Plan, contacts: &[(&str, Option<&str>, Option<u64>)]) -> String {
    let router = Router::new(plan).unwrap();
    let mut state = router.new_state();
    let route = RouteId(0);
    let mut out = String::new();
    for &(at, language, customer) in contacts {
        let d = router.decide(
            &mut state,
            &Contact {
                route,
                at_ms: ms(at),
                language,
                customer_key_hash: customer,
            },
        );
        let who = d.provider.map_or("-", |p| router.provider_name(p));
        let phase = d.phase.map_or("-", |p| router.phase_name(route, p));
        out.push_str(&format!("{at} {phase} {who} {}\n", d.reason.as_str()));
    }
    out
}

#[test]
fn reasons_share_only_option_overflow_and_none() {
    // Lisbon (en, pt) 08–20 local on weekdays, Manila (en) 24/7, Cairo overflow-only (en, ar).
    let weekdays = WeeklyHours::on(&[0, 1, 2, 3, 4], LocalRange::hm((8, 0), (20, 0)));
    let plan = Plan {
        providers: vec![
            provider("lisbon", "Europe/Lisbon", weekdays, Some(&["en", "pt"])),
            provider(
                "manila",
                "Asia/Manila",
                WeeklyHours::always(),
                Some(&["en"]),
            ),
            provider(
                "cairo",
                "Africa/Cairo",
                WeeklyHours::always(),
                Some(&["en", "ar"]),
            ),
        ],
        routes: vec![route(
            vec![
                phase("before", "2026-01-05T00:00:00Z", &[("lisbon", 1.0)]),
                phase(
                    "pilot",
                    "2026-01-12T00:00:00Z",
                    &[("lisbon", 0.5), ("manila", 0.5)],
                ),
            ],
            &["cairo"],
            vec![],
        )],
        interval_ms: 900_000,
    };
    let got = decide_all(
        &plan,
        &[
            ("2026-01-01T10:00:00Z", None, None), // before the first phase
            ("2026-01-05T10:00:00Z", None, None), // one provider with a share
            ("2026-01-05T21:00:00Z", None, None), // Lisbon closed → overflow
            ("2026-01-12T10:00:00Z", Some("en"), None), // split
            ("2026-01-12T10:01:00Z", Some("en"), None),
            ("2026-01-12T10:02:00Z", Some("pt"), None), // only Lisbon speaks Portuguese
            ("2026-01-12T21:00:00Z", Some("en"), None), // Lisbon closed: Manila alone
            ("2026-01-12T21:00:00Z", Some("ar"), None), // the largest share (Lisbon, first) is closed
            ("2026-01-12T10:03:00Z", Some("ar"), None), // nobody with a share speaks Arabic
            ("2026-01-12T21:00:00Z", Some("pt"), None), // nobody at all
        ],
    );
    assert_eq!(
        got,
        "\
2026-01-01T10:00:00Z - - no_phase
2026-01-05T10:00:00Z before lisbon only_option
2026-01-05T21:00:00Z before cairo overflow_closed
2026-01-12T10:00:00Z pilot lisbon share
2026-01-12T10:01:00Z pilot manila share
2026-01-12T10:02:00Z pilot lisbon only_option
2026-01-12T21:00:00Z pilot manila only_option
2026-01-12T21:00:00Z pilot cairo overflow_closed
2026-01-12T10:03:00Z pilot cairo overflow_language
2026-01-12T21:00:00Z pilot - none_available
"
    );
}

#[test]
fn capacity_caps_overflow_per_interval() {
    let always = WeeklyHours::always();
    let plan = Plan {
        providers: vec![
            provider("bpo", "UTC", always.clone(), None),
            provider("in-house", "UTC", always, None),
        ],
        routes: vec![route(
            vec![phase("all", "2026-01-01T00:00:00Z", &[("bpo", 1.0)])],
            &["in-house"],
            vec![
                Cap {
                    provider: "bpo".into(),
                    starts_at_ms: ms("2026-01-01T00:00:00Z"),
                    max_per_interval: 2,
                },
                Cap {
                    provider: "in-house".into(),
                    starts_at_ms: ms("2026-01-01T00:00:00Z"),
                    max_per_interval: 1,
                },
                Cap {
                    provider: "bpo".into(),
                    starts_at_ms: ms("2026-01-01T00:30:00Z"),
                    max_per_interval: 0,
                },
            ],
        )],
        interval_ms: 900_000,
    };
    let got = decide_all(
        &plan,
        &[
            ("2026-01-01T00:00:00Z", None, None),
            ("2026-01-01T00:05:00Z", None, None),
            ("2026-01-01T00:10:00Z", None, None), // bpo full → in-house
            ("2026-01-01T00:14:59Z", None, None), // both full
            ("2026-01-01T00:15:00Z", None, None), // new interval
            ("2026-01-01T00:30:00Z", None, None), // bpo capped at 0 from 00:30
        ],
    );
    assert_eq!(
        got,
        "\
2026-01-01T00:00:00Z all bpo only_option
2026-01-01T00:05:00Z all bpo only_option
2026-01-01T00:10:00Z all in-house overflow_full
2026-01-01T00:14:59Z all - none_available
2026-01-01T00:15:00Z all bpo only_option
2026-01-01T00:30:00Z all in-house overflow_full
"
    );
}

#[test]
fn sticky_within_a_phase_and_fresh_in_the_next() {
    let always = WeeklyHours::always();
    let plan = Plan {
        providers: vec![
            provider("a", "UTC", always.clone(), None),
            provider("b", "UTC", always, Some(&["en"])),
        ],
        routes: vec![route(
            vec![
                phase("one", "2026-01-01T00:00:00Z", &[("a", 0.5), ("b", 0.5)]),
                phase("two", "2026-02-01T00:00:00Z", &[("a", 0.5), ("b", 0.5)]),
            ],
            &[],
            vec![],
        )],
        interval_ms: 900_000,
    };
    let got = decide_all(
        &plan,
        &[
            ("2026-01-01T00:00:00Z", None, Some(7)),
            ("2026-01-01T00:01:00Z", None, Some(8)),
            ("2026-01-01T00:02:00Z", None, Some(8)), // sticky to b
            ("2026-01-01T00:03:00Z", Some("fr"), Some(8)), // b cannot: split decides (and re-pins)
            ("2026-01-01T00:04:00Z", None, Some(8)), // now sticky to a
            ("2026-01-01T00:05:00Z", None, Some(7)), // sticky to a
            ("2026-02-01T00:00:00Z", None, Some(8)), // new phase: split again
            ("2026-02-01T00:01:00Z", None, Some(7)),
            ("2026-02-01T00:02:00Z", None, Some(7)),
        ],
    );
    assert_eq!(
        got,
        "\
2026-01-01T00:00:00Z one a share
2026-01-01T00:01:00Z one b share
2026-01-01T00:02:00Z one b sticky
2026-01-01T00:03:00Z one a only_option
2026-01-01T00:04:00Z one a sticky
2026-01-01T00:05:00Z one a sticky
2026-02-01T00:00:00Z two a share
2026-02-01T00:01:00Z two b share
2026-02-01T00:02:00Z two b sticky
"
    );
}

#[test]
fn follow_the_sun_through_a_daylight_saving_change() {
    // New York 09–17 local on weekdays takes everything while open; Manila takes the rest.
    // After the 2026-03-08 spring-forward New York opens at 13:00 UTC instead of 14:00.
    let weekdays = WeeklyHours::on(&[0, 1, 2, 3, 4], LocalRange::hm((9, 0), (17, 0)));
    let plan = Plan {
        providers: vec![
            provider("new_york", "America/New_York", weekdays, None),
            provider("manila", "Asia/Manila", WeeklyHours::always(), None),
        ],
        routes: vec![route(
            vec![phase("all", "2026-01-01T00:00:00Z", &[("new_york", 1.0)])],
            &["manila"],
            vec![],
        )],
        interval_ms: 900_000,
    };
    let got = decide_all(
        &plan,
        &[
            ("2026-03-06T13:30:00Z", None, None),
            ("2026-03-06T14:30:00Z", None, None),
            ("2026-03-09T13:30:00Z", None, None),
            ("2026-03-09T21:30:00Z", None, None),
        ],
    );
    assert_eq!(
        got,
        "\
2026-03-06T13:30:00Z all manila overflow_closed
2026-03-06T14:30:00Z all new_york only_option
2026-03-09T13:30:00Z all new_york only_option
2026-03-09T21:30:00Z all manila overflow_closed
"
    );
}

#[test]
fn a_closed_provider_does_not_get_a_burst_when_it_reopens() {
    // 50/50; b is closed 00:00–01:00 UTC. Over the first 10 contacts after it reopens the
    // split is even again, not b catching up on the hour it missed.
    let mut hours = WeeklyHours::default();
    for d in 0..7 {
        hours.days[d].push(LocalRange::hm((1, 0), (24, 0)));
    }
    let plan = Plan {
        providers: vec![
            provider("a", "UTC", WeeklyHours::always(), None),
            provider("b", "UTC", hours, None),
        ],
        routes: vec![route(
            vec![phase(
                "p",
                "2026-01-01T00:00:00Z",
                &[("a", 1.0), ("b", 1.0)],
            )],
            &[],
            vec![],
        )],
        interval_ms: 900_000,
    };
    let router = Router::new(&plan).unwrap();
    let mut state = router.new_state();
    let start = ms("2026-01-01T00:00:00Z");
    let b = router.provider_id("b");
    let mut to_b_after = 0;
    for i in 0..120 {
        let at_ms = start + i * 60_000;
        let d = router.decide(
            &mut state,
            &Contact {
                route: RouteId(0),
                at_ms,
                language: None,
                customer_key_hash: None,
            },
        );
        if (60..70).contains(&i) && d.provider == b {
            to_b_after += 1;
        }
    }
    assert_eq!(to_b_after, 5);
}

fn always_open(shares: &[(&str, f64)]) -> Router {
    let plan = Plan {
        providers: shares
            .iter()
            .map(|(id, _)| provider(id, "UTC", WeeklyHours::always(), None))
            .collect(),
        routes: vec![route(
            vec![phase("p", "2026-01-01T00:00:00Z", shares)],
            &[],
            vec![],
        )],
        interval_ms: 900_000,
    };
    Router::new(&plan).unwrap()
}

#[test]
fn a_busy_hour_keeps_what_returning_customers_put_over_and_the_next_starts_afresh() {
    // 50/50, 300 contacts in each of two hours. In the first, one customer calls at the start
    // and ten more times in its last ten contacts: all eleven go to `a`, and no split decision
    // is left in the hour to even that out (nor could one: the customer must go to `a`). The
    // next hour does not pay it back: it is split evenly on its own.
    let router = always_open(&[("a", 1.0), ("b", 1.0)]);
    let mut state = router.new_state();
    let start = ms("2026-01-01T00:00:00Z");
    let a = router.provider_id("a");
    for i in 0..600 {
        let in_hour = i % 300;
        let customer = (i < 300 && (in_hour == 0 || in_hour >= 290)).then_some(7);
        let contact = Contact {
            route: RouteId(0),
            at_ms: start + (i / 300) * HOUR_MS + in_hour * 12_000,
            language: None,
            customer_key_hash: customer,
        };
        router.decide(&mut state, &contact);
    }
    let log = state.take_log();
    let to_a = |hour: &[LoggedDecision]| hour.iter().filter(|d| d.provider == a).count();
    // Provider a's sticky surplus at the close of the first hour: 10 − 10 × ½ = 5 contacts;
    // it ends 5 over (155 of 300), above one point but within 2 + 5.
    assert_eq!(to_a(&log[..300]), 155);
    assert_eq!(to_a(&log[300..]), 150);
}

#[test]
fn quiet_hours_carry_the_credits_on() {
    // 99/1 at 20 contacts an hour, and whoever `b` takes on the split calls again right
    // after. A quiet hour does not restart the credits, so over 2000 contacts b gets its
    // 1 % (20 contacts, half of them repeat calls), not a fresh claim every hour.
    let router = always_open(&[("a", 99.0), ("b", 1.0)]);
    let mut state = router.new_state();
    let start = ms("2026-01-01T00:00:00Z");
    let b = router.provider_id("b");
    let mut returning = None;
    let mut to_b = 0;
    for i in 0..2000u64 {
        let contact = Contact {
            route: RouteId(0),
            at_ms: start + i as i64 * 180_000,
            language: None,
            customer_key_hash: Some(returning.take().unwrap_or(1_000_000 + i)),
        };
        let d = router.decide(&mut state, &contact);
        if d.provider == b {
            to_b += 1;
            if d.reason == Reason::Share {
                returning = contact.customer_key_hash;
            }
        }
    }
    assert_eq!(to_b, 20);
}

#[test]
fn lookups() {
    let plan = Plan {
        providers: vec![provider("a", "UTC", WeeklyHours::always(), None)],
        routes: vec![route(
            vec![phase("p", "2026-01-01T00:00:00Z", &[("a", 1.0)])],
            &[],
            vec![],
        )],
        interval_ms: 900_000,
    };
    let router = Router::new(&plan).unwrap();
    assert_eq!(router.route_id("support", "voice"), Some(RouteId(0)));
    assert_eq!(router.route_id("support", "chat"), None);
    assert_eq!(router.route_name(RouteId(0)), ("support", "voice"));
    assert_eq!(router.provider_id("a"), Some(ProviderId(0)));
    assert_eq!(
        router.phase_at(RouteId(0), ms("2025-12-31T23:59:59Z")),
        None
    );
    assert_eq!(
        router.phase_at(RouteId(0), ms("2026-01-01T00:00:00Z")),
        Some(0)
    );
    assert_eq!(router.phase_count(RouteId(0)), 1);
    assert!(router.is_open(ProviderId(0), 0));
    assert_eq!(router.routes().count(), 1);
    let names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(names.len(), 8);
    assert!(
        Reason::ALL
            .iter()
            .enumerate()
            .all(|(i, r)| usize::from(r.index()) == i)
    );
}
