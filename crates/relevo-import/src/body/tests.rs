//! Request bodies: arrays and JSON lines, per-record problems at their index, body-level errors.

use super::*;
use expect_test::{Expect, expect};

fn check(body: &str, max: usize, expect: Expect) {
    let opts = Options {
        provider: Some("acme".into()),
        ..Options::default()
    };
    let out = match parse_body(body.as_bytes(), &opts, max) {
        Err(d) => format!("body error: {d}\n"),
        Ok(items) => items
            .iter()
            .enumerate()
            .map(|(i, it)| match it {
                Item::Record(r) => format!(
                    "{i}: record {}/{} {} {}\n",
                    r.provider, r.contact_id, r.queue, r.outcome
                ),
                Item::Skipped(s) => format!("{i}: skipped {s}\n"),
                Item::Invalid(d) => format!("{i}: invalid {d}\n"),
                Item::Unreadable(d) => format!("{i}: unreadable {d}\n"),
            })
            .collect(),
    };
    expect.assert_eq(&out);
}

const OK: &str = r#"{"contact_id":"c1","queue":"q","channel":"voice","arrived_at":"2026-10-01T09:00:00Z","answered_at":"2026-10-01T09:00:10Z","csat":5}"#;

#[test]
fn array_and_lines_give_the_same_records() {
    check(
        &format!("[{OK}, {}]", OK.replace("c1", "c2")),
        10,
        expect![[r#"
            0: record acme/c1 q answered
            1: record acme/c2 q answered
        "#]],
    );
    check(
        &format!("{OK}\n\n{}\n", OK.replace("c1", "c2")),
        10,
        expect![[r#"
            0: record acme/c1 q answered
            1: record acme/c2 q answered
        "#]],
    );
}

#[test]
fn record_problems_name_the_field() {
    check(
        &format!(
            "[{}, {}, {}, 7, {}]",
            OK.replace("\"csat\":5", "\"csat\":9"),
            OK.replace("\"queue\"", "\"qeue\""),
            OK.replace("\"csat\":5", "\"csat\":[5]"),
            OK
        ),
        10,
        expect![[r#"
            0: invalid line 1, column "csat": 9 is outside 1–5: "9"
            1: invalid line 2, column "qeue": unknown field (not canonical)
            2: invalid line 3, column "csat": expected a whole number or null: "[5]"
            3: invalid line 4: expected a JSON object: "7"
            4: record acme/c1 q answered
        "#]],
    );
}

#[test]
fn body_errors() {
    check(
        "[{\"contact_id\": }]",
        10,
        expect![[r#"
            body error: line 1, column 17: malformed JSON array: expected value at line 1 column 17
        "#]],
    );
    check(
        &format!("[{OK},{OK},{OK}]"),
        2,
        expect![[r#"
            body error: line 0: too many records: at most 2 in one request
        "#]],
    );
    check(
        &format!("{OK}\n{OK}\n{OK}"),
        2,
        expect![[r#"
            body error: line 0: too many records: at most 2 in one request
        "#]],
    );
    check(
        "{\"contact_id\": 1\nnot json",
        10,
        expect![[r#"
            0: invalid line 1, column 16: not a JSON object: EOF while parsing an object at line 1 column 16
            1: invalid line 2, column 2: not a JSON object: expected ident at line 1 column 2
        "#]],
    );
}

#[test]
fn values_have_their_json_types() {
    check(
        &format!(
            "[{}, {}, {}, {}, {}, {}, {}, {}]",
            OK.replace("\"csat\":5", "\"csat\":\"5\""),
            OK.replace("\"csat\":5", "\"csat\":4.5,\"nps\":7.0"),
            OK.replace("\"c1\"", "7"),
            OK.replace("\"csat\":5", "\"resolved\":\"yes\""),
            OK.replace("\"csat\":5", "\"talk_s\":\"12\""),
            OK.replace(
                "\"csat\":5",
                "\"talk_s\":12.5,\"resolved\":true,\"agent\":null"
            ),
            OK.replace("\"csat\":5", "\"csat\":5.0,\"updated_at\":null"),
            OK.replace("\"csat\":5", "\"updated_at\":\"\""),
        ),
        10,
        expect![[r#"
            0: invalid line 1, column "csat": expected a whole number or null: "\"5\""
            1: invalid line 2, column "csat": expected a whole number or null: "4.5"
            2: invalid line 3, column "contact_id": expected a string or null: "7"
            3: invalid line 4, column "resolved": expected a boolean (true or false) or null: "\"yes\""
            4: invalid line 5, column "talk_s": expected a number or null: "\"12\""
            5: record acme/c1 q answered
            6: record acme/c1 q answered
            7: invalid line 8, column "updated_at": expected an RFC 3339 time or null: "\"\""
        "#]],
    );
}
