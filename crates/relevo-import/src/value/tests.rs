use super::*;

fn check(input: &str, expect: &str) {
    let tz = TimeZone::get("Europe/Madrid").unwrap();
    let got = match parse_timestamp_ms(input, &tz) {
        Ok(ms) => jiff::Timestamp::from_millisecond(ms).unwrap().to_string(),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(got, expect, "input {input:?}");
}

#[test]
fn timestamps() {
    check("2026-10-01T09:30:00Z", "2026-10-01T09:30:00Z");
    check("2026-10-01T09:30:00+02:00", "2026-10-01T07:30:00Z");
    check("2026-10-01T09:30:00.250-05:30", "2026-10-01T15:00:00.25Z");
    check("2026-10-01 09:30:00", "2026-10-01T07:30:00Z"); // naive: read in the zone (CEST)
    check("2026-01-15T09:30:00", "2026-01-15T08:30:00Z"); // naive in winter (CET)
    check("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z");
    check(
        "2026-13-01T00:00:00Z",
        "error: not a timestamp (expected RFC 3339 like 2026-10-01T09:30:00+02:00)",
    );
    check(
        "2025-02-29T00:00:00Z",
        "error: not a timestamp (expected RFC 3339 like 2026-10-01T09:30:00+02:00)",
    );
    check(
        "2026-10-01T09:30:00+25:00",
        "error: the UTC offset +25:00 is past ±18:00",
    );
    check(
        "2026-10-01T09:30:00-1901",
        "error: the UTC offset -1901 is past ±18:00",
    );
    check("2026-10-01T09:30:00+14:00", "2026-09-30T19:30:00Z");
    check(
        "2026-10-01T09:30:00+20:00",
        "error: the UTC offset +20:00 is past ±18:00",
    );
    check("2026-10-01T09:30:00-12", "2026-10-01T21:30:00Z");
    check(
        "yesterday",
        "error: not a timestamp (expected RFC 3339 like 2026-10-01T09:30:00+02:00)",
    );
}

#[test]
fn fast_path_agrees_with_jiff() {
    for s in [
        "1999-02-01T07:02:47Z",
        "2026-03-29T01:59:59.999+01:00",
        "2100-12-31T23:59:59-11:45",
        "1970-01-01T00:00:00Z",
    ] {
        let fast = fast_rfc3339(s.as_bytes()).unwrap();
        let slow = s.parse::<jiff::Timestamp>().unwrap().as_millisecond();
        assert_eq!(fast, slow, "{s}");
    }
}

#[test]
fn formats_durations_and_small_values() {
    let tz = TimeZone::get("Asia/Jerusalem").unwrap();
    let ms = parse_timestamp_with_format("990201 7:02:47", "%y%m%d %H:%M:%S", &tz).unwrap();
    assert_eq!(
        jiff::Timestamp::from_millisecond(ms).unwrap().to_string(),
        "1999-02-01T05:02:47Z"
    );
    assert_eq!(parse_duration_ms("12"), Ok(12_000));
    assert_eq!(parse_duration_ms("1.5"), Ok(1_500));
    assert_eq!(
        parse_duration_ms("abc"),
        Err("not a number of seconds".into())
    );
    assert_eq!(parse_bool("TRUE"), Ok(true));
    assert_eq!(parse_small_int("6", 1, 5), Err("6 is outside 1–5".into()));
    assert_eq!(parse_small_int("4.0", 1, 5), Ok(4));
    assert_eq!(parse_qa_milli("87.5"), Ok(87_500));
}
