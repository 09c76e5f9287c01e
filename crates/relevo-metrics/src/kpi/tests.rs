//! Hand-worked KPI cases: each table row is a set of contacts and the value computed by hand.

use super::*;
use relevo_core::{ContactRecord, Direction, Outcome};

/// A compact contact: outcome letter (a = answered, b = abandoned, f = flowout) and wait in seconds.
fn contact(outcome: char, wait_s: f64) -> ContactRecord {
    let arrived = 1_700_000_000_000;
    let end = arrived + (wait_s * 1000.0).round() as i64;
    let (outcome, answered, abandoned, ended) = match outcome {
        'a' => (Outcome::Answered, Some(end), None, Some(end + 100_000)),
        'b' => (Outcome::Abandoned, None, Some(end), None),
        'f' => (Outcome::Flowout, None, None, Some(end)),
        _ => panic!("bad outcome"),
    };
    ContactRecord {
        answered_at_ms: answered,
        abandoned_at_ms: abandoned,
        ended_at_ms: ended,
        updated_at_ms: end,
        ..ContactRecord::new("x", "p", "q", Channel::Voice, arrived, outcome)
    }
}

/// Parses "a10 a25 b3 b12 f40" into contacts.
fn contacts(spec: &str) -> Vec<ContactRecord> {
    spec.split_whitespace()
        .map(|t| contact(t.chars().next().unwrap(), t[1..].parse().unwrap()))
        .collect()
}

fn kpis_of(records: &[ContactRecord], settings: &KpiSettings) -> Kpis {
    let mut cell = Cell::default();
    for r in records {
        cell.apply(r, 1);
    }
    let mut acc = Acc::default();
    acc.add_cell(&cell, Channel::Voice, settings);
    Kpis::compute(&acc, settings)
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("null".into(), |v| format!("{v:.4}"))
}

/// One check per row: contacts, settings tweak, expected rendering of the KPI under test.
/// (contacts, settings tweak, expected rendering)
type Case<'a> = (&'a str, fn(&mut KpiSettings), &'a str);

fn check(kpi: fn(&Kpis) -> String, cases: &[Case<'_>]) {
    for (spec, tweak, expect) in cases {
        let mut s = KpiSettings::default();
        tweak(&mut s);
        let got = kpi(&kpis_of(&contacts(spec), &s));
        assert_eq!(&got, expect, "contacts {spec:?}");
    }
}

fn dflt(_: &mut KpiSettings) {}

#[test]
fn service_level_counted() {
    // T = 20 s, S = 5 s. "a10 a25 b3 b12 b30": answered_within_t = 1 (10 s), short = 1 (3 s),
    // base = 2 + 3 − 1 = 4 → 1/4 = 0.25.
    check(
        |k| fmt(k.service_level),
        &[
            ("a10 a25 b3 b12 b30", dflt, "0.2500"),
            ("a20 a20.001", dflt, "0.5000"), // exactly T counts; a millisecond over does not
            ("b1 b4.999", dflt, "null"),     // only short abandons: empty denominator
            ("", dflt, "null"),
            ("a10 b12", |s| s.sl_threshold_s = Some(5), "0.0000"),
            ("a10 f40", dflt, "1.0000"), // flowouts excluded by default
            ("a10 f40", |s| s.include_flowouts = true, "0.5000"), // and included on request
            ("a10 b5", |s| s.short_abandon_s = 6, "1.0000"), // 5 s < 6 s: short
        ],
    );
}

#[test]
fn service_level_excluded_within_t() {
    // "a10 a25 b3 b12 b30": abandoned_within_t = 1 (12 s; 3 s is short) → 1 / (4 − 1) = 0.3333.
    fn ex(s: &mut KpiSettings) {
        s.abandon_treatment = AbandonTreatment::ExcludedWithinT;
    }
    check(
        |k| fmt(k.service_level),
        &[
            ("a10 a25 b3 b12 b30", ex, "0.3333"),
            ("b12", ex, "null"),
            ("a10 b12 b5", ex, "1.0000"),
        ],
    );
}

#[test]
fn service_level_met() {
    // "a10 a25 b3 b12 b30": (1 + 1) / 4 = 0.5.
    fn met(s: &mut KpiSettings) {
        s.abandon_treatment = AbandonTreatment::Met;
    }
    check(
        |k| fmt(k.service_level),
        &[
            ("a10 a25 b3 b12 b30", met, "0.5000"),
            ("b12", met, "1.0000"),
        ],
    );
}

#[test]
fn short_abandons_and_abandon_rate() {
    // "a10 b3 b12 f40": offered 4, short 1 → (2 − 1) / (4 − 1) = 0.3333.
    check(
        |k| format!("{} {}", k.short_abandoned, fmt(k.abandon_rate)),
        &[
            ("a10 b3 b12 f40", dflt, "1 0.3333"),
            ("b3 b4", dflt, "2 null"),
            ("a10 a20", dflt, "0 0.0000"),
            ("b0 b5", dflt, "1 1.0000"), // 0 s is short, exactly 5 s is not
        ],
    );
}

#[test]
fn asa_and_p90() {
    // ASA over answered only: (10 + 20 + 30) / 3 = 20. p90 nearest rank: ⌈0.9·3⌉ = 3rd → 30 s.
    check(
        |k| format!("{} {:?}", fmt(k.asa_s), k.p90_answer_s),
        &[
            ("a10 a20 a30 b100", dflt, "20.0000 Some(30)"),
            ("b100", dflt, "null None"),
            ("a0.5 a1.5", dflt, "1.0000 Some(2)"), // p90 rounds up to the whole second
        ],
    );
}

#[test]
fn handle_time_transfer_and_surveys() {
    let mut rs = contacts("a10 a20 b30");
    rs[0].talk_ms = Some(100_000);
    rs[0].hold_ms = Some(20_000);
    rs[0].acw_ms = Some(30_000);
    rs[1].talk_ms = Some(200_000);
    rs[1].transferred = Some(true);
    rs[0].csat = Some(5);
    rs[1].csat = Some(3);
    rs[2].csat = Some(4);
    rs[0].nps = Some(10);
    rs[1].nps = Some(6);
    rs[2].nps = Some(8);
    rs[0].qa_milli = Some(90_000);
    rs[1].qa_milli = Some(75_500);
    let k = kpis_of(&rs, &KpiSettings::default());
    // AHT = (150 + 200) / 2 = 175; talk 150, hold 10, acw 15 as means over answered.
    assert_eq!(
        [k.aht_s, k.talk_s, k.hold_s, k.acw_s].map(fmt),
        ["175.0000", "150.0000", "10.0000", "15.0000"]
    );
    assert_eq!(fmt(k.transfer_rate), "0.5000");
    // CSAT: 3 responses, 2 top-2 → 0.6667; mean 4.
    assert_eq!(
        (k.csat_responses, fmt(k.csat_top2), fmt(k.csat_mean)),
        (3, "0.6667".into(), "4.0000".into())
    );
    // NPS: 1 promoter, 1 detractor, 1 passive → 100·(1 − 1)/3 = 0.
    assert_eq!((k.nps_responses, fmt(k.nps)), (3, "0.0000".into()));
    assert_eq!(fmt(k.qa_mean), "82.7500");
    let empty = kpis_of(&[], &KpiSettings::default());
    assert_eq!(
        [
            empty.aht_s,
            empty.transfer_rate,
            empty.csat_top2,
            empty.nps,
            empty.qa_mean,
            empty.fcr
        ]
        .map(fmt),
        ["null"; 6]
    );
}

#[test]
fn nps_extremes() {
    let mut rs = contacts("a1 a1 a1 a1");
    for (r, v) in rs.iter_mut().zip([9, 10, 0, 9]) {
        r.nps = Some(v);
    }
    // promoters 3, detractors 1 of 4 → 50.
    assert_eq!(fmt(kpis_of(&rs, &KpiSettings::default()).nps), "50.0000");
}

#[test]
fn fcr_ratio_comes_from_caller_counts() {
    let acc = Acc {
        fcr_eligible: 4,
        fcr_resolved: 3,
        ..Acc::default()
    };
    assert_eq!(
        fmt(Kpis::compute(&acc, &KpiSettings::default()).fcr),
        "0.7500"
    );
}

#[test]
fn outbound_contacts_are_not_offered() {
    let mut rs = contacts("a10");
    rs[0].direction = Direction::Outbound;
    assert_eq!(kpis_of(&rs, &KpiSettings::default()).offered, 0);
}

#[test]
fn a_report_adds_cells_in_wide_integers() {
    // Cells whose talk sums are each near i64::MAX (as a year of long email threads across many
    // cells could be): the row's AHT is their mean, not a wrapped negative number.
    let mut cell = Cell::default();
    for r in contacts("a0") {
        cell.apply(&r, 1);
    }
    cell.talk_ms = i64::MAX / 2 + 1;
    let mut acc = Acc::default();
    let settings = KpiSettings::default();
    for _ in 0..4 {
        acc.add_cell(&cell, Channel::Email, &settings);
    }
    let k = Kpis::compute(&acc, &settings);
    assert_eq!(k.answered, 4);
    let expect = (i64::MAX / 2 + 1) as f64 / 1000.0;
    assert_eq!(k.talk_s, Some(expect));
    assert!(k.aht_s.unwrap() > 0.0);
    let mut twice = acc.clone();
    twice.merge(&acc);
    assert_eq!(Kpis::compute(&twice, &settings).talk_s, Some(expect));
}
