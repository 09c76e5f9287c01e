//! End-to-end tests of the `relevo` binary: each runs the real executable on files in a fresh folder.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn relevo(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_relevo"))
        .args(args)
        .current_dir(dir)
        .env("RELEVO_DB", dir.join("test.db"))
        .env_remove("RELEVO_TZ")
        .output()
        .expect("run relevo");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("relevo-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shared(rel: &str) -> String {
    format!("{}/../../../shared/{rel}", env!("CARGO_MANIFEST_DIR"))
}

const CSV: &str = "contact_id,provider,queue,channel,arrived_at,answered_at,abandoned_at,ended_at,talk_s,csat\n\
a1,acme,billing,voice,2026-10-01T08:00:00Z,2026-10-01T08:00:10Z,,2026-10-01T08:05:00Z,280,5\n\
a2,acme,billing,voice,2026-10-01T08:01:00Z,,2026-10-01T08:01:40Z,,,\n\
a3,acme,billing,voice,2026-10-01T08:02:00Z,2026-10-01T08:02:50Z,,2026-10-01T08:06:00Z,180,2\n";

#[test]
fn strict_import_writes_nothing_and_skip_invalid_keeps_the_good_rows() {
    let d = temp_dir("strict");
    let bad = format!(
        "{CSV}a4,acme,billing,voice,2026-10-01T08:03:00Z,2026-10-01T08:02:00Z,,,,\na5,acme,billing,fax,2026-10-01T08:04:00Z,,,2026-10-01T08:05:00Z,,\n"
    );
    std::fs::write(d.join("in.csv"), bad).unwrap();
    let r = relevo(&d, &["import", "in.csv"]);
    assert!(!r.ok);
    assert_eq!(
        r.stderr,
        "error: 2 invalid rows found; nothing was imported (use --skip-invalid --rejects FILE to import the good rows)\n  \
         in.csv: line 5, column 6 (\"answered_at\"): is 60 s before arrived_at (negative wait): \"2026-10-01T08:02:00Z\"\n  \
         in.csv: line 6, column 4 (\"channel\"): unknown channel \"fax\" (expected one of: voice, chat, email, messaging, web_form, social): \"fax\"\n"
    );
    let check = relevo(&d, &["check"]);
    assert!(
        check.stdout.contains("(0 cells, 0 records)"),
        "{}",
        check.stdout
    );

    let r = relevo(
        &d,
        &[
            "import",
            "in.csv",
            "--skip-invalid",
            "--rejects",
            "rejects.csv",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("3 inserted, 0 replaced by a newer version, 0 ignored"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2 rejected rows written to rejects.csv"),
        "{}",
        r.stdout
    );
    let rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert_eq!(
        rejects,
        "file,line,column,value,reason,row\n\
         in.csv,5,6 (answered_at),2026-10-01T08:02:00Z,is 60 s before arrived_at (negative wait),\"a4,acme,billing,voice,2026-10-01T08:03:00Z,2026-10-01T08:02:00Z,,,,\"\n\
         in.csv,6,4 (channel),fax,\"unknown channel \"\"fax\"\" (expected one of: voice, chat, email, messaging, web_form, social)\",\"a5,acme,billing,fax,2026-10-01T08:04:00Z,,,2026-10-01T08:05:00Z,,\"\n"
    );
    let missing = relevo(&d, &["import", "in.csv", "--skip-invalid"]);
    assert!(!missing.ok);
    assert!(missing.stderr.contains("--rejects"), "{}", missing.stderr);
}

#[test]
fn reimporting_the_same_file_changes_nothing_and_newer_versions_replace() {
    let d = temp_dir("idem");
    std::fs::write(d.join("in.csv"), CSV).unwrap();
    let report = |d: &Path| {
        relevo(
            d,
            &[
                "report",
                "--from",
                "2026-10-01",
                "--to",
                "2026-10-01",
                "--format",
                "csv",
                "--as-of",
                "2026-12-01",
            ],
        )
        .stdout
    };
    assert!(
        relevo(&d, &["import", "in.csv"])
            .stdout
            .contains("3 inserted, 0 replaced by a newer version, 0 ignored")
    );
    let first = report(&d);
    assert!(first.contains(",3,2,1,0,0,1,0,0.333333,30,"), "{first}");
    let again = relevo(&d, &["import", "in.csv"]);
    assert!(
        again
            .stdout
            .contains("0 inserted, 0 replaced by a newer version, 3 ignored"),
        "{}",
        again.stdout
    );
    assert_eq!(report(&d), first);
    // A survey arrives later: a newer version of a2 with an explicit updated_at replaces it everywhere.
    std::fs::write(
        d.join("later.csv"),
        "contact_id,provider,queue,channel,arrived_at,abandoned_at,csat,updated_at\n\
         a2,acme,billing,voice,2026-10-01T08:01:00Z,2026-10-01T08:01:40Z,4,2026-10-04T00:00:00Z\n\
         a1,acme,billing,voice,2026-10-01T08:00:00Z,2026-10-01T08:00:50Z,1,2026-09-01T00:00:00Z\n",
    )
    .unwrap();
    let r = relevo(&d, &["import", "later.csv"]);
    assert!(
        r.stdout
            .contains("0 inserted, 1 replaced by a newer version, 1 ignored"),
        "{}",
        r.stdout
    );
    let after = report(&d);
    // csat responses 3 (5, 2, 4): top-2 = 2/3.
    assert!(after.contains(",3,0.666667,3.666667,"), "{after}");
    assert!(relevo(&d, &["check"]).ok);
}

#[test]
fn amazon_connect_redelivery_keeps_the_latest_copy() {
    let d = temp_dir("ctr");
    let sample = shared("data/formats/amazon_connect/samples/ctr_redelivery_case1-3.jsonl");
    let r = relevo(&d, &["import", &sample, "--provider", "inhouse"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("1 inserted, 2 replaced by a newer version, 0 ignored"),
        "{}",
        r.stdout
    );
    // Delivered again, in reverse order: every copy is the same or older than the stored one.
    let text = std::fs::read_to_string(&sample).unwrap();
    let reversed: Vec<&str> = text.lines().rev().collect();
    std::fs::write(d.join("reversed.jsonl"), reversed.join("\n")).unwrap();
    let r = relevo(&d, &["import", "reversed.jsonl", "--provider", "inhouse"]);
    assert!(
        r.stdout
            .contains("0 inserted, 0 replaced by a newer version, 3 ignored"),
        "{}",
        r.stdout
    );
    let rep = relevo(
        &d,
        &[
            "report",
            "--from",
            "2022-01-05",
            "--to",
            "2022-01-05",
            "--format",
            "csv",
            "--fcr-window-days",
            "0",
        ],
    )
    .stdout;
    // One contact: answered after 346 s (outside T = 20 s), handle 239 + 221 + 5 s, transferred.
    assert!(
        rep.contains("2022-01-05T00:00:00+00:00,,,,1,1,0,0,0,0,0,0,346,0,465,239,221,5,346,1,"),
        "{rep}"
    );
    let no_provider = relevo(&d, &["import", &sample]);
    assert!(
        no_provider.stderr.contains("need --provider"),
        "{}",
        no_provider.stderr
    );
}

#[test]
fn anonymous_bank_through_the_shipped_mapping() {
    let d = temp_dir("bank");
    let data = shared("data/anonymous_bank/anonymous_bank_1999_february.txt");
    let mapping = format!(
        "{}/../../examples/mappings/anonymous_bank.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let strict = relevo(&d, &["import", &data, "--mapping", &mapping]);
    assert!(!strict.ok);
    assert!(
        strict
            .stderr
            .starts_with("error: 2 invalid rows found; nothing was imported"),
        "{}",
        strict.stderr
    );
    assert!(strict.stderr.contains("line 3989"), "{}", strict.stderr);
    let r = relevo(
        &d,
        &[
            "import",
            &data,
            "--mapping",
            &mapping,
            "--skip-invalid",
            "--rejects",
            "rej.csv",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("31,123 inserted"), "{}", r.stdout);
    assert!(r.stdout.contains("2,219 skipped: 1,941 hung up in the IVR (never reached the queue); 278 phantom call (not a real call)"), "{}", r.stdout);
    let month = relevo(
        &d,
        &[
            "report",
            "--from",
            "1999-02-01",
            "--to",
            "1999-02-28",
            "--by",
            "month",
            "--tz",
            "Asia/Jerusalem",
            "--format",
            "csv",
            "--fcr-window-days",
            "0",
        ],
    )
    .stdout;
    // 31,123 offered; 27,160 answered (27,162 AGENT rows less the 2 rejected); 3,963 hang-ups in queue.
    assert!(
        month.contains("1999-02-01T00:00:00+02:00,,,,31123,27160,3963,"),
        "{month}"
    );
    assert!(relevo(&d, &["check"]).ok);
}

#[test]
fn daylight_saving_day_reports_92_intervals() {
    let d = temp_dir("dst");
    std::fs::write(
        d.join("in.csv"),
        "contact_id,provider,queue,channel,arrived_at,answered_at,ended_at\n\
         d1,acme,q,voice,2026-03-29T01:50:00+01:00,2026-03-29T01:50:05+01:00,2026-03-29T01:55:00+01:00\n\
         d2,acme,q,voice,2026-03-29T03:10:00+02:00,2026-03-29T03:10:30+02:00,2026-03-29T03:15:00+02:00\n",
    )
    .unwrap();
    assert!(relevo(&d, &["import", "in.csv"]).ok);
    let csv = relevo(
        &d,
        &[
            "report",
            "--from",
            "2026-03-29",
            "--to",
            "2026-03-29",
            "--by",
            "interval",
            "--tz",
            "Europe/Madrid",
            "--format",
            "csv",
        ],
    )
    .stdout;
    assert_eq!(csv.lines().count(), 1 + 92);
    assert!(
        csv.contains("\n2026-03-29T01:45:00+01:00,,,,1,1,0,0,0,1,"),
        "{csv}"
    );
    assert!(
        csv.contains("\n2026-03-29T03:00:00+02:00,,,,1,1,0,0,0,0,"),
        "{csv}"
    );
    let hours = relevo(
        &d,
        &[
            "report",
            "--from",
            "2026-03-29",
            "--to",
            "2026-03-29",
            "--by",
            "hour",
            "--tz",
            "Europe/Madrid",
            "--format",
            "csv",
        ],
    )
    .stdout;
    assert_eq!(hours.lines().count(), 1 + 23);
    let bad = relevo(
        &d,
        &["report", "--from", "2026-03-30", "--to", "2026-03-29"],
    );
    assert_eq!(
        bad.stderr,
        "error: --from 2026-03-30 is not before --to 2026-03-29\n"
    );
}

#[test]
fn demo_data_shows_the_slipping_week() {
    let d = temp_dir("demo");
    let r = relevo(
        &d,
        &[
            "demo",
            "--dir",
            "demo",
            "--days",
            "42",
            "--end",
            "2026-10-31",
            "--no-report",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    let db = d.join("demo/relevo.db");
    let db = db.to_str().unwrap();
    assert!(relevo(&d, &["check", "--db", db]).ok);
    // Slip week: four weeks before the end's week, Monday 2026-09-28.
    let weeks = relevo(
        &d,
        &[
            "report",
            "--db",
            db,
            "--from",
            "2026-09-21",
            "--to",
            "2026-10-18",
            "--by",
            "week",
            "--provider",
            "northwind-bpo",
            "--channel",
            "voice",
            "--tz",
            "Europe/Madrid",
            "--format",
            "json",
        ],
    )
    .stdout;
    let v: serde_json::Value = serde_json::from_str(&weeks).unwrap();
    let sl: Vec<f64> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_level"].as_f64().unwrap())
        .collect();
    assert_eq!(sl.len(), 4);
    assert!(
        sl[1] < 0.5 && sl[0] > 0.7 && sl[2] > 0.7 && sl[3] > 0.7,
        "{sl:?}"
    );
    // Determinism: the same seed and end date give the same data.
    let again = relevo(
        &d,
        &[
            "demo",
            "--dir",
            "demo2",
            "--days",
            "42",
            "--end",
            "2026-10-31",
            "--no-report",
        ],
    );
    assert!(again.ok);
    assert_eq!(
        std::fs::read(d.join("demo/contacts/northwind-bpo.csv")).unwrap(),
        std::fs::read(d.join("demo2/contacts/northwind-bpo.csv")).unwrap()
    );
}

#[test]
fn plan_and_erlang_on_demo_data() {
    let d = temp_dir("plan");
    assert!(
        relevo(
            &d,
            &[
                "demo",
                "--dir",
                "demo",
                "--days",
                "28",
                "--end",
                "2026-10-31",
                "--no-report"
            ]
        )
        .ok
    );
    let db = d.join("demo/relevo.db");
    let db = db.to_str().unwrap();
    let plan = relevo(
        &d,
        &[
            "plan",
            "--db",
            db,
            "--queue",
            "billing-es",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-02",
            "--tz",
            "Europe/Madrid",
            "--split",
            "inhouse=0.6,sur-contact=0.4",
            "--format",
            "json",
        ],
    );
    assert!(plan.ok, "{}", plan.stderr);
    let v: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    for r in rows {
        let (agents, scheduled) = (
            r["agents"].as_u64().unwrap(),
            r["scheduled"].as_u64().unwrap(),
        );
        // Shrinkage 30 %: scheduled = ⌈agents / 0.7⌉; occupancy never above the 85 % cap.
        assert_eq!(scheduled, (agents as f64 / 0.7).ceil() as u64, "{r}");
        assert!(r["occupancy"].as_f64().unwrap() <= 0.85 + 1e-9, "{r}");
        // Two separate pools never need fewer agents than one pooled queue.
        let split: u64 = r["scheduled_by_provider"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert!(split >= scheduled, "{r}");
    }
    let busy = rows
        .iter()
        .map(|r| r["agents"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(busy >= 5, "a Monday at 11:00 needs agents: {busy}");
    let bad = relevo(
        &d,
        &[
            "plan",
            "--db",
            db,
            "--queue",
            "nope",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-02",
        ],
    );
    assert!(
        bad.stderr.contains(
            "queue \"nope\" has no contacts in the store (known queues: billing-en, billing-es,"
        ),
        "{}",
        bad.stderr
    );
    let erlang = relevo(
        &d,
        &[
            "erlang",
            "--arrivals",
            "100",
            "--per",
            "30m",
            "--aht",
            "180",
            "--agents",
            "14",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&erlang.stdout).unwrap();
    assert!(
        (v["achieved"]["prob_wait"].as_f64().unwrap() - 0.174132).abs() < 1e-6,
        "{v}"
    );
}

#[test]
fn hours_import_is_strict_and_idempotent() {
    let d = temp_dir("hours");
    std::fs::write(
        d.join("hours.csv"),
        "provider,queue,period_start,period_end,staffed_s,productive_s,scheduled_s\n\
         acme,billing,2026-10-01T08:00:00Z,2026-10-01T08:30:00Z,3600,3000,3960\n\
         acme,billing,2026-10-01T08:30:00Z,,1800,2000,1800\n",
    )
    .unwrap();
    let r = relevo(&d, &["import", "--kind", "hours", "hours.csv"]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("line 3, column 6 (\"productive_s\"): exceeds staffed_s: \"2000\""),
        "{}",
        r.stderr
    );
    let r = relevo(
        &d,
        &[
            "import",
            "--kind",
            "hours",
            "hours.csv",
            "--skip-invalid",
            "--rejects",
            "rej.csv",
        ],
    );
    assert!(
        r.stdout.contains("imported 1 hours rows (2 quarter hours)"),
        "{}",
        r.stdout
    );
    assert!(
        std::fs::read_to_string(d.join("rej.csv"))
            .unwrap()
            .contains("exceeds staffed_s")
    );
    let again = relevo(
        &d,
        &[
            "import",
            "--kind",
            "hours",
            "hours.csv",
            "--skip-invalid",
            "--rejects",
            "rej.csv",
        ],
    );
    assert!(
        again
            .stdout
            .contains("imported 1 hours rows (2 quarter hours)"),
        "{}",
        again.stdout
    );
}

fn example_contract(name: &str) -> String {
    format!(
        "{}/../../examples/contracts/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn contracts_scorecard_invoice_and_reconciliation_on_demo_data() {
    let d = temp_dir("contracts");
    assert!(
        relevo(
            &d,
            &[
                "demo",
                "--dir",
                "demo",
                "--days",
                "70",
                "--end",
                "2026-11-15",
                "--no-report"
            ]
        )
        .ok
    );
    let db = d.join("demo/relevo.db");
    let db = db.to_str().unwrap();
    // The demo added the three contracts; adding one again is refused (versions are never rewritten).
    let list = relevo(&d, &["contract", "list", "--db", db]).stdout;
    assert!(
        list.contains("northwind-bpo")
            && list.contains("sur-contact")
            && list.contains("relevo demo"),
        "{list}"
    );
    let again = relevo(
        &d,
        &[
            "contract",
            "add",
            &example_contract("northwind-bpo.toml"),
            "--db",
            db,
        ],
    );
    assert!(!again.ok);
    assert!(
        again
            .stderr
            .contains("northwind-bpo version 2 is given twice"),
        "{}",
        again.stderr
    );

    let card = relevo(
        &d,
        &[
            "scorecard",
            "--db",
            db,
            "--provider",
            "northwind-bpo",
            "--period",
            "2026-10",
            "--format",
            "json",
            "--as-of",
            "2026-11-16T00:00:00Z",
        ],
    );
    assert!(card.ok, "{}", card.stderr);
    let v: serde_json::Value = serde_json::from_str(&card.stdout).unwrap();
    // October holds northwind's slipping week (2026-09-28..10-04 for a 2026-11-15 end is 2026-10-13..19):
    // voice service level misses and the credits hit the at-risk cap.
    let voice = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == "voice-sl")
        .unwrap();
    assert_eq!(voice["verdict"], "missed", "{voice}");
    assert_eq!(v["cap_binds"], true, "{v}");
    assert_eq!(v["credits"], v["at_risk"], "{v}");

    let sur = relevo(
        &d,
        &[
            "scorecard",
            "--db",
            db,
            "--provider",
            "sur-contact",
            "--period",
            "2026-10",
            "--as-of",
            "2026-11-16T00:00:00Z",
        ],
    )
    .stdout;
    assert!(sur.contains("stabilisation window"), "{sur}");

    // The invoice as CSV, over-billed on one line by the provider, reconciles to one difference in amount.
    let inv = relevo(
        &d,
        &[
            "invoice",
            "--db",
            db,
            "--provider",
            "northwind-bpo",
            "--month",
            "2026-10",
            "--format",
            "csv",
            "--as-of",
            "2026-11-16T00:00:00Z",
        ],
    )
    .stdout;
    let mut lines: Vec<String> = inv.lines().map(str::to_string).collect();
    let monthly = lines
        .iter()
        .position(|l| l.starts_with("monthly fee"))
        .expect("a monthly fee line");
    lines[monthly] = "monthly fee,1,2750.00,2750.00".into();
    std::fs::write(d.join("vendor.csv"), lines.join("\n") + "\n").unwrap();
    let rec = relevo(
        &d,
        &[
            "invoice",
            "--db",
            db,
            "--provider",
            "northwind-bpo",
            "--month",
            "2026-10",
            "--vendor-invoice",
            "vendor.csv",
            "--as-of",
            "2026-11-16T00:00:00Z",
        ],
    )
    .stdout;
    assert!(
        rec.contains("reconciliation with vendor.csv: 2 differences"),
        "{rec}"
    );
    assert!(
        rec.contains("\"monthly fee\": unit price 2750.00, expected 2500.00"),
        "{rec}"
    );

    let costs = relevo(
        &d,
        &[
            "costs",
            "--db",
            db,
            "--period",
            "2026-10",
            "--as-of",
            "2026-11-16T00:00:00Z",
        ],
    )
    .stdout;
    for p in ["inhouse", "northwind-bpo", "sur-contact"] {
        assert!(costs.contains(p), "{costs}");
    }
}

#[test]
fn bad_contract_files_name_the_key_and_line() {
    let d = temp_dir("badcontract");
    std::fs::write(d.join("in.csv"), CSV).unwrap();
    assert!(relevo(&d, &["import", "in.csv"]).ok);
    let text = std::fs::read_to_string(example_contract("northwind-bpo.toml")).unwrap();
    std::fs::write(
        d.join("bad.toml"),
        text.replacen("currency = \"EUR\"", "currency = 12", 1),
    )
    .unwrap();
    let r = relevo(&d, &["contract", "add", "bad.toml"]);
    assert!(!r.ok);
    assert!(
        r.stderr.starts_with("error: bad.toml: line "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("currency"), "{}", r.stderr);
    // A valid file whose queues the store has never seen is refused with the reason.
    let r = relevo(
        &d,
        &["contract", "add", &example_contract("northwind-bpo.toml")],
    );
    assert!(!r.ok);
    assert!(r.stderr.contains("billing-en"), "{}", r.stderr);
}
