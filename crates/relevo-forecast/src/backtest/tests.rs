use expect_test::expect;

use super::*;
use crate::test_util::{EXACT, noisy_pattern, weekly_pattern};
use crate::{Interval, Weekday};

fn series(s1: usize, y: Vec<f64>) -> Series {
    let interval = Interval::ALL
        .into_iter()
        .find(|i| i.slots_per_day() == s1)
        .unwrap();
    Series::new(interval, Weekday::Monday, y).unwrap()
}

#[test]
fn a_pure_weekly_pattern_makes_seasonal_naive_exact_and_chosen() {
    let s = series(96, weekly_pattern(96, 4));
    let b = backtest(&s, &Exceptions::new(), &BacktestConfig::new(14, 4)).unwrap();
    let sn = b.scores[0].accuracy.unwrap();
    assert_eq!(
        (sn.points, sn.mae, sn.rmse, sn.wmape),
        (14 * 96, 0.0, 0.0, Some(0.0))
    );
    // The in-sample weekly naive error is 0 too, so MASE is undefined.
    assert_eq!(sn.mase, None);
    assert_eq!(b.chosen_method(), Method::SeasonalNaive);
    assert_eq!(b.origin_days, (14..28).collect::<Vec<_>>());
}

/// Daily + weekly pattern plus noise: smoothing beats copying last week.
#[test]
fn taylor_beats_seasonal_naive_on_a_noisy_double_seasonal_series() {
    for (s1, seed) in [(24, 1), (96, 2)] {
        let s = series(s1, noisy_pattern(s1, 6, 1.0, seed));
        let b = backtest(&s, &Exceptions::new(), &BacktestConfig::new(14, 4)).unwrap();
        let wmape = |i: usize| b.scores[i].accuracy.unwrap().wmape.unwrap();
        assert!(wmape(2) < 0.9 * wmape(0), "{}", b.render_table());
        assert!(
            b.scores[2].accuracy.unwrap().mase.unwrap() < 1.0,
            "{}",
            b.render_table()
        );
        assert_ne!(b.chosen_method(), Method::SeasonalNaive);
    }
}

#[test]
fn exception_days_are_not_scored() {
    let y = weekly_pattern(24, 4);
    let mut broken = y.clone();
    broken[26 * 24..27 * 24].iter_mut().for_each(|v| *v = 0.0);
    let mut exceptions = Exceptions::new();
    exceptions.exclude_day(26);
    let b = backtest(&series(24, broken), &exceptions, &BacktestConfig::new(7, 4)).unwrap();
    let sn = b.scores[0].accuracy.unwrap();
    assert_eq!((sn.points, sn.mae), (6 * 24, 0.0));
}

#[test]
fn too_short_for_the_backtest() {
    let s = series(24, weekly_pattern(24, 2));
    let err = backtest(&s, &Exceptions::new(), &BacktestConfig::new(10, 4)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a backtest over 10 days needs at least 17 days of history, the series has 14"
    );
}

#[test]
fn ties_go_to_the_simpler_method() {
    let score = |w: f64| MethodScore {
        method: Method::SeasonalNaive,
        accuracy: Some(Accuracy {
            points: 1,
            mae: w,
            rmse: w,
            wmape: Some(w),
            mase: None,
        }),
    };
    assert_eq!(choose(&[score(0.2), score(0.2), score(0.2 + EXACT)]), 0);
    assert_eq!(choose(&[score(0.2), score(0.1), score(0.1)]), 1);
}

/// A hand-worked two-origin backtest: day-level numbers on an hourly series that is constant
/// within each day, so every error of a day is the same.
#[test]
fn hand_worked_table() {
    // Nine days, hourly, each day flat: day values 10,10,10,10,10,10,10, 12, 6.
    let day_values = [10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 12.0, 6.0];
    let y: Vec<f64> = day_values
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, 24))
        .collect();
    let config = BacktestConfig {
        methods: vec![Method::SeasonalNaive, Method::WeekdayMean { weeks: 2 }],
        ..BacktestConfig::new(2, 2)
    };
    let b = backtest(&series(24, y), &Exceptions::new(), &config).unwrap();
    // Origin 7: ŷ = day 0 = 10, y = 12: e = 2 ×24.  Origin 8: ŷ = day 1 = 10, y = 6: e = −4 ×24.
    // Both methods agree (only one week of history). MAE = 3, RMSE = √10, wMAPE = 144/432 = 1/3.
    // MASE: origin 7 has no in-sample pair (q undefined) → n/a.
    expect![[r#"
        method                  points       MAE      RMSE   wMAPE   MASE
        seasonal-naive              48     3.000     3.162  33.33%    n/a
        weekday-mean(k=2)           48     3.000     3.162  33.33%    n/a
        chosen: seasonal-naive (lowest wMAPE)
    "#]]
    .assert_eq(&b.render_table());
}
