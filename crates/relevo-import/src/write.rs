//! Canonical CSV out: a [`ContactRecord`] as the row the canonical CSV parser reads back into the
//! same record (docs/DEFINITIONS.md §3 columns, [`CANONICAL`] order). Used by the demo generator to
//! write providers' files, and by anything that exports records.
//!
//! Timestamps are RFC 3339 in UTC with millisecond precision when there is one; durations are
//! seconds (with up to three decimals); the QA score is points out of 100. Not here: files (the
//! caller owns the writer).

use crate::CANONICAL;
use relevo_core::ContactRecord;

/// The header row.
pub fn canonical_header() -> [&'static str; 23] {
    CANONICAL
}

/// The record's fields in [`CANONICAL`] order.
pub fn canonical_fields(r: &ContactRecord) -> [String; 23] {
    let ts = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    let opt_ts = |ms: Option<i64>| ms.map(ts).unwrap_or_default();
    let secs = |ms: Option<i64>| ms.map(thousandths).unwrap_or_default();
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    let small = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    [
        r.contact_id.clone(),
        r.provider.clone(),
        r.queue.clone(),
        r.channel.to_string(),
        r.direction.to_string(),
        ts(r.arrived_at_ms),
        opt_ts(r.answered_at_ms),
        opt_ts(r.abandoned_at_ms),
        opt_ts(r.ended_at_ms),
        r.outcome.to_string(),
        secs(r.talk_ms),
        secs(r.hold_ms),
        secs(r.acw_ms),
        text(&r.agent),
        text(&r.customer),
        text(&r.reason),
        flag(r.resolved),
        flag(r.transferred),
        small(r.csat),
        small(r.nps),
        r.qa_milli.map(thousandths).unwrap_or_default(),
        text(&r.language),
        ts(r.updated_at_ms),
    ]
}

/// `n` thousandths as a decimal: `90000` → `90`, `1500` → `1.5`, `-250` → `-0.25`.
fn thousandths(n: i64) -> String {
    let (sign, n) = if n < 0 {
        ("-", n.unsigned_abs())
    } else {
        ("", n as u64)
    };
    let (whole, frac) = (n / 1000, n % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests;
