use super::*;

/// Hourly: s1 = 24, s2 = 168. Builds three weeks where week w has value 10·(w+1) everywhere.
fn three_weeks() -> Vec<f64> {
    (0..3)
        .flat_map(|w| std::iter::repeat_n(10.0 * f64::from(w + 1), 168))
        .collect()
}

#[test]
fn seasonal_naive_is_last_week_and_skips_exception_days() {
    let y = three_weeks();
    let mut flags = vec![false; 28];
    let w = Window {
        offered: &y,
        aht_s: None,
        s1: 24,
        exception_days: &flags,
    };
    let f = w.weekday_mean(1, 504, 24).unwrap();
    assert!(f.iter().all(|v| *v == 30.0));
    // Day 14 (the Monday of week 3) is an exception: the next Monday reaches back to week 2.
    flags[14] = true;
    let w = Window {
        offered: &y,
        aht_s: None,
        s1: 24,
        exception_days: &flags,
    };
    assert!(
        w.weekday_mean(1, 504, 24)
            .unwrap()
            .iter()
            .all(|v| *v == 20.0)
    );
    // The Tuesday is unaffected.
    assert!(
        w.weekday_mean(1, 528, 24)
            .unwrap()
            .iter()
            .all(|v| *v == 30.0)
    );
}

#[test]
fn weekday_mean_uses_at_most_the_available_weeks() {
    let y = three_weeks();
    let flags = vec![false; 35];
    let w = Window {
        offered: &y,
        aht_s: None,
        s1: 24,
        exception_days: &flags,
    };
    assert_eq!(w.weekday_mean(2, 504, 1).unwrap(), vec![25.0]);
    assert_eq!(w.weekday_mean(9, 504, 1).unwrap(), vec![20.0]);
    // Two weeks ahead: the last week is not yet observed for that target, so lags 2 and 3.
    assert_eq!(w.weekday_mean(2, 504 + 168, 1).unwrap(), vec![25.0]);
}

#[test]
fn averaging_needs_a_week() {
    let y = vec![1.0; 100];
    let flags = vec![false; 10];
    let w = Window {
        offered: &y,
        aht_s: None,
        s1: 24,
        exception_days: &flags,
    };
    let err = w.weekday_mean(1, 100, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "an averaging forecast of interval 100 needs at least 7 days of history, the series has 4"
    );
}

#[test]
fn aht_is_volume_weighted_with_fallbacks() {
    // Two weeks hourly. Slot 0 of day 0: 1 call of 600 s; slot 0 of day 7: 3 calls of 200 s.
    let mut y = vec![0.0; 336];
    let mut a = vec![0.0; 336];
    (y[0], a[0]) = (1.0, 600.0);
    (y[168], a[168]) = (3.0, 200.0);
    // Slot 5 of day 3 only: 2 calls of 100 s.
    (y[77], a[77]) = (2.0, 100.0);
    let flags = vec![false; 21];
    let w = Window {
        offered: &y,
        aht_s: Some(&a),
        s1: 24,
        exception_days: &flags,
    };
    let f = w.aht_s(2, 336, 24).unwrap();
    // (1·600 + 3·200) / 4 = 300.
    assert_eq!(f[0], 300.0);
    // Slot 5 of day 14 (a Monday): no Monday volume at slot 5, falls back to slot 5 of any day.
    assert_eq!(f[5], 100.0);
    // Slot 9: no volume at slot 9 ever: the overall mean (600 + 600 + 200) / 6.
    assert!((f[9] - 1400.0 / 6.0).abs() < 1e-12);
    let none = Window {
        offered: &y,
        aht_s: None,
        s1: 24,
        exception_days: &flags,
    };
    assert!(none.aht_s(2, 336, 24).is_none());
}
