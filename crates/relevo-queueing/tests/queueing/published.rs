//! Published values (anchors §4) to the digits they were published with.

use relevo_queueing::{
    ErlangA, ErlangC, Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets,
    required_agents,
};

use crate::tolerance::assert_published;

/// V1 (R ErlangC docs; pyworkforce README): 100 calls per 30 min, AHT 180 s, T = 20 s.
#[test]
fn v1_table() {
    // N, P(wait), SL(20 s), ASA (s) with its significant digits, occupancy.
    let rows = [
        (11.0, 0.682118, 0.389614, 122.78, 5, 0.9091),
        (12.0, 0.449388, 0.640158, 40.44, 4, 0.8333),
        (13.0, 0.285270, 0.795595, 17.12, 4, 0.7692),
        (14.0, 0.174132, 0.888350, 7.836, 4, 0.7143),
        (15.0, 0.102042, 0.941453, 3.674, 4, 0.6667),
    ];
    for (n, wait, sl, asa, asa_digits, occupancy) in rows {
        let q = ErlangC::new(100.0 / 1800.0, 180.0, n).unwrap();
        assert_published(&format!("V1 N={n} P(wait)"), q.prob_wait(), wait, 6);
        assert_published(&format!("V1 N={n} SL"), q.service_level(20.0), sl, 6);
        assert_published(&format!("V1 N={n} ASA"), q.asa_s(), asa, asa_digits);
        assert_published(&format!("V1 N={n} occupancy"), q.occupancy(), occupancy, 4);
    }
    // The longer figures published by R ErlangC.
    let q = ErlangC::new(100.0 / 1800.0, 180.0, 14.0).unwrap();
    assert_published("V1 N=14 P(wait)", q.prob_wait(), 0.1741319, 7);
    assert_published("V1 N=14 SL", q.service_level(20.0), 0.88835, 5);
    assert_published("V1 N=14 ASA", q.asa_s(), 7.8359, 5);
    assert_published("V1 N=14 occupancy", q.occupancy(), 0.7142857, 7);
    let q = ErlangC::new(100.0 / 1800.0, 180.0, 11.0).unwrap();
    assert_published("V1 N=11 P(wait)", q.prob_wait(), 0.6821182, 7);
    assert_published("V1 N=11 SL", q.service_level(20.0), 0.3896138, 7);
}

/// V2 ("The Erlang-C Formula" step-by-step page): 360 calls per 30 min, AHT 4 min, T = 15 s.
#[test]
fn v2_table() {
    let q = ErlangC::new(360.0 / 1800.0, 240.0, 55.0).unwrap();
    assert_published("V2 offered load", q.offered_load_erlangs(), 48.0, 6);
    assert_published("V2 N=55 P(wait)", q.prob_wait(), 0.238701, 6);
    assert_published("V2 N=55 SL", q.service_level(15.0), 0.845883, 6);
    assert_published("V2 N=55 ASA", q.asa_s(), 8.184, 4);
    assert_published("V2 N=55 occupancy", q.occupancy(), 0.8727, 4);
    for (n, wait, sl) in [(52.0, 0.466031, 0.637055), (58.0, 0.111394, 0.940375)] {
        let q = ErlangC::new(360.0 / 1800.0, 240.0, n).unwrap();
        assert_published(&format!("V2 N={n} P(wait)"), q.prob_wait(), wait, 6);
        assert_published(&format!("V2 N={n} SL"), q.service_level(15.0), sl, 6);
    }
}

/// V3 and beyond: sizes where the factorial form overflows.
#[test]
fn v3_and_large_systems() {
    let q = ErlangC::new(1.0, 1_000.0, 1_050.0).unwrap();
    assert_published("V3 A=1000 N=1050 P(wait)", q.prob_wait(), 7.440e-2, 4);
    for (load, agents) in [
        (4_800.0, 5_000.0),
        (4_999.0, 5_000.0),
        (49_000.0, 50_000.0),
        (1e6, 1.001e6),
    ] {
        let c = ErlangC::new(load / 300.0, 300.0, agents).unwrap();
        let a = ErlangA::new(load / 300.0, 300.0, 120.0, agents).unwrap();
        for v in [
            c.prob_wait(),
            c.service_level(20.0),
            c.asa_s(),
            c.occupancy(),
        ] {
            assert!(
                v.is_finite() && v >= 0.0,
                "Erlang C A={load} N={agents}: {v}"
            );
        }
        for v in [
            a.prob_wait(),
            a.prob_abandon(),
            a.service_level(20.0),
            a.asa_s(),
            a.occupancy(),
        ] {
            assert!(
                v.is_finite() && v >= 0.0,
                "Erlang A A={load} N={agents}: {v}"
            );
        }
        assert!(c.prob_wait() >= a.prob_wait());
    }
}

/// Erlang A, pyworkforce `queuing/tests/test_abandonment.py` (anchors §4): λ = 100/30 per
/// min, AHT 3 min, mean patience 5 min, 14 agents.
#[test]
fn erlang_a_case() {
    let q = ErlangA::new(100.0 / 1800.0, 180.0, 300.0, 14.0).unwrap();
    assert_published("Erlang A P(W>0)", q.prob_wait(), 0.145260, 6);
    assert_published("Erlang A P(Ab)", q.prob_abandon(), 0.013984, 5);
    assert_published("Erlang A E[W] (min)", q.asa_s() / 60.0, 0.069919, 5);
    assert_published("Erlang A occupancy", q.occupancy(), 0.704297, 6);
    assert_published("Erlang A SL(20 s)", q.service_level(20.0), 0.916792, 6);
}

/// pyworkforce `queuing/tests/test_erlang.py`: required_positions with shrinkage 0.3.
#[test]
fn pyworkforce_required_positions() {
    for (max_occupancy, raw, positions, sl, occupancy, wait) in [
        (0.85, 14, 20, 0.888, 0.714, 0.174),
        (0.7, 15, 22, 0.941, 0.667, 0.102),
    ] {
        let problem = StaffingProblem {
            targets: Targets {
                service_level: Some(ServiceLevelTarget {
                    fraction: 0.8,
                    threshold_s: 20.0,
                }),
                max_occupancy: Some(max_occupancy),
                ..Targets::default()
            },
            shrinkage: 0.3,
            ..StaffingProblem::new(100.0 / 1800.0, 180.0, Model::ErlangC)
        };
        let StaffingOutcome::Staffed(plan) = required_agents(&problem).unwrap() else {
            panic!("no plan for max occupancy {max_occupancy}");
        };
        assert_eq!(
            (plan.raw_agents, plan.agents_with_shrinkage),
            (raw, positions)
        );
        assert_published("SL", plan.achieved.service_level.unwrap(), sl, 3);
        assert_published("occupancy", plan.achieved.occupancy, occupancy, 3);
        assert_published("P(wait)", plan.achieved.prob_wait, wait, 3);
    }
}
