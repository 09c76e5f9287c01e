//! The timeline as routing phases, and a router following it.

use super::*;
use crate::machine::{State, advance, rollback};
use relevo_routing::{Contact, Router};

const DAY: i64 = 86_400_000;

#[test]
fn phases_follow_the_timeline_and_a_router_splits_at_the_current_share() {
    let plan = TransitionPlan::parse(
        r#"
name = "t"
queue = "billing"
channels = ["voice", "chat"]
from = "inhouse"
to = "bpo"
baseline_share = 0.05
[[phases]]
share = 0.25
[[phases]]
share = 1.0
[gate]
window = "1d"
guardrails = [{ kpi = "service_level", min = 0.8 }]
"#,
        &|_| None,
    )
    .unwrap();
    let s = State::new(0);
    let (s, _) = advance(&plan, &s, "user:a", "go", DAY).unwrap();
    let (s, _) = advance(&plan, &s, "user:a", "go", 2 * DAY).unwrap();
    let (s, _) = rollback(&plan, &s, false, "user:a", "too fast", 2 * DAY).unwrap();
    let phases = routing_phases(&plan, &s);
    let shown: Vec<String> = phases
        .iter()
        .map(|p| format!("{} {} {:?}", p.starts_at_ms / DAY, p.name, p.shares))
        .collect();
    assert_eq!(
        shown,
        [
            r#"0 baseline [("inhouse", 0.95), ("bpo", 0.05)]"#,
            r#"1 25 % [("inhouse", 0.75), ("bpo", 0.25)]"#,
            r#"2 25 % [("inhouse", 0.75), ("bpo", 0.25)]"#,
        ]
    );
    let routing = routing_plan(&plan, &s);
    let router = Router::new(&routing).unwrap();
    let mut state = router.new_state();
    let route = router.route_id("billing", "chat").unwrap();
    let mut bpo = 0;
    for i in 0..1000 {
        let d = router.decide(
            &mut state,
            &Contact {
                route,
                at_ms: 3 * DAY + i * 1000,
                language: None,
                customer_key_hash: None,
            },
        );
        if d.provider.map(|p| router.provider_name(p)) == Some("bpo") {
            bpo += 1;
        }
    }
    assert_eq!(bpo, 250);
}
