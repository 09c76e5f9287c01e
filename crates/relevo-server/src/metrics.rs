//! Prometheus metrics (text exposition at `/metrics`) and the request log's value quoting; the
//! middleware that feeds them is `middleware::observe`.
//!
//! Hand-written on purpose: a handful of counters and one histogram do not need a metrics stack.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the request-duration histogram buckets.
const BUCKETS_S: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS_S.len()],
    count: u64,
    sum_s: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<BTreeMap<String, Histogram>>,
    pub contacts_inserted: AtomicU64,
    pub contacts_replaced: AtomicU64,
    pub contacts_ignored: AtomicU64,
    pub batches_rejected: AtomicU64,
    pub login_failures: AtomicU64,
    pub reports_from_memory: AtomicU64,
    pub reports_from_store: AtomicU64,
}

impl Metrics {
    pub(crate) fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut d) = self.durations.lock() {
            let h = d.entry(route.to_string()).or_default();
            for (i, b) in BUCKETS_S.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum_s += seconds;
        }
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP relevo_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE relevo_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "relevo_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    label(route)
                );
            }
        }
        out.push_str(
            "# HELP relevo_http_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE relevo_http_request_duration_seconds histogram\n");
        if let Ok(d) = self.durations.lock() {
            for (route, h) in d.iter() {
                let r = label(route);
                for (i, b) in BUCKETS_S.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "relevo_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "relevo_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "relevo_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                    h.sum_s
                );
                let _ = writeln!(
                    out,
                    "relevo_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                    h.count
                );
            }
        }
        out.push_str(
            "# HELP relevo_contacts_total Contact records received through the API, by result.\n",
        );
        out.push_str("# TYPE relevo_contacts_total counter\n");
        for (result, v) in [
            ("inserted", &self.contacts_inserted),
            ("replaced", &self.contacts_replaced),
            ("ignored", &self.contacts_ignored),
        ] {
            let _ = writeln!(
                out,
                "relevo_contacts_total{{result=\"{result}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP relevo_contact_batches_rejected_total Batches refused for invalid records.\n",
        );
        out.push_str("# TYPE relevo_contact_batches_rejected_total counter\n");
        let _ = writeln!(
            out,
            "relevo_contact_batches_rejected_total {}",
            self.batches_rejected.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP relevo_reports_total KPI reports answered, by source: the cube held in memory or the store.\n",
        );
        out.push_str("# TYPE relevo_reports_total counter\n");
        for (source, v) in [
            ("memory", &self.reports_from_memory),
            ("store", &self.reports_from_store),
        ] {
            let _ = writeln!(
                out,
                "relevo_reports_total{{source=\"{source}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP relevo_login_failures_total Failed dashboard logins.\n");
        out.push_str("# TYPE relevo_login_failures_total counter\n");
        let _ = writeln!(
            out,
            "relevo_login_failures_total {}",
            self.login_failures.load(Ordering::Relaxed)
        );
        out
    }
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A value for a `key=value` log line: quoted when it has spaces, quotes or `=`.
pub fn logfmt_value(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '"', '=', '\n']) {
        format!("{v:?}")
    } else {
        v.to_string()
    }
}
