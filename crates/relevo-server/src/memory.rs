//! The cube held in memory for reports (`relevo_metrics::memcube`): one copy per grain, each tagged
//! with the cube version it was read at.
//!
//! A report uses a copy only while the store's cube version is the one the copy was read at, so it
//! never answers from stale data. Otherwise it reads the store, as it would with no copy, and a
//! background thread reads a fresh copy (on its own connection; the stale copy is dropped first, so
//! memory never holds two). A report never waits for a load.

use crate::edge::LogSink;
use relevo_core::Grain;
use relevo_metrics::memcube::MemCube;
use relevo_store::{Store, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Slot {
    cube: Mutex<Option<(i64, Arc<MemCube>)>>,
    loading: AtomicBool,
}

pub(crate) struct MemoryCubes {
    db: String,
    log: LogSink,
    /// Quarter, hour, day.
    slots: [Slot; 3],
}

fn slot_of(grain: Grain) -> usize {
    match grain {
        Grain::Quarter => 0,
        Grain::Hour => 1,
        Grain::Day => 2,
    }
}

impl MemoryCubes {
    pub(crate) fn new(db: String, log: LogSink) -> Arc<Self> {
        Arc::new(MemoryCubes {
            db,
            log,
            slots: Default::default(),
        })
    }

    /// The copy of `grain` if it is current for `store`; otherwise `None`, and a fresh copy is on
    /// its way.
    pub(crate) fn current(
        self: &Arc<Self>,
        store: &dyn Store,
        grain: Grain,
    ) -> Result<Option<Arc<MemCube>>, StoreError> {
        let version = store.cube_version()?;
        let slot = &self.slots[slot_of(grain)];
        if let Ok(held) = slot.cube.lock()
            && let Some((v, cube)) = held.as_ref()
            && *v == version
        {
            return Ok(Some(cube.clone()));
        }
        self.refresh(grain);
        Ok(None)
    }

    /// Reads a fresh copy of `grain` in the background, unless one is being read.
    pub(crate) fn refresh(self: &Arc<Self>, grain: Grain) {
        let slot = &self.slots[slot_of(grain)];
        if slot.loading.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Ok(mut held) = slot.cube.lock() {
            *held = None;
        }
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("relevo-cube-{grain:?}").to_lowercase())
            .spawn(move || me.load(grain));
        if let Err(e) = spawned {
            (self.log)(&format!(
                "event=memory_cube_failed grain={grain:?} error=\"cannot start a thread: {e}\""
            ));
            slot.loading.store(false, Ordering::Release);
        }
    }

    fn load(&self, grain: Grain) {
        let slot = &self.slots[slot_of(grain)];
        let loaded =
            relevo_store::open(&self.db).and_then(|s| relevo_store::load_memcube(&*s, grain));
        match loaded {
            Ok((version, cube)) => {
                (self.log)(&format!(
                    "event=memory_cube_loaded grain={grain:?} version={version} cells={} mib={:.1}",
                    cube.len(),
                    cube.heap_bytes() as f64 / f64::from(1 << 20)
                ));
                if let Ok(mut held) = slot.cube.lock() {
                    *held = Some((version, Arc::new(cube)));
                }
            }
            Err(e) => (self.log)(&format!(
                "event=memory_cube_failed grain={grain:?} error={:?}",
                e.to_string()
            )),
        }
        slot.loading.store(false, Ordering::Release);
    }

    /// True while a copy of `grain` is being read.
    pub(crate) fn loading(&self, grain: Grain) -> bool {
        self.slots[slot_of(grain)].loading.load(Ordering::Acquire)
    }
}
