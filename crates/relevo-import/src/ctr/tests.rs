use super::*;
use std::io::Cursor;

fn render(input: &str) -> String {
    let rows = CtrRows::new(Cursor::new(input.to_string()), Some("acme".into())).unwrap();
    let mut out = String::new();
    for item in rows {
        match item {
            Item::Record(r) => out.push_str(&format!(
                "{} {} {} {} arrived={} wait_ms={:?} talk={:?} hold={:?} acw={:?} transferred={:?} updated={}\n",
                r.contact_id, r.queue, r.channel, r.outcome, r.arrived_at_ms, r.wait_ms(), r.talk_ms, r.hold_ms,
                r.acw_ms, r.transferred, r.updated_at_ms
            )),
            Item::Skipped(s) => out.push_str(&format!("skipped: {s}\n")),
            Item::Invalid(d) => out.push_str(&format!("invalid: {d}\n")),
        }
    }
    out
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/ctr/");

#[test]
fn real_answered_record() {
    let text =
        std::fs::read_to_string(format!("{DATA}ctr_inbound_answered_2022-04-08.json")).unwrap();
    expect_test::expect![[r#"
        15a5cf14-3212-45a1-9f86-a8e97db8afaf BasicQueue voice answered arrived=1649430042000 wait_ms=Some(7000) talk=Some(33000) hold=Some(0) acw=Some(32000) transferred=Some(false) updated=1649430182000
    "#]]
    .assert_eq(&render(&text));
}

#[test]
fn redelivered_copies_all_parse_with_rising_versions() {
    let text = std::fs::read_to_string(format!("{DATA}ctr_redelivery_case1-3.jsonl")).unwrap();
    expect_test::expect![[r#"
        6fe40d2a-1a89-4d73-bfcf-5d9c33894f47 TCC Refrig AC LLA voice answered arrived=1641402886000 wait_ms=Some(346000) talk=Some(239000) hold=Some(221000) acw=Some(5000) transferred=Some(true) updated=1641404915000
        6fe40d2a-1a89-4d73-bfcf-5d9c33894f47 TCC Refrig AC LLA voice answered arrived=1641402886000 wait_ms=Some(346000) talk=Some(239000) hold=Some(221000) acw=Some(5000) transferred=Some(true) updated=1641872492000
        6fe40d2a-1a89-4d73-bfcf-5d9c33894f47 TCC Refrig AC LLA voice answered arrived=1641402886000 wait_ms=Some(346000) talk=Some(239000) hold=Some(221000) acw=Some(5000) transferred=Some(true) updated=1641874187000
    "#]]
    .assert_eq(&render(&text));
}

#[test]
fn abandoned_flowout_unqueued_and_bad() {
    let input = r#"{"ContactId":"a","Channel":"CHAT","DisconnectReason":"CUSTOMER_DISCONNECT","Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z","DequeueTimestamp":"2026-01-01T10:00:42Z"},"LastUpdateTimestamp":"2026-01-01T10:01:00Z"}
{"ContactId":"b","Channel":"VOICE","DisconnectReason":"CONTACT_FLOW_DISCONNECT","Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z","DequeueTimestamp":"2026-01-01T10:03:00Z"}}
{"ContactId":"c","Channel":"VOICE","Queue":null}
{"ContactId":"d","Channel":"FAX","Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z"}}
{"ContactId":"e","Channel":"VOICE","Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z"},"Agent":{"ConnectedToAgentTimestamp":"2026-01-01T09:00:00Z"}}
"#;
    expect_test::expect![[r#"
        a sales chat abandoned arrived=1767261600000 wait_ms=Some(42000) talk=None hold=None acw=None transferred=None updated=1767261660000
        b sales voice flowout arrived=1767261600000 wait_ms=Some(180000) talk=None hold=None acw=None transferred=None updated=1767261780000
        skipped: contact never entered a queue
        invalid: line 4, column "Channel": unknown channel "FAX" (expected VOICE, CHAT, TASK or EMAIL): "\"FAX\""
        invalid: line 5, column "answered_at": is 3600 s before arrived_at (negative wait)
    "#]]
    .assert_eq(&render(input));
}

#[test]
fn pretty_object_and_array() {
    let pretty = "{\n  \"ContactId\": \"x\",\n  \"Channel\": \"VOICE\",\n  \"DisconnectReason\": \"CUSTOMER_DISCONNECT\",\n  \"Queue\": {\"Name\": \"q\", \"EnqueueTimestamp\": \"2026-01-01T10:00:00Z\", \"DequeueTimestamp\": \"2026-01-01T10:00:02Z\"}\n}\n";
    let array = format!("[{0}, {0}]", pretty.replace("\"x\"", "\"y\""));
    expect_test::expect![[r#"
        x q voice abandoned arrived=1767261600000 wait_ms=Some(2000) talk=None hold=None acw=None transferred=None updated=1767261602000
        y q voice abandoned arrived=1767261600000 wait_ms=Some(2000) talk=None hold=None acw=None transferred=None updated=1767261602000
        y q voice abandoned arrived=1767261600000 wait_ms=Some(2000) talk=None hold=None acw=None transferred=None updated=1767261602000
    "#]]
    .assert_eq(&(render(pretty) + &render(&array)));
    assert_eq!(
        render("{\n\"ContactId\": \n"),
        "invalid: line 3, column 0: not valid JSON: EOF while parsing a value at line 3 column 0\n"
    );
}

#[test]
fn provider_is_required() {
    let err = CtrRows::new(Cursor::new(String::new()), None)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "line 1: Amazon Connect records need --provider (a record does not name its provider)"
    );
}
