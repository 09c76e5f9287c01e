//! Unit tests: the t quantile table and expansion, intervals, ratio measures.

use super::*;

#[test]
fn t_quantile_joins_the_table_smoothly() {
    // Published t₀.₉₇₅ for ν = 40, 60, 120 (A&S table 26.10): 2.021075, 2.000298, 1.979930.
    for (df, want) in [(40, 2.021_075), (60, 2.000_298), (120, 1.979_930)] {
        assert!((t_975(df) - want).abs() < 2e-6, "ν = {df}: {}", t_975(df));
    }
    assert!((t_975(31) - 2.039_513).abs() < 2e-6);
    assert!((t_975(1_000_000) - 1.959_966).abs() < 1e-5);
    let mut previous = f64::INFINITY;
    for df in 0..200 {
        assert!(t_975(df) < previous || df == 0);
        previous = t_975(df);
    }
}

#[test]
fn estimates() {
    let e = Estimate::from_values(&[]);
    assert_eq!(e.replications, 0);
    assert!(e.mean.is_nan());
    let e = Estimate::from_values(&[3.0]);
    assert_eq!((e.mean, e.half_width), (3.0, f64::INFINITY));
    let e = Estimate::from_values(&[1.0, 1.0, 1.0]);
    assert_eq!((e.mean, e.half_width), (1.0, 0.0));
    assert!(e.covers(1.0, 1.0) && !e.covers(1.1, 1.0));
}

#[test]
fn ratio_measures_skip_empty_replications() {
    let full = Counters {
        offered: 10,
        answered: 8,
        answered_within_t: 6,
        abandoned: 2,
        wait_answered_s: 80.0,
        wait_all_s: 100.0,
        ..Counters::default()
    };
    assert_eq!(full.service_level(), Some(0.6));
    assert_eq!(full.asa_s(), Some(10.0));
    assert_eq!(full.abandonment(), Some(0.2));
    assert_eq!(full.mean_wait_s(), Some(10.0));
    let m = Measures::from_replications(&[full, Counters::default()]);
    assert_eq!(m.offered.replications, 2);
    assert_eq!(m.offered.mean, 5.0);
    assert_eq!(m.service_level.replications, 1);
    assert_eq!(m.service_level.mean, 0.6);
}
