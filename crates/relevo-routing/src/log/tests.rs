//! Unit tests: tallies of actual against target shares, with unrouted contacts and reasons.

use jiff::tz::TimeZone;

use crate::*;

#[test]
fn tally_rows_with_reasons_and_unrouted() {
    let p = |id: &str, languages: Option<Vec<String>>| Provider {
        id: id.to_owned(),
        time_zone: TimeZone::UTC,
        hours: WeeklyHours::always(),
        closed_dates: vec![],
        languages,
    };
    let plan = Plan {
        providers: vec![
            p("a", Some(vec!["en".into()])),
            p("b", None),
            p("c", Some(vec!["en".into()])),
        ],
        routes: vec![Route {
            queue: "q".into(),
            channel: "voice".into(),
            phases: vec![Phase {
                name: "p".into(),
                starts_at_ms: 0,
                shares: vec![("a".into(), 3.0), ("b".into(), 1.0), ("c".into(), 0.0)],
            }],
            overflow_order: vec![],
            caps: vec![],
        }],
        interval_ms: 900_000,
    };
    let router = Router::new(&plan).unwrap();
    let mut state = router.new_state();
    let route = RouteId(0);
    for t in 0..8 {
        router.decide(
            &mut state,
            &Contact {
                route,
                at_ms: t,
                language: Some("en"),
                customer_key_hash: None,
            },
        );
    }
    router.decide(
        &mut state,
        &Contact {
            route,
            at_ms: 9,
            language: Some("de"),
            customer_key_hash: None,
        },
    );
    router.decide(
        &mut state,
        &Contact {
            route,
            at_ms: -1,
            language: None,
            customer_key_hash: None,
        },
    );
    let log = state.take_log();
    assert_eq!(log.len(), 10);
    assert!(state.log().is_empty());
    let rows: Vec<String> = router
        .tally(&log)
        .iter()
        .map(|r| {
            format!(
                "{} {} {:.3} {:.3} share={} only_option={}",
                r.provider.map_or("-", |p| router.provider_name(p)),
                r.contacts,
                r.target_share,
                r.actual_share,
                r.by_reason[0],
                r.by_reason[2]
            )
        })
        .collect();
    // The no-phase contact is not tallied; "c" has no share and gets nothing.
    assert_eq!(
        rows,
        [
            "a 6 0.750 0.667 share=6 only_option=0",
            "b 3 0.250 0.333 share=2 only_option=1"
        ]
    );
}
