//! Report options from the API's query parameters (the same options as `relevo report`); the
//! reports themselves are `relevo_app::reports`.

use crate::error::ApiError;
use jiff::tz::TimeZone;
pub use relevo_app::reports::{Filter, Rollup, Window, report, report_from_memory, rollup};
use relevo_core::{AbandonTreatment, KpiSettings};
use relevo_metrics::Granularity;
use relevo_metrics::report::{GroupBy, ReportSpec};
use serde::Deserialize;

/// An IANA zone or `UTC` (the error names `tz`).
pub fn zone(name: &str) -> Result<TimeZone, ApiError> {
    Ok(relevo_app::reports::zone(name)?)
}

/// A date (a whole day in `tz`; an end date is inclusive) or an RFC 3339 instant.
pub fn bound_ms(text: &str, tz: &TimeZone, is_end: bool, field: &str) -> Result<i64, ApiError> {
    Ok(relevo_app::reports::bound_ms(text, tz, is_end, field)?)
}

/// `GET /api/v1/kpis` parameters: `relevo report`'s options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiQuery {
    /// First day (inclusive) or RFC 3339 instant (inclusive).
    pub from: String,
    /// Last day (inclusive) or RFC 3339 instant (exclusive).
    pub to: String,
    pub by: Option<String>,
    pub group: Option<String>,
    /// Let rows mix channels when `group` does not name channel (default false: every report is
    /// grouped by channel too, as `relevo report` is).
    pub blend_channels: Option<bool>,
    pub tz: Option<String>,
    pub sl_threshold: Option<u32>,
    pub short_abandon: Option<u32>,
    pub abandon_treatment: Option<String>,
    pub include_flowouts: Option<bool>,
    pub fcr_window_days: Option<u32>,
    pub as_of: Option<String>,
    pub provider: Option<String>,
    /// Comma-separated queue keys.
    pub queue: Option<String>,
    /// Comma-separated channels.
    pub channel: Option<String>,
    /// json (default) or csv.
    pub format: Option<String>,
}

fn parse_list<T: std::str::FromStr<Err = String>>(
    v: Option<&str>,
    field: &str,
) -> Result<Vec<T>, ApiError> {
    v.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e: String| ApiError::bad_field(field, e)))
        .collect()
}

/// The report spec, filter and FCR as-of instant of a query (`now_ms` when `as_of` is absent).
pub fn spec_of(q: &KpiQuery, now_ms: i64) -> Result<(ReportSpec, Filter, i64), ApiError> {
    let tz = zone(q.tz.as_deref().unwrap_or("UTC"))?;
    let from_ms = bound_ms(&q.from, &tz, false, "from")?;
    let to_ms = bound_ms(&q.to, &tz, true, "to")?;
    if from_ms >= to_ms {
        return Err(ApiError::bad_field(
            "to",
            format!("from {} is not before to {}", q.from, q.to),
        ));
    }
    if to_ms - from_ms > 400 * 86_400_000 && q.by.as_deref() == Some("interval") {
        return Err(ApiError::bad_field(
            "by",
            "interval reports are limited to 400 days",
        ));
    }
    let granularity: Granularity =
        q.by.as_deref()
            .unwrap_or("day")
            .parse()
            .map_err(|e: String| ApiError::bad_field("by", e))?;
    let group: GroupBy = q
        .group
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|e: String| ApiError::bad_field("group", e))?;
    let abandon_treatment: AbandonTreatment = q
        .abandon_treatment
        .as_deref()
        .unwrap_or("counted")
        .parse()
        .map_err(|e: String| ApiError::bad_field("abandon_treatment", e))?;
    let filter = Filter {
        queues: q
            .queue
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        channels: parse_list(q.channel.as_deref(), "channel")?,
    };
    let as_of = match &q.as_of {
        Some(s) => bound_ms(s, &tz, false, "as_of")?,
        None => now_ms,
    };
    let spec = ReportSpec {
        from_ms,
        to_ms,
        granularity,
        tz,
        group: relevo_app::reports::channel_grouping(group, q.blend_channels.unwrap_or(false)),
        settings: KpiSettings {
            sl_threshold_s: q.sl_threshold,
            short_abandon_s: q.short_abandon.unwrap_or(5),
            abandon_treatment,
            include_flowouts: q.include_flowouts.unwrap_or(false),
            fcr_window_days: q.fcr_window_days.unwrap_or(7),
        },
    };
    Ok((spec, filter, as_of))
}

#[cfg(test)]
mod tests;
