//! Unit tests: what `Scenario::validate` rejects, with its messages.

use super::*;

fn base() -> Scenario {
    Scenario::single_queue(
        0.1,
        900.0,
        4,
        5,
        Distribution::exponential(100.0).unwrap(),
        None,
        20.0,
    )
}

fn check(edit: impl FnOnce(&mut Scenario), want: &str) {
    let mut s = base();
    edit(&mut s);
    let got = match s.validate() {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    };
    assert_eq!(got, want);
}

#[test]
fn validation_messages() {
    check(|_| {}, "ok");
    check(
        |s| s.interval_s = 0.0,
        "interval_s must be a finite number in range, got 0",
    );
    check(
        |s| s.arrivals_per_s[2] = -1.0,
        "arrivals_per_s must be a finite number in range, got -1",
    );
    check(
        |s| s.providers[0].agents.pop().map(drop).unwrap_or(()),
        "provider \"provider\": 3 agent counts for 4 intervals",
    );
    check(
        |s| s.overflow_order = vec![3],
        "overflow order names provider 3, which does not exist",
    );
    check(
        |s| s.phases[0].intervals = 0..3,
        "interval 3 is in no phase",
    );
    check(
        |s| s.phases[0].shares = vec![0.0],
        "phase \"all\": shares must be non-negative and not all zero",
    );
    check(
        |s| {
            s.phases[0].intervals = 0..2;
            s.phases.push(Phase {
                name: "b".into(),
                intervals: 1..4,
                shares: vec![1.0],
            });
        },
        "phase \"b\" overlaps another phase",
    );
    check(
        |s| s.providers[0].max_contacts_per_interval = Some(vec![1]),
        "provider \"provider\": 1 caps for 4 intervals",
    );
}
