//! Properties that must hold for any valid input.

use proptest::prelude::*;
use relevo_queueing::{
    ErlangA, ErlangC, Model, Queue, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets,
    required_agents,
};

use crate::tolerance::{MONOTONE_SLACK, PROPTEST_CASES};

/// A load (erlangs), an AHT (s) and a patience (s) from small to large queues.
fn traffic() -> impl Strategy<Value = (f64, f64, f64)> {
    (0.05_f64..600.0, 10.0_f64..1_200.0, 5.0_f64..3_600.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(PROPTEST_CASES))]

    #[test]
    fn prob_wait_falls_and_service_level_rises_with_agents(
        (load, aht_s, patience_s) in traffic(),
        threshold_s in 0.0_f64..120.0,
        extra in 0u32..40,
    ) {
        let lambda = load / aht_s;
        let first = load.floor() + 1.0 + f64::from(extra);
        let c = |n| ErlangC::new(lambda, aht_s, n).unwrap();
        let a = |n| ErlangA::new(lambda, aht_s, patience_s, n).unwrap();
        let (c0, c1) = (c(first), c(first + 1.0));
        prop_assert!(c1.prob_wait() <= c0.prob_wait() + MONOTONE_SLACK);
        let a_first = (first - 3.0).max(1.0);
        let (a0, a1) = (a(a_first), a(a_first + 1.0));
        prop_assert!(a1.prob_wait() <= a0.prob_wait() + MONOTONE_SLACK);
        prop_assert!(a1.prob_abandon() <= a0.prob_abandon() + MONOTONE_SLACK);
        for (lo, hi) in [(c0.service_level(threshold_s), c1.service_level(threshold_s)),
                         (a0.service_level(threshold_s), a1.service_level(threshold_s))] {
            prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
            prop_assert!(hi >= lo - MONOTONE_SLACK, "SL fell from {lo} to {hi}");
        }
    }

    #[test]
    fn erlang_c_waits_at_least_as_often_as_erlang_a(
        (load, aht_s, patience_s) in traffic(),
        extra in 0.01_f64..50.0,
    ) {
        let lambda = load / aht_s;
        let n = load + extra;
        let c = ErlangC::new(lambda, aht_s, n).unwrap();
        let a = ErlangA::new(lambda, aht_s, patience_s, n).unwrap();
        prop_assert!(c.prob_wait() >= a.prob_wait() - MONOTONE_SLACK,
            "C {} < A {}", c.prob_wait(), a.prob_wait());
        prop_assert!(c.asa_s() >= a.asa_s() - MONOTONE_SLACK);
    }

    #[test]
    fn measures_are_finite_probabilities(
        (load, aht_s, patience_s) in traffic(),
        agents in 0.1_f64..900.0,
        threshold_s in 0.0_f64..600.0,
    ) {
        let a = ErlangA::new(load / aht_s, aht_s, patience_s, agents).unwrap();
        for p in [a.prob_wait(), a.prob_abandon(), a.service_level(threshold_s), a.occupancy()] {
            prop_assert!((0.0..=1.0).contains(&p), "{p}");
        }
        prop_assert!(a.asa_s().is_finite() && a.asa_s() >= 0.0);
        prop_assert!(a.prob_abandon() <= a.prob_wait());
        prop_assert!(a.service_level(threshold_s) <= 1.0 - a.prob_abandon() + MONOTONE_SLACK);
    }

    #[test]
    fn staffing_is_feasible_and_minimal(
        (load, aht_s, patience_s) in traffic(),
        erlang_a in any::<bool>(),
        fraction in 0.5_f64..0.99,
        threshold_s in 0.0_f64..60.0,
        max_occupancy in 0.5_f64..1.0,
    ) {
        let lambda = load / aht_s;
        let model = if erlang_a { Model::ErlangA { patience_s } } else { Model::ErlangC };
        let target = ServiceLevelTarget { fraction, threshold_s };
        let problem = StaffingProblem {
            targets: Targets {
                service_level: Some(target),
                max_occupancy: Some(max_occupancy),
                ..Targets::default()
            },
            ..StaffingProblem::new(lambda, aht_s, model)
        };
        let StaffingOutcome::Staffed(plan) = required_agents(&problem).unwrap() else {
            return Err(TestCaseError::fail("no plan"));
        };
        let meets = |n: u32| {
            Queue::new(model, lambda, aht_s, f64::from(n)).is_ok_and(|q| {
                let occupancy_ok = match model {
                    Model::ErlangC => f64::from(n) >= (load / max_occupancy).ceil(),
                    Model::ErlangA { .. } => q.occupancy() <= max_occupancy,
                };
                q.service_level(threshold_s) >= fraction && occupancy_ok
            })
        };
        prop_assert!(meets(plan.raw_agents));
        prop_assert!(plan.raw_agents == 1 || !meets(plan.raw_agents - 1));
    }
}
