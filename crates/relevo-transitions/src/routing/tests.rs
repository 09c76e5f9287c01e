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

/// A plan's `[providers]` setup reaches the router: the incoming provider in Manila opens 08–20
/// local time on weekdays, serves English only and takes at most 3 contacts per quarter hour;
/// everything it cannot take overflows to the outgoing team (the default overflow order).
#[test]
fn provider_hours_languages_and_caps_reach_the_router() {
    let zones = |name: &str| jiff::tz::TimeZone::get(name).ok();
    let plan = TransitionPlan::parse(
        r#"
name = "t"
queue = "billing"
channels = ["voice"]
from = "inhouse"
to = "manila"
time_zone = "Europe/Madrid"
[[phases]]
share = 1.0
[gate]
window = "1d"
guardrails = [{ kpi = "service_level", min = 0.8 }]
[providers.manila]
time_zone = "Asia/Manila"
hours = [{ days = "mon-fri", open = "08:00", close = "20:00" }]
languages = ["en"]
cap_per_interval = 3
"#,
        &zones,
    )
    .unwrap();
    let s = State::new(0);
    let (s, _) = advance(&plan, &s, "user:a", "go", DAY).unwrap();
    let router = Router::new(&routing_plan(&plan, &s)).unwrap();
    let mut state = router.new_state();
    let route = router.route_id("billing", "voice").unwrap();
    let ms = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let mut decide = |at: &str, language: Option<&str>| {
        let d = router.decide(
            &mut state,
            &Contact {
                route,
                at_ms: ms(at),
                language,
                customer_key_hash: None,
            },
        );
        format!(
            "{} {}",
            d.provider.map_or("-", |p| router.provider_name(p)),
            d.reason.as_str()
        )
    };
    // Tuesday 2026-11-24 02:00 UTC = 10:00 in Manila: open.
    assert_eq!(
        decide("2026-11-24T02:00:00Z", Some("en")),
        "manila only_option"
    );
    assert_eq!(
        decide("2026-11-24T02:00:01Z", Some("es")),
        "inhouse overflow_language"
    );
    assert_eq!(decide("2026-11-24T02:00:02Z", None), "manila only_option");
    assert_eq!(decide("2026-11-24T02:00:03Z", None), "manila only_option");
    assert_eq!(
        decide("2026-11-24T02:00:04Z", None),
        "inhouse overflow_full"
    );
    // 13:00 UTC = 21:00 in Manila: closed.
    assert_eq!(
        decide("2026-11-24T13:00:00Z", Some("en")),
        "inhouse overflow_closed"
    );
    // Saturday: closed all day.
    assert_eq!(
        decide("2026-11-28T02:00:00Z", Some("en")),
        "inhouse overflow_closed"
    );
}

#[test]
fn overflow_must_name_known_providers_and_hours_must_parse() {
    let base = "name = \"t\"\nqueue = \"q\"\nchannels = [\"voice\"]\nfrom = \"a\"\nto = \"b\"\n[[phases]]\nshare = 1.0\n[gate]\nwindow = \"1d\"\nguardrails = [{ kpi = \"service_level\", min = 0.8 }]\n";
    let err = |extra: &str| {
        TransitionPlan::parse(
            &format!("overflow = [\"a\", \"c\"]\n{base}{extra}"),
            &|_| None,
        )
        .unwrap_err()
        .to_string()
    };
    assert!(err("").contains("overflow[1]"), "{}", err(""));
    let e = TransitionPlan::parse(&format!("{base}[providers.b]\nhours = [{{ days = \"mon-fry\", open = \"08:00\", close = \"20:00\" }}]\n"), &|_| None).unwrap_err().to_string();
    assert!(
        e.contains("providers.b.hours[0].days") && e.contains("fry"),
        "{e}"
    );
    let e = TransitionPlan::parse(&format!("{base}[providers.b]\nhours = [{{ days = \"mon\", open = \"20:00\", close = \"08:00\" }}]\n"), &|_| None).unwrap_err().to_string();
    assert!(e.contains("must be after open"), "{e}");
}
