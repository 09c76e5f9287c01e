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
