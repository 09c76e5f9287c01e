//! Properties of routing over long random contact streams: counted splitting keeps every
//! provider within one percentage point of its target share in every hour with enough
//! volume (stickiness included), customers stick to one provider within a phase, and
//! decisions are deterministic, including across a save and restore of the state.
//!
//! 32 random plans and streams by default; 256 with `RELEVO_SLOW_TESTS=1` (CI sets it), or
//! `RELEVO_TEST_CASES=n`.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use proptest::prelude::*;
use relevo_routing::{
    Contact, LoggedDecision, Phase, Plan, Provider, Route, RouteId, Router, WeeklyHours,
};

/// An hour needs at least this many contacts for the one-point bound to be checked: the
/// split's count stays within 2 contacts of target per provider (see the router docs), and
/// 2 / 300 < 1 %.
const MIN_CONTACTS_PER_HOUR: usize = 300;
const HOUR_MS: i64 = 3_600_000;

#[allow(clippy::disallowed_methods)] // the test's reads of the environment
fn cases() -> u32 {
    if let Some(n) = std::env::var("RELEVO_TEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        n
    } else if std::env::var("RELEVO_SLOW_TESTS").is_ok_and(|v| v == "1") {
        256
    } else {
        32
    }
}

fn plan(weights: &[u32], phase_starts_h: &[i64]) -> Plan {
    let ids: Vec<String> = (0..weights.len()).map(|i| format!("p{i}")).collect();
    Plan {
        providers: ids
            .iter()
            .map(|id| Provider {
                id: id.clone(),
                time_zone: TimeZone::UTC,
                hours: WeeklyHours::always(),
                closed_dates: vec![],
                languages: None,
            })
            .collect(),
        routes: vec![Route {
            queue: "q".into(),
            channel: "voice".into(),
            phases: phase_starts_h
                .iter()
                .enumerate()
                .map(|(k, &h)| Phase {
                    name: format!("phase{k}"),
                    starts_at_ms: h * HOUR_MS,
                    // Each phase rotates the weights, so targets change between phases.
                    shares: ids
                        .iter()
                        .enumerate()
                        .map(|(i, id)| (id.clone(), f64::from(weights[(i + k) % weights.len()])))
                        .collect(),
                })
                .collect(),
            overflow_order: vec![],
            caps: vec![],
        }],
        interval_ms: 900_000,
    }
}

/// A stream of `(at_ms, customer)`: `per_hour` contacts an hour for `hours` hours, evenly
/// jittered; each customer is a returning one with probability `repeat` (in percent).
fn stream(seed: u64, hours: i64, per_hour: i64, repeat: u64) -> Vec<(i64, u64)> {
    let mut x = seed | 1;
    let mut next = move || {
        // xorshift64*: enough to scatter test inputs.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut out = Vec::new();
    let mut customers = 0u64;
    let step = HOUR_MS / per_hour;
    for i in 0..hours * per_hour {
        let at_ms = i * step + (next() % step as u64) as i64;
        let customer = if customers > 0 && next() % 100 < repeat {
            next() % customers
        } else {
            customers += 1;
            customers - 1
        };
        out.push((at_ms, customer.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    }
    out
}

fn decide(router: &Router, stream: &[(i64, u64)]) -> Vec<LoggedDecision> {
    let mut state = router.new_state();
    for &(at_ms, key) in stream {
        router.decide(
            &mut state,
            &Contact {
                route: RouteId(0),
                at_ms,
                language: None,
                customer_key_hash: Some(key),
            },
        );
    }
    state.take_log()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_busy_hour_is_within_one_point_of_target(
        weights in prop::collection::vec(1u32..100, 2..6),
        seed in any::<u64>(),
        hours in 3i64..12,
        per_hour in 300i64..1500,
        repeat in 0u64..40,
        second_phase_h in 1i64..3,
    ) {
        let router = Router::new(&plan(&weights, &[0, second_phase_h])).unwrap();
        let log = decide(&router, &stream(seed, hours, per_hour, repeat));
        let mut by_hour: HashMap<i64, Vec<LoggedDecision>> = HashMap::new();
        for d in &log {
            by_hour.entry(d.at_ms.div_euclid(HOUR_MS)).or_default().push(*d);
        }
        for (hour, decisions) in by_hour {
            if decisions.len() < MIN_CONTACTS_PER_HOUR || hour == second_phase_h - 1 {
                continue; // quiet hours, and the hour whose target changes mid-way
            }
            for row in router.tally(&decisions) {
                prop_assert!(
                    (row.actual_share - row.target_share).abs() <= 0.01,
                    "hour {hour}, provider {:?}: actual {:.4} vs target {:.4} over {} contacts",
                    row.provider, row.actual_share, row.target_share, decisions.len()
                );
            }
        }
    }

    #[test]
    fn customers_stick_within_a_phase(
        weights in prop::collection::vec(1u32..100, 2..6),
        seed in any::<u64>(),
        repeat in 10u64..80,
    ) {
        let router = Router::new(&plan(&weights, &[0, 2])).unwrap();
        let log = decide(&router, &stream(seed, 4, 600, repeat));
        let mut seen: HashMap<(Option<u32>, u64), _> = HashMap::new();
        for d in &log {
            let key = (d.phase, d.customer_key_hash.unwrap());
            let first = *seen.entry(key).or_insert(d.provider);
            prop_assert_eq!(first, d.provider, "customer moved within phase {:?}", d.phase);
        }
    }

    #[test]
    fn deterministic_and_restartable(
        weights in prop::collection::vec(1u32..100, 2..5),
        seed in any::<u64>(),
        cut in 1usize..2000,
    ) {
        let router = Router::new(&plan(&weights, &[0, 1])).unwrap();
        let contacts = stream(seed, 2, 1000, 30);
        let whole = decide(&router, &contacts);
        prop_assert_eq!(&whole, &decide(&router, &contacts));
        // Save after `cut` contacts, restore into a new state, carry on: same decisions.
        let mut state = router.new_state();
        let mut resumed = Vec::new();
        for (i, &(at_ms, key)) in contacts.iter().enumerate() {
            if i == cut {
                resumed.extend(state.take_log());
                state = router.state_from_bytes(&state.to_bytes()).unwrap();
            }
            router.decide(&mut state, &Contact { route: RouteId(0), at_ms, language: None, customer_key_hash: Some(key) });
        }
        resumed.extend(state.take_log());
        prop_assert_eq!(whole, resumed);
    }
}
