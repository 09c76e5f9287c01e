//! Unit tests: Erlang A limits and edge cases; the published values are in tests/queueing/published.rs.

use super::*;
use crate::ErlangC;

const LAMBDA: f64 = 100.0 / 1800.0;

#[test]
fn very_patient_callers_give_erlang_c() {
    for &n in &[11.0, 14.0, 20.0] {
        let c = ErlangC::new(LAMBDA, 180.0, n).unwrap();
        let a = ErlangA::new(LAMBDA, 180.0, 1e9, n).unwrap();
        assert!((a.prob_wait() - c.prob_wait()).abs() < 1e-6, "N = {n}");
        assert!(
            (a.service_level(20.0) - c.service_level(20.0)).abs() < 1e-6,
            "N = {n}"
        );
        assert!((a.asa_s() - c.asa_s()).abs() < 1e-4 * c.asa_s(), "N = {n}");
        assert!(a.prob_abandon() < 1e-6);
    }
}

#[test]
fn service_level_limits() {
    let q = ErlangA::new(LAMBDA, 180.0, 300.0, 12.0).unwrap();
    assert!((q.service_level(0.0) - (1.0 - q.prob_wait())).abs() < 1e-12);
    // Waiting forever, every caller is either answered or abandons.
    assert!((q.service_level(f64::INFINITY) - (1.0 - q.prob_abandon())).abs() < 1e-12);
    assert!((q.service_level(1e7) - (1.0 - q.prob_abandon())).abs() < 1e-12);
    let mut previous = 0.0;
    for t in 0..200 {
        let sl = q.service_level(f64::from(t));
        assert!(
            sl >= previous - 1e-15,
            "SL must not fall as T grows: T = {t}"
        );
        previous = sl;
    }
}

#[test]
fn overloaded_queues_stay_finite() {
    // Twice as much work as agents: half the callers must abandon.
    let q = ErlangA::new(2.0, 10.0, 60.0, 10.0).unwrap();
    assert!(q.prob_wait() > 0.999);
    assert!(
        (q.prob_abandon() - 0.5).abs() < 0.01,
        "{}",
        q.prob_abandon()
    );
    assert!(q.occupancy() > 0.99 && q.occupancy() <= 1.0);
    for &(lambda, aht, patience, n) in &[
        (50.0, 100.0, 3_600.0, 1_000.0),
        (0.5, 9_600.0, 1.0, 5_000.0),
        (1e3, 1e3, 1e4, 1e4),
    ] {
        let q = ErlangA::new(lambda, aht, patience, n).unwrap();
        for v in [
            q.prob_wait(),
            q.prob_abandon(),
            q.service_level(20.0),
            q.asa_s(),
            q.occupancy(),
        ] {
            assert!(v.is_finite() && v >= 0.0, "λ = {lambda}, N = {n}: {v}");
        }
    }
}

#[test]
fn no_arrivals() {
    let q = ErlangA::new(0.0, 180.0, 60.0, 2.0).unwrap();
    assert_eq!(
        (q.prob_wait(), q.prob_abandon(), q.service_level(5.0)),
        (0.0, 0.0, 1.0)
    );
    assert_eq!((q.asa_s(), q.occupancy()), (0.0, 0.0));
}

#[test]
fn impatient_callers_abandon_more() {
    let patient = ErlangA::new(LAMBDA, 180.0, 1_200.0, 14.0).unwrap();
    let impatient = ErlangA::new(LAMBDA, 180.0, 60.0, 14.0).unwrap();
    assert!(impatient.prob_abandon() > patient.prob_abandon());
}

#[test]
fn rejects_bad_patience() {
    assert!(ErlangA::new(LAMBDA, 180.0, 0.0, 14.0).is_err());
    assert!(ErlangA::new(LAMBDA, 180.0, f64::INFINITY, 14.0).is_err());
    assert_eq!(
        ErlangA::new(LAMBDA, 180.0, -1.0, 14.0)
            .unwrap_err()
            .to_string(),
        "patience_s must be a positive finite number, got -1"
    );
}

#[test]
fn a_patience_that_vanishes_against_the_handle_time_is_refused_not_a_panic() {
    // GET /api/v1/plan with patience 5e-324 once failed an assertion in the model (a 500).
    let e = ErlangA::new(0.1, 180.0, 5e-324, 10.0).unwrap_err();
    assert!(e.to_string().contains("patience_s"), "{e}");
    assert!(ErlangA::new(0.1, 180.0, 1e-3, 10.0).is_ok());
}
