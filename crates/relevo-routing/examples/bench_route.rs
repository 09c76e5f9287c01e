//! Benchmark: in-process routing decisions per second.
//!
//! Plan: four providers in four time zones (Lisbon, Manila, New York, Cairo) with weekday or
//! round-the-clock hours, language limits and 15-minute capacity caps; three queue × channel
//! routes with a two-phase cut-over and an overflow order. Contacts: a week of arrivals at
//! 1,000,000 / week (default), a mix of languages, 20 % returning customers. The decision
//! log is drained every 4,096 decisions, as a server would. Contacts are generated before
//! timing; best of 5 runs.
//!
//! Usage: `cargo run --release -p relevo-routing --example bench_route -- [DECISIONS]`

use std::collections::HashMap;

use jiff::civil::date;
use jiff::tz::TimeZone;
use relevo_routing::{
    Cap, Contact, LocalRange, Phase, Plan, Provider, Reason, Route, RouteId, Router, WeeklyHours,
};

#[allow(clippy::disallowed_methods)] // a benchmark reads the clock, like the binary's edge
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn provider(id: &str, zone: &str, hours: WeeklyHours, languages: Option<&[&str]>) -> Provider {
    Provider {
        id: id.to_owned(),
        time_zone: TimeZone::get(zone).expect("zone in the bundled database"),
        hours,
        closed_dates: if id == "lisbon" {
            vec![date(2026, 3, 13)]
        } else {
            vec![]
        },
        languages: languages.map(|l| l.iter().map(|s| (*s).to_owned()).collect()),
    }
}

fn main() {
    let decisions: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |a| a.parse().expect("DECISIONS is a number"));
    let weekdays = [0, 1, 2, 3, 4];
    let start_ms = "2026-03-09T00:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    let plan = Plan {
        providers: vec![
            provider(
                "lisbon",
                "Europe/Lisbon",
                WeeklyHours::on(&weekdays, LocalRange::hm((8, 0), (20, 0))),
                Some(&["en", "pt", "es"]),
            ),
            provider(
                "manila",
                "Asia/Manila",
                WeeklyHours::always(),
                Some(&["en"]),
            ),
            provider(
                "new_york",
                "America/New_York",
                WeeklyHours::on(&weekdays, LocalRange::hm((9, 0), (17, 0))),
                Some(&["en", "es"]),
            ),
            provider(
                "cairo",
                "Africa/Cairo",
                WeeklyHours::always(),
                Some(&["en", "ar", "es", "pt"]),
            ),
        ],
        routes: ["billing", "support", "sales"]
            .iter()
            .flat_map(|q| ["voice", "chat"].map(|c| (*q, c)))
            .map(|(queue, channel)| Route {
                queue: queue.into(),
                channel: channel.into(),
                phases: vec![
                    Phase {
                        name: "pilot".into(),
                        starts_at_ms: start_ms,
                        shares: vec![
                            ("lisbon".into(), 60.0),
                            ("manila".into(), 25.0),
                            ("new_york".into(), 15.0),
                        ],
                    },
                    Phase {
                        name: "ramp".into(),
                        starts_at_ms: start_ms + 3 * 86_400_000,
                        shares: vec![
                            ("lisbon".into(), 40.0),
                            ("manila".into(), 40.0),
                            ("new_york".into(), 20.0),
                        ],
                    },
                ],
                overflow_order: vec!["cairo".into(), "manila".into()],
                caps: vec![Cap {
                    provider: "manila".into(),
                    starts_at_ms: start_ms,
                    max_per_interval: 400,
                }],
            })
            .collect(),
        interval_ms: 900_000,
    };
    let router = Router::new(&plan).unwrap();
    let routes: Vec<RouteId> = router.routes().collect();
    let languages = ["en", "en", "en", "en", "es", "pt", "ar"];
    let mut x = 0x1234_5678_9ABC_DEF1u64;
    let mut next = move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let week_ms = 7 * 86_400_000i64;
    let mut customers = 0u64;
    let contacts: Vec<Contact<'static>> = (0..decisions)
        .map(|i| {
            let customer = if customers > 0 && next() % 5 == 0 {
                next() % customers
            } else {
                customers += 1;
                customers
            };
            Contact {
                route: routes[(next() % routes.len() as u64) as usize],
                at_ms: start_ms + (i as i128 * i128::from(week_ms) / decisions as i128) as i64,
                language: Some(languages[(next() % languages.len() as u64) as usize]),
                customer_key_hash: Some(customer.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            }
        })
        .collect();

    let mut best_s = f64::INFINITY;
    let mut by_reason: HashMap<Reason, u64> = HashMap::new();
    let mut state_bytes = 0;
    for run in 0..5 {
        let mut state = router.new_state();
        let mut drained = Vec::new();
        let started = now();
        for (i, contact) in contacts.iter().enumerate() {
            std::hint::black_box(router.decide(&mut state, contact));
            if i % 4096 == 4095 {
                drained = state.take_log();
            }
        }
        let elapsed_s = started.elapsed().as_secs_f64();
        best_s = best_s.min(elapsed_s);
        std::hint::black_box(drained);
        if run == 0 {
            // Reasons from a separate, untimed pass over the full log.
            let mut state = router.new_state();
            for contact in &contacts {
                router.decide(&mut state, contact);
            }
            for d in state.take_log() {
                *by_reason.entry(d.reason).or_default() += 1;
            }
            state_bytes = state.to_bytes().len();
        }
    }
    println!(
        "relevo-routing decisions={} seconds={:.6} decisions_per_s={:.0} ns_per_decision={:.1} state_bytes={}",
        decisions,
        best_s,
        decisions as f64 / best_s,
        best_s * 1e9 / decisions as f64,
        state_bytes
    );
    let mut reasons: Vec<_> = by_reason.into_iter().collect();
    reasons.sort();
    for (reason, n) in reasons {
        println!("  {:<18} {n}", reason.as_str());
    }
}
