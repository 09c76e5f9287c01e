//! Unit tests: ln Γ, the queue tail series and the fractional Erlang B against direct sums and quadrature.

use super::*;

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs().max(1.0)
}

#[test]
fn ln_gamma_matches_factorials_and_half_integers() {
    let mut factorial = 1.0_f64;
    for n in 1..=30 {
        // Γ(n + 1) = n!
        factorial *= f64::from(n);
        assert!(
            close(ln_gamma(f64::from(n) + 1.0), factorial.ln(), 1e-14),
            "n = {n}"
        );
    }
    assert!(ln_gamma(1.0).abs() < 1e-14);
    assert!(ln_gamma(2.0).abs() < 1e-14);
    assert!(close(ln_gamma(0.5), 0.5 * std::f64::consts::PI.ln(), 1e-14));
    // ln Γ(1000) = 5905.220423209181 (A&S table / mpmath).
    assert!(close(ln_gamma(1000.0), 5_905.220_423_209_181, 1e-14));
    assert!(close(ln_gamma(1e-3), 6.907_178_885_383_853, 1e-13));
}

/// The plain sum, for loads where it cannot overflow.
fn naive(a: f64, z: f64) -> (f64, f64) {
    let (mut sum, mut weighted, mut term) = (1.0, 0.0, 1.0);
    for n in 1..100_000 {
        term *= z / (a + f64::from(n));
        sum += term;
        weighted += f64::from(n) * term;
    }
    (sum, weighted / sum)
}

#[test]
fn tail_sum_matches_the_plain_sum() {
    for &(a, z) in &[
        (1.0, 0.5),
        (42.0, 40.0),
        (2.5, 7.0),
        (150.0, 300.0),
        (1e-3, 20.0),
        (700.0, 700.0),
    ] {
        let got = tail_sum(a, z);
        let (sum, mean) = naive(a, z);
        assert!(
            close(got.ln_sum.exp(), sum, 1e-12),
            "a = {a}, z = {z}: {} vs {sum}",
            got.ln_sum.exp()
        );
        assert!(close(got.mean_index, mean, 1e-12), "a = {a}, z = {z}");
    }
    assert_eq!(
        tail_sum(3.0, 0.0),
        TailSum {
            ln_sum: 0.0,
            mean_index: 0.0
        }
    );
}

#[test]
fn tail_sum_survives_heavy_overload() {
    // The largest term is e^{~10^5}: only its logarithm fits in a double.
    let t = tail_sum(1_000.0, 200_000.0);
    assert!(t.ln_sum.is_finite() && t.ln_sum > 700.0);
    // Its terms peak near n = z − a, so the mean index is close to that.
    assert!((t.mean_index - 199_000.0).abs() < 10.0, "{}", t.mean_index);
    // Across the switch from a direct log sum to ln Γ at a peak index of 4096.
    let below = tail_sum(10.0, 4_105.5);
    let above = tail_sum(10.0, 4_106.5);
    assert!(above.ln_sum > below.ln_sum);
    assert!(above.ln_sum - below.ln_sum < 10.0);
}

/// `A ∫_0^∞ e^{-A t} (1 + t)^f dt` by the trapezoid rule on a fine grid.
fn inv_b_by_quadrature(f: f64, load: f64) -> f64 {
    let upper = 60.0 / load;
    let steps = 400_000;
    let h = upper / f64::from(steps);
    let g = |t: f64| load * (-load * t).exp() * (1.0 + t).powf(f);
    let mut acc = 0.5 * (g(0.0) + g(upper));
    for i in 1..steps {
        acc += g(f64::from(i) * h);
    }
    acc * h
}

#[test]
fn fractional_erlang_b_matches_its_integral() {
    for &f in &[0.1, 0.5, 0.9] {
        for &load in &[0.3, 1.5, 2.9, 3.1, 10.0, 200.0] {
            let got = inv_erlang_b_fraction(f, load);
            let want = inv_b_by_quadrature(f, load);
            assert!(
                close(got, want, 1e-7),
                "f = {f}, A = {load}: {got} vs {want}"
            );
        }
    }
    assert_eq!(inv_erlang_b_fraction(0.0, 5.0), 1.0);
    assert_eq!(inv_erlang_b_fraction(0.5, 0.0), f64::INFINITY);
}
