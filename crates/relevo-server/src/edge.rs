//! The server's edges to the outside: the clock and where log lines go, injected into the state
//! (tests fix the clock and collect the log).

use std::sync::Arc;

/// A clock in milliseconds since the epoch (injected: tests fix it).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;
/// Where log lines go (one structured `key=value` line per call).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The system clock (the server's edge reads it; everything else takes `now` as a parameter).
pub fn system_clock() -> Clock {
    Arc::new(|| {
        #[allow(clippy::disallowed_methods)] // the server is an edge: it reads the clock here
        let now = std::time::SystemTime::now();
        now.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    })
}

/// Log lines to standard error.
pub fn stderr_log() -> LogSink {
    Arc::new(|line| eprintln!("{line}"))
}
