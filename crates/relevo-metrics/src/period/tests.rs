use super::*;

fn ms(s: &str) -> i64 {
    s.parse::<Timestamp>().unwrap().as_millisecond()
}

#[test]
fn daylight_saving_days_have_92_and_100_intervals() {
    let tz = TimeZone::get("Europe/Madrid").unwrap();
    let day = |d: &str| {
        let start = day_start(d.parse().unwrap(), &tz)
            .timestamp()
            .as_millisecond();
        let end = next_period_ms(start, Granularity::Day, &tz);
        periods(start, end, Granularity::Interval, &tz).len()
    };
    assert_eq!(day("2026-03-29"), 92);
    assert_eq!(day("2026-10-25"), 100);
    assert_eq!(day("2026-06-01"), 96);
}

#[test]
fn hours_days_weeks_months_in_zone() {
    let tz = TimeZone::get("America/Mexico_City").unwrap();
    let t = ms("2026-11-04T05:30:00Z"); // 2026-11-03 23:30 local (UTC−6)
    let f = |g| format_rfc3339(period_start_ms(t, g, &tz), &tz);
    assert_eq!(f(Granularity::Interval), "2026-11-03T23:30:00-06:00");
    assert_eq!(f(Granularity::Hour), "2026-11-03T23:00:00-06:00");
    assert_eq!(f(Granularity::Day), "2026-11-03T00:00:00-06:00");
    assert_eq!(f(Granularity::Week), "2026-11-02T00:00:00-06:00"); // Monday
    assert_eq!(f(Granularity::Month), "2026-11-01T00:00:00-06:00");
}

#[test]
fn half_hour_offset_zone_hours_are_whole_cells() {
    let tz = TimeZone::get("Asia/Kolkata").unwrap();
    let t = ms("2026-01-01T00:10:00Z"); // 05:40 local
    assert_eq!(
        format_rfc3339(period_start_ms(t, Granularity::Hour, &tz), &tz),
        "2026-01-01T05:00:00+05:30"
    );
    assert_eq!(period_start_ms(t, Granularity::Hour, &tz) % INTERVAL_MS, 0);
}

#[test]
fn months_enumerate_across_year_end() {
    let tz = TimeZone::UTC;
    let ps = periods(
        ms("2025-11-15T00:00:00Z"),
        ms("2026-02-01T00:00:00Z"),
        Granularity::Month,
        &tz,
    );
    let got: Vec<String> = ps.iter().map(|&p| format_rfc3339(p, &tz)).collect();
    assert_eq!(
        got,
        [
            "2025-11-01T00:00:00+00:00",
            "2025-12-01T00:00:00+00:00",
            "2026-01-01T00:00:00+00:00"
        ]
    );
}
