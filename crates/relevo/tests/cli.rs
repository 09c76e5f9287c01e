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

/// Writes and imports the demo data (`days` up to `end`) into `d/demo`, and returns the database path.
fn demo_db(d: &Path, days: u32, end: &str) -> String {
    let r = relevo(
        d,
        &[
            "demo",
            "--dir",
            "demo",
            "--days",
            &days.to_string(),
            "--until",
            end,
            "--no-report",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    d.join("demo/relevo.db").to_str().unwrap().to_string()
}

/// A file of the repository's `test_data/`.
fn test_data(rel: &str) -> String {
    format!("{}/../../test_data/{rel}", env!("CARGO_MANIFEST_DIR"))
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
    let sample = test_data("amazon_connect/ctr_redelivery_case1-3.jsonl");
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
        rep.contains(
            "2022-01-05T00:00:00+00:00,,,voice,1,1,0,0,0,0,0,0,346,0,465,239,221,5,346,1,"
        ),
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
    let data = test_data("anonymous_bank/anonymous_bank_1999_february.txt");
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
        month.contains("1999-02-01T00:00:00+02:00,,,voice,31123,27160,3963,"),
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
        csv.contains("\n2026-03-29T01:45:00+01:00,,,voice,1,1,0,0,0,1,"),
        "{csv}"
    );
    assert!(
        csv.contains("\n2026-03-29T03:00:00+02:00,,,voice,1,1,0,0,0,0,"),
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
    let db = demo_db(&d, 42, "2026-10-31");
    let db = db.as_str();
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
    let db = demo_db(&d, 28, "2026-10-31");
    let db = db.as_str();
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
    let db = demo_db(&d, 70, "2026-11-15");
    let db = db.as_str();
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
    // The very same file again is a no-op that says so; another text with the same version is a
    // conflict (versions are never rewritten).
    assert!(again.ok, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("northwind-bpo v2 is stored already with this very text")
            && again.stdout.contains("by relevo demo"),
        "{}",
        again.stdout
    );
    let changed = d.join("northwind-bpo-changed.toml");
    let text = std::fs::read_to_string(example_contract("northwind-bpo.toml")).unwrap();
    std::fs::write(&changed, text.replace("year 2\"", "year 2, amended\"")).unwrap();
    let conflict = relevo(
        &d,
        &["contract", "add", changed.to_str().unwrap(), "--db", db],
    );
    assert!(!conflict.ok);
    assert!(
        conflict
            .stderr
            .contains("northwind-bpo version 2 is given twice"),
        "{}",
        conflict.stderr
    );
    let versions = relevo(&d, &["contract", "list", "--db", db]).stdout;
    assert_eq!(versions.matches("northwind-bpo").count(), 1, "{versions}");

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
            "--period",
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
    // Each row's unit costs are its total over its handled contacts and minutes.
    for line in costs.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |s: &str| s.replace(',', "").parse::<f64>().unwrap();
        let (handled, minutes, total) = (num(f[2]), num(f[3]), num(f[4]));
        let (per_contact, per_minute) = (num(f[6]), num(f[7]));
        assert!((per_contact - total / handled).abs() < 0.006, "{line}");
        assert!(
            (per_minute / (total / minutes) - 1.0).abs() < 0.002,
            "{line}"
        );
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

/// SHA-256 (FIPS 180-4), written out so the test checks webhook signatures independently of the
/// code that makes them.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (i, v) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// `sha256=<hex>` of HMAC-SHA256 (RFC 2104) of `body` under `key` (keys up to 64 bytes).
fn hmac_sha256_header(key: &[u8], body: &[u8]) -> String {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(body.iter().copied())
        .collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(sha256(&inner)).collect();
    let hex: String = sha256(&outer).iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Requests a webhook receiver got: head (request line and headers) and body.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A loopback webhook receiver: records each request's headers and body and answers 200.
struct Receiver {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(port: u16, requests: Received) -> Receiver {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let mut conn = conn.unwrap();
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                let (head, body_start) = loop {
                    let n = conn.read(&mut buf).unwrap();
                    assert!(n > 0, "connection closed before the headers ended");
                    data.extend_from_slice(&buf[..n]);
                    if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break (String::from_utf8(data[..i].to_vec()).unwrap(), i + 4);
                    }
                };
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                while data.len() < body_start + length {
                    let n = conn.read(&mut buf).unwrap();
                    data.extend_from_slice(&buf[..n]);
                }
                requests2
                    .lock()
                    .unwrap()
                    .push((head, data[body_start..body_start + length].to_vec()));
                conn.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
            }
        });
        Receiver {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops accepting (the port is closed until a new receiver binds it).
    fn stop(mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        self.thread.take().unwrap().join().unwrap();
    }
}

const NORTHWIND_PLAN: &str = r#"
name = "billing-en to northwind"
queue = "billing-en"
channels = ["voice"]
from = "inhouse"
to = "northwind-bpo"
time_zone = "Europe/Madrid"

[[phases]]
name = "parallel ramp"
share = 0.10
earliest = 2026-09-14
min_duration = "3d"

[[phases]]
share = 0.25
earliest = 2026-09-21
min_duration = "3d"

[[phases]]
share = 0.50
earliest = 2026-09-25
min_duration = "3d"

[[phases]]
share = 0.75
earliest = 2026-10-12
min_duration = "7d"

[[phases]]
share = 1.0
earliest = 2026-10-26

[gate]
window = "3d"
min_volume = 100
guardrails = [
    { kpi = "service_level", min = 0.70 },
    { kpi = "abandon_rate", max = 0.15 },
    { kpi = "aht_s", max = 420 },
]

[on_fail]
action = "hold"
escalate_to = "rollback_one"
escalate_after = "2d"

[webhook]
url = "http://127.0.0.1:PORT/hooks/relevo"
secret = "test-secret"
"#;

/// The demo's slipping BPO week replayed day by day against a plan that moves billing-en to
/// northwind-bpo: the gate passes and the plan advances, then the slip fails it — hold, then a
/// rollback every two days while it keeps failing — and it recovers without advancing until a
/// person says so. Each evaluation is its own process (state from the database); the webhook
/// receiver is down for one day and gets the missed events, in order, on the next run.
#[test]
fn transition_replay_of_the_slipping_week_holds_then_rolls_back() {
    // The test's own HMAC-SHA256 against RFC 4231 §4.3 first.
    assert_eq!(
        hmac_sha256_header(b"Jefe", b"what do ya want for nothing?"),
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let d = temp_dir("transition-replay");
    let db = demo_db(&d, 60, "2026-10-31");
    let db = db.as_str();
    let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut receiver = Some(Receiver::start(0, requests.clone()));
    let port = receiver.as_ref().unwrap().port;
    std::fs::write(
        d.join("plan.toml"),
        NORTHWIND_PLAN.replace("PORT", &port.to_string()),
    )
    .unwrap();
    let r = relevo(
        &d,
        &[
            "transition",
            "create",
            "plan.toml",
            "--db",
            db,
            "--at",
            "2026-09-13",
            "--actor",
            "user:vm",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "created transition 2: billing-en to northwind (billing-en on voice from inhouse to northwind-bpo, 5 phases)\n"
    );
    let mut trace = String::new();
    let start: jiff::civil::Date = "2026-09-14".parse().unwrap();
    for i in 0..25 {
        let day = start
            .checked_add(jiff::Span::new().days(i))
            .unwrap()
            .to_string();
        if day == "2026-09-29" {
            // The receiver is down the day the gate fails: the events wait in the database.
            receiver.take().unwrap().stop();
        }
        if day == "2026-09-30" {
            receiver = Some(Receiver::start(port, requests.clone()));
        }
        let r = relevo(
            &d,
            &["transition", "evaluate", "2", "--db", db, "--as-of", &day],
        );
        assert!(r.ok, "{day}: {}", r.stderr);
        if day == "2026-09-29" {
            assert!(r.stderr.contains("not delivered"), "{}", r.stderr);
        }
        let gate = r
            .stdout
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .split(' ')
            .nth(1)
            .unwrap()
            .to_owned();
        let now = r
            .stdout
            .lines()
            .find(|l| l.contains("now: phase"))
            .unwrap()
            .trim()
            .to_owned();
        trace.push_str(&format!("{day} {gate:<12} {now}\n"));
        for l in r.stdout.lines().filter(|l| l.starts_with("  2026")) {
            let words: Vec<&str> = l.split_whitespace().collect();
            trace.push_str(&format!(
                "    {} by {}\n",
                words[3],
                words[5].trim_end_matches(':')
            ));
        }
    }
    assert_eq!(
        trace,
        "\
2026-09-14 insufficient now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
    advanced by guardrail
2026-09-15 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-16 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-17 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-18 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-19 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-20 pass         now: phase 1/5 parallel ramp (10 %) since 2026-09-14 00:00 CEST (running)
2026-09-21 pass         now: phase 2/5 25 % since 2026-09-21 00:00 CEST (running)
    advanced by guardrail
2026-09-22 pass         now: phase 2/5 25 % since 2026-09-21 00:00 CEST (running)
2026-09-23 pass         now: phase 2/5 25 % since 2026-09-21 00:00 CEST (running)
2026-09-24 pass         now: phase 2/5 25 % since 2026-09-21 00:00 CEST (running)
2026-09-25 pass         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (running)
    advanced by guardrail
2026-09-26 pass         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (running)
2026-09-27 pass         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (running)
2026-09-28 pass         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (running)
2026-09-29 fail         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (held by guardrail)
    gate_failed by guardrail
    held by guardrail
2026-09-30 fail         now: phase 3/5 50 % since 2026-09-25 00:00 CEST (held by guardrail)
2026-10-01 fail         now: phase 2/5 25 % since 2026-10-01 00:00 CEST (rolled back, held by guardrail)
    rolled_back by guardrail
2026-10-02 fail         now: phase 2/5 25 % since 2026-10-01 00:00 CEST (rolled back, held by guardrail)
2026-10-03 fail         now: phase 1/5 parallel ramp (10 %) since 2026-10-03 00:00 CEST (rolled back, held by guardrail)
    rolled_back by guardrail
2026-10-04 insufficient now: phase 1/5 parallel ramp (10 %) since 2026-10-03 00:00 CEST (rolled back, held by guardrail)
2026-10-05 fail         now: phase 0/5 baseline (0 %) since 2026-10-05 00:00 CEST (rolled back, held by guardrail)
    rolled_back by guardrail
2026-10-06 pass         now: phase 0/5 baseline (0 %) since 2026-10-05 00:00 CEST (rolled back, held by guardrail)
    gate_recovered by guardrail
2026-10-07 pass         now: phase 0/5 baseline (0 %) since 2026-10-05 00:00 CEST (rolled back, held by guardrail)
2026-10-08 pass         now: phase 0/5 baseline (0 %) since 2026-10-05 00:00 CEST (rolled back, held by guardrail)
"
    );
    // A person restarts the ramp.
    let r = relevo(
        &d,
        &[
            "transition",
            "advance",
            "2",
            "--db",
            db,
            "--at",
            "2026-10-08T09:00:00+02:00",
            "--reason",
            "northwind fixed its staffing",
            "--actor",
            "user:vm",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("advanced by user:vm: northwind fixed its staffing"),
        "{}",
        r.stdout
    );
    let r = relevo(
        &d,
        &["transition", "rollback", "2", "--db", db, "--reason", ""],
    );
    assert!(!r.ok);
    assert_eq!(
        r.stderr,
        "error: transition 2: cannot rollback: give a reason\n"
    );

    // The webhooks: every event, in order, signed with the plan's secret.
    receiver.take().unwrap().stop();
    let got = requests.lock().unwrap().clone();
    let mut kinds = Vec::new();
    for (head, body) in &got {
        assert!(
            head.starts_with("POST /hooks/relevo HTTP/1.1\r\n"),
            "{head}"
        );
        let sig = head
            .lines()
            .find_map(|l| l.strip_prefix("X-Relevo-Signature: "))
            .unwrap();
        assert_eq!(sig, hmac_sha256_header(b"test-secret", body), "{head}");
        assert_ne!(sig, hmac_sha256_header(b"wrong", body));
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        kinds.push(v["event"]["kind"].as_str().unwrap().to_owned());
        if v["event"]["kind"] == "held" {
            assert_eq!(v["event"]["at"], "2026-09-28T22:00:00Z");
            assert_eq!(v["event"]["from_phase"]["share"], 0.5);
            let checks = v["event"]["gate"]["checks"].as_array().unwrap();
            let sl = &checks[0];
            assert_eq!(sl["kpi"], "service_level");
            assert_eq!(sl["status"], "fail");
            assert!(sl["value"].as_f64().unwrap() < 0.7, "{sl}");
            assert!(sl["volume"].as_i64().unwrap() >= 100, "{sl}");
        }
    }
    assert_eq!(
        kinds,
        [
            "advanced",
            "advanced",
            "advanced",
            "gate_failed",
            "held",
            "rolled_back",
            "rolled_back",
            "rolled_back",
            "gate_recovered",
            "advanced"
        ]
    );

    // The audit log has every change, with who and why.
    let store = relevo_store::open(db).unwrap();
    let audit: Vec<String> = store
        .audit_log(1000)
        .unwrap()
        .into_iter()
        .rev()
        .filter(|a| a.target.as_deref() == Some("transition:2"))
        .filter(|a| a.action.starts_with("transition.") && a.action != "transition.evaluate")
        .map(|a| format!("{} {} {}", a.actor, a.action, a.target.unwrap_or_default()))
        .collect();
    assert_eq!(
        audit,
        [
            "user:vm transition.create transition:2",
            "guardrail transition.advanced transition:2",
            "guardrail transition.advanced transition:2",
            "guardrail transition.advanced transition:2",
            "guardrail transition.gate_failed transition:2",
            "guardrail transition.held transition:2",
            "guardrail transition.rolled_back transition:2",
            "guardrail transition.rolled_back transition:2",
            "guardrail transition.rolled_back transition:2",
            "guardrail transition.gate_recovered transition:2",
            "user:vm transition.advance transition:2",
            "user:vm transition.advanced transition:2",
        ]
    );
    let evaluations = store
        .audit_log(1000)
        .unwrap()
        .into_iter()
        .filter(|a| {
            a.action == "transition.evaluate" && a.target.as_deref() == Some("transition:2")
        })
        .count();
    assert_eq!(evaluations, 25);
    let events = store.transition_events(2).unwrap();
    assert!(events.iter().all(|e| e.delivered_at_ms.is_some()));

    // Status: the timeline, target vs actual shares, guardrails vs thresholds, the events.
    let r = relevo(
        &d,
        &[
            "transition",
            "status",
            "2",
            "--db",
            db,
            "--as-of",
            "2026-10-10",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    for want in [
        "now: phase 1/5 parallel ramp (10 %) since 2026-10-08 09:00 CEST (running)",
        "▶ 1  parallel ramp              10 %  from 2026-09-14 00:00 CEST  min 3d  last entered 2026-10-08 09:00 CEST",
        "northwind-bpo        target  10.0 %  actual 100.0 %",
        "inhouse              target  90.0 %  actual   0.0 %",
        "service_level",
        "[delivered]",
    ] {
        assert!(r.stdout.contains(want), "{want:?} not in:\n{}", r.stdout);
    }
    let r = relevo(&d, &["transition", "status", "--db", db]);
    assert!(
        r.stdout
            .contains("2  billing-en to northwind  billing-en inhouse → northwind-bpo  phase 1/5"),
        "{}",
        r.stdout
    );
}

/// `relevo simulate` on the demo's history: the same seed gives the same output, another seed
/// another one; the typical week is the store's history (its weekly volume equals the report's),
/// and each phase splits it at the plan's shares.
#[test]
fn simulate_a_transition_plan_on_the_store_history_is_deterministic() {
    let d = temp_dir("simulate");
    let db = demo_db(&d, 60, "2026-10-31");
    let db = db.as_str();
    let plan = format!(
        "{}/../../examples/transitions/sur-contact-billing.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let sim = |seed: &str, format: &str| {
        let r = relevo(
            &d,
            &[
                "simulate",
                "--plan",
                &plan,
                "--db",
                db,
                "--replications",
                "4",
                "--seed",
                seed,
                "--weeks",
                "4",
                "--format",
                format,
            ],
        );
        assert!(r.ok, "{}", r.stderr);
        r.stdout
    };
    let first = sim("7", "json");
    assert_eq!(first, sim("7", "json"));
    assert_ne!(first, sim("8", "json"));
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["history"]["from"], "2026-09-28 00:00 CEST");
    assert_eq!(v["history"]["to"], "2026-10-26 00:00 CET");
    let weekly = v["history"]["offered_per_week"].as_f64().unwrap();
    let report = relevo(
        &d,
        &[
            "report",
            "--db",
            db,
            "--from",
            "2026-09-28",
            "--to",
            "2026-10-25",
            "--by",
            "week",
            "--queue",
            "billing-es",
            "--channel",
            "voice",
            "--tz",
            "Europe/Madrid",
            "--format",
            "json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let offered: f64 = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["offered"].as_f64().unwrap())
        .sum();
    assert!(
        (weekly - offered / 4.0).abs() < 1e-6,
        "{weekly} vs {offered}"
    );
    let phases = v["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 6);
    for p in phases {
        let share = p["share"].as_f64().unwrap();
        let all = p["all"]["offered"]["mean"].as_f64().unwrap();
        assert!((all - weekly).abs() < 0.05 * weekly, "{p}");
        let to = p["providers"][1]["offered"]["mean"].as_f64().unwrap();
        assert!((to - share * all).abs() <= 0.02 * all + 2.0, "{p}");
        let sl = &p["all"]["service_level"];
        assert!(sl["mean"].as_f64().unwrap() > 0.5, "{p}");
        assert!(sl["half_width"].as_f64().unwrap() < 0.1, "{p}");
    }
    assert!(phases[0]["providers"][1]["service_level"].is_null());
    let table = sim("7", "table");
    assert!(table.contains("parallel ramp (10 %)"), "{table}");
    assert!(
        table.contains("staffing: provider hours scaled to the phase's share"),
        "{table}"
    );
}

#[test]
fn report_bounds_take_instants_half_open_and_dates_whole() {
    let d = temp_dir("bounds");
    std::fs::write(d.join("in.csv"), CSV).unwrap();
    assert!(relevo(&d, &["import", "in.csv"]).ok);
    let hours = relevo(
        &d,
        &[
            "report",
            "--from",
            "2026-10-01T08:00:00+00:00",
            "--to",
            "2026-10-01T09:00:00Z",
            "--by",
            "hour",
            "--format",
            "csv",
        ],
    )
    .stdout;
    assert_eq!(hours.lines().count(), 2, "{hours}");
    assert!(
        hours.contains("\n2026-10-01T08:00:00+00:00,,,voice,3,"),
        "{hours}"
    );
    let days = relevo(
        &d,
        &[
            "report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-01",
            "--by",
            "hour",
            "--format",
            "csv",
        ],
    )
    .stdout;
    assert_eq!(days.lines().count(), 25, "{days}");
    let bad = relevo(
        &d,
        &["report", "--from", "2026-10-01T08", "--to", "2026-10-02"],
    );
    assert!(
        bad.stderr
            .contains("--from \"2026-10-01T08\": expected a date"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_database_url_this_build_cannot_open_is_refused_and_creates_nothing() {
    let d = temp_dir("db-url");
    for url in [
        "postgres://relevo@db.example/relevo",
        "postgresql://db/relevo",
    ] {
        let r = relevo(
            &d,
            &[
                "report",
                "--from",
                "2026-10-01",
                "--to",
                "2026-10-01",
                "--db",
                url,
            ],
        );
        assert!(!r.ok, "{}", r.stdout);
        assert!(
            r.stderr.contains("does not support postgres") && r.stderr.contains("sqlite://PATH"),
            "{}",
            r.stderr
        );
    }
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
    assert!(left.is_empty(), "nothing is created: {left:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn reading_commands_on_a_missing_database_say_so_and_create_nothing() {
    let d = temp_dir("missing-db");
    for args in [
        &["report", "--from", "2026-10-01", "--to", "2026-10-01"][..],
        &["check"][..],
        &["scorecard", "--provider", "acme", "--period", "2026-10"][..],
        &["costs", "--period", "2026-10"][..],
        &[
            "plan",
            "--queue",
            "billing",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-02",
        ][..],
        &["forecast", "--queue", "billing"][..],
    ] {
        let r = relevo(&d, args);
        assert!(!r.ok, "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("there is no relevo database at")
                && r.stderr.contains("relevo import FILE"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!d.join("test.db").exists(), "no database is created");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn report_filters_that_name_no_data_are_errors_naming_what_is_known() {
    let d = temp_dir("report-filters");
    let db = demo_db(&d, 14, "2026-10-31");
    for (filter, says) in [
        (
            ["--provider", "nosuch"],
            "unknown provider \"nosuch\" (providers with data: inhouse, northwind-bpo, sur-contact)",
        ),
        (
            ["--queue", "nosuch"],
            "unknown queue \"nosuch\" (queues with data: billing-en, billing-es,",
        ),
        (
            ["--channel", "social"],
            "no data on channel social (channels with data: chat, email, voice)",
        ),
    ] {
        for format in ["table", "csv"] {
            let out = d.join("report.csv");
            let r = relevo(
                &d,
                &[
                    "report",
                    "--db",
                    &db,
                    "--from",
                    "2026-10-30",
                    "--to",
                    "2026-10-31",
                    "--format",
                    format,
                    "-o",
                    out.to_str().unwrap(),
                    filter[0],
                    filter[1],
                ],
            );
            assert!(!r.ok, "{filter:?}");
            assert!(r.stderr.contains(says), "{filter:?}: {}", r.stderr);
            assert!(
                !out.exists(),
                "nothing is written before the filters are checked"
            );
        }
    }
    // The same database serves two more checks (a demo database takes a few seconds to build).
    an_invoice_with_a_missing_vendor_file_fails_before_printing_anything(&d, &db);
    the_database_option_goes_before_or_after_the_command(&d, &db);
    reports_do_not_blend_channels_unless_told(&d, &db);
    forecast_errors_name_the_options(&d, &db);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_demo_does_not_replace_its_database_without_force() {
    let d = temp_dir("demo-force");
    let db = demo_db(&d, 7, "2026-10-31");
    let token = relevo(
        &d,
        &[
            "token", "create", "--db", &db, "--role", "admin", "--name", "kept",
        ],
    );
    assert!(token.ok, "{}", token.stderr);
    let again = [
        "demo",
        "--dir",
        "demo",
        "--days",
        "7",
        "--end",
        "2026-10-31",
        "--no-report",
    ];
    let r = relevo(&d, &again);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("exists: its users, tokens and transitions would be lost")
            && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    let listed = relevo(&d, &["token", "list", "--db", &db]);
    assert!(
        listed.stdout.contains("kept"),
        "the database is untouched: {}",
        listed.stdout
    );
    let forced = relevo(&d, &[&again[..], &["--force"]].concat());
    assert!(forced.ok, "{}", forced.stderr);
    let listed = relevo(&d, &["token", "list", "--db", &db]);
    assert!(!listed.stdout.contains("kept"), "{}", listed.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// A report whose grouping does not name channel is grouped by channel too (voice seconds and
/// email hours never share a row), unless `--blend-channels` says so — and then the table says
/// the rows blend channels. The service-level threshold is in
/// the table; durations above ten minutes read in hours. (On the report-filter test's database.)
fn reports_do_not_blend_channels_unless_told(d: &Path, db: &str) {
    let base = [
        "report",
        "--db",
        db,
        "--from",
        "2026-10-30",
        "--to",
        "2026-10-30",
    ];
    let r = relevo(d, &base);
    assert!(r.ok, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "SL: answered within voice 20s, chat 60s, email 24h"
    );
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("period      channel  offered"),
        "{}",
        r.stdout
    );
    let email = r
        .stdout
        .lines()
        .find(|l| l.starts_with("2026-10-30  email"))
        .unwrap();
    assert!(email.contains(" h ") && email.contains(" min"), "{email}");
    // The same rows in CSV, in seconds, with the channel column filled.
    let csv = relevo(d, &[&base[..], &["--format", "csv"]].concat()).stdout;
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.lines().nth(3).unwrap().contains(",email,"), "{csv}");
    // Asked to blend: one row, and a line that says so.
    let r = relevo(d, &[&base[..], &["--blend-channels"]].concat());
    assert!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .starts_with("rows blend channels; SL: answered within each channel's own threshold")
            && r.stdout.lines().count() == 4,
        "{}",
        r.stdout
    );
    // One channel: the header has its threshold.
    let r = relevo(
        d,
        &[&base[..], &["--channel", "voice", "--group", "provider"]].concat(),
    );
    assert!(
        r.stdout
            .starts_with("period      provider       channel  offered  answered  SL@20s"),
        "{}",
        r.stdout
    );
    let r = relevo(d, &[&base[..], &["--sl-threshold", "30"]].concat());
    assert!(
        r.stdout.lines().next().unwrap().contains("SL@30s"),
        "{}",
        r.stdout
    );
}

/// The forecast's errors name the command line's options (the application names the fields).
fn forecast_errors_name_the_options(d: &Path, db: &str) {
    for (extra, says) in [
        (
            ["--horizon", "1w"],
            "error: --horizon \"1w\": expected e.g. 7d",
        ),
        (["--k", "0"], "error: --k: must be at least 1"),
    ] {
        let r = relevo(
            d,
            &[
                &["forecast", "--db", db, "--queue", "billing-es"][..],
                &extra[..],
            ]
            .concat(),
        );
        assert!(!r.ok);
        assert!(r.stderr.starts_with(says), "{extra:?}: {}", r.stderr);
    }
}

/// (On the demo database of the report-filter test.)
fn an_invoice_with_a_missing_vendor_file_fails_before_printing_anything(d: &Path, db: &str) {
    let r = relevo(
        d,
        &[
            "invoice",
            "--db",
            db,
            "--provider",
            "sur-contact",
            "--period",
            "2026-10",
            "--vendor-invoice",
            "missing.csv",
        ],
    );
    assert!(!r.ok);
    assert!(r.stderr.contains("cannot read missing.csv"), "{}", r.stderr);
    assert_eq!(r.stdout, "", "nothing printed before the error");
}

/// (On the demo database of the report-filter test.)
fn the_database_option_goes_before_or_after_the_command(d: &Path, db: &str) {
    let before = relevo(
        d,
        &[
            "--db",
            db,
            "report",
            "--from",
            "2026-10-30",
            "--to",
            "2026-10-30",
        ],
    );
    let after = relevo(
        d,
        &[
            "report",
            "--from",
            "2026-10-30",
            "--to",
            "2026-10-30",
            "--db",
            db,
        ],
    );
    assert!(before.ok && after.ok, "{} {}", before.stderr, after.stderr);
    assert_eq!(before.stdout, after.stdout);
    assert!(before.stdout.contains("2026-10-30"), "{}", before.stdout);
}

#[test]
fn a_file_with_a_line_past_the_bound_imports_nothing_in_any_mode() {
    let d = temp_dir("long-line");
    // A 50 MB field once went whole into memory and on to stderr; now the line is refused at
    // its first megabyte, and a lenient import does not commit the rows before it either (the
    // rest of the file could not be read).
    let text = format!(
        "{}c9,acme,{},voice,2026-10-01T08:00:00Z,2026-10-01T08:00:10Z,,,,\n{}",
        CSV,
        "q".repeat(50 << 20),
        "a4,acme,billing,voice,2026-10-01T08:03:00Z,2026-10-01T08:03:05Z,,,,\n"
    );
    std::fs::write(d.join("long.csv"), text).unwrap();
    for extra in [&[][..], &["--skip-invalid", "--rejects", "r.csv"][..]] {
        let mut args = vec!["import", "long.csv"];
        args.extend_from_slice(extra);
        let r = relevo(&d, &args);
        assert!(!r.ok, "{extra:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("line 5 is longer than 1048576 bytes")
                && r.stderr.contains("nothing was imported"),
            "{extra:?}: {}",
            r.stderr
        );
        assert!(r.stderr.len() < 1_000, "{} bytes of stderr", r.stderr.len());
    }
    let r = relevo(&d, &["check"]);
    assert!(
        r.ok && r.stdout.contains("(0 cells, 0 records)"),
        "{}",
        r.stdout
    );
}

#[test]
fn contact_trace_records_one_after_another_on_one_line_import_whatever_its_length() {
    // Kinesis Firehose writes records without line breaks: a file of many is one long line, which
    // the line bound of CSV and JSON lines must not refuse.
    let d = temp_dir("firehose");
    let text =
        std::fs::read_to_string(test_data("amazon_connect/ctr_redelivery_case1-3.jsonl")).unwrap();
    let record = text.lines().next().unwrap();
    let id = "6fe40d2a-1a89-4d73-bfcf-5d9c33894f47";
    let many: String = (0..500)
        .map(|i| record.replace(id, &format!("firehose-{i:04}")))
        .collect();
    assert!(many.len() > 1 << 20 && !many.contains('\n'));
    std::fs::write(d.join("firehose.json"), &many).unwrap();
    let r = relevo(
        &d,
        &[
            "import",
            "firehose.json",
            "--provider",
            "inhouse",
            "--format",
            "amazon-connect-ctr",
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("500 inserted"), "{}", r.stdout);
}
