//! Provider hours: staffed, productive and scheduled seconds per provider, queue and interval, as a
//! provider's workforce-management export delivers them (canonical CSV, documented in
//! docs/HOURS.md). Needed by hour-based pricing and occupancy.
//!
//! Columns: `provider` (or `--provider`), `queue`, `period_start` (RFC 3339, or naive in the zone),
//! `period_end` (optional; default 15 minutes later), `staffed_s`, `productive_s`, `scheduled_s`.
//! Periods must start and end on quarter hours; productive time cannot exceed staffed time.

use crate::value::parse_timestamp_ms;
use crate::{Diagnostic, Options};
use relevo_core::INTERVAL_MS;
use std::io::Read;

/// One row of hours, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursRow {
    pub provider: String,
    pub queue: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub staffed_ms: i64,
    pub productive_ms: i64,
    pub scheduled_ms: i64,
}

/// A row covers at most one day (96 quarter hours): WFM exports come by quarter hour, half hour
/// or day, and a row spanning a century would write millions of cells.
pub const MAX_SPAN_MS: i64 = 86_400_000;
/// Staffed, productive and scheduled time of a row: at most this many people over its period.
pub const MAX_AGENTS: i64 = 100_000;

const COLUMNS: [&str; 7] = [
    "provider",
    "queue",
    "period_start",
    "period_end",
    "staffed_s",
    "productive_s",
    "scheduled_s",
];

/// Parses a whole hours file (these are small: one row per interval and queue) into rows and diagnostics.
pub fn parse_hours(
    input: impl Read,
    opts: &Options,
) -> Result<(Vec<HoursRow>, Vec<Diagnostic>), Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Diagnostic::row(1, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut idx = [None; 7];
    for (i, h) in header.iter().enumerate() {
        match COLUMNS.iter().position(|c| c == h) {
            Some(c) => idx[c] = Some(i),
            None => {
                return Err(Diagnostic {
                    line: 1,
                    column_index: Some(i + 1),
                    column: Some(h.clone()),
                    value: None,
                    reason: format!("unknown column (expected {})", COLUMNS.join(", ")),
                    row: None,
                });
            }
        }
    }
    for (c, name) in COLUMNS.iter().enumerate() {
        let optional = c == 3 || (c == 0 && opts.provider.is_some());
        if idx[c].is_none() && !optional {
            return Err(Diagnostic::row(
                1,
                format!("required column {name:?} is missing"),
            ));
        }
    }
    let (mut rows, mut diags) = (Vec::new(), Vec::new());
    let mut rec = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                diags.push(Diagnostic::row(
                    e.position().map_or(0, |p| p.line()),
                    e.to_string(),
                ));
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: usize| {
            idx[c]
                .and_then(|i| rec.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        let diag = |c: usize, value: Option<&str>, reason: String| Diagnostic {
            line,
            column_index: idx[c].map(|i| i + 1),
            column: Some(COLUMNS[c].to_string()),
            value: value.map(str::to_string),
            reason,
            row: Some(rec.iter().collect::<Vec<_>>().join(",")),
        };
        let result = (|| -> Result<HoursRow, Diagnostic> {
            let provider = get(0)
                .map(str::to_string)
                .or_else(|| opts.provider.clone())
                .ok_or_else(|| {
                    diag(0, None, "is required but empty (or give --provider)".into())
                })?;
            let queue = get(1)
                .ok_or_else(|| diag(1, None, "is required but empty".into()))?
                .to_string();
            for (c, v) in [(0, &provider), (1, &queue)] {
                relevo_core::check_key(COLUMNS[c], v).map_err(|e| diag(c, Some(v), e.reason))?;
            }
            let ts = |c: usize| -> Result<Option<i64>, Diagnostic> {
                match get(c) {
                    None => Ok(None),
                    Some(v) => {
                        let t = parse_timestamp_ms(v, &opts.tz).map_err(|e| diag(c, Some(v), e))?;
                        if t.rem_euclid(INTERVAL_MS) != 0 {
                            return Err(diag(c, Some(v), "is not on a quarter hour".into()));
                        }
                        Ok(Some(t))
                    }
                }
            };
            let start_ms = ts(2)?.ok_or_else(|| diag(2, None, "is required but empty".into()))?;
            let end_ms = ts(3)?.unwrap_or(start_ms + INTERVAL_MS);
            if end_ms <= start_ms {
                return Err(diag(3, get(3), "is not after period_start".into()));
            }
            if end_ms - start_ms > MAX_SPAN_MS {
                return Err(diag(
                    3,
                    get(3),
                    "is more than one day after period_start (a row covers at most one day)".into(),
                ));
            }
            let secs = |c: usize| -> Result<i64, Diagnostic> {
                let v = get(c).ok_or_else(|| diag(c, None, "is required but empty".into()))?;
                let ms = crate::parse_duration_ms(v).map_err(|e| diag(c, Some(v), e))?;
                if ms < 0 {
                    return Err(diag(c, Some(v), "is negative".into()));
                }
                if ms / MAX_AGENTS > end_ms - start_ms {
                    return Err(diag(
                        c,
                        Some(v),
                        format!("is more than {MAX_AGENTS} people over the whole period"),
                    ));
                }
                Ok(ms)
            };
            let (staffed_ms, productive_ms, scheduled_ms) = (secs(4)?, secs(5)?, secs(6)?);
            if productive_ms > staffed_ms {
                return Err(diag(5, get(5), "exceeds staffed_s".into()));
            }
            Ok(HoursRow {
                provider,
                queue,
                start_ms,
                end_ms,
                staffed_ms,
                productive_ms,
                scheduled_ms,
            })
        })();
        match result {
            Ok(r) => rows.push(r),
            Err(d) => diags.push(d),
        }
    }
    Ok((rows, diags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_rows_and_errors() {
        let text = "provider,queue,period_start,period_end,staffed_s,productive_s,scheduled_s\n\
            acme,billing,2026-10-01T08:00:00Z,2026-10-01T08:30:00Z,36000,30000,39600\n\
            acme,billing,2026-10-01T08:30:00Z,,18000,15000,18000\n\
            acme,billing,2026-10-01T08:40:00Z,,100,50,100\n\
            acme,billing,2026-10-01T09:00:00Z,,100,150,100\n\
            acme,billing,2026-10-01T09:00:00Z,,-1,0,0\n\
            acme,billing,2000-01-01T00:00:00Z,2099-12-31T00:00:00Z,1,1,1\n\
            acme,billing,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,1,1,1\n\
            acme,billing,2026-10-01T09:00:00Z,,90000000001,0,0\n";
        let (rows, diags) = parse_hours(text.as_bytes(), &Options::default()).unwrap();
        assert_eq!(rows.len(), 3, "a whole day is one row");
        assert_eq!(
            (rows[0].end_ms - rows[0].start_ms, rows[0].staffed_ms),
            (1_800_000, 36_000_000)
        );
        assert_eq!(rows[1].end_ms - rows[1].start_ms, 900_000);
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "line 4, column 3 (\"period_start\"): is not on a quarter hour: \"2026-10-01T08:40:00Z\"",
                "line 5, column 6 (\"productive_s\"): exceeds staffed_s: \"150\"",
                "line 6, column 5 (\"staffed_s\"): is negative: \"-1\"",
                "line 7, column 4 (\"period_end\"): is more than one day after period_start (a row covers at most one day): \"2099-12-31T00:00:00Z\"",
                "line 9, column 5 (\"staffed_s\"): is more than 100000 people over the whole period: \"90000000001\"",
            ]
        );
        let err =
            parse_hours("provider,queue,start\n".as_bytes(), &Options::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 3 (\"start\"): unknown column (expected provider, queue, period_start, period_end, staffed_s, productive_s, scheduled_s)"
        );
    }
}
