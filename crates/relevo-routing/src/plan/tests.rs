//! Unit tests: what a plan is rejected for, with the messages.

use super::*;
use crate::hours::LocalRange;

fn provider(id: &str) -> Provider {
    Provider {
        id: id.to_owned(),
        time_zone: TimeZone::UTC,
        hours: WeeklyHours::always(),
        closed_dates: vec![],
        languages: None,
    }
}

fn base() -> Plan {
    Plan {
        providers: vec![provider("a"), provider("b")],
        routes: vec![Route {
            queue: "billing".into(),
            channel: "voice".into(),
            phases: vec![Phase {
                name: "p1".into(),
                starts_at_ms: 0,
                shares: vec![("a".into(), 70.0), ("b".into(), 30.0)],
            }],
            overflow_order: vec!["b".into()],
            caps: vec![],
        }],
        interval_ms: 900_000,
    }
}

fn check(edit: impl FnOnce(&mut Plan), want: &str) {
    let mut plan = base();
    edit(&mut plan);
    let got = match Router::new(&plan) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    };
    assert_eq!(got, want);
}

#[test]
fn plan_errors() {
    check(|_| {}, "ok");
    check(|p| p.interval_ms = 0, "interval_ms must be positive, got 0");
    check(
        |p| p.providers.push(provider("a")),
        "provider \"a\" is defined twice",
    );
    check(
        |p| p.providers[0].hours = WeeklyHours::on(&[2], LocalRange::hm((9, 0), (9, 0))),
        "provider \"a\": weekday 2: range 540–540 minutes is empty or past midnight",
    );
    check(
        |p| p.routes.push(p.routes[0].clone()),
        "route \"billing\"/\"voice\" is defined twice",
    );
    check(
        |p| p.routes[0].phases[0].shares[1].0 = "c".into(),
        "route \"billing\"/\"voice\": unknown provider \"c\"",
    );
    check(
        |p| p.routes[0].phases.clear(),
        "route \"billing\"/\"voice\" has no phases",
    );
    check(
        |p| p.routes[0].phases[0].shares[0].1 = -1.0,
        "route \"billing\"/\"voice\", phase \"p1\": share of \"a\" must be a non-negative number, got -1",
    );
    check(
        |p| p.routes[0].phases[0].shares = vec![("a".into(), 0.0)],
        "route \"billing\"/\"voice\", phase \"p1\": shares are all zero",
    );
    check(
        |p| p.routes[0].phases[0].shares[1].0 = "a".into(),
        "route \"billing\"/\"voice\", phase \"p1\": \"a\" is listed twice",
    );
    check(
        |p| {
            let mut next = p.routes[0].phases[0].clone();
            next.name = "p2".into();
            p.routes[0].phases.push(next);
        },
        "route \"billing\"/\"voice\": phase \"p2\" does not start after the one before",
    );
    check(
        |p| p.routes[0].overflow_order.push("b".into()),
        "route \"billing\"/\"voice\": \"b\" is twice in the overflow order",
    );
    check(
        |p| {
            let cap = Cap {
                provider: "a".into(),
                starts_at_ms: 0,
                max_per_interval: 5,
            };
            p.routes[0].caps = vec![cap.clone(), cap];
        },
        "route \"billing\"/\"voice\": two caps for \"a\" start at the same time",
    );
}

#[test]
fn shares_become_exact_integer_weights() {
    let router = Router::new(&base()).unwrap();
    let phase = &router.routes[0].phases[0];
    assert_eq!(phase.weights, vec![700_000, 300_000]);
    assert_eq!(phase.by_weight, vec![0, 1]);
    assert_eq!(
        router.target_share(crate::RouteId(0), 0, crate::ProviderId(1)),
        0.3
    );
}
