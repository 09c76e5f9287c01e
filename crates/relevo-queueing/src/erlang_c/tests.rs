//! Unit tests: Erlang C edge cases: overload, no arrivals, underflow, thresholds, fractional agents.

use super::*;

#[test]
fn overload_is_an_error_not_nan() {
    let err = ErlangC::new(1.0 / 18.0, 180.0, 10.0).unwrap_err();
    assert!(matches!(err, QueueingError::Overloaded { agents, .. } if agents == 10.0));
    assert!(
        err.to_string()
            .starts_with("overloaded: offered load of 10.0000 erlangs")
    );
    assert!(ErlangC::new(1.0 / 18.0, 180.0, 9.0).is_err());
}

#[test]
fn no_arrivals_means_no_waiting() {
    let q = ErlangC::new(0.0, 180.0, 1.0).unwrap();
    assert_eq!(q.prob_wait(), 0.0);
    assert_eq!(q.service_level(0.0), 1.0);
    assert_eq!(q.asa_s(), 0.0);
    assert_eq!(q.occupancy(), 0.0);
}

#[test]
fn huge_staffing_gives_zero_wait_not_nan() {
    let q = ErlangC::new(1.0, 10.0, 1e6).unwrap();
    assert_eq!(q.prob_wait(), 0.0);
    assert_eq!(q.service_level(20.0), 1.0);
}

#[test]
fn threshold_edge_cases() {
    let q = ErlangC::new(1.0 / 18.0, 180.0, 14.0).unwrap();
    assert_eq!(q.service_level(-5.0), q.service_level(0.0));
    assert_eq!(q.service_level(f64::NAN), q.service_level(0.0));
    assert!((q.service_level(0.0) - (1.0 - q.prob_wait())).abs() < 1e-15);
    assert_eq!(q.service_level(f64::INFINITY), 1.0);
}

#[test]
fn fractional_agents_lie_between_their_neighbours() {
    let wait = |n: f64| ErlangC::new(1.0 / 18.0, 180.0, n).map_or(1.0, |q| q.prob_wait());
    for n in [10.5_f64, 11.25, 13.9] {
        let (lo, mid, hi) = (wait(n.floor()), wait(n), wait(n.ceil()));
        assert!(mid < lo && mid > hi, "N = {n}");
    }
    // 10.5 agents for 10 erlangs is stable, if barely.
    assert!(wait(10.5) > 0.8);
}

#[test]
fn rejects_bad_input() {
    assert!(ErlangC::new(-0.1, 180.0, 14.0).is_err());
    assert!(ErlangC::new(0.1, 0.0, 14.0).is_err());
    assert!(ErlangC::new(0.1, f64::NAN, 14.0).is_err());
    assert!(ErlangC::new(0.1, 180.0, 0.0).is_err());
    assert_eq!(
        ErlangC::new(0.1, -3.0, 14.0).unwrap_err().to_string(),
        "aht_s must be a positive finite number, got -3"
    );
}
