//! Report options from query parameters: bounds, defaults and errors that name the parameter.

use super::*;
use relevo_core::Channel;

#[test]
fn dates_are_whole_days_in_the_zone_and_instants_are_exact() {
    let madrid = zone("Europe/Madrid").unwrap();
    let from = bound_ms("2026-10-01", &madrid, false, "from").unwrap();
    let to = bound_ms("2026-10-01", &madrid, true, "to").unwrap();
    assert_eq!(to - from, 86_400_000);
    assert_eq!(
        jiff::Timestamp::from_millisecond(from).unwrap().to_string(),
        "2026-09-30T22:00:00Z"
    );
    let t = bound_ms("2026-10-01T08:00:00+02:00", &madrid, false, "from").unwrap();
    assert_eq!(t - from, 8 * 3_600_000);
}

#[test]
fn defaults_match_relevo_report() {
    let q = KpiQuery {
        from: "2026-10-01".into(),
        to: "2026-10-07".into(),
        ..KpiQuery::default()
    };
    let (spec, filter, as_of) = spec_of(&q, 42).unwrap();
    assert_eq!(spec.granularity, Granularity::Day);
    assert_eq!(spec.settings, KpiSettings::default());
    assert_eq!(as_of, 42);
    assert!(filter.keeps("any", Channel::Email));
}

#[test]
fn errors_name_the_parameter() {
    let field = |q: KpiQuery| match spec_of(&q, 0) {
        Err(ApiError::BadRequest { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let base = || KpiQuery {
        from: "2026-10-01".into(),
        to: "2026-10-07".into(),
        ..KpiQuery::default()
    };
    assert_eq!(
        field(KpiQuery {
            to: "2026-09-01".into(),
            ..base()
        })
        .as_deref(),
        Some("to")
    );
    assert_eq!(
        field(KpiQuery {
            by: Some("decade".into()),
            ..base()
        })
        .as_deref(),
        Some("by")
    );
    assert_eq!(
        field(KpiQuery {
            channel: Some("fax".into()),
            ..base()
        })
        .as_deref(),
        Some("channel")
    );
    assert_eq!(
        field(KpiQuery {
            abandon_treatment: Some("x".into()),
            ..base()
        })
        .as_deref(),
        Some("abandon_treatment")
    );
}
