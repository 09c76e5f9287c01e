//! The engine under test. The story names no engine: SQLite runs it by default; setting
//! `RELEVO_TEST_STORE` to another location (a database URL of an engine this build supports) runs the
//! same tests against that engine instead.

use relevo_store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh, empty store on the engine under test (SQLite: in memory).
pub fn scratch() -> Box<dyn Store> {
    match engine() {
        Some(location) => relevo_store::open(&location).unwrap(),
        None => relevo_store::open("sqlite::memory:").unwrap(),
    }
}

/// The location of another engine, if one is named.
#[allow(clippy::disallowed_methods)] // tests choose their engine from the environment
fn engine() -> Option<String> {
    std::env::var("RELEVO_TEST_STORE")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A database that outlives its handles, for tests that reopen it (SQLite: a file in a temporary
/// folder, removed on drop).
pub struct Db {
    location: String,
    dir: Option<PathBuf>,
}

impl Db {
    pub fn new(name: &str) -> Db {
        if let Some(location) = engine() {
            return Db {
                location,
                dir: None,
            };
        }
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "relevo-store-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Db {
            location: format!("sqlite://{}", dir.join("store.db").display()),
            dir: Some(dir),
        }
    }

    /// A new handle on the same database.
    pub fn open(&self) -> Box<dyn Store> {
        relevo_store::open(&self.location).unwrap()
    }

    /// A new handle whose writes wait at most `write_wait` for other writers.
    pub fn open_waiting(&self, write_wait: std::time::Duration) -> Box<dyn Store> {
        let options = relevo_store::OpenOptions {
            write_wait,
            ..Default::default()
        };
        relevo_store::open_with(&self.location, &options).unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
