//! The SQLite engine: WAL, embedded migrations, one transaction per import. Private to the crate:
//! callers reach it through [`crate::open`] and the store traits only.

mod auth;
mod contracts;
mod routing;
mod schema;
mod transitions;

use crate::{
    Abort, CellKey, ContactStore, FcrCount, HoursCell, HoursInput, ImportStats, Scope, StoreError,
    Summary,
};
use relevo_core::{Channel, ContactRecord, Direction, Grain, Outcome, interval_of};
use relevo_metrics::{Cell, FxBuild};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use schema::{BULK_MIN_RECORDS, MIGRATIONS, ROLLUP_MIGRATION, SECONDARY_INDEXES};
use std::collections::HashMap;
use std::path::Path;

/// Cube deltas are flushed to the table when this many cells are pending (bounds import memory).
const MAX_PENDING_CELLS: usize = 20_000;
/// How long a statement waits for another connection's lock unless the store was opened with
/// another `write_wait`.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Progress is reported every this many records.
const PROGRESS_EVERY: u64 = 20_000;

/// The engine's errors, in the store's terms (rusqlite stays inside this crate).
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(
                    "the database is busy: another writer held it longer than this one waits; \
                     nothing was written, try again"
                        .into(),
                )
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

/// A write transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`), waiting for
/// it up to the busy timeout. A deferred transaction that reads first and writes later would be
/// refused at once, without waiting, when another writer committed in between.
pub(crate) fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

/// Writes `audit` in the transaction `tx`, its detail followed by `done`.
pub(crate) fn write_audit(
    tx: &Transaction<'_>,
    audit: Option<&crate::AuditNote<'_>>,
    done: &str,
) -> Result<(), StoreError> {
    if let Some(a) = audit {
        let detail = if a.detail.is_empty() {
            done.to_string()
        } else {
            format!("{} {done}", a.detail)
        };
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, NULL, ?4)",
            params![a.at_ms, a.actor, a.action, detail],
        )?;
    }
    Ok(())
}

/// A store in one SQLite file (or in memory for tests).
pub(crate) struct SqliteStore {
    conn: Connection,
    hash_key: [u8; 32],
    /// The busy timeout writes run with (see `OpenOptions::write_wait`).
    write_wait: std::time::Duration,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

type DeltaKey = (i64, i64, i64, u8);

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations, waiting at
    /// most `wait` for a lock held elsewhere (a large import holds the database for itself); past
    /// it, [`StoreError::Busy`].
    pub(crate) fn open_waiting(
        path: &Path,
        wait: std::time::Duration,
        write_wait: std::time::Duration,
    ) -> Result<Self, StoreError> {
        let busy = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) => StoreError::Busy(format!(
                "the database {} is busy: another relevo is loading a large file into it; try again when that import ends",
                path.display()
            )),
            _ => StoreError::from(e),
        };
        let conn = Connection::open(path)?;
        conn.busy_timeout(wait)?;
        // Larger pages: fewer B-tree levels and splits for wide contact rows (takes effect on a new file).
        conn.pragma_update(None, "page_size", 16_384)
            .map_err(busy)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(busy)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let store = Self::setup(conn).map_err(|e| match e {
            SetupError::Sqlite(e) => busy(e),
            SetupError::Store(e) => e,
        })?;
        store.conn.busy_timeout(write_wait)?;
        Ok(SqliteStore {
            write_wait,
            ..store
        })
    }

    /// A private in-memory database (tests).
    pub(crate) fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?).map_err(SetupError::into_store)
    }

    fn setup(mut conn: Connection) -> Result<Self, SetupError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB page cache (also the sorter's memory)
        // Index builds and large sorts may use a second thread.
        conn.pragma_update(None, "threads", 2)?;
        // Sorts (index builds) spill to temporary files past the page cache: memory stays bounded.
        conn.pragma_update(None, "temp_store", "FILE")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Err(StoreError::Unsupported(format!(
                "the database has schema version {version}, newer than this relevo knows ({}); upgrade relevo",
                MIGRATIONS.len()
            ))
            .into());
        }
        // Each migration in a write transaction that re-reads the version once it holds the lock:
        // two processes opening a new database at once apply each migration once.
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now as usize > i {
                continue;
            }
            tx.execute_batch(m)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            if i + 1 == ROLLUP_MIGRATION {
                rebuild_rollups(&tx)?;
            }
            tx.commit()?;
        }
        for (_, create) in SECONDARY_INDEXES {
            conn.execute(create, [])?;
        }
        let hash_key = Self::load_or_create_key(&conn)?;
        Ok(SqliteStore {
            conn,
            hash_key,
            write_wait: BUSY_TIMEOUT,
        })
    }

    /// The customer-hash key lives in the database's configuration, created on first use.
    fn load_or_create_key(conn: &Connection) -> Result<[u8; 32], StoreError> {
        let existing: Option<Vec<u8>> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'customer_hash_key'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(v) = existing {
            return v
                .try_into()
                .map_err(|_| StoreError::Corrupt("customer_hash_key is not 32 bytes".into()));
        }
        let mut key = [0u8; 32];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .map_err(|e| {
                StoreError::Unsupported(format!(
                    "cannot read /dev/urandom for the customer-hash key: {e}"
                ))
            })?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('customer_hash_key', ?1)",
            [&key[..]],
        )?;
        Ok(key)
    }

    /// The underlying connection, mutable, for sibling modules that need their own transactions.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The underlying connection, for sibling modules.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// What setting up a connection failed on: the engine's error is kept whole, so that opening can
/// tell a lock held elsewhere ([`StoreError::Busy`]) from other failures.
enum SetupError {
    Sqlite(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for SetupError {
    fn from(e: rusqlite::Error) -> Self {
        SetupError::Sqlite(e)
    }
}

impl From<StoreError> for SetupError {
    fn from(e: StoreError) -> Self {
        SetupError::Store(e)
    }
}

impl SetupError {
    fn into_store(self) -> StoreError {
        match self {
            SetupError::Sqlite(e) => e.into(),
            SetupError::Store(e) => e,
        }
    }
}

/// The keyed hash under which a customer key is stored (BLAKE3 keyed mode, first 8 bytes as a
/// signed integer: compact to index; collisions among a few million customers are negligible,
/// about n²/2⁶⁵, and would only merge two customers' FCR).
fn hash_customer(key: &[u8; 32], customer: &str) -> i64 {
    let h = blake3::keyed_hash(key, customer.trim().as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&h.as_bytes()[..8]);
    i64::from_le_bytes(out)
}

struct Dims {
    providers: HashMap<String, i64, FxBuild>,
    queues: HashMap<String, i64, FxBuild>,
}

impl Dims {
    fn load(tx: &Transaction<'_>) -> Result<Self, StoreError> {
        let load = |table: &str| -> Result<HashMap<String, i64, FxBuild>, StoreError> {
            let mut st = tx.prepare(&format!("SELECT key, id FROM {table}"))?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok(Dims {
            providers: load("providers")?,
            queues: load("queues")?,
        })
    }

    fn id(
        tx: &Transaction<'_>,
        map: &mut HashMap<String, i64, FxBuild>,
        table: &str,
        key: &str,
    ) -> Result<i64, StoreError> {
        if let Some(&id) = map.get(key) {
            return Ok(id);
        }
        tx.execute(
            &format!("INSERT INTO {table} (key) VALUES (?1) ON CONFLICT (key) DO NOTHING"),
            [key],
        )?;
        let id: i64 = tx.query_row(
            &format!("SELECT id FROM {table} WHERE key = ?1"),
            [key],
            |r| r.get(0),
        )?;
        map.insert(key.to_string(), id);
        Ok(id)
    }
}

// `OR IGNORE` rather than `ON CONFLICT (provider_id, contact_id) DO NOTHING`: the same for the
// identity (the only constraint bound values can break; NOT NULL columns get non-optional values),
// but a statement that can never abort needs no statement journal, which otherwise copies every page
// a multi-row INSERT touches.
const INSERT_SQL: &str = "INSERT OR IGNORE INTO contacts (provider_id, contact_id, queue_id, channel, direction, arrived_at, \
    answered_at, abandoned_at, ended_at, outcome, talk_ms, hold_ms, acw_ms, agent, customer_hash, reason, resolved, \
    transferred, csat, nps, qa_milli, language, updated_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";

const UPDATE_SQL: &str = "UPDATE contacts SET queue_id = ?3, channel = ?4, direction = ?5, arrived_at = ?6, \
    answered_at = ?7, abandoned_at = ?8, ended_at = ?9, outcome = ?10, talk_ms = ?11, hold_ms = ?12, acw_ms = ?13, \
    agent = ?14, customer_hash = ?15, reason = ?16, resolved = ?17, transferred = ?18, csat = ?19, nps = ?20, \
    qa_milli = ?21, language = ?22, updated_at = ?23 WHERE provider_id = ?1 AND contact_id = ?2";

/// Columns that determine a record's cube contribution, in the order [`cube_record`] reads them.
const CUBE_COLUMNS: &str = "queue_id, channel, direction, arrived_at, answered_at, abandoned_at, ended_at, outcome, \
    talk_ms, hold_ms, acw_ms, transferred, csat, nps, qa_milli, updated_at";

/// A record rebuilt from a row, with the fields the cube reads (names are left empty).
fn cube_record(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<(i64, ContactRecord)> {
    let code = |v: i64| u8::try_from(v).unwrap_or(u8::MAX);
    let channel = Channel::from_code(code(r.get(at + 1)?)).unwrap_or(Channel::Voice);
    let direction = Direction::from_code(code(r.get(at + 2)?)).unwrap_or(Direction::Inbound);
    let outcome = Outcome::from_code(code(r.get(at + 7)?)).unwrap_or(Outcome::Abandoned);
    let rec = ContactRecord {
        contact_id: String::new(),
        provider: String::new(),
        queue: String::new(),
        channel,
        direction,
        arrived_at_ms: r.get(at + 3)?,
        answered_at_ms: r.get(at + 4)?,
        abandoned_at_ms: r.get(at + 5)?,
        ended_at_ms: r.get(at + 6)?,
        outcome,
        talk_ms: r.get(at + 8)?,
        hold_ms: r.get(at + 9)?,
        acw_ms: r.get(at + 10)?,
        agent: None,
        customer: None,
        reason: None,
        resolved: None,
        transferred: r.get(at + 11)?,
        csat: r.get::<_, Option<i64>>(at + 12)?.map(code),
        nps: r.get::<_, Option<i64>>(at + 13)?.map(code),
        qa_milli: r.get(at + 14)?,
        language: None,
        updated_at_ms: r.get(at + 15)?,
    };
    Ok((r.get(at)?, rec))
}

/// Records written per multi-row INSERT (23 parameters each, well under SQLite's limit).
const MULTI_ROWS: usize = 64;

const COLUMNS: &str = "provider_id, contact_id, queue_id, channel, direction, arrived_at, answered_at, abandoned_at, \
    ended_at, outcome, talk_ms, hold_ms, acw_ms, agent, customer_hash, reason, resolved, transferred, csat, nps, \
    qa_milli, language, updated_at";

/// One INSERT of `MULTI_ROWS` records; the ones it skips exist already.
fn multi_insert_sql() -> String {
    let row = format!("({})", vec!["?"; 23].join(", "));
    format!(
        "INSERT OR IGNORE INTO contacts ({COLUMNS}) VALUES {}",
        vec![row; MULTI_ROWS].join(", ")
    )
}

/// A parsed record with its dimension ids and customer hash, waiting for its batch.
struct Pending {
    pid: i64,
    qid: i64,
    hash: Option<i64>,
    r: ContactRecord,
}

impl Pending {
    fn bind(&self, st: &mut rusqlite::Statement<'_>, base: usize) -> rusqlite::Result<()> {
        let r = &self.r;
        st.raw_bind_parameter(base + 1, self.pid)?;
        st.raw_bind_parameter(base + 2, &r.contact_id)?;
        st.raw_bind_parameter(base + 3, self.qid)?;
        st.raw_bind_parameter(base + 4, r.channel.code())?;
        st.raw_bind_parameter(base + 5, r.direction.code())?;
        st.raw_bind_parameter(base + 6, r.arrived_at_ms)?;
        st.raw_bind_parameter(base + 7, r.answered_at_ms)?;
        st.raw_bind_parameter(base + 8, r.abandoned_at_ms)?;
        st.raw_bind_parameter(base + 9, r.ended_at_ms)?;
        st.raw_bind_parameter(base + 10, r.outcome.code())?;
        st.raw_bind_parameter(base + 11, r.talk_ms)?;
        st.raw_bind_parameter(base + 12, r.hold_ms)?;
        st.raw_bind_parameter(base + 13, r.acw_ms)?;
        st.raw_bind_parameter(base + 14, &r.agent)?;
        st.raw_bind_parameter(base + 15, self.hash)?;
        st.raw_bind_parameter(base + 16, &r.reason)?;
        st.raw_bind_parameter(base + 17, r.resolved)?;
        st.raw_bind_parameter(base + 18, r.transferred)?;
        st.raw_bind_parameter(base + 19, r.csat)?;
        st.raw_bind_parameter(base + 20, r.nps)?;
        st.raw_bind_parameter(base + 21, r.qa_milli)?;
        st.raw_bind_parameter(base + 22, &r.language)?;
        st.raw_bind_parameter(base + 23, r.updated_at_ms)?;
        Ok(())
    }
}

/// The prepared statements of one import.
struct Writer<'c> {
    conn: &'c Connection,
    /// Every stored row id is at most this: new rows get larger ids (the largest plus one), so the
    /// rows one statement inserted are those above the value it had before.
    max_id: i64,
    ins: rusqlite::CachedStatement<'c>,
    multi: rusqlite::CachedStatement<'c>,
    upd: rusqlite::CachedStatement<'c>,
    sel: rusqlite::CachedStatement<'c>,
}

impl Writer<'_> {
    /// Inserts, replaces or ignores one record.
    fn write_one(
        &mut self,
        p: &Pending,
        stats: &mut ImportStats,
        delta: &mut HashMap<DeltaKey, Cell, FxBuild>,
    ) -> Result<(), StoreError> {
        p.bind(&mut self.ins, 0)?;
        if self.ins.raw_execute()? == 1 {
            self.max_id = self.conn.last_insert_rowid();
            stats.inserted += 1;
            add_delta(delta, p.pid, p.qid, &p.r, 1)?;
            return Ok(());
        }
        self.existing(p, stats, delta)
    }

    /// The identity is stored already: replace it when this version is newer, else ignore.
    fn existing(
        &mut self,
        p: &Pending,
        stats: &mut ImportStats,
        delta: &mut HashMap<DeltaKey, Cell, FxBuild>,
    ) -> Result<(), StoreError> {
        let (old_qid, old) = self
            .sel
            .query_row(params![p.pid, p.r.contact_id], |row| cube_record(row, 0))?;
        if old.updated_at_ms >= p.r.updated_at_ms {
            stats.ignored += 1;
        } else {
            p.bind(&mut self.upd, 0)?;
            self.upd.raw_execute()?;
            add_delta(delta, p.pid, old_qid, &old, -1)?;
            add_delta(delta, p.pid, p.qid, &p.r, 1)?;
            stats.replaced += 1;
        }
        Ok(())
    }

    /// Writes a full batch with one multi-row INSERT; records it did not insert (already stored)
    /// take the one-by-one path. A batch that repeats an identity goes one by one entirely, so
    /// the order of versions inside a file is respected.
    fn write_batch(
        &mut self,
        batch: &mut Vec<Pending>,
        stats: &mut ImportStats,
        delta: &mut HashMap<DeltaKey, Cell, FxBuild>,
    ) -> Result<(), StoreError> {
        let mut ids: std::collections::HashSet<(i64, &str), FxBuild> =
            std::collections::HashSet::with_capacity_and_hasher(batch.len(), FxBuild);
        let unique = batch
            .iter()
            .all(|p| ids.insert((p.pid, p.r.contact_id.as_str())));
        if !unique {
            for p in batch.drain(..) {
                self.write_one(&p, stats, delta)?;
            }
            return Ok(());
        }
        for (i, p) in batch.iter().enumerate() {
            p.bind(&mut self.multi, i * 23)?;
        }
        let before = self.max_id;
        let n = self.multi.raw_execute()?;
        if n > 0 {
            self.max_id = self.conn.last_insert_rowid();
        }
        if n == batch.len() {
            stats.inserted += n as u64;
            for p in batch.drain(..) {
                add_delta(delta, p.pid, p.qid, &p.r, 1)?;
            }
            return Ok(());
        }
        // Some identities were stored already: the ids above `before` are the ones just inserted.
        let mut inserted: Vec<(i64, String)> = Vec::with_capacity(n);
        {
            let mut st = self
                .conn
                .prepare_cached("SELECT provider_id, contact_id FROM contacts WHERE id > ?1")?;
            let mut rows = st.query([before])?;
            while let Some(row) = rows.next()? {
                inserted.push((row.get(0)?, row.get(1)?));
            }
        }
        inserted.sort_unstable();
        for p in batch.drain(..) {
            let found = inserted
                .binary_search_by(|(pid, id)| {
                    (*pid, id.as_str()).cmp(&(p.pid, p.r.contact_id.as_str()))
                })
                .is_ok();
            if found {
                stats.inserted += 1;
                add_delta(delta, p.pid, p.qid, &p.r, 1)?;
            } else {
                self.existing(&p, stats, delta)?;
            }
        }
        Ok(())
    }
}

fn add_delta(
    delta: &mut HashMap<DeltaKey, Cell, FxBuild>,
    provider_id: i64,
    queue_id: i64,
    r: &ContactRecord,
    sign: i64,
) -> Result<(), StoreError> {
    if r.direction != Direction::Inbound {
        return Ok(());
    }
    let key = (
        interval_of(r.arrived_at_ms),
        provider_id,
        queue_id,
        r.channel.code(),
    );
    let cell = delta.entry(key).or_default();
    cell.apply(r, sign);
    within_cell_bound(cell)
}

/// A cell holds at most `limits::MAX_CELL_CONTACTS` contacts, which keeps its sums inside `i64`
/// (relevo_core::limits); past it the whole import is refused.
fn within_cell_bound(cell: &Cell) -> Result<(), StoreError> {
    if cell.offered.abs() > relevo_core::limits::MAX_CELL_CONTACTS {
        return Err(StoreError::Limit(format!(
            "more than {} contacts in one provider, queue and channel on one day: nothing was written",
            relevo_core::limits::MAX_CELL_CONTACTS
        )));
    }
    Ok(())
}

fn flush(
    tx: &Transaction<'_>,
    delta: &mut HashMap<DeltaKey, Cell, FxBuild>,
) -> Result<(), StoreError> {
    let mut sel = tx.prepare_cached(
        "SELECT cell FROM cube WHERE interval = ?1 AND provider_id = ?2 AND queue_id = ?3 AND channel = ?4",
    )?;
    let mut put = tx.prepare_cached(
        "INSERT INTO cube (interval, provider_id, queue_id, channel, cell) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (interval, provider_id, queue_id, channel) DO UPDATE SET cell = excluded.cell",
    )?;
    let mut del = tx.prepare_cached(
        "DELETE FROM cube WHERE interval = ?1 AND provider_id = ?2 AND queue_id = ?3 AND channel = ?4",
    )?;
    let mut spans: HashMap<(i64, i64, u8), (i64, i64)> = HashMap::new();
    let mut rollups: HashMap<RollupKey, Cell, FxBuild> = HashMap::default();
    for ((interval, p, q, ch), d) in delta.drain() {
        if d.is_zero() {
            continue;
        }
        add_rollups(&mut rollups, (interval, p, q, ch), &d);
        let span = spans.entry((p, q, ch)).or_insert((interval, interval));
        span.0 = span.0.min(interval);
        span.1 = span.1.max(interval);
        add_to_stored(
            (&mut sel, &mut put, &mut del),
            params![interval, p, q, ch],
            &d,
        )?;
    }
    let mut span_put = tx.prepare_cached(
        "INSERT INTO cube_groups (provider_id, queue_id, channel, first_interval, last_interval) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (provider_id, queue_id, channel) DO UPDATE SET \
         first_interval = min(first_interval, excluded.first_interval), \
         last_interval = max(last_interval, excluded.last_interval)",
    )?;
    for ((p, q, ch), (first, last)) in spans {
        span_put.execute(params![p, q, ch, first, last])?;
    }
    apply_rollups(tx, &mut rollups)
}

/// `(grain, bucket, provider id, queue id, channel)` of an hour or day cell.
type RollupKey = (u8, i64, i64, i64, u8);

/// Adds pending deltas to the hour and day cells (deleting cells that become empty).
fn apply_rollups(
    tx: &Transaction<'_>,
    rollups: &mut HashMap<RollupKey, Cell, FxBuild>,
) -> Result<(), StoreError> {
    let mut sel = tx.prepare_cached(
        "SELECT cell FROM cube_rollup WHERE grain = ?1 AND bucket = ?2 AND provider_id = ?3 \
         AND queue_id = ?4 AND channel = ?5",
    )?;
    let mut put = tx.prepare_cached(
        "INSERT INTO cube_rollup (grain, bucket, provider_id, queue_id, channel, cell) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (grain, bucket, provider_id, queue_id, channel) \
         DO UPDATE SET cell = excluded.cell",
    )?;
    let mut del = tx.prepare_cached(
        "DELETE FROM cube_rollup WHERE grain = ?1 AND bucket = ?2 AND provider_id = ?3 \
         AND queue_id = ?4 AND channel = ?5",
    )?;
    for ((g, bucket, p, q, ch), d) in rollups.drain() {
        if d.is_zero() {
            continue;
        }
        add_to_stored(
            (&mut sel, &mut put, &mut del),
            params![g, bucket, p, q, ch],
            &d,
        )?;
    }
    Ok(())
}

/// Adds a quarter-hour delta (or cell) to the pending hour and day cells that contain it.
fn add_rollups(
    rollups: &mut HashMap<RollupKey, Cell, FxBuild>,
    (interval, p, q, ch): DeltaKey,
    d: &Cell,
) {
    for g in [Grain::Hour, Grain::Day] {
        rollups
            .entry((g.code(), g.bucket_of(interval), p, q, ch))
            .or_default()
            .merge(d);
    }
}

/// Adds `d` to the stored cell with `key` (the select, upsert and delete statements of one table,
/// whose parameters are the key, then the cell for the upsert), deleting a cell that becomes empty.
fn add_to_stored(
    (sel, put, del): (
        &mut rusqlite::CachedStatement<'_>,
        &mut rusqlite::CachedStatement<'_>,
        &mut rusqlite::CachedStatement<'_>,
    ),
    key: &[&dyn rusqlite::ToSql],
    d: &Cell,
) -> Result<(), StoreError> {
    let existing: Option<Vec<u8>> = sel.query_row(key, |r| r.get(0)).optional()?;
    let mut cell = match existing {
        Some(b) => Cell::decode(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        None => Cell::default(),
    };
    cell.merge(d);
    within_cell_bound(&cell)?;
    if cell.is_zero() {
        del.execute(key)?;
    } else {
        let blob = cell.encode();
        let mut with_cell = key.to_vec();
        with_cell.push(&blob);
        put.execute(with_cell.as_slice())?;
    }
    Ok(())
}

/// Decodes the cell blob in column `i` of `r` into `cell` (reusing its allocations).
fn decode_column(r: &rusqlite::Row<'_>, i: usize, cell: &mut Cell) -> Result<(), StoreError> {
    let blob = r
        .get_ref(i)?
        .as_blob()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    cell.decode_into(blob)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Builds the hour and day cells from the cube (once, for stores made before the roll-ups).
fn rebuild_rollups(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("DELETE FROM cube_rollup", [])?;
    let mut st = tx.prepare(
        "SELECT interval, provider_id, queue_id, channel, cell FROM cube ORDER BY interval",
    )?;
    let mut rows = st.query([])?;
    let mut rollups: HashMap<RollupKey, Cell, FxBuild> = HashMap::default();
    let mut cell = Cell::default();
    while let Some(r) = rows.next()? {
        let (interval, p, q, ch): (i64, i64, i64, u8) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        decode_column(r, 4, &mut cell)?;
        add_rollups(&mut rollups, (interval, p, q, ch), &cell);
        if rollups.len() >= MAX_PENDING_CELLS {
            apply_rollups(tx, &mut rollups)?;
        }
    }
    apply_rollups(tx, &mut rollups)
}

/// The name of dimension `id` (`what`: provider or queue) in a map from [`names`].
fn name_of<'m>(
    names: &'m HashMap<i64, String>,
    id: i64,
    what: &str,
) -> Result<&'m String, StoreError> {
    names
        .get(&id)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown {what} id {id}")))
}

/// Provider and queue names by id, for scans that avoid joins.
fn names(conn: &Connection, table: &str) -> Result<HashMap<i64, String>, StoreError> {
    let mut st = conn.prepare_cached(&format!("SELECT id, key FROM {table}"))?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The SQL condition that limits a query to the caller's scope (`p` is the providers table alias), and
/// the named parameters of a query with that scope added.
fn scope_clause(scope: &Scope) -> &'static str {
    match scope {
        Scope::All => "",
        Scope::Provider(_) => " AND p.key = :provider",
    }
}

fn with_scope<'a>(
    mut params: Vec<(&'a str, &'a dyn rusqlite::ToSql)>,
    scope: &'a Scope,
) -> Vec<(&'a str, &'a dyn rusqlite::ToSql)> {
    if let Scope::Provider(p) = scope {
        params.push((":provider", p));
    }
    params
}

impl SqliteStore {
    fn import_in_tx(
        &mut self,
        source_name: &str,
        records: &mut dyn Iterator<Item = Result<ContactRecord, Abort>>,
        on_progress: &mut dyn FnMut(&ImportStats),
        audit: Option<&crate::AuditNote<'_>>,
    ) -> Result<ImportStats, StoreError> {
        let key = self.hash_key;
        let tx = write_tx(&mut self.conn)?;
        let mut stats = ImportStats::default();
        let mut dims = Dims::load(&tx)?;
        let mut delta: HashMap<DeltaKey, Cell, FxBuild> = HashMap::default();
        {
            let mut w = Writer {
                conn: &tx,
                max_id: tx.query_row("SELECT coalesce(max(id), 0) FROM contacts", [], |r| {
                    r.get(0)
                })?,
                ins: tx.prepare_cached(INSERT_SQL)?,
                multi: tx.prepare_cached(&multi_insert_sql())?,
                upd: tx.prepare_cached(UPDATE_SQL)?,
                sel: tx.prepare_cached(&format!(
                    "SELECT {CUBE_COLUMNS} FROM contacts WHERE provider_id = ?1 AND contact_id = ?2"
                ))?,
            };
            let mut pending: Vec<Pending> = Vec::with_capacity(MULTI_ROWS);
            let mut seen = 0u64;
            for item in records {
                let r = item.map_err(|Abort| StoreError::Aborted)?;
                let pid = Dims::id(&tx, &mut dims.providers, "providers", &r.provider)?;
                let qid = Dims::id(&tx, &mut dims.queues, "queues", &r.queue)?;
                let hash = r.customer.as_deref().map(|c| hash_customer(&key, c));
                pending.push(Pending { pid, qid, hash, r });
                if pending.len() == MULTI_ROWS {
                    w.write_batch(&mut pending, &mut stats, &mut delta)?;
                    if delta.len() >= MAX_PENDING_CELLS {
                        flush(&tx, &mut delta)?;
                    }
                }
                seen += 1;
                if seen.is_multiple_of(PROGRESS_EVERY) {
                    on_progress(&stats);
                }
            }
            for p in pending.drain(..) {
                w.write_one(&p, &mut stats, &mut delta)?;
            }
        }
        flush(&tx, &mut delta)?;
        if stats.inserted + stats.replaced > 0 {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('cube_version', 1) \
                 ON CONFLICT (key) DO UPDATE SET value = value + 1",
                [],
            )?;
        }
        tx.execute(
            "INSERT INTO imports (source, inserted, replaced, ignored) VALUES (?1, ?2, ?3, ?4)",
            params![
                source_name,
                stats.inserted as i64,
                stats.replaced as i64,
                stats.ignored as i64
            ],
        )?;
        write_audit(
            &tx,
            audit,
            &format!(
                "inserted={} replaced={} ignored={}",
                stats.inserted, stats.replaced, stats.ignored
            ),
        )?;
        tx.commit()?;
        on_progress(&stats);
        Ok(stats)
    }
}

/// The journal a bulk load runs with. WAL writes every page twice (into the log, then into the
/// database at the checkpoint); a rollback journal only saves the pages a transaction changes that
/// existed before it, so the pages a bulk load appends are written once. Switching out of WAL needs the
/// database to itself: when another connection has it open, the load stays in WAL.
enum BulkJournal {
    Wal,
    Rollback,
}

impl BulkJournal {
    fn enter(conn: &Connection, write_wait: std::time::Duration) -> Result<Self, StoreError> {
        if conn.path().is_none_or(str::is_empty) {
            return Ok(BulkJournal::Wal); // in memory
        }
        // Do not wait for other connections: their presence is the answer.
        conn.busy_timeout(std::time::Duration::ZERO)?;
        let mode: rusqlite::Result<String> =
            conn.query_row("PRAGMA journal_mode = TRUNCATE", [], |r| r.get(0));
        conn.busy_timeout(write_wait)?;
        match mode {
            Ok(m) if m.eq_ignore_ascii_case("truncate") => Ok(BulkJournal::Rollback),
            Ok(_) => Ok(BulkJournal::Wal),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Ok(BulkJournal::Wal)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Back to WAL. Failing to switch back does not fail the load (it is committed, or its own error
    /// is the one that matters): a database left in rollback mode is switched back when next opened.
    fn leave(self, conn: &Connection) {
        if let BulkJournal::Rollback = self {
            let _: rusqlite::Result<String> =
                conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        }
    }
}

impl ContactStore for SqliteStore {
    fn import(
        &mut self,
        source_name: &str,
        expected_records: u64,
        records: &mut dyn Iterator<Item = Result<ContactRecord, Abort>>,
        on_progress: &mut dyn FnMut(&ImportStats),
        audit: Option<&crate::AuditNote<'_>>,
    ) -> Result<ImportStats, StoreError> {
        let journal = if expected_records >= BULK_MIN_RECORDS {
            BulkJournal::enter(&self.conn, self.write_wait)?
        } else {
            BulkJournal::Wal
        };
        // Every record's provider and queue ids come from `Dims`, which inserts missing ones in the
        // same transaction, so the foreign keys hold by construction. Checking them anyway costs two
        // look-ups per record and makes SQLite keep a statement journal for every INSERT (a third of
        // the import's time).
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = self.import_in_tx(source_name, records, on_progress, audit);
        let fk = self.conn.pragma_update(None, "foreign_keys", "ON");
        journal.leave(&self.conn);
        fk?;
        result
    }
    fn cells(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<(CellKey, Cell)>, StoreError> {
        let clause = scope_clause(scope);
        let sql = format!(
            "SELECT c.interval, p.key, q.key, c.channel, c.cell FROM cube c \
             JOIN providers p ON p.id = c.provider_id JOIN queues q ON q.id = c.queue_id \
             WHERE c.interval >= :from AND c.interval < :to{clause}"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let params = with_scope(
            vec![(":from", &from_interval), (":to", &to_interval)],
            scope,
        );
        let mut rows = st.query(params.as_slice())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let ch: i64 = r.get(3)?;
            let blob: Vec<u8> = r.get(4)?;
            let key = CellKey {
                interval: r.get(0)?,
                provider: r.get(1)?,
                queue: r.get(2)?,
                channel: Channel::from_code(ch as u8)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown channel code {ch}")))?,
            };
            out.push((
                key,
                Cell::decode(&blob).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ));
        }
        Ok(out)
    }

    fn for_each_cell_at(
        &self,
        grain: Grain,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
        f: &mut dyn FnMut(relevo_metrics::report::CellRef<'_>, &Cell),
    ) -> Result<(), StoreError> {
        let providers = names(&self.conn, "providers")?;
        let queues = names(&self.conn, "queues")?;
        let only = match scope {
            Scope::All => None,
            Scope::Provider(p) => match providers.iter().find(|(_, k)| *k == p) {
                Some((id, _)) => Some(*id),
                None => return Ok(()),
            },
        };
        let sql = match (grain, only.is_some()) {
            (Grain::Quarter, true) => {
                "SELECT interval, provider_id, queue_id, channel, cell FROM cube \
                 WHERE interval >= ?1 AND interval < ?2 AND provider_id = ?3 ORDER BY interval"
            }
            (Grain::Quarter, false) => {
                "SELECT interval, provider_id, queue_id, channel, cell FROM cube \
                 WHERE interval >= ?1 AND interval < ?2 ORDER BY interval"
            }
            (_, true) => {
                "SELECT bucket, provider_id, queue_id, channel, cell FROM cube_rollup \
                 WHERE grain = ?4 AND bucket >= ?1 AND bucket < ?2 AND provider_id = ?3 ORDER BY bucket"
            }
            (_, false) => {
                "SELECT bucket, provider_id, queue_id, channel, cell FROM cube_rollup \
                 WHERE grain = ?4 AND bucket >= ?1 AND bucket < ?2 ORDER BY bucket"
            }
        };
        let mut st = self.conn.prepare_cached(sql)?;
        let g = grain.code();
        let mut rows = match (grain, only) {
            (Grain::Quarter, Some(id)) => st.query(params![from_interval, to_interval, id])?,
            (Grain::Quarter, None) => st.query(params![from_interval, to_interval])?,
            (_, Some(id)) => st.query(params![from_interval, to_interval, id, g])?,
            (_, None) => st.query(params![
                from_interval,
                to_interval,
                rusqlite::types::Null,
                g
            ])?,
        };
        let mut cell = Cell::default();
        while let Some(r) = rows.next()? {
            let (p, q, ch): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
            decode_column(r, 4, &mut cell)?;
            let channel = Channel::from_code(ch as u8)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown channel code {ch}")))?;
            let provider = name_of(&providers, p, "provider")?;
            let queue = name_of(&queues, q, "queue")?;
            f(
                relevo_metrics::report::CellRef {
                    interval: r.get(0)?,
                    provider,
                    queue,
                    channel,
                },
                &cell,
            );
        }
        Ok(())
    }

    fn group_spans(&self, scope: &Scope) -> Result<Vec<crate::GroupSpan>, StoreError> {
        let sql = format!(
            "SELECT p.key, q.key, g.channel, g.first_interval, g.last_interval FROM cube_groups g \
             JOIN providers p ON p.id = g.provider_id JOIN queues q ON q.id = g.queue_id WHERE 1{}",
            scope_clause(scope)
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let params = with_scope(Vec::new(), scope);
        let mut rows = st.query(params.as_slice())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let ch: i64 = r.get(2)?;
            let channel = Channel::from_code(ch as u8)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown channel code {ch}")))?;
            out.push(((r.get(0)?, r.get(1)?, channel), r.get(3)?, r.get(4)?));
        }
        Ok(out)
    }

    fn cube_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'cube_version'")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn groups(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<(String, String, Channel)>, StoreError> {
        Ok(self
            .group_spans(scope)?
            .into_iter()
            .filter(|(_, first, last)| *first < to_interval && *last >= from_interval)
            .map(|(key, _, _)| key)
            .collect())
    }

    fn fcr(
        &self,
        from_ms: i64,
        to_ms: i64,
        window_days: u32,
        as_of_ms: i64,
        scope: &Scope,
    ) -> Result<Vec<(CellKey, FcrCount)>, StoreError> {
        const DAY_MS: i64 = 86_400_000;
        const HOUR_MS: i64 = 3_600_000;
        let clause = scope_clause(scope);
        let window_ms = i64::from(window_days) * DAY_MS;
        let (first_hour, last_hour) = (
            from_ms.div_euclid(HOUR_MS),
            (to_ms + window_ms).div_euclid(HOUR_MS),
        );
        // 1. Every inbound contact with a customer key from the range's start to its end plus the
        //    window (one scan of the hour-keyed index), sorted by customer then arrival: a contact's
        //    repeat, if any, is the next entry of the same customer.
        let mut arrivals: Vec<(i64, i64)> = Vec::new();
        {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT customer_hash, arrived_at FROM contacts INDEXED BY contacts_customer_hour \
                 WHERE arrived_at / 3600000 BETWEEN ?1 AND ?2 AND customer_hash IS NOT NULL \
                 AND direction = {inbound} AND arrived_at >= ?3 AND arrived_at <= ?4",
                inbound = Direction::Inbound.code(),
            ))?;
            let mut rows = st.query(params![first_hour, last_hour, from_ms, to_ms + window_ms])?;
            while let Some(r) = rows.next()? {
                arrivals.push((r.get(0)?, r.get(1)?));
            }
        }
        arrivals.sort_unstable();
        // 2. The answered contacts whose window closed by `as_of`, sorted the same way.
        let sql = format!(
            "SELECT c.arrived_at, c.provider_id, c.queue_id, c.channel, c.customer_hash \
             FROM contacts c INDEXED BY contacts_customer_hour \
             JOIN providers p ON p.id = c.provider_id \
             WHERE c.arrived_at / 3600000 BETWEEN :first_hour AND :to_hour AND c.customer_hash IS NOT NULL \
               AND c.direction = {inbound} AND c.outcome = {answered} \
               AND c.arrived_at >= :from AND c.arrived_at < :to AND c.arrived_at + :window <= :as_of{clause}",
            answered = Outcome::Answered.code(),
            inbound = Direction::Inbound.code(),
        );
        let to_hour = (to_ms - 1).div_euclid(HOUR_MS);
        let mut st = self.conn.prepare_cached(&sql)?;
        let params = with_scope(
            vec![
                (":first_hour", &first_hour),
                (":to_hour", &to_hour),
                (":from", &from_ms),
                (":to", &to_ms),
                (":window", &window_ms),
                (":as_of", &as_of_ms),
            ],
            scope,
        );
        let mut rows = st.query(params.as_slice())?;
        // (customer, arrival, provider id, queue id, channel), then walked in step with `arrivals`.
        let mut answered: Vec<(i64, i64, i64, i64, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            answered.push((r.get(4)?, r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
        }
        answered.sort_unstable();
        let mut acc: HashMap<(i64, i64, i64, i64), FcrCount, FxBuild> = HashMap::default();
        let mut next = 0;
        for (customer, arrived, p, q, ch) in answered {
            while arrivals
                .get(next)
                .is_some_and(|&a| a <= (customer, arrived))
            {
                next += 1;
            }
            let repeated = arrivals
                .get(next)
                .is_some_and(|&(c, t)| c == customer && t <= arrived + window_ms);
            let e = acc.entry((interval_of(arrived), p, q, ch)).or_default();
            e.eligible += 1;
            e.resolved += i64::from(!repeated);
        }
        let providers = names(&self.conn, "providers")?;
        let queues = names(&self.conn, "queues")?;
        let mut out = Vec::with_capacity(acc.len());
        for ((interval, p, q, ch), count) in acc {
            let key = CellKey {
                interval,
                provider: name_of(&providers, p, "provider")?.clone(),
                queue: name_of(&queues, q, "queue")?.clone(),
                channel: Channel::from_code(ch as u8)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown channel code {ch}")))?,
            };
            out.push((key, count));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn recompute_cube(&self) -> Result<Vec<(CellKey, Cell)>, StoreError> {
        let sql = format!(
            "SELECT p.key, q.key, {CUBE_COLUMNS} FROM contacts c \
             JOIN providers p ON p.id = c.provider_id JOIN queues q ON q.id = c.queue_id"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query([])?;
        let mut cells: HashMap<CellKey, Cell> = HashMap::new();
        while let Some(row) = rows.next()? {
            let (_, rec) = cube_record(row, 2)?;
            if rec.direction != Direction::Inbound {
                continue;
            }
            let key = CellKey {
                interval: interval_of(rec.arrived_at_ms),
                provider: row.get(0)?,
                queue: row.get(1)?,
                channel: rec.channel,
            };
            cells.entry(key).or_default().apply(&rec, 1);
        }
        let mut out: Vec<_> = cells.into_iter().filter(|(_, c)| !c.is_zero()).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn import_hours(
        &mut self,
        rows: &[HoursInput],
        audit: Option<&crate::AuditNote<'_>>,
    ) -> Result<u64, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let mut dims = Dims::load(&tx)?;
        let mut cells = 0u64;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO hours (provider_id, queue_id, interval, staffed_ms, productive_ms, scheduled_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (provider_id, queue_id, interval) DO UPDATE SET \
                 staffed_ms = excluded.staffed_ms, productive_ms = excluded.productive_ms, \
                 scheduled_ms = excluded.scheduled_ms",
            )?;
            for r in rows {
                let pid = Dims::id(&tx, &mut dims.providers, "providers", &r.provider)?;
                let qid = Dims::id(&tx, &mut dims.queues, "queues", &r.queue)?;
                let first = interval_of(r.start_ms);
                let n = (interval_of(r.end_ms) - first).max(1);
                // Even spread; the remainder of the integer division goes to the first quarter hours.
                let share = |total: i64, k: i64| total / n + i64::from(k < total % n);
                for k in 0..n {
                    put.execute(params![
                        pid,
                        qid,
                        first + k,
                        share(r.staffed_ms, k),
                        share(r.productive_ms, k),
                        share(r.scheduled_ms, k)
                    ])?;
                    cells += 1;
                }
            }
        }
        write_audit(&tx, audit, &format!("rows={} cells={cells}", rows.len()))?;
        tx.commit()?;
        Ok(cells)
    }

    fn hours(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<HoursCell>, StoreError> {
        let sql = format!(
            "SELECT h.interval, p.key, q.key, h.staffed_ms, h.productive_ms, h.scheduled_ms FROM hours h \
             JOIN providers p ON p.id = h.provider_id JOIN queues q ON q.id = h.queue_id \
             WHERE h.interval >= :from AND h.interval < :to{} ORDER BY h.interval",
            scope_clause(scope)
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let params = with_scope(
            vec![(":from", &from_interval), (":to", &to_interval)],
            scope,
        );
        let rows = st.query_map(params.as_slice(), |r| {
            Ok(HoursCell {
                interval: r.get(0)?,
                provider: r.get(1)?,
                queue: r.get(2)?,
                staffed_ms: r.get(3)?,
                productive_ms: r.get(4)?,
                scheduled_ms: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn providers(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT key FROM providers ORDER BY key")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn summary(&self, scope: &Scope) -> Result<Summary, StoreError> {
        let sql = format!(
            "SELECT count(*), min(arrived_at), max(arrived_at) FROM contacts c \
             JOIN providers p ON p.id = c.provider_id WHERE 1 = 1{}",
            scope_clause(scope)
        );
        let params = with_scope(vec![], scope);
        Ok(self.conn.query_row(&sql, params.as_slice(), |r| {
            Ok(Summary {
                records: r.get(0)?,
                first_arrived_ms: r.get(1)?,
                last_arrived_ms: r.get(2)?,
            })
        })?)
    }

    fn data_span(&self, scope: &Scope) -> Result<Option<(i64, i64)>, StoreError> {
        let (sql, provider) = match scope {
            Scope::All => (
                "SELECT min(first_interval), max(last_interval) FROM cube_groups",
                None,
            ),
            Scope::Provider(p) => (
                "SELECT min(g.first_interval), max(g.last_interval) FROM cube_groups g \
                 JOIN providers p ON p.id = g.provider_id WHERE p.key = ?1",
                Some(p),
            ),
        };
        let row: (Option<i64>, Option<i64>) = match provider {
            None => self
                .connection()
                .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?,
            Some(p) => self
                .connection()
                .query_row(sql, [p], |r| Ok((r.get(0)?, r.get(1)?)))?,
        };
        Ok(row.0.zip(row.1))
    }

    fn customer_hash(&self, customer: &str) -> i64 {
        hash_customer(&self.hash_key, customer)
    }

    fn contact_updated_at(
        &self,
        provider: &str,
        contact_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.updated_at FROM contacts c JOIN providers p ON p.id = c.provider_id \
                 WHERE p.key = ?1 AND c.contact_id = ?2",
                params![provider, contact_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests;
