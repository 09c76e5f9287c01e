use super::*;

fn rec() -> ContactRecord {
    ContactRecord {
        answered_at_ms: Some(1_015_000),
        ended_at_ms: Some(1_200_000),
        talk_ms: Some(150_000),
        acw_ms: Some(30_000),
        updated_at_ms: 1_200_000,
        ..ContactRecord::new(
            "c1",
            "acme",
            "billing",
            Channel::Voice,
            1_000_000,
            Outcome::Answered,
        )
    }
}

fn check(edit: impl FnOnce(&mut ContactRecord), expect: &str) {
    let mut r = rec();
    edit(&mut r);
    let got = match r.validate() {
        Ok(()) => "ok".to_string(),
        Err(e) => e.to_string(),
    };
    assert_eq!(got, expect);
}

#[test]
fn validation_rules() {
    check(|_| {}, "ok");
    check(
        |r| r.answered_at_ms = Some(990_000),
        "column \"answered_at\": is 10 s before arrived_at (negative wait)",
    );
    check(
        |r| r.talk_ms = Some(-1500),
        "column \"talk_s\": negative duration -1.5",
    );
    check(|r| r.csat = Some(6), "column \"csat\": 6 is outside 1–5");
    check(|r| r.csat = Some(0), "column \"csat\": 0 is outside 1–5");
    check(|r| r.nps = Some(11), "column \"nps\": 11 is outside 0–10");
    check(|r| r.nps = Some(0), "ok");
    check(
        |r| r.qa_milli = Some(100_001),
        "column \"qa_score\": 100.001 is outside 0–100",
    );
    check(
        |r| r.ended_at_ms = Some(1_010_000),
        "column \"ended_at\": is before answered_at (negative duration)",
    );
    check(
        |r| r.outcome = Outcome::Abandoned,
        "column \"outcome\": is abandoned but answered_at is set",
    );
    check(
        |r| {
            r.answered_at_ms = None;
            r.ended_at_ms = None;
            r.outcome = Outcome::Abandoned;
        },
        "column \"outcome\": cannot be known: none of answered_at, abandoned_at, ended_at is set",
    );
    check(
        |r| r.contact_id = " ".into(),
        "column \"contact_id\": is empty",
    );
}

#[test]
fn wait_and_intervals() {
    let r = rec();
    assert_eq!(r.wait_ms(), Some(15_000));
    assert_eq!(r.handle_ms(), 180_000);
    assert_eq!(interval_of(0), 0);
    assert_eq!(interval_of(INTERVAL_MS - 1), 0);
    assert_eq!(interval_of(-1), -1);
    assert_eq!(interval_start_ms(interval_of(1_000_000)), 900_000);
}

#[test]
fn keywords_round_trip() {
    for c in Channel::ALL {
        assert_eq!(c.as_str().parse::<Channel>().unwrap(), *c);
        assert_eq!(Channel::from_code(c.code()), Some(*c));
    }
    assert_eq!("VOICE".parse::<Channel>().unwrap(), Channel::Voice);
    assert_eq!(
        "fax".parse::<Channel>().unwrap_err(),
        "unknown channel \"fax\" (expected one of: voice, chat, email, messaging, web_form, social)"
    );
}

#[test]
fn bounds() {
    // A 1 MiB queue name once crashed the server's reports; keys are short.
    check(
        |r| r.queue = "q".repeat(1 << 20),
        "column \"queue\": is 1048576 bytes long; at most 128 are allowed",
    );
    check(|r| r.queue = "q".repeat(128), "ok");
    check(
        |r| r.reason = Some("r".repeat(257)),
        "column \"reason\": is 257 bytes long; at most 256 are allowed",
    );
    check(
        |r| r.contact_id = "c\0".into(),
        "column \"contact_id\": contains the control character U+0000",
    );
    check(
        |r| r.agent = Some("a\tb".into()),
        "column \"agent\": contains the control character U+0009",
    );
    check(|r| r.reason = Some("line one\nline two\tend".into()), "ok");
    check(
        |r| r.reason = Some("nul\0".into()),
        "column \"reason\": contains the control character U+0000",
    );
    check(
        |r| r.language = Some("x".repeat(36)),
        "column \"language\": is 36 bytes long; at most 35 are allowed",
    );
    // Two records with talk_s = 9e15 once summed to a negative AHT.
    check(
        |r| r.talk_ms = Some(9_000_000_000_000_000),
        "column \"talk_s\": 9000000000000 s is longer than one day (86400 s)",
    );
    check(|r| r.acw_ms = Some(86_400_000), "ok");
    check(
        |r| r.hold_ms = Some(86_400_001),
        "column \"hold_s\": 86400.001 s is longer than one day (86400 s)",
    );
    check(
        |r| {
            r.answered_at_ms = Some(1_000_000 + limits::MAX_WAIT_MS + 1);
            r.ended_at_ms = r.answered_at_ms;
            r.updated_at_ms = 1_000_000 + limits::MAX_WAIT_MS + 1;
        },
        "column \"arrived_at\": the wait (34560000.001 s) is longer than 400 days",
    );
    check(
        |r| r.ended_at_ms = Some(1_015_000 + limits::MAX_WAIT_MS + 1),
        "column \"ended_at\": is more than 400 days after answered_at",
    );
    check(
        |r| r.updated_at_ms = limits::MAX_TIMESTAMP_MS,
        "column \"updated_at\": is outside 1970-01-01 to 2199-12-31 (UTC)",
    );
    check(
        |r| r.arrived_at_ms = -1,
        "column \"arrived_at\": is outside 1970-01-01 to 2199-12-31 (UTC)",
    );
}

#[test]
fn the_bounds_keep_every_cell_sum_inside_i64() {
    // The largest sum a cell keeps: its contacts' waits, each at most 400 days.
    let largest = i128::from(limits::MAX_CELL_CONTACTS) * i128::from(limits::MAX_WAIT_MS);
    assert!(largest < i128::from(i64::MAX), "{largest}");
    let handle = i128::from(limits::MAX_CELL_CONTACTS) * i128::from(3 * limits::MAX_PART_MS);
    assert!(handle < i128::from(i64::MAX));
    assert_eq!(
        limits::MAX_TIMESTAMP_MS,
        7_258_118_400_000,
        "2200-01-01T00:00:00Z"
    );
}

#[test]
fn quotes_are_short() {
    assert_eq!(quote("abc"), "\"abc\"");
    let long = "é".repeat(100);
    let q = quote(&long);
    assert!(q.ends_with(" … (200 bytes)"), "{q}");
    assert_eq!(q.chars().filter(|&c| c == 'é').count(), 80);
}
