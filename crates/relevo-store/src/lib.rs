//! Storage for relevo: contact records (one winning version per `(provider, contact_id)`), the
//! interval cube kept in the same transaction, dimension tables, the import log and configuration.
//!
//! [`Store`] is the interface callers use; [`SqliteStore`] is the default backend. A PostgreSQL backend
//! implements the same trait (see ARCHITECTURE.md), so callers never change. This is the only crate
//! that contains SQL. It does not parse input formats and does not compute KPIs (it returns cells).

pub mod auth;
pub mod contracts;
pub mod routing;
mod schema;
mod sqlite;
pub mod transitions;

pub use auth::{Principal, Role};
pub use contracts::{NewContract, StoredContract};
pub use routing::{RouterStateSave, RoutingCount};
pub use sqlite::SqliteStore;
pub use transitions::{
    NewTransition, NewTransitionEvent, StoredTransition, StoredTransitionEvent, TransitionSave,
};

use relevo_core::{Channel, ContactRecord, Grain};
use relevo_metrics::Cell;
use std::path::Path;

/// Errors from any backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Corrupt(String),
    /// The record source asked to abandon the import: nothing was written.
    #[error("import aborted: nothing was written")]
    Aborted,
    #[error("{0}")]
    Unsupported(String),
    /// Another process holds the database for itself (a large import) longer than we wait.
    #[error(
        "the database {0} is busy: another relevo is loading a large file into it; try again when that import ends"
    )]
    Busy(String),
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

/// The storage interface every backend implements.
pub trait Store {
    /// Imports records in one transaction: each record is inserted, replaces an older version, or is
    /// ignored; the cube follows in the same transaction. A source item `Err(Abort)` rolls everything
    /// back. `on_progress` is called with the running stats every few thousand records.
    /// `expected_records` is an estimate (0 when unknown): a backend may take the database for itself
    /// during a large load (SQLite: a rollback journal when no other connection has it open). Callers
    /// that serve readers while they write pass 0.
    fn import(
        &mut self,
        source_name: &str,
        expected_records: u64,
        records: &mut dyn Iterator<Item = Result<ContactRecord, Abort>>,
        on_progress: &mut dyn FnMut(&ImportStats),
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

    /// Like [`Store::for_each_cell`] with cells of `grain`: each cell sums the quarter hours of its
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

    /// Every cube group with the first and last interval it has had cells in (what [`Store::groups`]
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
    fn import_hours(&mut self, rows: &[HoursInput]) -> Result<u64, StoreError>;

    /// Hours per quarter hour with `from ≤ interval < to`, within `scope`.
    fn hours(
        &self,
        from_interval: i64,
        to_interval: i64,
        scope: &Scope,
    ) -> Result<Vec<HoursCell>, StoreError>;

    /// Number of stored records and the span of `arrived_at` (ms).
    fn summary(&self, scope: &Scope) -> Result<Summary, StoreError>;
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

/// Opens a store from a location: a file path (SQLite). `postgres://` URLs are recognised and refused
/// until that backend lands.
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Err(StoreError::Unsupported(
            "the PostgreSQL backend is not available in this build; use a SQLite file path".into(),
        ));
    }
    Ok(Box::new(SqliteStore::open(Path::new(location))?))
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
                got.insert(
                    CellKey {
                        interval: r.interval,
                        provider: r.provider.to_string(),
                        queue: r.queue.to_string(),
                        channel: r.channel,
                    },
                    c.clone(),
                );
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
