//! A queue's history as forecasting takes it: offered contacts and mean handle time per interval,
//! from the cube (all providers and channels of the queue summed) or from a file the binary reads.

use crate::Error;
pub use relevo_import::history::{History, HistoryRow};
use relevo_store::{Scope, Store};

/// A queue's whole history within `scope` as 15-minute interval counts and mean handle times (all
/// providers and channels summed), for forecasting.
pub fn queue_history(store: &dyn Store, scope: &Scope, queue: &str) -> Result<History, Error> {
    // The queues with data first (one grouped read): a queue with none is known without reading
    // every cell.
    let known = relevo_store::auth::scoped_queues(store, scope)?;
    if !known.iter().any(|q| q == queue) {
        return Err(Error::NotFound(format!(
            "queue {queue:?} has no contacts in the store (known queues: {})",
            known.join(", ")
        )));
    }
    let cells = store.cells(i64::MIN / 2, i64::MAX / 2, scope)?;
    let mut per: std::collections::BTreeMap<i64, relevo_metrics::Cell> =
        std::collections::BTreeMap::new();
    for (k, c) in cells.iter().filter(|(k, _)| k.queue == queue) {
        per.entry(k.interval).or_default().merge(c);
    }
    if per.is_empty() {
        let known: std::collections::BTreeSet<String> =
            cells.into_iter().map(|(k, _)| k.queue).collect();
        return Err(Error::NotFound(format!(
            "queue {queue:?} has no contacts in the store (known queues: {})",
            known.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let rows = per
        .into_iter()
        .map(|(interval, c)| {
            let start = relevo_core::interval_start_ms(interval);
            Ok(HistoryRow {
                period_start: jiff::Timestamp::from_millisecond(start)
                    .map_err(|e| Error::Internal(format!("interval {interval}: {e}")))?,
                offered: c.offered as f64,
                aht_s: (c.answered > 0).then(|| c.handle_ms() as f64 / c.answered as f64 / 1000.0),
                line: None,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(History {
        source: format!("queue {queue:?}"),
        rows,
    })
}
