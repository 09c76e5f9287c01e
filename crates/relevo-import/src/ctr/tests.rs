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
            Item::Unreadable(d) => out.push_str(&format!("unreadable: {d}\n")),
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

#[test]
fn wrong_types_are_errors_naming_the_field() {
    let q = r#""Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z"}"#;
    let input = [
        // An agent that is a string was once read as "no agent": an abandoned call.
        format!(r#"{{"ContactId":"a","Channel":"VOICE",{q},"Agent":"bob"}}"#),
        // A queue that is an array was once "never entered a queue".
        r#"{"ContactId":"b","Channel":"VOICE","Queue":[1,2]}"#.to_string(),
        format!(r#"{{"ContactId":"c","Channel":"VOICE",{q},"Agent":{{"ConnectedToAgentTimestamp":"2026-01-01T10:00:10Z","AfterContactWorkDuration":1e300}}}}"#),
        format!(r#"{{"ContactId":"d","Channel":"VOICE",{q},"Agent":{{"ConnectedToAgentTimestamp":"2026-01-01T10:00:10Z","AgentInteractionDuration":"60"}}}}"#),
        format!(r#"{{"ContactId":"e","Channel":5,{q}}}"#),
        format!(r#"{{"ContactId":7,"Channel":"VOICE",{q}}}"#),
        format!(r#"{{"ContactId":"g","Channel":"VOICE",{q},"Agent":{{"ConnectedToAgentTimestamp":"2026-01-01T10:00:10Z","AgentInteractionDuration":100000}}}}"#),
        format!(r#"{{"ContactId":"h\u0000","Channel":"VOICE",{q},"DisconnectReason":"CUSTOMER_DISCONNECT"}}"#),
    ]
    .join("\n");
    expect_test::expect![[r#"
        invalid: line 1, column "Agent": expected an object, found a string: "\"bob\""
        invalid: line 2, column "Queue": expected an object, found an array: "[1,2]"
        invalid: line 3, column "Agent.AfterContactWorkDuration": 1e+300 seconds is out of range: "1e+300"
        invalid: line 4, column "Agent.AgentInteractionDuration": expected a number of seconds, found a string: "\"60\""
        invalid: line 5, column "Channel": expected a string, found a number: "5"
        invalid: line 6, column "ContactId": expected a string, found a number: "7"
        invalid: line 7, column "talk_s": 100000 s is longer than one day (86400 s)
        invalid: line 8, column "contact_id": contains the control character U+0000
    "#]]
    .assert_eq(&render(&input));
}

#[test]
fn a_bom_is_skipped_and_an_empty_file_is_an_error() {
    let line = r#"{"ContactId":"a","Channel":"CHAT","DisconnectReason":"CUSTOMER_DISCONNECT","Queue":{"Name":"sales","EnqueueTimestamp":"2026-01-01T10:00:00Z","DequeueTimestamp":"2026-01-01T10:00:42Z"}}"#;
    let out = render(&format!("\u{feff}{line}\n"));
    assert!(out.starts_with("a sales chat abandoned"), "{out}");
    let out = render(&format!("\u{feff}[{line}]"));
    assert!(out.starts_with("a sales chat abandoned"), "{out}");
    for empty in ["", "\n\n  \n", "\u{feff}"] {
        let e = CtrRows::new(Cursor::new(empty.to_string()), Some("acme".into())).err();
        assert_eq!(
            e.map(|d| d.to_string()).as_deref(),
            Some("line 1: the file is empty: no header and no records"),
            "{empty:?}"
        );
    }
    // Lines are still counted from the top of the file.
    let out = render("\u{feff}\n\n{\"ContactId\": 1}\n");
    assert!(out.starts_with("invalid: line 3,"), "{out}");
}
