//! Plan files: the shipped example parses, and what a plan is rejected for, with the messages.

use super::*;
use expect_test::{Expect, expect};

const BASE: &str = r#"
name = "t"
queue = "billing"
channels = ["voice"]
from = "inhouse"
to = "bpo"
[[phases]]
share = 0.1
[[phases]]
share = 1.0
[gate]
window = "7d"
guardrails = [{ kpi = "service_level", min = 0.75 }]
"#;

fn zones(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

fn check(edit: &str, want: Expect) {
    let text = BASE.replacen(
        edit.split("=>").next().unwrap().trim(),
        edit.split("=>").nth(1).unwrap().trim(),
        1,
    );
    let got = match TransitionPlan::parse(&text, &zones) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    };
    want.assert_eq(&got);
}

#[test]
fn the_shipped_example_parses() {
    let text = include_str!("../../../../examples/transitions/sur-contact-billing.toml");
    let plan = TransitionPlan::parse(text, &zones).unwrap();
    assert_eq!(
        (plan.queue.as_str(), plan.from.as_str(), plan.to.as_str()),
        ("billing-es", "inhouse", "sur-contact")
    );
    let shares: Vec<f64> = plan.phases.iter().map(|p| p.share).collect();
    assert_eq!(shares, [0.1, 0.25, 0.5, 0.75, 1.0]);
    let kpis: Vec<String> = plan
        .gate
        .guardrails
        .iter()
        .map(|g| format!("{} {} {}", g.kpi, g.bound.symbol(), g.bound.threshold()))
        .collect();
    assert_eq!(
        kpis,
        [
            "service_level ≥ 0.75",
            "abandon_rate ≤ 0.08",
            "csat_top2 ≥ 0.8",
            "aht_s ≤ 420"
        ]
    );
    // Dates are local midnight in the plan's zone (CET in November).
    assert_eq!(
        plan.format_instant(plan.phases[0].earliest_ms.unwrap()),
        "2026-11-30 00:00 CET"
    );
    assert_eq!(plan.phases[0].earliest_ms, Some(1_795_993_200_000));
    assert!(plan.webhook.is_some());
    assert_eq!(
        plan.on_fail.escalate,
        Some(Escalation {
            action: FailAction::RollbackOne,
            after_ms: 2 * 86_400_000
        })
    );
}

#[test]
fn rejected_plans_name_the_key() {
    check(
        "share = 0.1 => share = 0",
        expect!["phases[0].share: must be in (0, 1], got 0"],
    );
    check(
        "share = 1.0 => share = 0.05",
        expect![
            "phases[1].share: must be larger than the share before it (0.1): a transition moves volume one way"
        ],
    );
    check(
        r#"to = "bpo" => to = "inhouse""#,
        expect![[r#"to: is the same provider as from ("inhouse")"#]],
    );
    check(
        r#"channels = ["voice"] => channels = ["fax"]"#,
        expect![[
            r#"channels[0]: unknown channel "fax" (expected one of: voice, chat, email, messaging, web_form, social)"#
        ]],
    );
    check(
        r#"kpi = "service_level", min => kpi = "service_level", max"#,
        expect!["gate.guardrails[0].max: service_level is better when higher: give min, not max"],
    );
    check(
        r#"kpi = "service_level", min = 0.75 => kpi = "aht_s", min = 300"#,
        expect!["gate.guardrails[0].min: aht_s is better when lower: give max, not min"],
    );
    check(
        r#"min = 0.75 => min = 75"#,
        expect![
            "gate.guardrails[0]: service_level is a fraction in [0, 1] (0.75 means 75 %), got 75"
        ],
    );
    check(
        r#"kpi = "service_level" => kpi = "sl""#,
        expect![[
            r#"gate.guardrails[0].kpi: unknown KPI "sl" (expected one of: service_level, asa_s, abandon_rate, aht_s, talk_s, hold_s, acw_s, p90_answer_s, transfer_rate, csat_top2, csat_mean, nps, qa_mean, fcr)"#
        ]],
    );
    check(
        r#"window = "7d" => window = "a week""#,
        expect![[
            r#"gate.window: not a duration: "a week" (expected a whole number and a unit: 30m, 48h, 7d, 2w)"#
        ]],
    );
    check(
        r#"name = "t" => name = "t"
time_zone = "Mars/Olympus""#,
        expect![[
            r#"time_zone: unknown time zone "Mars/Olympus" (use an IANA name like Europe/Madrid)"#
        ]],
    );
    check(
        r#"[gate] => [webhook]
url = "https://example.test/hook"
secret = "s"
[gate]"#,
        expect![[
            r#"webhook.url: "https://example.test/hook": only http:// URLs are supported (no TLS); put a TLS-terminating proxy in front"#
        ]],
    );
    check(
        r#"[gate] => [on_fail]
action = "hold"
escalate_to = "hold"
escalate_after = "1d"
[gate]"#,
        expect!["on_fail.escalate_to: escalate to rollback_one or rollback_full"],
    );
    check(
        "share = 0.1 => share = 0.1\nearliest = \"2026-12-01\"\n[[phases]]\nshare = 0.5\nearliest = \"2026-11-01\"",
        expect!["phases[1].earliest: is before the earliest start of an earlier phase"],
    );
    check(
        "share = 0.1 => share = 0.1\nspeed = 3",
        expect![[r#"
            TOML parse error at line 9, column 1
              |
            9 | speed = 3
              | ^^^^^
            unknown field `speed`, expected one of `name`, `share`, `earliest`, `min_duration`"#]],
    );
    check("share = 0.1 => share = 0.1", expect!["ok"]);
}

#[test]
fn durations_and_dates() {
    assert_eq!(parse_duration_ms("90m"), Ok(5_400_000));
    assert_eq!(parse_duration_ms("2w"), Ok(1_209_600_000));
    assert!(parse_duration_ms("7").is_err());
    assert_eq!(format_duration(36 * 3_600_000 + 60_000), "1d 12h 1m");
    assert_eq!(format_duration(0), "0m");
    let utc = TimeZone::UTC;
    for (text, want) in [
        ("2026-01-02", 1_767_312_000_000),
        ("2026-01-02T06:00", 1_767_333_600_000),
        ("2026-01-02T06:00:00+01:00", 1_767_330_000_000),
    ] {
        let v = toml::Value::String(text.to_owned());
        assert_eq!(toml_instant(&v, &utc), Ok(want), "{text}");
        assert_eq!(parse_instant(text, &utc), Ok(want), "{text}");
    }
    assert_eq!(fmt_share(0.125), "12.5");
    assert_eq!(fmt_share(0.1), "10");
}
