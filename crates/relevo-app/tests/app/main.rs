//! The application layer on a real store, without HTTP or a terminal: the routing engine follows a
//! transition's phase with a counted split and sticky customers, and its states and counts survive a
//! flush and a new engine.

use relevo_app::routing::{RouteQuery, Routing};
use relevo_app::transitions::{Op, operate};
use relevo_core::Channel;
use relevo_store::{NewTransition, Store};

/// billing/voice from acme to zenith: a 25 % pilot, then half.
const PLAN: &str = r#"
name = "billing to zenith"
queue = "billing"
channels = ["voice"]
from = "acme"
to = "zenith"
[[phases]]
name = "pilot"
share = 0.25
[[phases]]
name = "half"
share = 0.5
[gate]
window = "1d"
min_volume = 10
guardrails = [{ kpi = "service_level", min = 0.8 }]
"#;

/// 2026-10-01T00:00:00Z.
const T0_MS: i64 = 1_790_812_800_000;

fn store_with_pilot() -> (Box<dyn Store>, i64) {
    let mut store = relevo_store::open("sqlite::memory:").unwrap();
    let state = relevo_transitions::State::new(T0_MS);
    let id = store
        .create_transition(
            &NewTransition {
                name: "billing to zenith",
                queue: "billing",
                from_provider: "acme",
                to_provider: "zenith",
                plan: PLAN,
                state: &serde_json::to_string(&state).unwrap(),
            },
            "test",
            T0_MS,
        )
        .unwrap();
    operate(
        &mut *store,
        id,
        Op::Advance,
        "test",
        "start the pilot",
        T0_MS,
        &|| T0_MS,
    )
    .unwrap();
    (store, id)
}

fn contact(customer: Option<&str>, at_ms: i64) -> RouteQuery<'_> {
    RouteQuery {
        queue: "billing",
        channel: Channel::Voice,
        language: None,
        customer,
        at_ms,
    }
}

#[test]
fn routing_follows_the_phase_with_a_counted_split_and_sticky_customers() {
    let (mut store, id) = store_with_pilot();
    let routing = Routing::default();
    let now = T0_MS + 60_000;
    let mut to_zenith = 0;
    for k in 0..1_000 {
        let d = routing
            .decide(&*store, now, &contact(None, now + k))
            .unwrap();
        assert_eq!(d.transition, id);
        assert_eq!(d.phase.as_ref().map(|p| p.name.as_str()), Some("pilot"));
        to_zenith += usize::from(d.provider.as_deref() == Some("zenith"));
    }
    // Counted splitting: within one point of the target share.
    assert!((240..=260).contains(&to_zenith), "{to_zenith} of 1000");

    // A customer stays with the provider they were given.
    let first = routing
        .decide(&*store, now, &contact(Some("+34600111222"), now))
        .unwrap();
    for k in 1..20 {
        let again = routing
            .decide(&*store, now, &contact(Some("+34600111222"), now + k))
            .unwrap();
        assert_eq!(again.provider, first.provider);
    }

    // An unknown route is not found; nothing else changes.
    let err = routing
        .decide(
            &*store,
            now,
            &RouteQuery {
                queue: "sales",
                ..contact(None, now)
            },
        )
        .unwrap_err();
    assert!(matches!(err, relevo_app::Error::NotFound(_)), "{err}");

    // Flushed, the counts are in the store; a new engine continues from the saved state.
    let unsaved = routing.take_unsaved().unwrap().unwrap();
    assert_eq!(unsaved.save(&mut *store, now).unwrap(), 1_020);
    assert!(routing.take_unsaved().unwrap().is_none());
    let counted: i64 = store
        .routing_counts(id)
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    assert_eq!(counted, 1_020);
    let restarted = Routing::default();
    let later = restarted
        .decide(
            &*store,
            now + 1_000,
            &contact(Some("+34600111222"), now + 1_000),
        )
        .unwrap();
    assert_eq!(later.provider, first.provider, "stickiness survives");
}
