//! State-machine cases as scripts: each line is `d<day> <operation>`, and the trace shows the phase,
//! the flags and the events after each line.

use super::*;
use crate::kpi::Sample;
use crate::plan::fmt_share;
use expect_test::{Expect, expect};

const DAY: i64 = 86_400_000;

/// Phases: ramp 10 % from day 1 (3 days), 25 % from day 8 (3 days), 50 % (3 days), 100 %.
fn plan(on_fail: &str) -> TransitionPlan {
    let text = format!(
        r#"
name = "billing to bpo"
queue = "billing"
channels = ["voice"]
from = "inhouse"
to = "bpo"
[[phases]]
name = "ramp"
share = 0.1
earliest = "1970-01-02"
min_duration = "3d"
[[phases]]
share = 0.25
earliest = "1970-01-09"
min_duration = "3d"
[[phases]]
share = 0.5
min_duration = "3d"
[[phases]]
share = 1.0
[gate]
window = "3d"
min_volume = 100
guardrails = [{{ kpi = "service_level", min = 0.75 }}, {{ kpi = "abandon_rate", max = 0.08 }}]
{on_fail}
"#
    );
    TransitionPlan::parse(&text, &|_| None).unwrap()
}

fn window(sl: f64, ab: f64, volume: i64) -> WindowKpis {
    WindowKpis {
        from_ms: 0,
        to_ms: 0,
        samples: vec![
            Sample {
                kpi: Kpi::ServiceLevel,
                value: Some(sl),
                volume,
            },
            Sample {
                kpi: Kpi::AbandonRate,
                value: Some(ab),
                volume,
            },
        ],
    }
}

/// Runs `script` (one operation per line) from a new state at day 0 and renders the trace.
fn run(plan: &TransitionPlan, script: &str) -> String {
    let mut state = State::new(0);
    let mut out = String::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut words = line.split_whitespace();
        let day: f64 = words.next().unwrap()[1..].parse().unwrap();
        let now = (day * DAY as f64) as i64;
        let op = words.next().unwrap();
        let args: Vec<&str> = words.collect();
        let result = match op {
            // good / bad / thin: a passing, failing, or too-small window
            "good" => Ok(evaluate(plan, &state, &window(0.82, 0.05, 500), now)),
            "bad" => Ok(evaluate(plan, &state, &window(0.40, 0.30, 500), now)),
            "thin" => Ok(evaluate(plan, &state, &window(0.82, 0.05, 20), now)),
            "advance" => advance(plan, &state, "user:ana", "looks fine", now),
            "hold" => hold(plan, &state, "user:ana", "waiting for training", now),
            "rollback" => rollback(plan, &state, args == ["full"], "user:ana", "bad week", now),
            "resume" => resume(plan, &state, "user:ana", "fixed", now),
            other => panic!("unknown operation {other}"),
        };
        out.push_str(&format!("{line:<18}"));
        match result {
            Ok((next, events)) => {
                state = next;
                let held = match &state.held {
                    Some(h) => format!("held by {}", h.by),
                    None => "-".to_owned(),
                };
                out.push_str(&format!(
                    "phase {} ({} %) {held}{}\n",
                    state.phase,
                    fmt_share(plan.share(state.phase)),
                    if state.rolled_back {
                        ", rolled back"
                    } else {
                        ""
                    }
                ));
                for e in events {
                    out.push_str(&format!(
                        "    {} {}->{} by {}: {}\n",
                        e.kind.as_str(),
                        e.from_phase,
                        e.to_phase,
                        e.actor,
                        e.reason
                    ));
                }
            }
            Err(e) => out.push_str(&format!("refused: {e}\n")),
        }
    }
    out
}

fn check(on_fail: &str, script: &str, want: Expect) {
    want.assert_eq(&run(&plan(on_fail), script));
}

#[test]
fn advances_after_the_gate_passes_for_the_minimum_duration_and_waits_for_dates() {
    check(
        "",
        "
        d0 good
        d1 thin
        d2 good
        d4 good
        d5 good
        d8 good
        d9 good
        d10 good
        d12 good
        d13 good
        ",
        expect![[r#"
            d0 good           phase 0 (0 %) -
            d1 thin           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d2 good           phase 1 (10 %) -
            d4 good           phase 1 (10 %) -
            d5 good           phase 1 (10 %) -
            d8 good           phase 2 (25 %) -
                advanced 1->2 by guardrail: gate passed for 6d (minimum 3d); earliest start 1970-01-09 00:00 UTC reached: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d9 good           phase 2 (25 %) -
            d10 good          phase 2 (25 %) -
            d12 good          phase 3 (50 %) -
                advanced 2->3 by guardrail: gate passed for 3d (minimum 3d): service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d13 good          phase 3 (50 %) -
        "#]],
    );
}

#[test]
fn insufficient_volume_restarts_the_clock() {
    check(
        "",
        "
        d1 thin
        d2 good
        d4 thin
        d5 good
        d7 good
        d8 good
        ",
        expect![[r#"
            d1 thin           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d2 good           phase 1 (10 %) -
            d4 thin           phase 1 (10 %) -
            d5 good           phase 1 (10 %) -
            d7 good           phase 1 (10 %) -
            d8 good           phase 2 (25 %) -
                advanced 1->2 by guardrail: gate passed for 3d (minimum 3d); earliest start 1970-01-09 00:00 UTC reached: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
        "#]],
    );
}

#[test]
fn a_failing_gate_holds_and_the_hold_lifts_when_it_passes_again() {
    check(
        "",
        "
        d1 good
        d2 good
        d3 bad
        d4 bad
        d5 good
        d7 good
        d8 good
        ",
        expect![[r#"
            d1 good           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d2 good           phase 1 (10 %) -
            d3 bad            phase 1 (10 %) held by guardrail
                gate_failed 1->1 by guardrail: gate failed: service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
                held 1->1 by guardrail: gate failed: holding at ramp (10 %): service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
            d4 bad            phase 1 (10 %) held by guardrail
            d5 good           phase 1 (10 %) -
                gate_recovered 1->1 by guardrail: gate passes again after failing for 2d: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
                resumed 1->1 by guardrail: guardrail hold lifted: the gate passes again: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d7 good           phase 1 (10 %) -
            d8 good           phase 2 (25 %) -
                advanced 1->2 by guardrail: gate passed for 3d (minimum 3d); earliest start 1970-01-09 00:00 UTC reached: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
        "#]],
    );
}

#[test]
fn hold_then_roll_back_one_phase_per_escalation_and_wait_for_a_person() {
    check(
        "[on_fail]\naction = \"hold\"\nescalate_to = \"rollback_one\"\nescalate_after = \"2d\"",
        "
        d1 good
        d4 good
        d9 good
        d10 bad
        d11 bad
        d12 bad
        d13 bad
        d14 bad
        d15 good
        d20 good
        d21 advance
        ",
        expect![[r#"
            d1 good           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d4 good           phase 1 (10 %) -
            d9 good           phase 2 (25 %) -
                advanced 1->2 by guardrail: gate passed for 5d (minimum 3d); earliest start 1970-01-09 00:00 UTC reached: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d10 bad           phase 2 (25 %) held by guardrail
                gate_failed 2->2 by guardrail: gate failed: service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
                held 2->2 by guardrail: gate failed: holding at 25 %: service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
            d11 bad           phase 2 (25 %) held by guardrail
            d12 bad           phase 1 (10 %) held by guardrail, rolled back
                rolled_back 2->1 by guardrail: gate still failing after 2d: rolled back from 25 % to ramp (10 %): service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
            d13 bad           phase 1 (10 %) held by guardrail, rolled back
            d14 bad           phase 0 (0 %) held by guardrail, rolled back
                rolled_back 1->0 by guardrail: gate still failing after 4d: rolled back from ramp (10 %) to baseline (0 %): service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
            d15 good          phase 0 (0 %) held by guardrail, rolled back
                gate_recovered 0->0 by guardrail: gate passes again after failing for 5d: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d20 good          phase 0 (0 %) held by guardrail, rolled back
            d21 advance       phase 1 (10 %) -
                advanced 0->1 by user:ana: looks fine
        "#]],
    );
}

#[test]
fn roll_back_fully_on_the_first_failure() {
    check(
        "[on_fail]\naction = \"rollback_full\"",
        "
        d1 good
        d4 good
        d9 good
        d10 bad
        d11 bad
        d12 advance
        ",
        expect![[r#"
            d1 good           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d4 good           phase 1 (10 %) -
            d9 good           phase 2 (25 %) -
                advanced 1->2 by guardrail: gate passed for 5d (minimum 3d); earliest start 1970-01-09 00:00 UTC reached: service_level 82.0 % ≥ 75.0 %: pass (500 offered); abandon_rate 5.0 % ≤ 8.0 %: pass (500 offered)
            d10 bad           phase 0 (0 %) held by guardrail, rolled back
                gate_failed 2->2 by guardrail: gate failed: service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
                rolled_back 2->0 by guardrail: gate failed: rolled back from 25 % to baseline (0 %): service_level 40.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 30.0 % ≤ 8.0 %: fail (500 offered)
            d11 bad           phase 0 (0 %) held by guardrail, rolled back
            d12 advance       phase 1 (10 %) -
                advanced 0->1 by user:ana: looks fine
        "#]],
    );
}

#[test]
fn people_advance_hold_roll_back_and_resume() {
    check(
        "",
        "
        d0 rollback
        d0 resume
        d0 advance
        d0.5 advance
        d1 good
        d1 hold
        d1 hold
        d5 good
        d5 resume
        d5 rollback full
        d6 good
        d9 good
        d9 resume
        d9 good
        d10 advance
        d10 advance
        d10 advance
        d10 advance
        ",
        expect![[r#"
            d0 rollback       refused: already at the baseline: nothing to roll back
            d0 resume         refused: neither held nor rolled back: nothing to resume
            d0 advance        phase 1 (10 %) -
                advanced 0->1 by user:ana: looks fine
            d0.5 advance      phase 2 (25 %) -
                advanced 1->2 by user:ana: looks fine
            d1 good           phase 2 (25 %) -
            d1 hold           phase 2 (25 %) held by user:ana
                held 2->2 by user:ana: waiting for training
            d1 hold           refused: already held by user:ana since 1970-01-02 00:00 UTC: waiting for training
            d5 good           phase 2 (25 %) held by user:ana
            d5 resume         phase 2 (25 %) -
                resumed 2->2 by user:ana: fixed
            d5 rollback full  phase 0 (0 %) -, rolled back
                rolled_back 2->0 by user:ana: bad week
            d6 good           phase 0 (0 %) -, rolled back
            d9 good           phase 0 (0 %) -, rolled back
            d9 resume         phase 0 (0 %) -
                resumed 0->0 by user:ana: fixed
            d9 good           phase 1 (10 %) -
                advanced 0->1 by guardrail: transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached
            d10 advance       phase 2 (25 %) -
                advanced 1->2 by user:ana: looks fine
            d10 advance       phase 3 (50 %) -
                advanced 2->3 by user:ana: looks fine
            d10 advance       phase 4 (100 %) -
                advanced 3->4 by user:ana: looks fine
            d10 advance       refused: already at the last phase (100 %)
        "#]],
    );
}

#[test]
fn the_window_never_reaches_back_before_the_phase_start() {
    let plan = plan("");
    let mut state = State::new(0);
    assert_eq!(state.window(&plan, 10 * DAY), (7 * DAY, 10 * DAY));
    state.phase_since_ms = 9 * DAY;
    assert_eq!(state.window(&plan, 10 * DAY), (9 * DAY, 10 * DAY));
}

#[test]
fn state_round_trips_through_json() {
    let plan = plan("[on_fail]\naction = \"rollback_one\"");
    let mut state = State::new(0);
    for (day, w) in [(1, window(0.8, 0.0, 500)), (2, window(0.1, 0.5, 500))] {
        state = evaluate(&plan, &state, &w, day * DAY).0;
    }
    let json = serde_json::to_string(&state).unwrap();
    let back: State = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
    assert!(json.contains(r#""by":"guardrail""#), "{json}");
}

/// State JSON as the crate wrote it when it had its own KPI enum: it must read back, and be written
/// again, byte for byte.
const STORED_STATE: &str = r#"{"phase":0,"phase_since_ms":172800000,"created_ms":0,"gate_passing_since_ms":null,"gate_failing_since_ms":172800000,"guardrail_acted_ms":172800000,"held":{"since_ms":172800000,"by":"guardrail","reason":"gate failed: rolled back from ramp (10 %) to baseline (0 %): service_level 10.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 50.0 % ≤ 8.0 %: fail (500 offered)"},"rolled_back":true,"last_gate":{"at_ms":172800000,"window_from_ms":0,"window_to_ms":0,"status":"fail","checks":[{"kpi":"service_level","bound":{"at_least":0.75},"value":0.1,"volume":500,"min_volume":100,"status":"fail"},{"kpi":"abandon_rate","bound":{"at_most":0.08},"value":0.5,"volume":500,"min_volume":100,"status":"fail"}]},"last_evaluated_ms":172800000,"history":[{"at_ms":86400000,"from_phase":0,"to_phase":1,"kind":"advanced","actor":"guardrail","reason":"transition starts: ramp (10 %); earliest start 1970-01-02 00:00 UTC reached"},{"at_ms":172800000,"from_phase":1,"to_phase":0,"kind":"rolled_back","actor":"guardrail","reason":"gate failed: rolled back from ramp (10 %) to baseline (0 %): service_level 10.0 % ≥ 75.0 %: fail (500 offered); abandon_rate 50.0 % ≤ 8.0 %: fail (500 offered)"}]}"#;

#[test]
fn state_stored_before_reads_and_writes_the_same() {
    let plan = plan("[on_fail]\naction = \"rollback_one\"");
    let mut state = State::new(0);
    for (day, w) in [(1, window(0.8, 0.0, 500)), (2, window(0.1, 0.5, 500))] {
        state = evaluate(&plan, &state, &w, day * DAY).0;
    }
    let stored: State = serde_json::from_str(STORED_STATE).unwrap();
    assert_eq!(stored, state);
    assert_eq!(serde_json::to_string(&state).unwrap(), STORED_STATE);
    assert_eq!(
        serde_json::to_string(&window(0.8, 0.0, 500).samples).unwrap(),
        r#"[{"kpi":"service_level","value":0.8,"volume":500},{"kpi":"abandon_rate","value":0.0,"volume":500}]"#
    );
    assert_eq!(
        serde_json::to_string(&plan.gate.guardrails).unwrap(),
        r#"[{"kpi":"service_level","bound":{"at_least":0.75},"min_volume":100},{"kpi":"abandon_rate","bound":{"at_most":0.08},"min_volume":100}]"#
    );
    let unknown = STORED_STATE.replacen(
        "\"kpi\":\"service_level\"",
        "\"kpi\":\"business_response_within\"",
        1,
    );
    let err = serde_json::from_str::<State>(&unknown)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "unknown variant `business_response_within`, expected one of `service_level`, `asa_s`,"
        ),
        "{err}"
    );
}
