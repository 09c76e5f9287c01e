//! Transitions survive a reopen, saves are optimistic, and every change is in the audit log.

use crate::support::Db;
use relevo_store::{NewTransition, NewTransitionEvent, Store, TransitionSave};

fn new(name: &str) -> NewTransition<'_> {
    NewTransition {
        name,
        queue: "billing",
        from_provider: "inhouse",
        to_provider: "bpo",
        plan: "name = \"t\"",
        state: "{\"phase\":0}",
    }
}

fn audit(store: &dyn Store) -> Vec<String> {
    let mut log: Vec<String> = store
        .audit_log(100)
        .unwrap()
        .into_iter()
        .map(|a| {
            format!(
                "{} {} {} {} {}",
                a.at_ms,
                a.actor,
                a.action,
                a.target.unwrap_or_default(),
                a.detail.unwrap_or_default()
            )
        })
        .collect();
    log.reverse();
    log
}

#[test]
fn create_save_events_and_audit_survive_a_reopen() {
    let db = Db::new("transitions");
    let id = {
        let mut store = db.open();
        let id = store
            .create_transition(&new("move billing"), "cli:ana", 1_000)
            .unwrap();
        let events = [
            NewTransitionEvent {
                at_ms: 500,
                kind: "gate_failed",
                actor: "guardrail",
                reason: "gate failed: service_level 40 %",
                event: "{}",
            },
            NewTransitionEvent {
                at_ms: 500,
                kind: "held",
                actor: "guardrail",
                reason: "holding at 25 %",
                event: "{}",
            },
        ];
        let ids = store
            .save_transition(
                id,
                &TransitionSave {
                    expected_version: 1,
                    state: "{\"phase\":2}",
                    events: &events,
                    actor: "guardrail",
                    action: "transition.evaluate",
                    detail: "gate fail",
                    now_ms: 2_000,
                },
            )
            .unwrap();
        assert_eq!(ids.len(), 2);
        store
            .record_delivery(ids[0], 2_100, Some("connection refused"))
            .unwrap();
        store.record_delivery(ids[1], 2_200, None).unwrap();
        id
    };
    let mut store = db.open();
    let t = store.transition(id).unwrap().unwrap();
    assert_eq!(
        (t.state.as_str(), t.version, t.updated_at_ms),
        ("{\"phase\":2}", 2, 2_000)
    );
    assert_eq!(store.transitions().unwrap().len(), 1);
    let events = store.transition_events(id).unwrap();
    let shown: Vec<(String, Option<i64>, Option<String>)> = events
        .iter()
        .map(|e| (e.kind.clone(), e.delivered_at_ms, e.delivery_error.clone()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "gate_failed".into(),
                None,
                Some("connection refused".into())
            ),
            ("held".into(), Some(2_200), None)
        ]
    );
    // A save based on the old version is refused and changes nothing.
    let err = store
        .save_transition(
            id,
            &TransitionSave {
                expected_version: 1,
                state: "{\"phase\":9}",
                events: &[],
                actor: "cli:bo",
                action: "transition.advance",
                detail: "",
                now_ms: 3_000,
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "transition 1 changed meanwhile (version 2, expected 1): read it again"
    );
    assert_eq!(store.transition(id).unwrap().unwrap().version, 2);
    assert_eq!(
        audit(&*store),
        [
            "1000 cli:ana transition.create transition:1 move billing: billing from inhouse to bpo",
            "2000 guardrail transition.evaluate transition:1 gate fail",
            "2000 guardrail transition.gate_failed transition:1 gate failed: service_level 40 %",
            "2000 guardrail transition.held transition:1 holding at 25 %",
        ]
    );
    assert!(store.transition(99).unwrap().is_none());
}
