use super::*;
use crate::Granularity;
use crate::report::ReportBuilder;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use relevo_core::{AbandonTreatment, ContactRecord, Direction, KpiSettings, Outcome, interval_of};
use std::collections::BTreeMap;

type Coord = (i64, String, String, Channel);

const PROVIDERS: [&str; 2] = ["acme", "sur"];
const QUEUES: [&str; 3] = ["billing", "sales", "tech"];
const CHANNELS: [Channel; 3] = [Channel::Voice, Channel::Chat, Channel::Email];
/// 2026-03-28T00:00:00Z: three days around Madrid's spring change.
const T0: i64 = 1_774_656_000_000;

#[derive(Debug, Clone)]
struct Rec {
    p: usize,
    q: usize,
    ch: usize,
    at_s: i64,
    outcome: u8,
    wait_ms: i64,
    csat: Option<u8>,
    nps: Option<u8>,
}

fn record(r: &Rec) -> ContactRecord {
    let arrived = T0 + r.at_s * 1000;
    let outcome = [Outcome::Answered, Outcome::Abandoned, Outcome::Flowout][usize::from(r.outcome)];
    let end = arrived + r.wait_ms;
    ContactRecord {
        contact_id: "x".into(),
        provider: PROVIDERS[r.p].into(),
        queue: QUEUES[r.q].into(),
        channel: CHANNELS[r.ch],
        direction: Direction::Inbound,
        arrived_at_ms: arrived,
        answered_at_ms: (outcome == Outcome::Answered).then_some(end),
        abandoned_at_ms: (outcome == Outcome::Abandoned).then_some(end),
        ended_at_ms: (outcome == Outcome::Flowout).then_some(end),
        outcome,
        talk_ms: Some(r.wait_ms * 3 + 1000),
        hold_ms: Some(r.wait_ms / 7),
        acw_ms: None,
        agent: None,
        customer: None,
        reason: None,
        resolved: None,
        transferred: Some(r.at_s % 5 == 0),
        csat: r.csat,
        nps: r.nps,
        qa_milli: (r.at_s % 3 == 0).then_some(r.wait_ms % 1000),
        language: None,
        updated_at_ms: end,
    }
}

fn arb_rec() -> impl Strategy<Value = Rec> {
    (
        0..2usize,
        0..3usize,
        0..3usize,
        0..3 * 86_400i64,
        0..3u8,
        prop_oneof![
            0..120_000i64,
            0..5_000_000i64,
            Just(20_000i64),
            Just(5_000i64)
        ],
        proptest::option::of(1..=5u8),
        proptest::option::of(0..=10u8),
    )
        .prop_map(|(p, q, ch, at_s, outcome, wait_ms, csat, nps)| Rec {
            p,
            q,
            ch,
            at_s,
            outcome,
            wait_ms,
            csat,
            nps,
        })
}

/// Quarter-hour cells of the records, and their roll-ups to `grain`.
fn cells(recs: &[Rec], grain: Grain) -> BTreeMap<Coord, Cell> {
    let mut out: BTreeMap<Coord, Cell> = BTreeMap::new();
    for r in recs.iter().map(record) {
        let key = (
            grain.bucket_of(interval_of(r.arrived_at_ms)),
            r.provider.clone(),
            r.queue.clone(),
            r.channel,
        );
        out.entry(key).or_default().apply(&r, 1);
    }
    out
}

fn spans(quarters: &BTreeMap<Coord, Cell>) -> BTreeMap<(String, String, Channel), (i64, i64)> {
    let mut out: BTreeMap<(String, String, Channel), (i64, i64)> = BTreeMap::new();
    for (i, p, q, c) in quarters.keys() {
        let s = out
            .entry((p.clone(), q.clone(), *c))
            .or_insert((i64::MAX, i64::MIN));
        *s = (s.0.min(*i), s.1.max(*i));
    }
    out
}

fn memcube(
    grain: Grain,
    cells: &BTreeMap<Coord, Cell>,
    spans: &BTreeMap<(String, String, Channel), (i64, i64)>,
) -> MemCube {
    let mut b = MemCubeBuilder::new(grain, spans.iter().map(|(k, s)| (k.clone(), s.0, s.1)));
    let mut by_interval: Vec<(&Coord, &Cell)> = cells.iter().collect();
    by_interval.sort_by_key(|(k, _)| k.0);
    for ((i, p, q, c), cell) in by_interval {
        let r = CellRef {
            interval: *i,
            provider: p,
            queue: q,
            channel: *c,
        };
        b.push(r, cell).unwrap();
    }
    b.finish()
}

/// The rows the store-backed path gives: groups whose span meets the range, cells in interval order.
fn expected(
    spec: &ReportSpec,
    quarters: &BTreeMap<Coord, Cell>,
    spans: &BTreeMap<(String, String, Channel), (i64, i64)>,
    keep: &dyn Fn(&str, &str, Channel) -> bool,
    fcr: &[(CellRef<'_>, i64, i64)],
) -> Vec<ReportRow> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = spans
        .iter()
        .filter(|((p, q, c), s)| s.0 < to_i && s.1 >= from_i && keep(p, q, *c))
        .map(|((p, q, c), _)| (p.as_str(), q.as_str(), *c));
    let mut rows = Vec::new();
    let mut sink = |r: ReportRow| rows.push(r);
    let mut b = ReportBuilder::new(spec, groups, &mut sink);
    for (c, e, r) in fcr {
        if keep(c.provider, c.queue, c.channel) {
            b.add_fcr(*c, *e, *r);
        }
    }
    let mut by_interval: Vec<(&Coord, &Cell)> = quarters.iter().collect();
    by_interval.sort_by_key(|(k, _)| k.0);
    for ((i, p, q, c), cell) in by_interval {
        if keep(p, q, *c) {
            let r = CellRef {
                interval: *i,
                provider: p,
                queue: q,
                channel: *c,
            };
            b.add_cell(r, cell);
        }
    }
    b.finish();
    rows
}

#[derive(Debug, Clone)]
struct Case {
    from_q: i64,
    len_q: i64,
    day_aligned: bool,
    by: Granularity,
    madrid: bool,
    group: (bool, bool, bool),
    threshold: Option<u32>,
    short: u32,
    treatment: AbandonTreatment,
    flowouts: bool,
    drop_queue: Option<usize>,
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        (-4..3 * 96i64, 1..4 * 96i64, any::<bool>()),
        prop_oneof![
            Just(Granularity::Interval),
            Just(Granularity::Hour),
            Just(Granularity::Day),
            Just(Granularity::Week),
            Just(Granularity::Month),
        ],
        any::<bool>(),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        proptest::option::of(prop_oneof![0..40u32, Just(86_400u32), Just(3_700u32)]),
        prop_oneof![0..30u32, Just(4_000u32)],
        prop_oneof![
            Just(AbandonTreatment::Counted),
            Just(AbandonTreatment::ExcludedWithinT),
            Just(AbandonTreatment::Met),
        ],
        any::<bool>(),
        proptest::option::of(0..3usize),
    )
        .prop_map(
            |(
                (from_q, len_q, day_aligned),
                by,
                madrid,
                group,
                threshold,
                short,
                treatment,
                flowouts,
                drop_queue,
            )| {
                Case {
                    from_q,
                    len_q,
                    day_aligned,
                    by,
                    madrid,
                    group,
                    threshold,
                    short,
                    treatment,
                    flowouts,
                    drop_queue,
                }
            },
        )
}

fn spec_of(c: &Case) -> ReportSpec {
    let q = 900_000;
    let (from_ms, to_ms) = if c.day_aligned {
        let d0 = c.from_q.div_euclid(96);
        let days = c.len_q.div_euclid(96) + 1;
        (T0 + d0 * 86_400_000, T0 + (d0 + days) * 86_400_000)
    } else {
        (T0 + c.from_q * q + 60_000, T0 + (c.from_q + c.len_q) * q)
    };
    ReportSpec {
        from_ms,
        to_ms,
        granularity: c.by,
        tz: if c.madrid {
            TimeZone::get("Europe/Madrid").unwrap()
        } else {
            TimeZone::UTC
        },
        group: GroupBy {
            provider: c.group.0,
            queue: c.group.1,
            channel: c.group.2,
        },
        settings: KpiSettings {
            sl_threshold_s: c.threshold,
            short_abandon_s: c.short,
            abandon_treatment: c.treatment,
            include_flowouts: c.flowouts,
            fcr_window_days: 7,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The memory cube gives the store path's rows exactly, from the 15-minute cells and from the
    /// hour or day roll-ups whenever `grain_for` would read those.
    #[test]
    fn memory_reports_equal_the_streamed_reports(
        recs in proptest::collection::vec(arb_rec(), 0..300),
        case in arb_case(),
        fcr_seed in proptest::collection::vec((0..300usize, 0..5i64, 0..5i64), 0..8),
    ) {
        let spec = spec_of(&case);
        let quarters = cells(&recs, Grain::Quarter);
        let spans = spans(&quarters);
        let drop = case.drop_queue.map(|q| QUEUES[q]);
        let keep = move |_: &str, q: &str, _: Channel| Some(q) != drop;
        let keys: Vec<&Coord> = quarters.keys().collect();
        let fcr: Vec<(CellRef<'_>, i64, i64)> = if keys.is_empty() {
            Vec::new()
        } else {
            fcr_seed
                .iter()
                .map(|&(k, e, r)| {
                    let (i, p, q, c) = keys[k % keys.len()];
                    (CellRef { interval: *i, provider: p, queue: q, channel: *c }, e + r, r)
                })
                .collect()
        };
        let want = expected(&spec, &quarters, &spans, &keep, &fcr);
        let m = memcube(Grain::Quarter, &quarters, &spans);
        let got = m.report(&spec, &keep, fcr.iter().copied());
        prop_assert_eq!(got.len(), want.len());
        prop_assert_eq!(&got.rows(), &want);
        for threads in [2, 3, 7] {
            let split = m.report_with_threads(&spec, &keep, fcr.iter().copied(), Some(threads));
            prop_assert_eq!(&split.rows(), &want, "{} threads", threads);
        }
        let grain = crate::report::grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
        if grain != Grain::Quarter {
            let coarse = memcube(grain, &cells(&recs, grain), &spans);
            prop_assert_eq!(&coarse.report(&spec, &keep, fcr.iter().copied()).rows(), &want);
        }
    }
}

#[test]
fn cells_out_of_order_are_refused() {
    let mut b = MemCubeBuilder::new(Grain::Quarter, std::iter::empty());
    let cell = Cell {
        offered: 1,
        ..Cell::default()
    };
    let at = |interval| CellRef {
        interval,
        provider: "acme",
        queue: "billing",
        channel: Channel::Voice,
    };
    b.push(at(10), &cell).unwrap();
    let err = b.push(at(9), &cell).unwrap_err();
    assert!(err.to_string().contains("out of order"), "{err}");
}

#[test]
fn a_negative_count_is_refused() {
    let mut b = MemCubeBuilder::new(Grain::Quarter, std::iter::empty());
    let cell = Cell {
        offered: -1,
        ..Cell::default()
    };
    let r = CellRef {
        interval: 1,
        provider: "acme",
        queue: "billing",
        channel: Channel::Voice,
    };
    let err = b.push(r, &cell).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot hold the cube in memory: offered -1 out of range"
    );
}

#[test]
fn an_empty_range_gives_dense_empty_rows() {
    let recs = [Rec {
        p: 0,
        q: 0,
        ch: 0,
        at_s: 3600,
        outcome: 0,
        wait_ms: 12_000,
        csat: Some(5),
        nps: None,
    }];
    let quarters = cells(&recs, Grain::Quarter);
    let spans = spans(&quarters);
    let m = memcube(Grain::Quarter, &quarters, &spans);
    let mut spec = spec_of(&Case {
        from_q: 0,
        len_q: 8,
        day_aligned: false,
        by: Granularity::Hour,
        madrid: false,
        group: (true, true, true),
        threshold: None,
        short: 5,
        treatment: AbandonTreatment::Counted,
        flowouts: false,
        drop_queue: None,
    });
    spec.from_ms = T0;
    let cols = m.report(&spec, &|_, _, _| true, std::iter::empty());
    assert_eq!(cols.len(), 2); // hours 0 and 1 for the one group
    let (empty, busy) = (cols.kpis(0), cols.kpis(1));
    assert_eq!(
        (empty.offered, empty.service_level, empty.p90_answer_s),
        (0, None, None)
    );
    assert_eq!(
        (
            busy.offered,
            busy.service_level,
            busy.p90_answer_s,
            busy.csat_top2
        ),
        (1, Some(1.0), Some(12), Some(1.0))
    );
}

#[test]
#[should_panic(expected = "Day cells cannot answer this report exactly")]
fn cells_too_coarse_for_the_report_are_a_bug() {
    let m = MemCubeBuilder::new(Grain::Day, std::iter::empty()).finish();
    let spec = ReportSpec {
        from_ms: T0,
        to_ms: T0 + 86_400_000,
        granularity: Granularity::Interval,
        tz: TimeZone::UTC,
        group: GroupBy::default(),
        settings: KpiSettings::default(),
    };
    m.report(&spec, &|_, _, _| true, std::iter::empty());
}
