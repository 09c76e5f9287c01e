use super::*;
use crate::test_util::{EXACT, noisy_pattern, weekly_pattern};

#[test]
fn a_pure_weekly_pattern_is_reproduced() {
    let y = weekly_pattern(24, 3);
    let fit = fit_taylor(&y, 24, &[false; 21], TaylorConfig::default()).unwrap();
    assert!(fit.sse < EXACT, "sse = {}", fit.sse);
    for (f, want) in fit.forecast(168).iter().zip(&y[..168]) {
        assert!((f - want).abs() < 1e-6);
    }
}

#[test]
fn needs_a_week() {
    let err = fit_taylor(&[1.0; 100], 24, &[], TaylorConfig::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ForecastError::InsufficientHistory {
                needed_days: 7,
                have_days: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn fitted_parameters_are_in_bounds_and_beat_the_starting_point() {
    let y = noisy_pattern(24, 4, 1.0, 7);
    for config in [
        TaylorConfig::default(),
        TaylorConfig {
            ar1: true,
            ..TaylorConfig::default()
        },
        TaylorConfig {
            trend: true,
            ar1: true,
            init_weeks: 1,
        },
    ] {
        let fit = fit_taylor(&y, 24, &[], config).unwrap();
        let p = fit.params;
        for v in [p.alpha, p.gamma, p.delta, p.omega] {
            assert!((0.0..=1.0).contains(&v), "{p:?}");
        }
        assert!((0.0..=0.99).contains(&p.lambda));
        assert!(config.trend || p.gamma == 0.0);
        assert!(config.ar1 || p.lambda == 0.0);
        let start = TaylorParams {
            alpha: 0.1,
            gamma: 0.01,
            delta: 0.05,
            omega: 0.05,
            lambda: 0.2,
        };
        let at_start = run_taylor(&y, 24, &[], config, start).unwrap();
        assert!(
            fit.sse <= at_start.sse,
            "{config:?}: {} > {}",
            fit.sse,
            at_start.sse
        );
        assert_eq!(fit.fitted_points, y.len());
    }
}

/// Exception days are left out: whatever they contain, the fit and the forecast are the same.
#[test]
fn exception_days_change_nothing() {
    let y = noisy_pattern(24, 4, 1.0, 11);
    let mut flags = vec![false; 28];
    for d in [3, 16, 17] {
        flags[d] = true;
    }
    let mut spiked = y.clone();
    for d in [3, 16, 17] {
        for v in &mut spiked[d * 24..(d + 1) * 24] {
            *v = 5000.0 - *v;
        }
    }
    for config in [
        TaylorConfig::default(),
        TaylorConfig {
            ar1: true,
            trend: true,
            init_weeks: 2,
        },
    ] {
        let a = fit_taylor(&y, 24, &flags, config).unwrap();
        let b = fit_taylor(&spiked, 24, &flags, config).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.fitted_points, y.len() - 3 * 24);
        // And it differs from a fit that does see the spikes.
        let c = fit_taylor(&spiked, 24, &[], config).unwrap();
        assert_ne!(a.params, c.params);
    }
}

#[test]
fn ar1_decays_over_the_horizon() {
    let y = noisy_pattern(24, 4, 1.0, 3);
    let config = TaylorConfig {
        ar1: true,
        ..TaylorConfig::default()
    };
    let fit = fit_taylor(&y, 24, &[], config).unwrap();
    let without = run_taylor(&y, 24, &[], TaylorConfig::default(), fit.params).unwrap();
    let (a, b) = (fit.forecast(48), without.forecast(48));
    let lambda = fit.params.lambda;
    // The adjustment at step k is λ^k e_n, so the gap shrinks geometrically (where not clamped).
    let gaps: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    if lambda > 0.0 && gaps[0].abs() > 1e-9 && a[0] > 0.0 && a[1] > 0.0 && b[0] > 0.0 && b[1] > 0.0
    {
        assert!((gaps[1] / gaps[0] - lambda).abs() < 1e-9);
    }
    assert!(gaps[47].abs() <= gaps[0].abs() + 1e-12);
}
