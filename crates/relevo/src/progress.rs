//! Progress on a terminal: one line on stderr, redrawn at most five times a second; silent when stderr
//! is not a terminal (pipes, CI, logs).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
    started: Instant,
    last: Instant,
    label: String,
}

impl Progress {
    pub fn new(label: &str) -> Self {
        // The binary is the edge that reads the clock.
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        Progress {
            enabled: std::io::stderr().is_terminal(),
            started: now,
            last: now,
            label: label.to_string(),
        }
    }

    /// Redraws the line with `done` of `total` bytes and a record count.
    pub fn update(&mut self, done_bytes: u64, total_bytes: u64, records: u64) {
        if !self.enabled {
            return;
        }
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        if now.duration_since(self.last) < Duration::from_millis(200) {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.started).as_secs_f64().max(1e-3);
        let pct = if total_bytes > 0 {
            100.0 * done_bytes as f64 / total_bytes as f64
        } else {
            0.0
        };
        let width = 30usize;
        let filled = ((pct / 100.0) * width as f64).round() as usize;
        eprint!(
            "\r{} [{}{}] {:5.1}%  {} records  {}/s ",
            self.label,
            "█".repeat(filled.min(width)),
            " ".repeat(width - filled.min(width)),
            pct,
            crate::cli_util::thousands(records),
            crate::cli_util::thousands((records as f64 / secs) as u64)
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&mut self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        }
    }
}
