use super::*;
use relevo_core::{ContactRecord, Outcome};

fn contact(
    queue: &str,
    channel: Channel,
    at: &str,
    outcome: Outcome,
    wait_s: i64,
) -> ContactRecord {
    let arrived = at.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let end = arrived + wait_s * 1000;
    ContactRecord {
        answered_at_ms: (outcome == Outcome::Answered).then_some(end),
        abandoned_at_ms: (outcome == Outcome::Abandoned).then_some(end),
        talk_ms: Some(100_000),
        updated_at_ms: end,
        ..ContactRecord::new("x", "acme", queue, channel, arrived, outcome)
    }
}

fn spec(from: &str, to: &str, g: Granularity, tz: &str, group: &str) -> ReportSpec {
    ReportSpec {
        from_ms: from.parse::<jiff::Timestamp>().unwrap().as_millisecond(),
        to_ms: to.parse::<jiff::Timestamp>().unwrap().as_millisecond(),
        granularity: g,
        tz: TimeZone::get(tz).unwrap(),
        group: group.parse().unwrap(),
        settings: KpiSettings::default(),
    }
}

fn run(spec: &ReportSpec, records: &[ContactRecord]) -> Vec<ReportRow> {
    run_at(spec, records, Grain::Quarter)
}

#[test]
fn csv_has_the_canonical_columns_and_per_channel_thresholds() {
    let records = [
        contact(
            "billing",
            Channel::Voice,
            "2026-10-01T08:00:00Z",
            Outcome::Answered,
            15,
        ), // within 20 s
        contact(
            "billing",
            Channel::Chat,
            "2026-10-01T08:05:00Z",
            Outcome::Answered,
            45,
        ), // within chat's 60 s
        contact(
            "sales",
            Channel::Voice,
            "2026-10-01T09:00:00Z",
            Outcome::Abandoned,
            30,
        ),
    ];
    let s = spec(
        "2026-10-01T00:00:00Z",
        "2026-10-03T00:00:00Z",
        Granularity::Day,
        "UTC",
        "queue",
    );
    expect_test::expect![[r#"
        period_start,provider,queue,channel,offered,answered,abandoned,short_abandoned,flowout,answered_within_t,abandoned_within_t,service_level,asa_s,abandon_rate,aht_s,talk_s,hold_s,acw_s,p90_answer_s,transfer_rate,csat_responses,csat_top2,csat_mean,nps_responses,nps,qa_mean,fcr
        2026-10-01T00:00:00+00:00,,billing,,2,2,0,0,0,2,0,1,30,0,100,100,0,0,45,0,0,,,0,,,
        2026-10-01T00:00:00+00:00,,sales,,1,0,1,0,0,0,0,0,,1,,,,,,,0,,,0,,,
        2026-10-02T00:00:00+00:00,,billing,,0,0,0,0,0,0,0,,,,,,,,,,0,,,0,,,
        2026-10-02T00:00:00+00:00,,sales,,0,0,0,0,0,0,0,,,,,,,,,,0,,,0,,,
    "#]]
    .assert_eq(&to_csv(&run(&s, &records), &s.tz));
}

#[test]
fn daylight_saving_day_by_interval_has_92_rows() {
    let records = [contact(
        "billing",
        Channel::Voice,
        "2026-03-29T08:00:00Z",
        Outcome::Answered,
        5,
    )];
    // 2026-03-29 in Madrid: 00:00+01:00 to 24:00+02:00 is 23 hours.
    let s = spec(
        "2026-03-28T23:00:00Z",
        "2026-03-29T22:00:00Z",
        Granularity::Interval,
        "Europe/Madrid",
        "",
    );
    let rows = run(&s, &records);
    assert_eq!(rows.len(), 92);
    assert_eq!(rows.iter().map(|r| r.kpis.offered).sum::<i64>(), 1);
    let csv = to_csv(&rows, &s.tz);
    assert!(csv.contains("2026-03-29T01:45:00+01:00"));
    assert!(csv.contains("2026-03-29T03:00:00+02:00"));
    assert!(!csv.contains("2026-03-29T02:00:00"));
    let fall = spec(
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
        Granularity::Interval,
        "Europe/Madrid",
        "",
    );
    assert_eq!(run(&fall, &records).len(), 100);
    let by_hour = spec(
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
        Granularity::Hour,
        "Europe/Madrid",
        "",
    );
    assert_eq!(run(&by_hour, &records).len(), 25);
}

/// Tables name the service-level threshold they judge at, and long times read in hours.
#[test]
fn tables_show_the_threshold_and_readable_durations() {
    let records = [
        contact(
            "billing",
            Channel::Voice,
            "2026-10-01T08:00:00Z",
            Outcome::Answered,
            15,
        ),
        contact(
            "billing",
            Channel::Email,
            "2026-10-01T08:00:00Z",
            Outcome::Answered,
            19_149,
        ),
    ];
    let day = |group: &str| {
        spec(
            "2026-10-01T00:00:00Z",
            "2026-10-02T00:00:00Z",
            Granularity::Day,
            "UTC",
            group,
        )
    };
    // By channel at the defaults: a line says which threshold each channel is judged at.
    let s = day("channel");
    expect_test::expect![[r#"
        SL: answered within voice 20s, email 24h
        period      channel  offered  answered      SL         ASA  abandon    AHT         p90  CSAT top2  NPS  FCR
        ───────────────────────────────────────────────────────────────────────────────────────────────────────────
        2026-10-01  voice          1         1  100.0%        15 s     0.0%  100 s        15 s          –    –    –
        2026-10-01  email          1         1  100.0%  5 h 19 min     0.0%  100 s  5 h 20 min          –    –    –
    "#]]
    .assert_eq(&to_table(&run(&s, &records), &s));
    // One threshold for all: in the header.
    let mut s = day("channel");
    s.settings.sl_threshold_s = Some(30);
    let table = to_table(&run(&s, &records), &s);
    assert!(
        table.starts_with("period      channel  offered  answered  SL@30s"),
        "{table}"
    );
    // Rows that blend channels say so.
    let s = day("");
    let table = to_table(&run(&s, &records), &s);
    assert!(
        table.starts_with("rows blend channels; SL: answered within each channel's own threshold"),
        "{table}"
    );
    // Machine formats keep seconds.
    let csv = to_csv(&run(&day("channel"), &records), &s.tz);
    assert!(csv.contains(",19149"), "CSV keeps seconds: {csv}");
}

#[test]
fn table_and_json_render() {
    let records = [
        contact(
            "billing",
            Channel::Voice,
            "2026-10-01T08:00:00Z",
            Outcome::Answered,
            15,
        ),
        contact(
            "billing",
            Channel::Voice,
            "2026-10-01T08:00:00Z",
            Outcome::Abandoned,
            40,
        ),
    ];
    let s = spec(
        "2026-10-01T00:00:00Z",
        "2026-10-02T00:00:00Z",
        Granularity::Day,
        "UTC",
        "queue,channel",
    );
    let rows = run(&s, &records);
    expect_test::expect![[r#"
        period      queue    channel  offered  answered  SL@20s   ASA  abandon    AHT   p90  CSAT top2  NPS  FCR
        ────────────────────────────────────────────────────────────────────────────────────────────────────────
        2026-10-01  billing  voice          2         1   50.0%  15 s    50.0%  100 s  15 s          –    –    –
    "#]]
    .assert_eq(&to_table(&rows, &s));
    let json = to_json(&rows, &s);
    assert!(
        json.starts_with("{\"settings\":{\"time_zone\":\"UTC\",\"by\":\"day\""),
        "{json}"
    );
    assert!(
        json.contains("\"queue\":\"billing\",\"channel\":\"voice\",\"offered\":2"),
        "{json}"
    );
    assert!(json.contains("\"csat_top2\":null"), "{json}");
}

/// Cells of `grain` (records summed per hour or day cell), in interval order, through the builder.
fn run_at(spec: &ReportSpec, records: &[ContactRecord], grain: Grain) -> Vec<ReportRow> {
    let mut cells: std::collections::BTreeMap<(i64, String, Channel), Cell> =
        std::collections::BTreeMap::new();
    for r in records {
        let key = (
            grain.bucket_of(relevo_core::interval_of(r.arrived_at_ms)),
            r.queue.clone(),
            r.channel,
        );
        cells.entry(key).or_default().apply(r, 1);
    }
    build(
        spec,
        cells.iter().map(|((i, q, ch), c)| {
            (
                CellRef {
                    interval: *i,
                    provider: "acme",
                    queue: q,
                    channel: *ch,
                },
                c,
            )
        }),
        std::iter::empty(),
    )
}

#[test]
fn grain_for_picks_the_coarsest_cells_whose_boundaries_fit() {
    use Granularity::*;
    let cases = [
        // (from, to, by, zone, grain)
        (
            "2026-03-01T00:00:00Z",
            "2026-04-01T00:00:00Z",
            Day,
            "UTC",
            Grain::Day,
        ),
        (
            "2026-03-01T00:00:00Z",
            "2026-04-01T00:00:00Z",
            Month,
            "UTC",
            Grain::Day,
        ),
        (
            "2026-03-02T00:00:00Z",
            "2026-03-30T00:00:00Z",
            Week,
            "UTC",
            Grain::Day,
        ),
        (
            "2026-03-01T00:00:00Z",
            "2026-04-01T00:00:00Z",
            Hour,
            "UTC",
            Grain::Hour,
        ),
        (
            "2026-03-01T00:00:00Z",
            "2026-04-01T00:00:00Z",
            Interval,
            "UTC",
            Grain::Quarter,
        ),
        // Madrid's days start at 23:00 or 22:00 UTC: hour cells, also across the DST change.
        (
            "2026-02-28T23:00:00Z",
            "2026-03-31T22:00:00Z",
            Day,
            "Europe/Madrid",
            Grain::Hour,
        ),
        (
            "2026-02-28T23:00:00Z",
            "2026-03-31T22:00:00Z",
            Month,
            "Europe/Madrid",
            Grain::Hour,
        ),
        // India's days start on half hours: only the 15-minute cube fits.
        (
            "2026-02-28T18:30:00Z",
            "2026-03-31T18:30:00Z",
            Day,
            "Asia/Kolkata",
            Grain::Quarter,
        ),
        // A range cut mid-hour.
        (
            "2026-03-01T10:30:00Z",
            "2026-03-02T00:00:00Z",
            Day,
            "UTC",
            Grain::Quarter,
        ),
        (
            "2026-03-01T10:00:00Z",
            "2026-03-02T00:00:00Z",
            Day,
            "UTC",
            Grain::Hour,
        ),
    ];
    for (from, to, by, tz, want) in cases {
        let s = spec(from, to, by, tz, "");
        assert_eq!(
            grain_for(s.from_ms, s.to_ms, s.granularity, &s.tz),
            want,
            "{from}..{to} by {by:?} in {tz}"
        );
    }
}

#[test]
fn reports_from_hour_and_day_cells_equal_reports_from_the_cube() {
    // Contacts every 7 min 13 s for 40 days around Madrid's spring change, waits 0–299 s.
    let start = "2026-03-10T00:00:00Z".parse::<jiff::Timestamp>().unwrap();
    let records: Vec<ContactRecord> = (0..8_000i64)
        .map(|i| {
            let at = start + jiff::SignedDuration::from_secs(i * 433);
            let outcome = if i % 6 == 0 {
                Outcome::Abandoned
            } else {
                Outcome::Answered
            };
            let queue = ["billing", "soporte"][(i % 2) as usize];
            let channel = if i % 3 == 0 {
                Channel::Chat
            } else {
                Channel::Voice
            };
            contact(queue, channel, &at.to_string(), outcome, (i * 37) % 300)
        })
        .collect();
    let specs = [
        (
            "2026-03-10T00:00:00Z",
            "2026-04-15T00:00:00Z",
            Granularity::Day,
            "UTC",
        ),
        (
            "2026-03-10T00:00:00Z",
            "2026-04-15T00:00:00Z",
            Granularity::Week,
            "UTC",
        ),
        (
            "2026-03-01T00:00:00Z",
            "2026-05-01T00:00:00Z",
            Granularity::Month,
            "UTC",
        ),
        (
            "2026-03-10T00:00:00Z",
            "2026-03-12T00:00:00Z",
            Granularity::Hour,
            "UTC",
        ),
        (
            "2026-03-09T23:00:00Z",
            "2026-04-14T22:00:00Z",
            Granularity::Day,
            "Europe/Madrid",
        ),
        (
            "2026-02-28T23:00:00Z",
            "2026-04-30T22:00:00Z",
            Granularity::Month,
            "Europe/Madrid",
        ),
    ];
    for (from, to, by, tz) in specs {
        for group in ["", "queue,channel"] {
            let s = spec(from, to, by, tz, group);
            let grain = grain_for(s.from_ms, s.to_ms, s.granularity, &s.tz);
            assert_ne!(grain, Grain::Quarter, "{from} by {by:?} in {tz}");
            let coarse = run_at(&s, &records, grain);
            assert!(coarse.iter().any(|r| r.kpis.offered > 0));
            assert_eq!(
                coarse,
                run_at(&s, &records, Grain::Quarter),
                "{from} by {by:?} in {tz}"
            );
        }
    }
}

/// The fast fixed-point path writes exactly what exact formatting (then trimming) writes.
#[test]
fn fast_number_formatting_matches_exact_formatting() {
    let exact = |x: f64, d: usize| {
        let s = format!("{x:.d$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut values: Vec<f64> = vec![
        0.0, -0.0, 0.5, 1.0, -1.0, 0.0000005, 0.1234565, 2.5, -2.5, 1e14, 99.9999995,
    ];
    for _ in 0..300_000 {
        let r = next();
        // Ratios of small counts (ties included), and values across magnitudes, both signs.
        let (num, den) = ((r % 2_000) as f64, ((r >> 16) % 2_000 + 1) as f64);
        values.push(num / den);
        values.push(-(num / den) * 100.0);
        let m = f64::from_bits((r >> 12) | 0x3ff0_0000_0000_0000) - 1.0; // [0, 1)
        values.push(m * 10f64.powi((r % 14) as i32 - 6));
    }
    let mut fast_used = 0;
    for &x in &values {
        for d in [0, 3, 6] {
            let mut out = String::new();
            push_num(&mut out, Some(x), d);
            assert_eq!(out, exact(x, d), "{x:e} to {d} decimals");
            fast_used += usize::from(push_fixed_fast(&mut String::new(), x, d));
        }
    }
    assert!(
        fast_used > values.len() * 2,
        "the fast path serves most values"
    );
}

#[test]
fn dense_row_count_is_the_number_of_rows_emitted() {
    let records = [
        contact(
            "billing",
            Channel::Voice,
            "2026-03-01T10:00:00Z",
            Outcome::Answered,
            10,
        ),
        contact(
            "soporte",
            Channel::Chat,
            "2026-03-02T11:00:00Z",
            Outcome::Abandoned,
            40,
        ),
        contact(
            "billing",
            Channel::Chat,
            "2026-03-03T12:00:00Z",
            Outcome::Answered,
            5,
        ),
    ];
    let cube_groups = [
        ("acme", "billing", Channel::Voice),
        ("acme", "soporte", Channel::Chat),
        ("acme", "billing", Channel::Chat),
    ];
    for (by, group) in [
        (Granularity::Interval, ""),
        (Granularity::Day, "queue"),
        (Granularity::Day, "provider,queue,channel"),
        (Granularity::Week, "channel"),
    ] {
        let s = spec(
            "2026-03-01T00:00:00Z",
            "2026-03-05T00:00:00Z",
            by,
            "Europe/Madrid",
            group,
        );
        assert_eq!(
            dense_row_count(&s, cube_groups),
            run(&s, &records).len(),
            "by {by:?}, group {group:?}"
        );
    }
}

#[test]
fn kpi_columns_are_the_vocabulary_names() {
    // Every column that names a KPI is the vocabulary's name for it, in the vocabulary's order.
    let kpi_columns: Vec<&str> = CSV_COLUMNS
        .split(',')
        .filter(|c| c.parse::<relevo_core::Kpi>().is_ok())
        .collect();
    assert_eq!(
        kpi_columns,
        relevo_core::Kpi::names(relevo_core::Kpi::REPORT)
    );
}
