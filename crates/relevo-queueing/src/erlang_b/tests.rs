//! Unit tests: Erlang B against the factorial form, at large sizes and for fractional agents.

use super::*;

/// `(A^N/N!) / Σ_{k≤N} A^k/k!`, fine for small N.
fn by_factorials(load: f64, agents: u32) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=agents {
        term *= load / f64::from(k);
        sum += term;
    }
    term / sum
}

#[test]
fn matches_the_factorial_form() {
    for agents in 1..=40 {
        for &load in &[0.5, 3.0, 10.0, 25.0] {
            let b = erlang_b(load, f64::from(agents)).unwrap();
            let want = by_factorials(load, agents);
            assert!(
                (b - want).abs() <= 1e-13 * want.max(1e-300),
                "N = {agents}, A = {load}"
            );
        }
    }
    assert_eq!(erlang_b(1.0, 1.0).unwrap(), 0.5);
    assert!((erlang_b(1.0, 2.0).unwrap() - 0.2).abs() < 1e-15);
}

#[test]
fn large_systems_neither_overflow_nor_turn_nan() {
    for &(load, agents) in &[(4_800.0, 5_000.0), (1_000.0, 1_050.0), (50_000.0, 50_500.0)] {
        let b = erlang_b(load, agents).unwrap();
        assert!(
            b.is_finite() && b > 0.0 && b < 1.0,
            "A = {load}, N = {agents}: {b}"
        );
    }
    // Far more agents than load: B underflows to exactly zero, not NaN.
    assert_eq!(erlang_b(1.0, 1e6).unwrap(), 0.0);
    // No load: nobody is blocked.
    assert_eq!(erlang_b(0.0, 3.5).unwrap(), 0.0);
}

#[test]
fn fractional_agents_are_continuous_and_decreasing() {
    let load = 10.0;
    let mut previous = 1.0;
    for tenth in 1..=200 {
        let agents = f64::from(tenth) / 10.0;
        let b = erlang_b(load, agents).unwrap();
        assert!(b < previous, "B must fall as agents grow: N = {agents}");
        previous = b;
    }
    for n in 1..=20 {
        let at = erlang_b(load, f64::from(n)).unwrap();
        let just_above = erlang_b(load, f64::from(n) + 1e-9).unwrap();
        assert!((at - just_above).abs() < 1e-8 * at, "continuity at N = {n}");
    }
}

#[test]
fn rejects_bad_input() {
    assert!(erlang_b(-1.0, 5.0).is_err());
    assert!(erlang_b(f64::NAN, 5.0).is_err());
    assert!(erlang_b(1.0, 0.0).is_err());
    assert!(erlang_b(1.0, f64::INFINITY).is_err());
    assert!(erlang_b(1.0, 2e7).is_err());
    let err = erlang_b(1.0, -2.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "agents must be a number of agents above 0 and at most 1e7, got -2"
    );
}
