use super::*;

#[test]
fn interval_slots() {
    let got: Vec<(u32, usize, usize)> = Interval::ALL
        .iter()
        .map(|i| (i.seconds(), i.slots_per_day(), i.slots_per_week()))
        .collect();
    assert_eq!(
        got,
        vec![
            (300, 288, 2016),
            (900, 96, 672),
            (1800, 48, 336),
            (3600, 24, 168)
        ]
    );
    assert_eq!(
        Interval::from_seconds(600),
        Err(ForecastError::UnsupportedInterval { seconds: 600 })
    );
}

#[test]
fn weekday_arithmetic() {
    assert_eq!(Weekday::from_monday0(6), Ok(Weekday::Sunday));
    assert_eq!(Weekday::Sunday.plus_days(1), Weekday::Monday);
    assert_eq!(Weekday::Friday.plus_days(16), Weekday::Sunday);
    assert!(Weekday::from_monday0(7).is_err());
}

#[test]
fn rejects_bad_values_and_lengths() {
    let err = Series::new(Interval::Min60, Weekday::Monday, vec![1.0, -2.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "offered[1] = -2: must be finite and not negative"
    );
    let s = Series::new(Interval::Min60, Weekday::Monday, vec![1.0; 3]).unwrap();
    let err = s.with_aht_s(vec![1.0]).unwrap_err();
    assert_eq!(err.to_string(), "aht_s has 1 values, expected 3");
}

#[test]
fn days_and_prefix() {
    let s = Series::new(Interval::Min60, Weekday::Saturday, vec![1.0; 50]).unwrap();
    assert_eq!((s.days(), s.full_days()), (3, 2));
    assert_eq!(s.weekday_of_day(2), Weekday::Monday);
    assert_eq!(s.prefix(24).len(), 24);
    assert_eq!(s.prefix(99).len(), 50);
}
