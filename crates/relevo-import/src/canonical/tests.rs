use super::*;
use crate::Mapping;
use std::io::Cursor;

fn render_items(items: impl Iterator<Item = Item>) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            Item::Record(r) => {
                let t = |ms: Option<i64>| {
                    ms.map_or("-".to_string(), |v| {
                        jiff::Timestamp::from_millisecond(v).unwrap().to_string()
                    })
                };
                out.push_str(&format!(
                    "{}/{} {} {} {} {} arrived={} wait_ms={:?} talk={:?} customer={:?} csat={:?} nps={:?} updated={}\n",
                    r.provider, r.contact_id, r.queue, r.channel, r.direction, r.outcome, t(Some(r.arrived_at_ms)),
                    r.wait_ms(), r.talk_ms, r.customer, r.csat, r.nps, t(Some(r.updated_at_ms))
                ))
            }
            Item::Skipped(s) => out.push_str(&format!("skipped: {s}\n")),
            Item::Invalid(d) => out.push_str(&format!("invalid: {d}\n")),
            Item::Unreadable(d) => out.push_str(&format!("unreadable: {d}\n")),
        }
    }
    out
}

fn check(csv_text: &str, opts: Options, expect: expect_test::Expect) {
    let got = match CsvRows::new(Cursor::new(csv_text.to_string()), &opts) {
        Ok(rows) => render_items(rows),
        Err(d) => format!("header: {d}\n"),
    };
    expect.assert_eq(&got);
}

fn madrid() -> Options {
    Options {
        tz: TimeZone::get("Europe/Madrid").unwrap(),
        ..Options::default()
    }
}

#[test]
fn canonical_rows() {
    check(
        "contact_id,provider,queue,channel,arrived_at,answered_at,abandoned_at,ended_at,talk_s,customer,csat,nps\n\
         c1,acme,billing,voice,2026-10-01T09:00:00+02:00,2026-10-01T09:00:15+02:00,,2026-10-01T09:05:00+02:00,250,cust-9,5,10\n\
         c2,acme,billing,VOICE,2026-10-01 09:01:00,,2026-10-01 09:01:03,,,,,\n\
         c3,acme,billing,chat,2026-10-01T07:02:00Z,,,2026-10-01T07:04:00Z,,,,\n",
        madrid(),
        expect_test::expect![[r#"
            acme/c1 billing voice inbound answered arrived=2026-10-01T07:00:00Z wait_ms=Some(15000) talk=Some(250000) customer=Some("cust-9") csat=Some(5) nps=Some(10) updated=2026-10-01T07:05:00Z
            acme/c2 billing voice inbound abandoned arrived=2026-10-01T07:01:00Z wait_ms=Some(3000) talk=None customer=None csat=None nps=None updated=2026-10-01T07:01:03Z
            acme/c3 billing chat inbound abandoned arrived=2026-10-01T07:02:00Z wait_ms=Some(120000) talk=None customer=None csat=None nps=None updated=2026-10-01T07:04:00Z
        "#]],
    );
}

#[test]
fn each_invalid_value_names_line_column_and_value() {
    check(
        "contact_id,provider,queue,channel,arrived_at,answered_at,talk_s,csat,nps,outcome\n\
         c1,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T08:59:00Z,,,,\n\
         c2,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:00:10Z,-5,,,\n\
         c3,acme,q,fax,2026-10-01T09:00:00Z,,,,,\n\
         c4,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:00:10Z,,6,,\n\
         c5,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:00:10Z,,,11,\n\
         c6,acme,q,voice,2026-13-01T09:00:00Z,,,,,\n\
         c7,acme,q,voice,2026-10-01T09:00:00Z,,,,,\n\
         c8,acme,q,voice,2026-10-01T09:00:00Z,,,,,lost\n\
         c9,acme,q,voice,2026-10-01T09:00:00Z\n",
        Options::default(),
        expect_test::expect![[r#"
            invalid: line 2, column 6 ("answered_at"): is 60 s before arrived_at (negative wait): "2026-10-01T08:59:00Z"
            invalid: line 3, column 7 ("talk_s"): negative duration -5: "-5"
            invalid: line 4, column 4 ("channel"): unknown channel "fax" (expected one of: voice, chat, email, messaging, web_form, social): "fax"
            invalid: line 5, column 8 ("csat"): 6 is outside 1–5: "6"
            invalid: line 6, column 9 ("nps"): 11 is outside 0–10: "11"
            invalid: line 7, column 5 ("arrived_at"): not a timestamp (expected RFC 3339 like 2026-10-01T09:30:00+02:00): "2026-13-01T09:00:00Z"
            invalid: line 8, column 10 ("outcome"): cannot be derived: none of answered_at, abandoned_at, ended_at is set
            invalid: line 9, column 10 ("outcome"): unknown outcome "lost" (expected one of: answered, abandoned, flowout): "lost"
            invalid: line 10: row has 5 fields, the header has 10
        "#]],
    );
}

#[test]
fn header_problems() {
    check(
        "contact_id,provider,queue,channel,arrived_at,colour\n",
        Options::default(),
        expect_test::expect![[r#"
        header: line 1, column 6 ("colour"): unknown column (not canonical; use a mapping file to rename or ignore it)
    "#]],
    );
    check(
        "contact_id,queue,channel,arrived_at\n",
        Options::default(),
        expect_test::expect![[r#"
        header: line 1: required column "provider" is missing (or give --provider)
    "#]],
    );
    check(
        "contact_id,queue,channel,arrived_at,ended_at\nx,q,email,2026-01-01T00:00:00Z,2026-01-01T05:00:00Z\n",
        Options {
            provider: Some("inhouse".into()),
            ..Options::default()
        },
        expect_test::expect![[r#"
            inhouse/x q email inbound abandoned arrived=2026-01-01T00:00:00Z wait_ms=Some(18000000) talk=None customer=None csat=None nps=None updated=2026-01-01T05:00:00Z
        "#]],
    );
    check(
        "",
        Options::default(),
        expect_test::expect![[r#"
            header: line 1: the file is empty: no header and no records
        "#]],
    );
}

#[test]
fn explicit_updated_at_and_flowout() {
    check(
        "contact_id,provider,queue,channel,arrived_at,ended_at,outcome,updated_at,direction\n\
         f1,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:02:00Z,flowout,2026-10-03T00:00:00Z,inbound\n\
         o1,acme,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:02:00Z,,,outbound\n",
        Options::default(),
        expect_test::expect![[r#"
            acme/f1 q voice inbound flowout arrived=2026-10-01T09:00:00Z wait_ms=Some(120000) talk=None customer=None csat=None nps=None updated=2026-10-03T00:00:00Z
            acme/o1 q voice outbound abandoned arrived=2026-10-01T09:00:00Z wait_ms=Some(120000) talk=None customer=None csat=None nps=None updated=2026-10-01T09:02:00Z
        "#]],
    );
}

#[test]
fn jsonl_rows() {
    let text = r#"{"contact_id":"j1","provider":"acme","queue":"q","channel":"chat","arrived_at":"2026-10-01T09:00:00Z","answered_at":"2026-10-01T09:00:30Z","csat":4}

{"contact_id":"j2","provider":"acme","queue":"q","channel":"chat","arrived_at":"2026-10-01T09:00:00Z","colour":"red"}
{"contact_id":"j3",
"#;
    let rows = JsonlRows::new(Cursor::new(text), &Options::default()).unwrap();
    expect_test::expect![[r#"
        acme/j1 q chat inbound answered arrived=2026-10-01T09:00:00Z wait_ms=Some(30000) talk=None customer=None csat=Some(4) nps=None updated=2026-10-01T09:00:30Z
        invalid: line 3, column "colour": unknown field (not canonical)
        invalid: line 4, column 19: not a JSON object: EOF while parsing a value at line 1 column 19
    "#]]
    .assert_eq(&render_items(rows));
}

fn bank_mapping() -> Mapping {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/mappings/anonymous_bank.toml"
    ))
    .unwrap();
    Mapping::from_toml(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn anonymous_bank_rows_through_the_mapping() {
    // Rows copied from the real file (tab-separated, CRLF), including the first answered calls, a
    // hang-up in the queue, an IVR hang-up, a phantom call and a call that runs past midnight.
    let text = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\r\n\
AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT\r\n\
AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\r\n\
AA0101\t99999\t0\t0\tPS\t990201\t8:09:16\t8:09:22\t6\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\r\n\
AA0101\t99998\t0\t0\tPS\t990201\t8:09:16\t8:09:22\t6\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER\r\n\
AA0115\t14375\t25245705\t1\tPS\t990210\t23:59:56\t23:59:56\t0\t0:00:02\t0:00:29\t27\tAGENT\t0:00:29\t0:00:58\t29\tBENSION\r\n";
    let opts = Options {
        mapping: Some(bank_mapping()),
        ..Options::default()
    };
    check(
        text,
        opts,
        expect_test::expect![[r#"
            anonymous-bank/AA0101-34536 PS voice inbound answered arrived=1999-02-01T05:02:55Z wait_ms=Some(0) talk=Some(166000) customer=None csat=None nps=None updated=1999-02-01T05:05:41Z
            anonymous-bank/AA0101-34539 PS voice inbound abandoned arrived=1999-02-01T06:09:22Z wait_ms=Some(5000) talk=None customer=Some("23317894") csat=None nps=None updated=1999-02-01T06:09:27Z
            skipped: hung up in the IVR (never reached the queue)
            skipped: phantom call (not a real call)
            anonymous-bank/AA0115-14375 PS voice inbound answered arrived=1999-02-09T22:00:02Z wait_ms=Some(27000) talk=Some(29000) customer=Some("25245705") csat=None nps=None updated=1999-02-09T22:00:58Z
        "#]],
    );
}

#[test]
fn the_whole_anonymous_bank_file_imports_without_errors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test_data/anonymous_bank/anonymous_bank_1999_february.txt"
    );
    let file = std::fs::File::open(path).expect("test_data/anonymous_bank in the repository");
    let opts = Options {
        mapping: Some(bank_mapping()),
        ..Options::default()
    };
    let (mut records, mut skipped, mut invalid) = (0, 0, Vec::new());
    let mut answered = 0;
    for item in CsvRows::new(std::io::BufReader::new(file), &opts).unwrap() {
        match item {
            Item::Record(r) => {
                records += 1;
                answered += usize::from(r.outcome == Outcome::Answered);
            }
            Item::Skipped(_) => skipped += 1,
            Item::Invalid(d) | Item::Unreadable(d) => invalid.push(d.to_string()),
        }
    }
    // Two rows of the real log say service started before the call entered the queue (by 17 s and 9 s,
    // more than the one-second clock skew the mapping tolerates): they are the file's only bad rows.
    expect_test::expect![[r#"
        line 3989, column "{date} {ser_start} | {date} {q_exit} | {date} {vru_exit}": is 17 s before arrived_at (negative wait): "990210 20:37:38"
        line 25131, column "{date} {ser_start} | {date} {q_exit} | {date} {vru_exit}": is 9 s before arrived_at (negative wait): "990216 18:17:18"
    "#]]
    .assert_eq(&(invalid.join("\n") + "\n"));
    // 33,344 rows: 278 phantom and 1,941 IVR hang-ups are skipped; 27,162 AGENT rows are answered.
    assert_eq!(
        (records + invalid.len(), skipped, answered + invalid.len()),
        (33_344 - 278 - 1_941, 278 + 1_941, 27_162)
    );
}

#[test]
fn mapping_errors_name_line_and_key() {
    let err = Mapping::from_toml("[source]\ndelimiter = \"\\t\"\n\n[fields]\ncontact_id = 5\n")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 5, column 14: data did not match any variant of untagged enum FieldSpec"
    );
    let err = Mapping::from_toml("[fields]\ncolour = \"c\"\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("\"colour\" is not a canonical field"),
        "{err}"
    );
    // A constant is every row's value: a 50 MB one once drove an import past 7.8 GB.
    let err = Mapping::from_toml(&format!(
        "[fields]\ncontact_id = \"id\"\n[constants]\nreason = \"{}\"\n",
        "r".repeat(300)
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "constants.reason: 300 bytes; a field's value is at most 256 bytes"
    );
    let err = Mapping::from_toml(&format!("# {}\n", "x".repeat(50 << 20))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the mapping is 52428803 bytes; at most 1048576 are read"
    );
    let err = Mapping::from_toml("[sauce]\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 1, column 2: unknown field `sauce`"),
        "{err}"
    );
    let m = Mapping::from_toml("[fields]\ncontact_id = \"id\"\n").unwrap();
    let e = CsvRows::new(
        Cursor::new("id,queue\n"),
        &Options {
            mapping: Some(m),
            provider: Some("p".into()),
            ..Options::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        "line 1: required column \"channel\" is missing"
    );
}

#[test]
fn crlf_line_numbers() {
    check(
        "contact_id,provider,queue,channel,arrived_at\r\na,p,q,voice,2026-01-01T00:00:00Z\r\nb,p,q,fax,2026-01-01T00:00:00Z\r\n",
        Options::default(),
        expect_test::expect![[r#"
            invalid: line 2, column "outcome": cannot be derived: none of answered_at, abandoned_at, ended_at is set
            invalid: line 3, column 4 ("channel"): unknown channel "fax" (expected one of: voice, chat, email, messaging, web_form, social): "fax"
        "#]],
    );
}

#[test]
fn every_format_skips_a_bom_and_refuses_an_empty_file() {
    let line = r#"{"contact_id":"j1","provider":"acme","queue":"q","channel":"chat","arrived_at":"2026-10-01T09:00:00Z","answered_at":"2026-10-01T09:00:30Z"}"#;
    let rows = JsonlRows::new(
        Cursor::new(format!("\u{feff}{line}\n")),
        &Options::default(),
    );
    let out = render_items(rows.unwrap());
    assert!(out.starts_with("acme/j1 q chat"), "{out}");
    let empty = "line 1: the file is empty: no header and no records";
    for text in ["", "\n \n", "\u{feff}"] {
        let rows = JsonlRows::new(Cursor::new(text), &Options::default()).err();
        assert_eq!(
            rows.map(|d| d.to_string()).as_deref(),
            Some(empty),
            "{text:?}"
        );
        let csv = CsvRows::new(Cursor::new(text), &Options::default()).err();
        assert_eq!(
            csv.map(|d| d.to_string()).as_deref(),
            Some(empty),
            "{text:?}"
        );
    }
    let csv = format!(
        "\u{feff}{}\nc1,acme,q,voice,2026-10-01T09:00:00Z\n",
        "contact_id,provider,queue,channel,arrived_at"
    );
    let rows = CsvRows::new(Cursor::new(csv), &Options::default()).unwrap();
    assert!(
        render_items(rows).contains("invalid: line 2"),
        "no outcome: the row is read"
    );
}

#[test]
fn long_values_are_quoted_short_in_errors() {
    let big = "x".repeat(50 << 20);
    let header = format!("contact_id,provider,queue,channel,arrived_at,{big}\n");
    let d = CsvRows::new(Cursor::new(header), &Options::default())
        .err()
        .unwrap();
    let shown = d.to_string();
    assert!(shown.len() < 300, "{} bytes", shown.len());
    assert!(shown.contains("… (52428800 bytes)"), "{shown}");
}

#[test]
fn a_line_past_the_bound_stops_every_format_with_the_rest_unread() {
    let long = "q".repeat(2_000);
    let csv = format!(
        "contact_id,provider,queue,channel,arrived_at,answered_at\n\
         c1,p,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:00:10Z\n\
         c2,p,{long},voice,2026-10-01T09:00:00Z,\n\
         c3,p,q,voice,2026-10-01T09:00:00Z,2026-10-01T09:00:10Z\n"
    );
    let rows = CsvRows::new(
        crate::LineLimit::new(Cursor::new(csv.clone()), 1_000),
        &Options::default(),
    )
    .unwrap();
    let out = render_items(rows);
    assert!(out.starts_with("p/c1 q voice"), "{out}");
    assert!(
        out.ends_with(
            "unreadable: line 3: line 3 is longer than 1000 bytes: not a row of contact data\n"
        ),
        "{out}"
    );
    assert!(!out.contains("c3"), "nothing after it: {out}");
    let ok = |id: &str| {
        format!(
            "{{\"contact_id\":\"{id}\",\"provider\":\"p\",\"queue\":\"q\",\"channel\":\"voice\",\"arrived_at\":\"2026-10-01T09:00:00Z\",\"answered_at\":\"2026-10-01T09:00:10Z\"}}\n"
        )
    };
    let jsonl = format!("{}{{\"contact_id\":\"{long}\"}}\n{}", ok("c0"), ok("c3"));
    let rows = JsonlRows::new(
        std::io::BufReader::new(crate::LineLimit::new(Cursor::new(jsonl), 1_000)),
        &Options::default(),
    )
    .unwrap();
    let out = render_items(rows);
    assert!(out.starts_with("p/c0 q voice"), "{out}");
    assert!(
        out.ends_with(
            "unreadable: line 2: cannot read: line 2 is longer than 1000 bytes: not a row of contact data\n"
        ),
        "{out}"
    );
    assert!(!out.contains("c3"), "{out}");
}
