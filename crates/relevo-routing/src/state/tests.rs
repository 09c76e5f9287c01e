//! Unit tests: the byte encoding round-trips, is canonical, and rejects bytes for another plan.

use jiff::tz::TimeZone;

use super::*;
use crate::{Contact, Phase, Plan, Provider, Route, RouteId, WeeklyHours};

fn plan(providers: &[&str]) -> Plan {
    let p = |id: &&str| Provider {
        id: (*id).to_owned(),
        time_zone: TimeZone::UTC,
        hours: WeeklyHours::always(),
        closed_dates: vec![],
        languages: None,
    };
    Plan {
        providers: providers.iter().map(p).collect(),
        routes: vec![Route {
            queue: "q".into(),
            channel: "voice".into(),
            phases: vec![Phase {
                name: "p".into(),
                starts_at_ms: 0,
                shares: providers.iter().map(|id| ((*id).to_owned(), 1.0)).collect(),
            }],
            overflow_order: vec![],
            caps: vec![],
        }],
        interval_ms: 900_000,
    }
}

fn busy_state(router: &Router) -> RouterState {
    let mut state = router.new_state();
    for i in 0..50u64 {
        let contact = Contact {
            route: RouteId(0),
            at_ms: i as i64 * 1000,
            language: None,
            customer_key_hash: Some(i % 17),
        };
        router.decide(&mut state, &contact);
    }
    state
}

#[test]
fn round_trip_and_canonical() {
    let router = Router::new(&plan(&["a", "b", "c"])).unwrap();
    let state = busy_state(&router);
    let bytes = state.to_bytes();
    let back = router.state_from_bytes(&bytes).unwrap();
    assert_eq!(back, state);
    assert_eq!(back.to_bytes(), bytes);
    assert!(back.log().is_empty(), "the log is not part of the state");
    assert_eq!(back.sticky_customers(), 17);
    // 4 + 1 + 4 header; per route 4 + 8 + 4 + 4 + 3 × 20 + 4 + 17 × 10.
    assert_eq!(bytes.len(), 9 + 20 + 60 + 4 + 170);
    let fresh = router.new_state();
    assert_eq!(router.state_from_bytes(&fresh.to_bytes()).unwrap(), fresh);
}

#[test]
fn version_1_bytes_are_read_with_the_hour_unknown() {
    let router = Router::new(&plan(&["a", "b", "c"])).unwrap();
    let state = busy_state(&router);
    let bytes = state.to_bytes();
    // Version 1 is version 2 without the hour (8 bytes) and its count (4) after the phase.
    let mut v1 = bytes[..13].to_vec();
    v1[4] = 1;
    v1.extend_from_slice(&bytes[25..]);
    let back = router.state_from_bytes(&v1).unwrap();
    let mut expected = state.clone();
    expected.routes[0].hour = i64::MIN;
    expected.routes[0].hour_decisions = 0;
    assert_eq!(back, expected);
    assert_eq!(back.to_bytes().len(), bytes.len());
}

#[test]
fn bytes_for_another_plan_or_damaged_are_rejected() {
    let router = Router::new(&plan(&["a", "b", "c"])).unwrap();
    let bytes = busy_state(&router).to_bytes();
    let other = Router::new(&plan(&["a", "b"])).unwrap();
    let message =
        |r: Result<RouterState, StateError>| r.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        message(other.state_from_bytes(&bytes)),
        "route 0: state has 3 providers, the plan 2"
    );
    assert_eq!(
        message(router.state_from_bytes(b"RLV")),
        "state bytes end early at byte 0"
    );
    assert_eq!(
        message(router.state_from_bytes(b"nopex")),
        "not a routing state (bad magic)"
    );
    assert_eq!(
        message(router.state_from_bytes(&bytes[..bytes.len() - 1])),
        format!("state bytes end early at byte {}", bytes.len() - 2)
    );
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        message(router.state_from_bytes(&longer)),
        "1 bytes left over after the state"
    );
    let mut version = bytes.clone();
    version[4] = 9;
    assert_eq!(
        message(router.state_from_bytes(&version)),
        "routing state version 9, expected 1 or 2"
    );
    let mut phase = bytes;
    phase[9] = 5;
    assert_eq!(
        message(router.state_from_bytes(&phase)),
        "route 0: phase 5 does not exist"
    );
}
