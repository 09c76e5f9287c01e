//! Writers on one database from several handles (as from several processes): they wait for each
//! other up to their bound, then are told the store is busy; nothing is half-written; an import's
//! audit row commits with it or not at all.

use crate::support::Db;
use relevo_core::{Channel, ContactRecord, Outcome};
use relevo_store::{Abort, AuditNote, StoreError};
use std::time::Duration;

fn answered(provider: &str, id: usize) -> ContactRecord {
    let arrived = 1_790_000_000_000 + id as i64 * 1000;
    ContactRecord {
        answered_at_ms: Some(arrived + 5_000),
        ended_at_ms: Some(arrived + 65_000),
        talk_ms: Some(60_000),
        ..ContactRecord::new(
            format!("c{id}"),
            provider,
            "billing",
            Channel::Voice,
            arrived,
            Outcome::Answered,
        )
    }
}

/// Starts an import on its own handle that holds the write lock for `hold` after its first
/// record, and returns once it has that record (so the lock is held).
fn slow_import(db: &Db, hold: Duration) -> std::thread::JoinHandle<()> {
    let mut store = db.open();
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let mut first = true;
        let mut it = (0..50).map(|i| {
            if first {
                first = false;
            } else if i == 1 {
                tx.send(()).unwrap();
                std::thread::sleep(hold);
            }
            Ok(answered("slow", i))
        });
        store.import("slow", 0, &mut it, &mut |_| {}, None).unwrap();
    });
    rx.recv().unwrap();
    handle
}

#[test]
fn a_writer_waits_for_another_and_both_batches_land() {
    let db = Db::new("writers-wait");
    drop(db.open());
    let mut other = db.open_waiting(Duration::from_secs(20));
    let slow = slow_import(&db, Duration::from_millis(800));
    let mut it = (0..20).map(|i| Ok(answered("quick", i)));
    let stats = other
        .import("quick", 0, &mut it, &mut |_| {}, None)
        .expect("the second writer waits instead of failing");
    assert_eq!(stats.inserted, 20);
    // It committed after the first writer did: it waited for it.
    let s = db.open();
    assert_eq!(s.summary(&relevo_store::Scope::All).unwrap().records, 70);
    slow.join().unwrap();
    assert_eq!(s.recompute_cube().unwrap(), {
        let mut c = s
            .cells(i64::MIN, i64::MAX, &relevo_store::Scope::All)
            .unwrap();
        c.sort_by(|a, b| a.0.cmp(&b.0));
        c
    });
}

#[test]
fn past_its_bound_a_writer_is_told_the_store_is_busy_and_writes_nothing() {
    let db = Db::new("writers-busy");
    drop(db.open());
    let mut impatient = db.open_waiting(Duration::from_millis(100));
    let slow = slow_import(&db, Duration::from_millis(1_500));
    let mut it = (0..5).map(|i| Ok(answered("quick", i)));
    let audit = AuditNote {
        at_ms: 1,
        actor: "test",
        action: "contacts.push",
        detail: "received=5",
    };
    let err = impatient
        .import("quick", 0, &mut it, &mut |_| {}, Some(&audit))
        .unwrap_err();
    assert!(matches!(err, StoreError::Busy(_)), "{err:?}");
    assert!(err.to_string().contains("try again"), "{err}");
    slow.join().unwrap();
    let s = db.open();
    assert_eq!(s.summary(&relevo_store::Scope::All).unwrap().records, 50);
    assert!(s.audit_log(10).unwrap().is_empty(), "no audit row either");
}

#[test]
fn an_import_and_its_audit_row_commit_together() {
    let db = Db::new("audited");
    let mut s = db.open();
    let audit = AuditNote {
        at_ms: 7,
        actor: "token:1",
        action: "contacts.push",
        detail: "received=3",
    };
    // Aborted: neither the records nor the audit row.
    let mut it = (0..3).map(|i| {
        if i == 2 {
            Err(Abort)
        } else {
            Ok(answered("p", i))
        }
    });
    assert!(matches!(
        s.import("api", 0, &mut it, &mut |_| {}, Some(&audit)),
        Err(StoreError::Aborted)
    ));
    assert!(s.audit_log(10).unwrap().is_empty());
    let mut it = (0..3).map(|i| Ok(answered("p", i)));
    s.import("api", 0, &mut it, &mut |_| {}, Some(&audit))
        .unwrap();
    let log = s.audit_log(10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].at_ms, log[0].actor.as_str(), log[0].action.as_str()),
        (7, "token:1", "contacts.push")
    );
    assert_eq!(
        log[0].detail.as_deref(),
        Some("received=3 inserted=3 replaced=0 ignored=0")
    );
}
