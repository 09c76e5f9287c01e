use super::*;
use crate::{Interval, Weekday};

fn history() -> Series {
    // two days of hourly data; day 1 is a "half day" with volume only in the morning.
    let mut y = vec![10.0; 24];
    y.extend((0..24).map(|h| if h < 12 { 4.0 } else { 0.0 }));
    Series::new(Interval::Min60, Weekday::Monday, y).unwrap()
}

#[test]
fn unknown_profile_is_an_error() {
    let mut e = Exceptions::new();
    assert_eq!(
        e.mark_day(3, "xmas"),
        Err(ForecastError::UnknownProfile {
            name: "xmas".into()
        })
    );
    assert!(
        e.define_profile("neg", DayProfile::Scale { factor: -1.0 })
            .is_err()
    );
}

#[test]
fn scale_and_shape_profiles() {
    let mut e = Exceptions::new();
    e.define_profile("closed", DayProfile::Scale { factor: 0.0 })
        .unwrap();
    e.define_profile(
        "half",
        DayProfile::ShapeOf {
            day: 1,
            volume_factor: 0.5,
        },
    )
    .unwrap();
    e.mark_day(2, "closed").unwrap();
    e.mark_day(3, "half").unwrap();
    e.exclude_day(4);
    let mut normal = vec![2.0; 24 * 3]; // days 2, 3, 4: normal total 48 a day
    apply_profiles(&history(), &e, 48, &mut normal).unwrap();
    assert!(normal[..24].iter().all(|v| *v == 0.0));
    // day 3: half of 48 = 24 spread over the 12 morning hours of day 1 = 2 each.
    assert!(normal[24..36].iter().all(|v| *v == 2.0));
    assert!(normal[36..48].iter().all(|v| *v == 0.0));
    assert!(normal[48..].iter().all(|v| *v == 2.0));
    assert!(e.is_exception(4) && e.profile_for(4).is_none());
}

#[test]
fn shape_of_a_day_without_volume_is_an_error() {
    let mut e = Exceptions::new();
    e.define_profile(
        "like-day-9",
        DayProfile::ShapeOf {
            day: 9,
            volume_factor: 1.0,
        },
    )
    .unwrap();
    e.mark_day(2, "like-day-9").unwrap();
    let mut normal = vec![1.0; 24];
    assert_eq!(
        apply_profiles(&history(), &e, 48, &mut normal),
        Err(ForecastError::BadShapeDay { day: 9 })
    );
}
