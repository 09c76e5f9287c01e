//! Shared server state: configuration, the store connections, metrics, the clock and the log sink.
//!
//! SQLite connections are `Send` but not `Sync`: reads check a connection out of a small pool (WAL
//! lets readers run beside the writer), writes (batches of contacts) go through the one writer
//! connection behind a mutex, so batches commit one after the other and never fail on a lock.

pub use crate::edge::{Clock, LogSink, stderr_log, system_clock};
use crate::error::ApiError;
use crate::kpis::Filter;
use crate::metrics::Metrics;
pub use relevo_app::accounts::PasswordCost;
use relevo_metrics::report::{ReportRow, ReportSpec, grain_for};
use relevo_store::{Scope, Store, StoreError};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// Targets the dashboard marks KPIs against until contracts pin their own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Targets {
    /// Service level at least this fraction.
    pub service_level: f64,
    /// Abandon rate at most this fraction.
    pub abandon_rate: f64,
    /// ASA at most this many seconds.
    pub asa_s: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            service_level: 0.80,
            abandon_rate: 0.05,
            asa_s: 30.0,
        }
    }
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the store is: a location `relevo_store::open` takes.
    pub db: String,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Most records in one `POST /contacts`.
    pub max_batch_records: usize,
    pub session_ttl_ms: i64,
    /// How failed logins are throttled (per name at an address, per address, per name).
    pub login: relevo_app::accounts::LoginLimits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: the peer is the client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub password_cost: PasswordCost,
    /// Mark cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
    pub targets: Targets,
    /// IANA zone the dashboard shows periods in.
    pub time_zone: String,
    /// Hold the cube in memory for reports (each grain once it is first asked for).
    pub memory_cube: bool,
    /// How long a write waits for the writers before it (this server's, then other processes' on
    /// the same database) before the API answers 503 with `Retry-After`.
    pub write_wait: std::time::Duration,
    /// A client must send a request's headers within this, from when the connection opens or
    /// falls idle after a response; else the connection is closed (slow or idle clients).
    pub header_read_timeout: std::time::Duration,
    /// A request (its body read and its answer computed) that takes longer is answered 503.
    pub request_timeout: std::time::Duration,
    /// Connections served at once; further clients wait to be accepted.
    pub max_connections: usize,
    /// Most rows one `GET /api/v1/kpis` answers (bounds the memory of any one report request).
    pub max_report_rows: u64,
}

impl Config {
    fn open_options(&self) -> relevo_store::OpenOptions {
        relevo_store::OpenOptions {
            write_wait: self.write_wait,
            ..Default::default()
        }
    }

    pub fn new(db: impl Into<String>) -> Self {
        Config {
            db: db.into(),
            max_body_bytes: 16 << 20,
            max_batch_records: 10_000,
            session_ttl_ms: 12 * 3_600_000,
            login: relevo_app::accounts::LoginLimits::default(),
            trusted_proxies: Vec::new(),
            password_cost: PasswordCost::default(),
            secure_cookies: false,
            targets: Targets::default(),
            time_zone: "UTC".into(),
            memory_cube: true,
            write_wait: std::time::Duration::from_secs(10),
            header_read_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(120),
            max_connections: 512,
            max_report_rows: 200_000,
        }
    }
}

pub(crate) struct Inner {
    pub config: Config,
    readers: Mutex<Vec<Box<dyn Store>>>,
    writer: Mutex<Box<dyn Store>>,
    pub metrics: Metrics,
    pub clock: Clock,
    pub log: LogSink,
    pub routing: relevo_app::routing::Routing,
    memory: Option<Arc<crate::memory::MemoryCubes>>,
}

/// Cheap to clone; every handler gets one.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.0.config.db)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the database (applying migrations) and builds the state.
    pub fn open(config: Config, clock: Clock, log: LogSink) -> Result<Self, StoreError> {
        let writer = relevo_store::open_with(&config.db, &config.open_options())?;
        let memory = config
            .memory_cube
            .then(|| crate::memory::MemoryCubes::new(config.db.clone(), log.clone()));
        Ok(AppState(Arc::new(Inner {
            memory,
            config,
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            metrics: Metrics::default(),
            clock,
            log,
            routing: relevo_app::routing::Routing::default(),
        })))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The server's clock, in milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        (self.0.clock)()
    }

    pub(crate) fn log(&self, line: &str) {
        (self.0.log)(line)
    }

    /// The routing engine.
    pub(crate) fn routing(&self) -> &relevo_app::routing::Routing {
        &self.0.routing
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Runs `f` on a pooled read connection.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let conn = self.0.readers.lock().map_err(poisoned)?.pop();
        let conn = match conn {
            Some(c) => c,
            None => relevo_store::open_with(&self.0.config.db, &self.0.config.open_options())?,
        };
        let out = f(&*conn);
        let mut pool = self.0.readers.lock().map_err(poisoned)?;
        if pool.len() < 16 {
            pool.push(conn);
        }
        out
    }

    /// The report `spec` within `scope`: from the cube held in memory when it is current, else from
    /// the store (and a fresh copy is read in the background). Both give the same rows.
    pub(crate) fn report(
        &self,
        store: &dyn Store,
        scope: &Scope,
        spec: &ReportSpec,
        filter: &Filter,
        as_of_ms: i64,
    ) -> Result<Vec<ReportRow>, ApiError> {
        let grain = grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
        let held = match &self.0.memory {
            Some(m) => m.current(store, grain)?,
            None => None,
        };
        let m = &self.0.metrics;
        Ok(match held {
            Some(cube) => {
                m.reports_from_memory.fetch_add(1, Ordering::Relaxed);
                crate::kpis::report_from_memory(&cube, store, scope, spec, filter, as_of_ms)?
            }
            None => {
                m.reports_from_store.fetch_add(1, Ordering::Relaxed);
                crate::kpis::report(store, scope, spec, filter, as_of_ms)?
            }
        })
    }

    /// True while a copy of the cube's `grain` is being read into memory.
    pub fn memory_cube_loading(&self, grain: relevo_core::Grain) -> bool {
        self.0.memory.as_ref().is_some_and(|m| m.loading(grain))
    }

    /// Runs `f` on the writer connection: one writer at a time, in a queue. A write that cannot
    /// start within `write_wait` is answered 503 (the store bounds its own wait for other
    /// processes the same way).
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        // Counted naps rather than a clock (the server reads time only through its `Clock`).
        const NAP: std::time::Duration = std::time::Duration::from_millis(2);
        let mut naps_left = self.0.config.write_wait.as_millis() / NAP.as_millis();
        let mut w = loop {
            match self.0.writer.try_lock() {
                Ok(w) => break w,
                Err(std::sync::TryLockError::Poisoned(e)) => return Err(poisoned(e)),
                Err(std::sync::TryLockError::WouldBlock) => {
                    naps_left = naps_left.saturating_sub(1);
                    if naps_left == 0 {
                        return Err(ApiError::Unavailable(
                            "the server is busy writing earlier requests; nothing was written, try again"
                                .into(),
                        ));
                    }
                    std::thread::sleep(NAP);
                }
            }
        };
        f(&mut **w)
    }

    /// Runs blocking store work off the async threads.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let st = self.clone();
        tokio::task::spawn_blocking(move || f(&st))
            .await
            .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
    }
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> ApiError {
    ApiError::Internal("a store lock was poisoned by an earlier panic".into())
}
