//! The store conformance story: every store operation through the `relevo_store` interface, written
//! without naming an engine, so that each engine runs it unchanged (`support` opens the engine under
//! test). It includes the cube invariant: after any sequence of inserts and upserts, the cube equals a
//! recomputation from raw.

mod accounts;
mod concurrency;
mod routing;
mod support;
mod transitions;

use support::{Db, scratch};

use proptest::prelude::*;
use relevo_core::{Channel, ContactRecord, Direction, Grain, KpiSettings, Outcome, interval_of};
use relevo_metrics::Granularity;
use relevo_metrics::report::{ReportBuilder, ReportRow, ReportSpec};
use relevo_store::{Abort, ImportStats, Scope, Store};

fn rec(
    provider: &str,
    id: &str,
    arrived_s: i64,
    wait_s: i64,
    outcome: Outcome,
    updated_s: i64,
) -> ContactRecord {
    let arrived = 1_790_000_000_000 + arrived_s * 1000;
    let end = arrived + wait_s * 1000;
    ContactRecord {
        answered_at_ms: (outcome == Outcome::Answered).then_some(end),
        abandoned_at_ms: (outcome == Outcome::Abandoned).then_some(end),
        ended_at_ms: (outcome == Outcome::Flowout).then_some(end),
        talk_ms: Some(120_000),
        acw_ms: Some(15_000),
        updated_at_ms: 1_790_000_000_000 + updated_s * 1000,
        ..ContactRecord::new(id, provider, "billing", Channel::Voice, arrived, outcome)
    }
}

fn import(store: &mut dyn Store, records: Vec<ContactRecord>) -> ImportStats {
    let mut it = records.into_iter().map(Ok);
    store.import("test", 0, &mut it, &mut |_| {}, None).unwrap()
}

fn cube(store: &dyn Store) -> Vec<(relevo_store::CellKey, relevo_metrics::Cell)> {
    let mut cells = store.cells(i64::MIN, i64::MAX, &Scope::All).unwrap();
    cells.sort_by(|a, b| a.0.cmp(&b.0));
    cells
}

#[test]
fn conformance_story() {
    let db = Db::new("story");
    let mut store = db.open();

    // First delivery.
    let batch = vec![
        rec("acme", "1", 0, 10, Outcome::Answered, 100),
        rec("acme", "2", 60, 3, Outcome::Abandoned, 100),
        rec("beta", "1", 0, 30, Outcome::Answered, 100),
    ];
    assert_eq!(
        import(&mut *store, batch.clone()),
        ImportStats {
            inserted: 3,
            replaced: 0,
            ignored: 0
        }
    );
    let before = cube(&*store);
    let v1 = store.cube_version().unwrap();
    assert!(
        v1 > 0,
        "an import that stores records moves the cube version"
    );
    // Re-sending the same data changes nothing.
    assert_eq!(
        import(&mut *store, batch),
        ImportStats {
            inserted: 0,
            replaced: 0,
            ignored: 3
        }
    );
    assert_eq!(cube(&*store), before);
    assert_eq!(store.cube_version().unwrap(), v1);

    // A newer version replaces the old one everywhere; an older one is ignored.
    let mut newer = rec("acme", "2", 60, 3, Outcome::Abandoned, 200);
    newer.csat = Some(2);
    let older = rec("acme", "1", 0, 999, Outcome::Abandoned, 50);
    assert_eq!(
        import(&mut *store, vec![newer, older]),
        ImportStats {
            inserted: 0,
            replaced: 1,
            ignored: 1
        }
    );
    assert_eq!(cube(&*store), store.recompute_cube().unwrap());
    assert_eq!(relevo_store::rollup_mismatches(&*store).unwrap(), vec![]);
    let v2 = store.cube_version().unwrap();
    assert!(v2 > v1, "a replaced record moves the cube version");
    let acme: i64 = store
        .cells(i64::MIN, i64::MAX, &Scope::Provider("acme".into()))
        .unwrap()
        .iter()
        .map(|(_, c)| c.offered)
        .sum();
    assert_eq!(acme, 2);
    let csat: i64 = cube(&*store).iter().map(|(_, c)| c.csat[1]).sum();
    assert_eq!(csat, 1);

    // An aborted import writes nothing, not even new providers.
    let mut it = vec![
        Ok(rec("gamma", "9", 0, 1, Outcome::Answered, 1)),
        Err(Abort),
    ]
    .into_iter();
    let err = store
        .import("bad", 0, &mut it, &mut |_| {}, None)
        .unwrap_err();
    assert_eq!(err.to_string(), "import aborted: nothing was written");
    assert_eq!(store.providers().unwrap(), ["acme", "beta"]);
    assert_eq!(store.cube_version().unwrap(), v2);

    // Everything survives reopening; the customer-hash key is stable.
    let h = store.customer_hash("cust-1");
    drop(store);
    let store = db.open();
    assert_eq!(store.customer_hash("cust-1"), h);
    assert_eq!(store.summary(&Scope::All).unwrap().records, 3);
    assert_eq!(
        store
            .summary(&Scope::Provider("beta".into()))
            .unwrap()
            .records,
        1
    );
    assert_eq!(cube(&*store), store.recompute_cube().unwrap());
    assert_eq!(relevo_store::rollup_mismatches(&*store).unwrap(), vec![]);
}

#[test]
fn fcr_counts_repeat_contacts_within_the_window() {
    let mut store = scratch();
    let day = 86_400;
    let with_customer = |mut r: ContactRecord, c: &str| {
        r.customer = Some(c.into());
        r
    };
    import(
        &mut *store,
        vec![
            with_customer(rec("acme", "1", 0, 5, Outcome::Answered, 1), "a"), // a calls again on day 3: not resolved
            with_customer(rec("acme", "2", 3 * day, 5, Outcome::Answered, 1), "a"), // no repeat within 7 days: resolved
            with_customer(rec("acme", "3", 0, 5, Outcome::Answered, 1), "b"), // b calls again on day 8: resolved
            with_customer(rec("beta", "4", 8 * day, 5, Outcome::Abandoned, 1), "b"), // abandoned: not eligible
            rec("acme", "5", 0, 5, Outcome::Answered, 1), // no customer key: not eligible
        ],
    );
    let as_of = 1_790_000_000_000 + 30 * day * 1000;
    let total = |scope: &Scope, as_of: i64| {
        store
            .fcr(i64::MIN / 4, i64::MAX / 4, 7, as_of, scope)
            .unwrap()
            .iter()
            .fold((0, 0), |acc, (_, c)| {
                (acc.0 + c.eligible, acc.1 + c.resolved)
            })
    };
    assert_eq!(total(&Scope::All, as_of), (3, 2));
    // On day 9, contact 2's window (closing day 10) is still open.
    assert_eq!(
        total(&Scope::All, 1_790_000_000_000 + 9 * day * 1000),
        (2, 1)
    );
    assert_eq!(total(&Scope::Provider("beta".into()), as_of), (0, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random inserts and upserts (new versions, stale versions, identical copies, outcome and queue
    /// changes, contacts moving between intervals) in several imports: the cube always equals a
    /// recomputation from the raw records.
    #[test]
    fn cube_equals_recomputation(ops in proptest::collection::vec(
        (0usize..12, 0i64..3_000, 0i64..400, 0u8..3, 0i64..5, 0u8..4, proptest::option::of(1u8..=5), any::<bool>()),
        1..80,
    ), split in 1usize..5) {
        let mut store = scratch();
        let mut batches: Vec<Vec<ContactRecord>> = vec![Vec::new(); split];
        for (i, (id, arrived, wait, outcome, version, queue, csat, outbound)) in ops.into_iter().enumerate() {
            let outcome = [Outcome::Answered, Outcome::Abandoned, Outcome::Flowout][usize::from(outcome)];
            let provider = if id % 2 == 0 { "acme" } else { "beta" };
            // Spread over 31 hours, across a UTC midnight: hour and day roll-ups see several cells.
            let mut r = rec(provider, &id.to_string(), arrived * 37, wait, outcome, version);
            r.queue = ["billing", "sales", "tech", "soporte"][usize::from(queue)].into();
            r.csat = csat;
            r.channel = if id % 3 == 0 { Channel::Chat } else { Channel::Voice };
            if outbound && id % 5 == 0 { r.direction = Direction::Outbound; }
            batches[i % split].push(r);
        }
        for b in batches {
            import(&mut *store, b);
            prop_assert_eq!(cube(&*store), store.recompute_cube().unwrap());
            prop_assert_eq!(relevo_store::rollup_mismatches(&*store).unwrap(), vec![]);
            for grain in [Grain::Quarter, Grain::Hour, Grain::Day] {
                prop_assert_eq!(memory_report(&*store, grain), streamed_report(&*store, grain));
            }
        }
    }
}

/// The days of the test data (UTC), by day and by provider, queue and channel.
fn day_spec() -> ReportSpec {
    let day = 86_400_000;
    let from = 1_790_000_000_000i64.div_euclid(day) * day;
    ReportSpec {
        from_ms: from,
        to_ms: from + 3 * day,
        granularity: Granularity::Day,
        tz: jiff::tz::TimeZone::UTC,
        group: "provider,queue,channel".parse().unwrap(),
        settings: KpiSettings::default(),
    }
}

/// The report from `grain` held in memory.
fn memory_report(store: &dyn Store, grain: Grain) -> Vec<ReportRow> {
    let (version, m) = relevo_store::load_memcube(store, grain).unwrap();
    assert_eq!(version, store.cube_version().unwrap());
    m.report(&day_spec(), &|_, _, _| true, std::iter::empty())
        .rows()
}

/// The same report streamed from the store's cells of `grain`.
fn streamed_report(store: &dyn Store, grain: Grain) -> Vec<ReportRow> {
    let spec = day_spec();
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, &Scope::All).unwrap();
    let mut rows = Vec::new();
    let mut sink = |r: ReportRow| rows.push(r);
    let mut b = ReportBuilder::new(
        &spec,
        groups.iter().map(|(p, q, c)| (p.as_str(), q.as_str(), *c)),
        &mut sink,
    );
    store
        .for_each_cell_at(grain, from_i, to_i, &Scope::All, &mut |c, cell| {
            b.add_cell(c, cell)
        })
        .unwrap();
    b.finish();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Larger imports go through the multi-row INSERT (64 records a statement): batches mixing new
    /// identities, stored ones and repeats inside the batch keep the invariant and the counts.
    #[test]
    fn cube_equals_recomputation_through_multi_row_batches(ops in proptest::collection::vec(
        (0usize..150, 0i64..30_000, 0i64..400, 0u8..3, 0i64..4),
        100..400,
    ), split in 1usize..4) {
        let mut store = scratch();
        let mut batches: Vec<Vec<ContactRecord>> = vec![Vec::new(); split];
        let mut latest: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
        for (i, (id, arrived, wait, outcome, version)) in ops.into_iter().enumerate() {
            let outcome = [Outcome::Answered, Outcome::Abandoned, Outcome::Flowout][usize::from(outcome)];
            batches[i % split].push(rec("acme", &id.to_string(), arrived, wait, outcome, version));
            let v = latest.entry(id).or_insert(version);
            *v = (*v).max(version);
        }
        let mut total = ImportStats::default();
        for b in batches {
            let s = import(&mut *store, b);
            total.inserted += s.inserted;
            total.replaced += s.replaced;
            total.ignored += s.ignored;
            prop_assert_eq!(cube(&*store), store.recompute_cube().unwrap());
            prop_assert_eq!(relevo_store::rollup_mismatches(&*store).unwrap(), vec![]);
        }
        prop_assert_eq!(total.inserted as usize, latest.len());
        let stored = store.summary(&Scope::All).unwrap().records;
        prop_assert_eq!(stored as usize, latest.len());
        // Every identity holds its newest version.
        for (id, v) in latest {
            let u = store.contact_updated_at("acme", &id.to_string()).unwrap();
            prop_assert_eq!(u, Some(1_790_000_000_000 + v * 1000));
        }
    }
}

#[test]
fn multi_row_batches_split_new_and_stored_identities() {
    let mut store = scratch();
    let batch = |ids: std::ops::Range<i64>, version: i64| -> Vec<ContactRecord> {
        ids.map(|i| {
            rec(
                "acme",
                &format!("c{i}"),
                i * 7,
                i % 40,
                if i % 5 == 0 {
                    Outcome::Abandoned
                } else {
                    Outcome::Answered
                },
                version,
            )
        })
        .collect()
    };
    assert_eq!(
        import(&mut *store, batch(0..200, 1)),
        ImportStats {
            inserted: 200,
            replaced: 0,
            ignored: 0
        }
    );
    // Unique identities, half stored already (newer version) and half new: both kinds in every batch.
    let mut mixed = batch(100..300, 2);
    mixed.sort_by_key(|r| r.contact_id.len() as i64 * 1000 + (r.arrived_at_ms / 7000) % 97);
    assert_eq!(
        import(&mut *store, mixed),
        ImportStats {
            inserted: 100,
            replaced: 100,
            ignored: 0
        }
    );
    assert_eq!(
        import(&mut *store, batch(0..300, 0)),
        ImportStats {
            inserted: 0,
            replaced: 0,
            ignored: 300
        }
    );
    assert_eq!(cube(&*store), store.recompute_cube().unwrap());
    assert_eq!(relevo_store::rollup_mismatches(&*store).unwrap(), vec![]);
    let v2 = (0..300)
        .filter(|i| {
            store.contact_updated_at("acme", &format!("c{i}")).unwrap() == Some(1_790_000_002_000)
        })
        .count();
    assert_eq!(v2, 200);
}

#[test]
fn hours_spread_over_quarter_hours_and_resending_changes_nothing() {
    let mut store = scratch();
    let t0 = 1_790_000_100_000; // a quarter hour: 1_790_000_100_000 % 900_000 == 0
    let rows = vec![relevo_store::HoursInput {
        provider: "acme".into(),
        queue: "billing".into(),
        start_ms: t0,
        end_ms: t0 + 2_700_000,
        staffed_ms: 10_000,
        productive_ms: 9_000,
        scheduled_ms: 12_000,
    }];
    assert_eq!(store.import_hours(&rows, None).unwrap(), 3);
    assert_eq!(store.import_hours(&rows, None).unwrap(), 3);
    let cells = store.hours(i64::MIN, i64::MAX, &Scope::All).unwrap();
    let staffed: Vec<i64> = cells.iter().map(|c| c.staffed_ms).collect();
    assert_eq!(staffed, [3_334, 3_333, 3_333]);
    assert_eq!(cells.iter().map(|c| c.productive_ms).sum::<i64>(), 9_000);
    assert!(
        store
            .hours(i64::MIN, i64::MAX, &Scope::Provider("other".into()))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_outbound_call_to_the_customer_is_not_a_repeat_contact() {
    let mut store = scratch();
    let mut first = rec("acme", "1", 0, 5, Outcome::Answered, 1);
    first.customer = Some("a".into());
    let mut callback = rec("acme", "2", 3_600, 5, Outcome::Answered, 1);
    callback.customer = Some("a".into());
    callback.direction = Direction::Outbound;
    import(&mut *store, vec![first, callback]);
    let as_of = 1_790_000_000_000 + 30 * 86_400_000;
    let counts = store
        .fcr(i64::MIN / 4, i64::MAX / 4, 7, as_of, &Scope::All)
        .unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|(_, c)| (c.eligible, c.resolved))
            .collect::<Vec<_>>(),
        [(1, 1)]
    );
}

#[test]
fn contract_versions_are_kept_never_rewritten_and_audited() {
    let mut store = scratch();
    let v1 = relevo_store::NewContract {
        provider: "acme",
        version: 1,
        valid_from: "2026-01-01",
        valid_to: Some("2026-12-31"),
        source: "provider = \"acme\"",
        added_at_ms: 1_000,
        added_by: "vendor-manager",
    };
    store.add_contract(&v1).unwrap();
    let err = store
        .add_contract(&relevo_store::NewContract {
            source: "changed",
            ..v1.clone()
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "acme version 1 is stored already; contract versions are never rewritten: add version 2"
    );
    store
        .add_contract(&relevo_store::NewContract {
            version: 2,
            valid_from: "2027-01-01",
            valid_to: None,
            ..v1
        })
        .unwrap();
    let stored = store.contracts(Some("acme")).unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|c| (c.version, c.source.as_str()))
            .collect::<Vec<_>>(),
        [(1, "provider = \"acme\""), (2, "provider = \"acme\"")]
    );
    let audit = store
        .audit_log(100)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "contract.add" && a.actor == "vendor-manager")
        .count();
    assert_eq!(audit, 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// FCR from the day-keyed index equals a brute-force count over the raw records.
    #[test]
    fn fcr_equals_brute_force(contacts in proptest::collection::vec(
        // Arrivals on a six-hour grid, so that windows often end exactly on another contact.
        (0usize..6, (0i64..80).prop_map(|k| k * 21_600), 0u8..3, any::<bool>()),
        1..120,
    ), window in 1u32..9, from_day in 0i64..10, span_days in 1i64..10, as_of_day in 5i64..40) {
        let mut store = scratch();
        let records: Vec<ContactRecord> = contacts.iter().enumerate().map(|(i, &(cust, t, outcome, outbound))| {
            let outcome = [Outcome::Answered, Outcome::Abandoned, Outcome::Flowout][usize::from(outcome)];
            let mut r = rec(if i % 2 == 0 { "acme" } else { "beta" }, &i.to_string(), t, 5, outcome, 1);
            r.customer = (cust < 5).then(|| format!("c{cust}"));
            if outbound { r.direction = Direction::Outbound; }
            r
        }).collect();
        import(&mut *store, records.clone());
        let base = 1_790_000_000_000i64;
        let (from, to) = (base + from_day * 86_400_000, base + (from_day + span_days) * 86_400_000);
        let as_of = base + as_of_day * 86_400_000;
        let w = i64::from(window) * 86_400_000;
        let mut expected = (0i64, 0i64);
        for r in &records {
            let t = r.arrived_at_ms;
            if r.outcome != Outcome::Answered || r.direction != Direction::Inbound || r.customer.is_none()
                || t < from || t >= to || t + w > as_of {
                continue;
            }
            expected.0 += 1;
            let repeated = records.iter().any(|n| n.customer == r.customer && n.direction == Direction::Inbound
                && n.arrived_at_ms > t && n.arrived_at_ms <= t + w);
            expected.1 += i64::from(!repeated);
        }
        let got = store.fcr(from, to, window, as_of, &Scope::All).unwrap().iter()
            .fold((0, 0), |a, (_, c)| (a.0 + c.eligible, a.1 + c.resolved));
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn locations_this_build_cannot_open_are_refused_naming_the_schemes() {
    for location in [
        "postgres://relevo@db/relevo",
        "postgresql://db/relevo",
        "mysql://db",
    ] {
        let err = relevo_store::open(location).unwrap_err().to_string();
        assert!(
            err.contains("does not support") && err.contains(relevo_store::SCHEMES),
            "{err}"
        );
    }
    let err = relevo_store::open("").unwrap_err().to_string();
    assert!(err.contains("no database location"), "{err}");
}

#[test]
fn opening_without_creating_refuses_a_missing_database() {
    let dir = std::env::temp_dir().join(format!("relevo-store-missing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nothing.db");
    let options = relevo_store::OpenOptions {
        create: false,
        ..Default::default()
    };
    let err = relevo_store::open_with(&file.display().to_string(), &options).unwrap_err();
    assert!(matches!(err, relevo_store::StoreError::Missing(_)), "{err}");
    assert!(!file.exists(), "nothing is created");
    drop(relevo_store::open(&file.display().to_string()).unwrap());
    assert!(relevo_store::open_with(&file.display().to_string(), &options).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The reads that dashboards, contracts and pickers use: cells streamed in interval order within a
/// scope, each group's span, the providers and queues a scope sees, and the raw response times of
/// business-hours terms filtered by queue and channel.
#[test]
fn scoped_reads_and_response_times() {
    let mut store = scratch();
    let mut chat = rec("beta", "3", 1_800, 30, Outcome::Answered, 1);
    chat.channel = Channel::Chat;
    chat.queue = "sales".into();
    import(
        &mut *store,
        vec![
            rec("acme", "1", 0, 10, Outcome::Answered, 1),
            rec("acme", "2", 3_600, 20, Outcome::Abandoned, 1),
            chat,
        ],
    );
    let mut seen = Vec::new();
    store
        .for_each_cell(
            i64::MIN / 2,
            i64::MAX / 2,
            &Scope::Provider("acme".into()),
            &mut |c, cell| seen.push((c.interval, c.provider.to_string(), cell.offered)),
        )
        .unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|(_, p, n)| p == "acme" && *n == 1));
    assert!(seen[0].0 < seen[1].0, "interval order");

    let spans = store.group_spans(&Scope::All).unwrap();
    let first = interval_of(1_790_000_000_000);
    assert_eq!(
        spans,
        vec![
            (
                ("acme".into(), "billing".into(), Channel::Voice),
                first,
                first + 4
            ),
            (
                ("beta".into(), "sales".into(), Channel::Chat),
                first + 2,
                first + 2
            ),
        ]
    );
    assert_eq!(
        store
            .group_spans(&Scope::Provider("beta".into()))
            .unwrap()
            .len(),
        1
    );
    let all = Scope::All;
    let beta = Scope::Provider("beta".into());
    assert_eq!(
        relevo_store::auth::scoped_providers(&*store, &all).unwrap(),
        ["acme", "beta"]
    );
    assert_eq!(
        relevo_store::auth::scoped_providers(&*store, &beta).unwrap(),
        ["beta"]
    );
    assert_eq!(
        relevo_store::auth::scoped_queues(&*store, &all).unwrap(),
        ["billing", "sales"]
    );
    assert_eq!(
        relevo_store::auth::scoped_queues(&*store, &beta).unwrap(),
        ["sales"]
    );

    let t0 = 1_790_000_000_000;
    let times = store
        .response_times("acme", &[], &[], t0, t0 + 86_400_000)
        .unwrap();
    assert_eq!(times, vec![(t0, Some(t0 + 10_000)), (t0 + 3_600_000, None)]);
    let none = store
        .response_times("acme", &[], &[Channel::Chat], t0, t0 + 86_400_000)
        .unwrap();
    assert!(none.is_empty());
    let sales = store
        .response_times(
            "beta",
            &["sales".into()],
            &[Channel::Chat],
            t0,
            t0 + 86_400_000,
        )
        .unwrap();
    assert_eq!(sales, vec![(t0 + 1_800_000, Some(t0 + 1_830_000))]);
}
