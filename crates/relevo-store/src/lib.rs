//! Storage for relevo: contact records (one winning version per `(provider, contact_id)`), the
//! interval cube kept in the same transaction, dimension tables, the import log and configuration.
//!
//! [`open`] is the only way to a store: it takes a location (a file path or `sqlite://…`) and returns a
//! [`Store`], the whole interface grouped by concern — [`ContactStore`] (records, the cube, hours),
//! [`AccountStore`], [`AuditStore`], [`ContractStore`], [`TransitionStore`], [`RoutingStore`] — with
//! backend-neutral errors. The engine (SQLite today) is a private module; a sibling engine implements
//! the same traits and runs the same conformance story (`tests/store`). This is the only crate that
//! contains SQL. It does not parse input formats and does not compute KPIs (it returns cells).

pub mod auth;
pub mod contracts;
pub mod routing;
mod sqlite;
pub mod transitions;

pub use auth::{
    AccountStore, AuditEntry, AuditStore, NewToken, Principal, Role, TokenInfo, UserInfo,
};
pub use contracts::{ContractStore, NewContract, StoredContract};
pub use routing::{RouterStateSave, RoutingCount, RoutingStore};
pub use transitions::{
    NewTransition, NewTransitionEvent, StoredTransition, StoredTransitionEvent, TransitionSave,
    TransitionStore,
};

use relevo_core::{Channel, ContactRecord, Grain};
use relevo_metrics::Cell;

/// Errors from any backend, in terms that do not depend on the engine.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine failed (an IO error, a constraint it enforces, a malformed file): its message.
    #[error("database error: {0}")]
    Database(String),
    #[error("{0}")]
    Corrupt(String),
    /// The record source asked to abandon the import: nothing was written.
    #[error("import aborted: nothing was written")]
    Aborted,
    /// A request the store refuses as it stands (a duplicate name, a role without its provider, a
    /// location it cannot open): the message says why.
    #[error("{0}")]
    Unsupported(String),
    /// Another writer held the database longer than the store waits (a large import that took it
    /// for itself, or a long write transaction elsewhere): the message says which, and to retry.
    #[error("{0}")]
    Busy(String),
    /// A bound of `relevo_core::limits` that only the store can see (contacts in one cell).
    #[error("{0}")]
    Limit(String),
    /// Opening without creating found no database at the location.
    #[error("there is no database at {0}")]
    Missing(String),
}

/// An audit row a write records in its own transaction (see [`ContactStore::import`]).
#[derive(Debug, Clone, Copy)]
pub struct AuditNote<'a> {
    pub at_ms: i64,
    pub actor: &'a str,
    pub action: &'a str,
    /// What the caller knows before the write (`received=12`); the store adds what it did.
    pub detail: &'a str,
}

/// Returned by a record source to abandon the whole import (strict mode found bad rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Abort;

/// What one import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// New `(provider, contact_id)` identities.
    pub inserted: u64,
    /// Existing records replaced by a newer `updated_at`.
    pub replaced: u64,
    /// Copies with the same or an older `updated_at` than the stored one: nothing changed.
    pub ignored: u64,
}

/// The key of one cube cell, with dimension names resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    /// 15-minute interval index since the epoch (UTC).
    pub interval: i64,
    pub provider: String,
    pub queue: String,
    pub channel: Channel,
}

impl From<relevo_metrics::report::CellRef<'_>> for CellKey {
    fn from(r: relevo_metrics::report::CellRef<'_>) -> CellKey {
        CellKey {
            interval: r.interval,
            provider: r.provider.to_string(),
            queue: r.queue.to_string(),
            channel: r.channel,
        }
    }
}

impl CellKey {
    /// The key as report code takes a cell's coordinates.
    pub fn cell_ref(&self) -> relevo_metrics::report::CellRef<'_> {
        relevo_metrics::report::CellRef {
            interval: self.interval,
            provider: &self.provider,
            queue: &self.queue,
            channel: self.channel,
        }
    }
}

/// First-contact-resolution counts for the answered contacts of one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FcrCount {
    pub eligible: i64,
    pub resolved: i64,
}

/// A cube group and the first and last 15-minute interval it has had cells in.
pub type GroupSpan = ((String, String, Channel), i64, i64);

/// Which data a caller may see: everything, or one provider's (enforced in every query).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    Provider(String),
}

/// The whole storage interface: what every engine implements, grouped by concern.
pub trait Store:
    ContactStore
    + AccountStore
    + AuditStore
    + ContractStore
    + TransitionStore
    + RoutingStore
    + Send
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: ContactStore
        + AccountStore
        + AuditStore
        + ContractStore
        + TransitionStore
        + RoutingStore
        + Send
        + std::fmt::Debug
{
}

/// Contact records, the interval cube with its roll-ups, and provider hours.
pub trait ContactStore {
    /// Imports records in one transaction: each record is inserted, replaces an older version, or is
    /// ignored; the cube follows in the same transaction. A source item `Err(Abort)` rolls everything
    /// back. `on_progress` is called with the running stats every few thousand records.
    /// `expected_records` is an estimate (0 when unknown): a backend may take the database for itself
    /// during a large load (SQLite: a rollback journal when no other connection has it open). Callers
    /// that serve readers while they write pass 0.
    ///
    /// `audit`, when given, is written in the same transaction, its detail followed by the stats
    /// (`inserted=… replaced=… ignored=…`): a committed batch is never unaudited.
    fn import(
        &mut self,
        source_name: &str,
        expected_records: u64,
        records: &mut dyn Iterator<Item = Result<ContactRecord, Abort>>,
        on_progress: &mut dyn FnMut(&ImportStats),
        audit: Option<&AuditNote<'_>>,
    ) -> Result<ImportStats, StoreError>;

    /// Cube cells with `from ≤ interval < to`, within `scope`.
    fn cells(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<(CellKey, Cell)>, StoreError>;

    /// Streams the cube cells with `from ≤ interval < to` within `scope`, in interval order, without
    /// materialising them (the cell passed to `f` is reused between calls).
    fn for_each_cell(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
        f: &mut dyn FnMut(relevo_metrics::report::CellRef<'_>, &Cell),
    ) -> Result<(), StoreError> {
        self.for_each_cell_at(Grain::Quarter, from_interval, to_interval, scope, f)
    }

    /// Like [`ContactStore::for_each_cell`] with cells of `grain`: each cell sums the quarter hours of its
    /// hour or UTC day, and its `interval` is its first quarter hour. Cells starting in
    /// `[from, to)` are streamed; pass grain-aligned bounds to cover whole cells only.
    fn for_each_cell_at(
        &self,
        grain: Grain,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
        f: &mut dyn FnMut(relevo_metrics::report::CellRef<'_>, &Cell),
    ) -> Result<(), StoreError>;

    /// The `(provider, queue, channel)` groups with data whose span overlaps `[from, to)` intervals.
    fn groups(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<(String, String, Channel)>, StoreError>;

    /// Every cube group with the first and last interval it has had cells in (what [`ContactStore::groups`]
    /// filters by), within `scope`.
    fn group_spans(&self, scope: &Scope) -> Result<Vec<GroupSpan>, StoreError>;

    /// A number that changes whenever the cube does (every import that stores a record bumps it):
    /// a copy of the cube held elsewhere is current while this is unchanged.
    fn cube_version(&self) -> Result<i64, StoreError>;

    /// FCR counts per cell for answered inbound contacts with a customer key arrived in `[from_ms, to_ms)`
    /// whose window (`window_days`) closed by `as_of_ms`.
    fn fcr(
        &self,
        from_ms: i64,
        to_ms: i64,
        window_days: u32,
        as_of_ms: i64,
        scope: &Scope,
    ) -> Result<Vec<(CellKey, FcrCount)>, StoreError>;

    /// Recomputes every cube cell from the raw records: the invariant is that this equals the cube.
    fn recompute_cube(&self) -> Result<Vec<(CellKey, Cell)>, StoreError>;

    /// Known provider keys.
    fn providers(&self) -> Result<Vec<String>, StoreError>;

    /// Stores provider hours in one transaction: each row's seconds are spread evenly over the
    /// quarter hours it covers, replacing what those cells held (re-sending changes nothing).
    /// Returns the number of quarter-hour cells written.
    fn import_hours(
        &mut self,
        rows: &[HoursInput],
        audit: Option<&AuditNote<'_>>,
    ) -> Result<u64, StoreError>;

    /// Hours per quarter hour with `from ≤ interval < to`, within `scope`.
    fn hours(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<HoursCell>, StoreError>;

    /// Number of stored records and the span of `arrived_at` (ms).
    fn summary(&self, scope: &Scope) -> Result<Summary, StoreError>;

    /// The `updated_at` (ms) of the stored version of one contact: which version won.
    fn contact_updated_at(
        &self,
        provider: &str,
        contact_id: &str,
    ) -> Result<Option<i64>, StoreError>;

    /// The first and last cube intervals with data within `scope`, from the group spans (cheap at
    /// any size, unlike scanning contacts): what a dashboard's default period is built from.
    fn data_span(&self, scope: &Scope) -> Result<Option<(i64, i64)>, StoreError>;

    /// The keyed hash under which a customer key is stored (the key is the store's own secret, so
    /// the same customer hashes alike in every import and routing decision of one store).
    fn customer_hash(&self, customer: &str) -> i64;
}

/// One row of provider hours to store (milliseconds; `start_ms`/`end_ms` on quarter hours).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursInput {
    pub provider: String,
    pub queue: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub staffed_ms: i64,
    pub productive_ms: i64,
    pub scheduled_ms: i64,
}

/// Stored hours of one quarter hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursCell {
    pub interval: i64,
    pub provider: String,
    pub queue: String,
    pub staffed_ms: i64,
    pub productive_ms: i64,
    pub scheduled_ms: i64,
}

/// A short description of what a store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: i64,
    pub first_arrived_ms: Option<i64>,
    pub last_arrived_ms: Option<i64>,
}

/// How to open a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long opening waits for a lock held elsewhere (a large import holds a SQLite file for
    /// itself) before [`StoreError::Busy`].
    pub wait: std::time::Duration,
    /// How long a write waits for another writer (another process's import, another server on
    /// the same file) before [`StoreError::Busy`]. Writers of one process also queue behind each
    /// other in the caller (the server keeps one writer).
    pub write_wait: std::time::Duration,
    /// Create the database (and its schema) when there is none; otherwise [`StoreError::Missing`].
    pub create: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            wait: std::time::Duration::from_secs(10),
            write_wait: std::time::Duration::from_secs(10),
            create: true,
        }
    }
}

/// The location schemes this build opens.
pub const SCHEMES: &str = "a file path, sqlite://PATH or sqlite::memory:";

/// Opens the store at `location`, applying pending migrations: a file path or `sqlite://PATH` (a
/// SQLite file, created with its schema when missing), or `sqlite::memory:` (a private database in
/// memory, for tests). Any other scheme (`postgres://…`) is refused, naming the ones this build
/// supports.
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    open_with(location, &OpenOptions::default())
}

/// [`open`] with options.
pub fn open_with(location: &str, options: &OpenOptions) -> Result<Box<dyn Store>, StoreError> {
    if location == "sqlite::memory:" {
        return Ok(Box::new(sqlite::SqliteStore::open_in_memory()?));
    }
    let path = match location.split_once("://") {
        Some(("sqlite", path)) => path,
        Some((scheme, _)) => {
            return Err(StoreError::Unsupported(format!(
                "cannot open {location:?}: this build of relevo does not support {scheme}:// databases; use {SCHEMES}"
            )));
        }
        None => location,
    };
    if path.is_empty() {
        return Err(StoreError::Unsupported(format!(
            "no database location given; use {SCHEMES}"
        )));
    }
    let file = std::path::Path::new(path);
    if !options.create && !file.exists() {
        return Err(StoreError::Missing(path.to_string()));
    }
    Ok(Box::new(sqlite::SqliteStore::open_waiting(
        file,
        options.wait,
        options.write_wait,
    )?))
}

/// One grain of the whole cube read into memory (see [`relevo_metrics::memcube`]), with the cube
/// version it was read at. Read in one statement, so it is one consistent state of the cube; if an
/// import commits meanwhile, the version is older than the cells and the next check reloads.
pub fn load_memcube(
    store: &dyn Store,
    grain: Grain,
) -> Result<(i64, relevo_metrics::memcube::MemCube), StoreError> {
    let version = store.cube_version()?;
    let mut b =
        relevo_metrics::memcube::MemCubeBuilder::new(grain, store.group_spans(&Scope::All)?);
    let mut failed = None;
    store.for_each_cell_at(
        grain,
        i64::MIN / 2,
        i64::MAX / 2,
        &Scope::All,
        &mut |c, cell| {
            if failed.is_none()
                && let Err(e) = b.push(c, cell)
            {
                failed = Some(e);
            }
        },
    )?;
    match failed {
        Some(e) => Err(StoreError::Corrupt(e.to_string())),
        None => Ok((version, b.finish())),
    }
}

/// The cube cells, of every grain, that no set of valid records can make
/// ([`relevo_metrics::Cell::impossible`]: a negative count, parts that do not add up, a sum past
/// its contacts' bounds), with why. A cube can equal a recomputation that is just as wrong (an
/// overflowed sum), so `relevo check` asks this too.
pub fn impossible_cells(store: &dyn Store) -> Result<Vec<(Grain, CellKey, String)>, StoreError> {
    let mut out = Vec::new();
    for grain in Grain::ALL {
        store.for_each_cell_at(
            grain,
            i64::MIN / 2,
            i64::MAX / 2,
            &Scope::All,
            &mut |r, c| {
                if let Some(why) = c.impossible() {
                    out.push((grain, CellKey::from(r), why));
                }
            },
        )?;
    }
    Ok(out)
}

/// The hour and day cells that differ from the sum of their quarter hours (empty when the roll-ups
/// hold their invariant), with the grain of each.
pub fn rollup_mismatches(store: &dyn Store) -> Result<Vec<(Grain, CellKey)>, StoreError> {
    let quarters = store.cells(i64::MIN / 2, i64::MAX / 2, &Scope::All)?;
    let mut out = Vec::new();
    for grain in [Grain::Hour, Grain::Day] {
        let mut want: std::collections::BTreeMap<CellKey, Cell> = std::collections::BTreeMap::new();
        for (k, c) in &quarters {
            let key = CellKey {
                interval: grain.bucket_of(k.interval),
                ..k.clone()
            };
            want.entry(key).or_default().merge(c);
        }
        want.retain(|_, c| !c.is_zero());
        let mut got: std::collections::BTreeMap<CellKey, Cell> = std::collections::BTreeMap::new();
        store.for_each_cell_at(
            grain,
            i64::MIN / 2,
            i64::MAX / 2,
            &Scope::All,
            &mut |r, c| {
                got.insert(CellKey::from(r), c.clone());
            },
        )?;
        let keys: std::collections::BTreeSet<&CellKey> = want.keys().chain(got.keys()).collect();
        for k in keys {
            if want.get(k) != got.get(k) {
                out.push((grain, k.clone()));
            }
        }
    }
    Ok(out)
}
