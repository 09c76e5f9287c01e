//! Interval history for forecasting: offered contacts (and mean handle time) per period, and its
//! CSV form `period_start,offered[,aht_s]`.
//!
//! `period_start` is RFC 3339 with an offset, or a local date-time read in a given zone: in a
//! daylight-saving fold a naive time takes the earlier offset the first time it appears and the
//! later one the second time; a naive time in a gap is an error. Errors name the source, line,
//! column and value. Not here: mapping periods onto local days and slots (relevo-app's forecast).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use std::collections::HashSet;
use std::io::Read;

/// Interval history, from a CSV file or from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Where the rows came from, for messages: a file name or e.g. `queue "billing"`.
    pub source: String,
    pub rows: Vec<HistoryRow>,
}

/// One interval of history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryRow {
    pub period_start: Timestamp,
    /// Offered contacts in the interval.
    pub offered: f64,
    /// Mean handle time of the interval in seconds, if known.
    pub aht_s: Option<f64>,
    /// The source line, for error messages (`None` for rows from the store).
    pub line: Option<u64>,
}

/// A history file that cannot be read; the message names the source, line, column and value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HistoryError(pub String);

/// Parses `period_start,offered[,aht_s]` from `input`; `source` names it in errors (a file name).
pub fn parse_history_csv(
    input: impl Read,
    source: &str,
    tz: &TimeZone,
) -> Result<History, HistoryError> {
    let file = source.to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| HistoryError(format!("{file}: line 1: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let has_aht = match header
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["period_start", "offered"] => false,
        ["period_start", "offered", "aht_s"] => true,
        _ => {
            return Err(HistoryError(format!(
                "{file}: line 1: expected header period_start,offered[,aht_s], found {:?}",
                header.join(",")
            )));
        }
    };
    let mut rows = Vec::new();
    let mut folds_seen: HashSet<Timestamp> = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| HistoryError(format!("{file}: malformed CSV: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let bad = |column: &str, value: &str, why: &str| {
            HistoryError(format!(
                "{file}: line {line}, column {column:?}: {why}: {value:?}"
            ))
        };
        let start_text = record.get(0).unwrap_or("");
        let period_start = parse_period_start(start_text, tz, &mut folds_seen)
            .map_err(|why| bad("period_start", start_text, &why))?;
        let offered_text = record.get(1).unwrap_or("");
        let offered = parse_non_negative(offered_text)
            .ok_or_else(|| bad("offered", offered_text, "not a count"))?;
        let aht_s = match record.get(2).filter(|_| has_aht) {
            None | Some("") => None,
            Some(v) => Some(
                parse_non_negative(v).ok_or_else(|| bad("aht_s", v, "not a number of seconds"))?,
            ),
        };
        rows.push(HistoryRow {
            period_start,
            offered,
            aht_s,
            line: Some(line),
        });
    }
    Ok(History { source: file, rows })
}

/// A finite number ≥ 0.
pub fn parse_non_negative(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// RFC 3339 with offset, or a naive local date-time in `tz` (see the module docs for folds).
fn parse_period_start(
    text: &str,
    tz: &TimeZone,
    folds_seen: &mut HashSet<Timestamp>,
) -> Result<Timestamp, String> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let dt: DateTime = text
        .parse()
        .map_err(|_| "not an RFC 3339 timestamp or a local date-time".to_owned())?;
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => Err(format!(
            "does not exist in {} (skipped by a clock change)",
            tz_label(tz)
        )),
        AmbiguousOffset::Fold { .. } => {
            let earlier = ambiguous.earlier().map_err(|e| e.to_string())?;
            if folds_seen.insert(earlier) {
                Ok(earlier)
            } else {
                ambiguous.later().map_err(|e| e.to_string())
            }
        }
        AmbiguousOffset::Unambiguous { .. } => ambiguous.compatible().map_err(|e| e.to_string()),
    }
}

/// The zone's IANA name, for messages.
pub fn tz_label(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("the time zone").to_owned()
}
