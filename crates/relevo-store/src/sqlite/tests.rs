//! What only the SQLite engine has: its journal modes, its raw tables (secrets and customers stored
//! only as hashes), and migrations from older files. Everything else is in the engine-neutral
//! conformance story (`tests/store`).

use super::SqliteStore;
use crate::auth::secret_hash;
use crate::{Abort, AccountStore, ContactStore, ImportStats, NewToken, Role, Scope, Store};
use relevo_core::{Channel, ContactRecord, Outcome};
use std::path::Path;

fn open(path: &Path) -> SqliteStore {
    SqliteStore::open_waiting(
        path,
        std::time::Duration::from_secs(10),
        super::BUSY_TIMEOUT,
    )
    .unwrap()
}

/// An answered voice contact of acme on billing, `arrived_s` after a fixed instant.
fn answered(id: &str, arrived_s: i64, wait_s: i64) -> ContactRecord {
    let arrived = 1_790_000_000_000 + arrived_s * 1000;
    ContactRecord {
        answered_at_ms: Some(arrived + wait_s * 1000),
        talk_ms: Some(120_000),
        ..ContactRecord::new(
            id,
            "acme",
            "billing",
            Channel::Voice,
            arrived,
            Outcome::Answered,
        )
    }
}

fn import(store: &mut dyn Store, records: Vec<ContactRecord>) -> ImportStats {
    let mut it = records.into_iter().map(Ok);
    store.import("test", 0, &mut it, &mut |_| {}, None).unwrap()
}

fn cube(store: &dyn Store) -> Vec<(crate::CellKey, relevo_metrics::Cell)> {
    let mut cells = store.cells(i64::MIN, i64::MAX, &Scope::All).unwrap();
    cells.sort_by(|a, b| a.0.cmp(&b.0));
    cells
}

fn journal_mode(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

/// Large loads run with a rollback journal when the database is theirs alone, and go back to WAL;
/// with another connection open they stay in WAL. Either way an aborted load writes nothing and the
/// customer index stays in use.
#[test]
fn large_loads_switch_journal_only_when_alone_and_stay_atomic() {
    let dir = std::env::temp_dir().join(format!("relevo-store-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bulk.db");
    let records = |from: i64, n: i64| -> Vec<ContactRecord> {
        (from..from + n)
            .map(|i| {
                let mut r = answered(&i.to_string(), i * 60, 5);
                r.customer = Some(format!("c{}", i % 50));
                r
            })
            .collect()
    };
    let mut store = open(&path);
    let journal = dir.join("bulk.db-journal");
    let mut seen = 0;
    let mut it = records(0, 500).into_iter().map(Ok).inspect(|_| {
        seen += 1;
        if seen == 400 {
            assert!(journal.exists(), "a load alone writes a rollback journal");
            // Meanwhile another process cannot open the database: it is told why.
            match SqliteStore::open_waiting(
                &path,
                std::time::Duration::from_millis(50),
                super::BUSY_TIMEOUT,
            ) {
                Err(e @ crate::StoreError::Busy(_)) => {
                    assert!(e.to_string().contains("large file"), "{e}")
                }
                other => panic!("expected Busy, got {other:?}"),
            }
        }
    });
    store
        .import("alone", 1_000_000, &mut it, &mut |_| {}, None)
        .unwrap();
    assert_eq!(journal_mode(store.connection()), "wal");

    // Another process holds the database open (and reads during the load): the load stays in WAL.
    let other = rusqlite::Connection::open(&path).unwrap();
    let mut reads = 0;
    let mut it = records(500, 500).into_iter().map(Ok).inspect(|_| {
        let n: i64 = other
            .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 500, "a reader sees the last committed state");
        reads += 1;
    });
    store
        .import("shared", 1_000_000, &mut it, &mut |_| {}, None)
        .unwrap();
    assert_eq!(reads, 500);
    assert!(!journal.exists() || std::fs::metadata(&journal).unwrap().len() == 0);
    assert_eq!(journal_mode(store.connection()), "wal");
    drop(other);

    // Aborted large loads, alone and shared, change nothing.
    for _ in 0..2 {
        let mut it = records(1_000, 300).into_iter().map(Ok).chain([Err(Abort)]);
        assert!(
            store
                .import("aborted", 1_000_000, &mut it, &mut |_| {}, None)
                .is_err()
        );
        assert_eq!(journal_mode(store.connection()), "wal");
    }
    drop(store);
    let store = open(&path);
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1_000);
    let plan: String = store
        .connection()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT 1 FROM contacts WHERE arrived_at / 3600000 = 5 AND customer_hash = 5 AND direction = 0 AND arrived_at > 0",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("contacts_customer_hour"), "{plan}");
    assert_eq!(cube(&store), store.recompute_cube().unwrap());
    assert_eq!(crate::rollup_mismatches(&store).unwrap(), vec![]);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn customers_are_stored_only_as_keyed_hashes() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut r = answered("1", 0, 10);
    r.customer = Some("+34600111222".into());
    import(&mut store, vec![r]);
    let stored: i64 = store
        .connection()
        .query_row("SELECT customer_hash FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, store.customer_hash("+34600111222"));
    let dump: String = store
        .connection()
        .query_row(
            "SELECT group_concat(quote(customer_hash)) || group_concat(contact_id) FROM contacts",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!dump.contains("600111222"));
    // A different database has a different key: hashes are not comparable across deployments.
    assert_ne!(
        SqliteStore::open_in_memory()
            .unwrap()
            .customer_hash("+34600111222"),
        stored
    );
}

/// A store made before the roll-ups existed gets them built from its cube when it is opened.
#[test]
fn opening_a_store_from_before_the_rollups_builds_them() {
    let dir = std::env::temp_dir().join(format!("relevo-store-rollup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.db");
    let mut store = open(&path);
    let records: Vec<ContactRecord> = (0..3_000)
        .map(|i| answered(&i.to_string(), i * 97, i % 200))
        .collect();
    import(&mut store, records);
    store
        .connection()
        .execute_batch("DROP TABLE cube_rollup; PRAGMA user_version = 7;")
        .unwrap();
    drop(store);
    let store = open(&path);
    assert_eq!(crate::rollup_mismatches(&store).unwrap(), vec![]);
    let days: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM cube_rollup WHERE grain = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, 4, "3,000 contacts 97 s apart span 4 UTC days");
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secrets_are_stored_hashed() {
    let s = SqliteStore::open_in_memory().unwrap();
    let token = NewToken {
        name: "t".into(),
        role: Role::Admin,
        provider: None,
        expires_at_ms: None,
    };
    s.create_token("plain-secret", &token, 0).unwrap();
    let stored: Vec<u8> = s
        .connection()
        .query_row("SELECT secret_hash FROM api_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, secret_hash("plain-secret").to_vec());
}

/// A cell no valid records can make (what two records with talk_s = 9e15 once left: a sum past
/// i64::MAX, wrapped negative) is named with its grain; the cube of valid records has none.
#[test]
fn impossible_cells_are_named() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    import(
        &mut store,
        (0..10)
            .map(|i| answered(&i.to_string(), i * 60, 5))
            .collect(),
    );
    assert_eq!(crate::impossible_cells(&store).unwrap(), vec![]);
    let blob: Vec<u8> = store
        .connection()
        .query_row("SELECT cell FROM cube LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let mut cell = relevo_metrics::Cell::decode(&blob).unwrap();
    cell.talk_ms = 9_000_000_000_000_000_000_i64.wrapping_mul(2);
    store
        .connection()
        .execute("UPDATE cube SET cell = ?1", [cell.encode()])
        .unwrap();
    let found = crate::impossible_cells(&store).unwrap();
    assert!(!found.is_empty());
    let (grain, _, why) = &found[0];
    assert_eq!(*grain, relevo_core::Grain::Quarter);
    assert!(
        why.starts_with("talk sums to -446744073709551616 ms"),
        "{why}"
    );
}
