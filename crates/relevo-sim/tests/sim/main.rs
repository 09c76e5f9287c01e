//! The simulator against closed forms: Erlang C (M/M/N) and Erlang A (M/M/N+M) from
//! `relevo-queueing`, for stationary single queues, underloaded and overloaded.
//!
//! Each case simulates a one-hour warm-up phase followed by a measured phase, in `R`
//! independent replications, and checks that the exact value lies within the simulated
//! 95 % confidence interval widened by [`WIDEN`]. By default the cases are short (a few
//! tens of thousands of contacts, well under a second); with `RELEVO_SLOW_TESTS=1` (CI sets
//! it) they run about 25 times longer and the intervals are about 5 times narrower.

use relevo_queueing::{ErlangA, ErlangC};
use relevo_sim::{Distribution, Estimate, Phase, RunConfig, Scenario, Slice, run};

/// The 95 % half width is multiplied by this before checking coverage: with many measures
/// checked, a plain 95 % interval would miss now and then by chance alone (1.5 × t₀.₉₇₅ ≈ 3σ).
const WIDEN: f64 = 1.5;

#[allow(clippy::disallowed_methods)] // the test's one read of the environment
fn slow_tests_enabled() -> bool {
    std::env::var("RELEVO_SLOW_TESTS").is_ok_and(|v| v == "1")
}

struct Case {
    arrivals_per_s: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    agents: u32,
    threshold_s: f64,
}

/// Replications and measured hours for the current mode.
fn budget() -> (u32, usize) {
    if slow_tests_enabled() {
        (50, 200)
    } else {
        (20, 10)
    }
}

fn simulate(case: &Case, seed: u64) -> Slice {
    let (replications, hours) = budget();
    let mut s = Scenario::single_queue(
        case.arrivals_per_s,
        3600.0,
        1 + hours,
        case.agents,
        Distribution::exponential(case.aht_s).unwrap(),
        case.patience_s
            .map(|p| Distribution::exponential(p).unwrap()),
        case.threshold_s,
    );
    s.phases = vec![
        Phase {
            name: "warm-up".into(),
            intervals: 0..1,
            shares: vec![1.0],
        },
        Phase {
            name: "measured".into(),
            intervals: 1..1 + hours,
            shares: vec![1.0],
        },
    ];
    let mut report = run(&s, &RunConfig { replications, seed }).unwrap();
    report.phases.remove(1)
}

fn check(name: &str, got: Estimate, exact: f64, max_half_width: f64) {
    let (_, hours) = budget();
    let max_half_width = max_half_width / if hours > 10 { 4.0 } else { 1.0 };
    assert!(
        got.covers(exact, WIDEN),
        "{name}: simulated {:.5} ± {:.5}, exact {exact:.5}",
        got.mean,
        got.half_width
    );
    assert!(
        got.half_width <= max_half_width,
        "{name}: interval too wide to mean much: ± {:.5}",
        got.half_width
    );
}

#[test]
fn erlang_c_published_case() {
    // Anchors §4 V1: 100 calls per 30 min, AHT 180 s, 14 agents: SL(20 s) 0.88835, ASA 7.836 s.
    let case = Case {
        arrivals_per_s: 100.0 / 1800.0,
        aht_s: 180.0,
        patience_s: None,
        agents: 14,
        threshold_s: 20.0,
    };
    let exact = ErlangC::new(case.arrivals_per_s, case.aht_s, 14.0).unwrap();
    assert!((exact.service_level(20.0) - 0.88835).abs() < 1e-5);
    let got = simulate(&case, 11);
    check(
        "service level",
        got.all.service_level,
        exact.service_level(20.0),
        0.03,
    );
    check("ASA", got.all.asa_s, exact.asa_s(), 3.0);
    assert_eq!(got.all.abandoned.mean, 0.0);
}

#[test]
fn erlang_c_heavy_load() {
    // ρ = 0.95 with 50 agents: long waits, slow to settle; the strictest Erlang C check.
    let case = Case {
        arrivals_per_s: 47.5 / 180.0,
        aht_s: 180.0,
        patience_s: None,
        agents: 50,
        threshold_s: 30.0,
    };
    let exact = ErlangC::new(case.arrivals_per_s, case.aht_s, 50.0).unwrap();
    let got = simulate(&case, 12);
    check(
        "service level",
        got.all.service_level,
        exact.service_level(30.0),
        0.1,
    );
    check("ASA", got.all.asa_s, exact.asa_s(), 30.0);
}

#[test]
fn erlang_a_published_case() {
    // Anchors §4: λ = 100/30 min, AHT 3 min, patience 5 min, 14 agents:
    // P(Ab) 0.013984, E[W] 0.069919 min, SL(20 s) 0.916792.
    let case = Case {
        arrivals_per_s: 100.0 / 1800.0,
        aht_s: 180.0,
        patience_s: Some(300.0),
        agents: 14,
        threshold_s: 20.0,
    };
    let exact = ErlangA::new(case.arrivals_per_s, case.aht_s, 300.0, 14.0).unwrap();
    assert!((exact.prob_abandon() - 0.013984).abs() < 1e-6);
    let got = simulate(&case, 13);
    check(
        "service level",
        got.all.service_level,
        exact.service_level(20.0),
        0.03,
    );
    check(
        "abandonment",
        got.all.abandonment,
        exact.prob_abandon(),
        0.01,
    );
    check("mean wait", got.all.mean_wait_s, exact.asa_s(), 2.0);
}

#[test]
fn erlang_a_overloaded() {
    // 60 erlangs on 50 agents (ρ = 1.2), mean patience 2 minutes: Erlang C has no steady
    // state, Erlang A does, and about a sixth of callers must hang up (fluid limit 1 − 1/ρ).
    let case = Case {
        arrivals_per_s: 60.0 / 180.0,
        aht_s: 180.0,
        patience_s: Some(120.0),
        agents: 50,
        threshold_s: 20.0,
    };
    assert!(ErlangC::new(case.arrivals_per_s, case.aht_s, 50.0).is_err());
    let exact = ErlangA::new(case.arrivals_per_s, case.aht_s, 120.0, 50.0).unwrap();
    assert!(exact.prob_abandon() > 1.0 - 1.0 / 1.2);
    let got = simulate(&case, 14);
    check(
        "abandonment",
        got.all.abandonment,
        exact.prob_abandon(),
        0.01,
    );
    check(
        "service level",
        got.all.service_level,
        exact.service_level(20.0),
        0.03,
    );
    check("mean wait", got.all.mean_wait_s, exact.asa_s(), 3.0);
    // Agents are (almost) always busy: answered per hour ≈ N / AHT · 3600 = 1000.
    let (_, hours) = budget();
    let answered_per_hour = got.all.answered.mean / hours as f64;
    assert!(
        (answered_per_hour - 1000.0).abs() < 20.0,
        "{answered_per_hour}"
    );
}

#[test]
fn erlang_a_benchmark_case() {
    // The benchmark's M/M/50+M: 48 erlangs on 50 agents, AHT 180 s, patience 120 s.
    let case = Case {
        arrivals_per_s: 48.0 / 180.0,
        aht_s: 180.0,
        patience_s: Some(120.0),
        agents: 50,
        threshold_s: 20.0,
    };
    let exact = ErlangA::new(case.arrivals_per_s, case.aht_s, 120.0, 50.0).unwrap();
    let got = simulate(&case, 15);
    check(
        "service level",
        got.all.service_level,
        exact.service_level(20.0),
        0.03,
    );
    check(
        "abandonment",
        got.all.abandonment,
        exact.prob_abandon(),
        0.01,
    );
    check("mean wait", got.all.mean_wait_s, exact.asa_s(), 2.0);
}
