use super::*;
use crate::test_util::weekly_pattern;
use crate::{DayProfile, Interval, Weekday};

fn hourly(y: Vec<f64>) -> Series {
    Series::new(Interval::Min60, Weekday::Sunday, y).unwrap()
}

fn config(horizon_intervals: usize) -> ForecastConfig {
    ForecastConfig {
        horizon_intervals,
        aht_weeks: 4,
    }
}

#[test]
fn every_method_reproduces_a_pure_weekly_pattern() {
    let y = weekly_pattern(24, 3);
    let history = hourly(y[..2 * 168].to_vec());
    for method in Method::candidates(3) {
        let f = forecast(&history, &Exceptions::new(), &method, &config(168)).unwrap();
        assert_eq!(f.start, 336);
        for (got, want) in f.offered.iter().zip(&y[336..]) {
            assert!(
                (got - want).abs() < 1e-6,
                "{}: {got} vs {want}",
                method.name()
            );
        }
    }
}

#[test]
fn a_history_ending_mid_day_and_a_horizon_over_a_week() {
    let y = weekly_pattern(24, 3);
    let history = hourly(y[..2 * 168 + 5].to_vec());
    let f = forecast(
        &history,
        &Exceptions::new(),
        &Method::SeasonalNaive,
        &config(200),
    )
    .unwrap();
    assert_eq!(f.offered.len(), 200);
    for (k, got) in f.offered.iter().enumerate() {
        assert_eq!(*got, y[(341 + k) % 168]);
    }
}

#[test]
fn profiles_shape_future_exception_days() {
    let y = weekly_pattern(24, 2);
    let history = hourly(y.clone());
    let mut exceptions = Exceptions::new();
    exceptions
        .define_profile("closed", DayProfile::Scale { factor: 0.0 })
        .unwrap();
    exceptions
        .define_profile(
            "like-day-1",
            DayProfile::ShapeOf {
                day: 1,
                volume_factor: 0.5,
            },
        )
        .unwrap();
    exceptions.mark_day(14, "closed").unwrap();
    exceptions.mark_day(15, "like-day-1").unwrap();
    let method = Method::WeekdayMean { weeks: 2 };
    let f = forecast(&history, &exceptions, &method, &config(72)).unwrap();
    assert!(f.offered[..24].iter().all(|v| *v == 0.0));
    // Day 15 is a Monday like day 1: its normal forecast *is* day 1, so the result is half of it.
    for (got, want) in f.offered[24..48].iter().zip(&y[24..48]) {
        assert!((got - 0.5 * want).abs() < 1e-9);
    }
    assert_eq!(&f.offered[48..], &y[48..72]);
}

#[test]
fn aht_follows_the_history_and_is_absent_without_it() {
    let y = weekly_pattern(24, 2);
    let aht: Vec<f64> = (0..y.len()).map(|t| 200.0 + (t % 24) as f64).collect();
    let history = hourly(y).with_aht_s(aht).unwrap();
    let f = forecast(
        &history,
        &Exceptions::new(),
        &Method::SeasonalNaive,
        &config(24),
    )
    .unwrap();
    let got = f.aht_s.unwrap();
    assert_eq!(got[11], 211.0);
    let plain = hourly(weekly_pattern(24, 2));
    assert!(
        forecast(
            &plain,
            &Exceptions::new(),
            &Method::SeasonalNaive,
            &config(24)
        )
        .unwrap()
        .aht_s
        .is_none()
    );
}

#[test]
fn names() {
    let names: Vec<String> = Method::candidates(4).iter().map(Method::name).collect();
    assert_eq!(
        names,
        [
            "seasonal-naive",
            "weekday-mean(k=4)",
            "taylor",
            "taylor+ar1"
        ]
    );
}
