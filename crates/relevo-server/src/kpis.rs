//! KPIs for the API and the dashboard: report options from query parameters (the same options as
//! `relevo report`), the report streamed from the store within the caller's scope, and a one-pass
//! roll-up (totals plus a per-period series per key) for the dashboard's tables and charts.

use crate::error::ApiError;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use relevo_core::{AbandonTreatment, Channel, KpiSettings, interval_of};
use relevo_metrics::memcube::MemCube;
use relevo_metrics::period::{period_start_ms, periods};
use relevo_metrics::report::{CellRef, GroupBy, ReportBuilder, ReportRow, ReportSpec};
use relevo_metrics::{Acc, Granularity, Kpis};
use relevo_store::{CellKey, FcrCount, Scope, Store, StoreError};
use serde::Deserialize;
use std::collections::BTreeMap;

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

/// Which queues and channels to keep (empty: all).
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub queues: Vec<String>,
    pub channels: Vec<Channel>,
}

impl Filter {
    pub fn keeps(&self, queue: &str, channel: Channel) -> bool {
        (self.queues.is_empty() || self.queues.iter().any(|q| q == queue))
            && (self.channels.is_empty() || self.channels.contains(&channel))
    }
}

/// An IANA zone or `UTC`.
pub fn zone(name: &str) -> Result<TimeZone, ApiError> {
    TimeZone::get(name).map_err(|_| {
        ApiError::bad_field(
            "tz",
            format!("unknown time zone {name:?} (use an IANA name like Europe/Madrid)"),
        )
    })
}

/// A date (a whole day in `tz`; an end date is inclusive) or an RFC 3339 instant.
pub fn bound_ms(text: &str, tz: &TimeZone, is_end: bool, field: &str) -> Result<i64, ApiError> {
    let bad = || {
        ApiError::bad_field(
            field,
            format!(
                "{field} {text:?}: expected a date like 2026-10-01 or an RFC 3339 time like 2026-10-01T08:00:00+02:00"
            ),
        )
    };
    // An instant first: jiff also reads the date part of a full timestamp as a `Date`.
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    if let Ok(d) = text.parse::<Date>() {
        let day = if is_end {
            d.tomorrow().map_err(|_| bad())?
        } else {
            d
        };
        return day
            .to_zoned(tz.clone())
            .and_then(|z| z.start_of_day())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|_| bad());
    }
    Err(bad())
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
        group,
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

/// The FCR counts a report needs (none when its window is 0 days).
fn fcr_counts(
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    as_of_ms: i64,
) -> Result<Vec<(CellKey, FcrCount)>, StoreError> {
    if spec.settings.fcr_window_days == 0 {
        return Ok(Vec::new());
    }
    store.fcr(
        spec.from_ms,
        spec.to_ms,
        spec.settings.fcr_window_days,
        as_of_ms,
        scope,
    )
}

/// Streams the report's rows from the cube within `scope`, exactly as `relevo report` does.
pub fn report(
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    filter: &Filter,
    as_of_ms: i64,
) -> Result<Vec<ReportRow>, StoreError> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, scope)?;
    let fcr = fcr_counts(store, scope, spec, as_of_ms)?;
    let kept = || {
        groups
            .iter()
            .filter(|(_, q, c)| filter.keeps(q, *c))
            .map(|(p, q, c)| (p.as_str(), q.as_str(), *c))
    };
    // Rows are large and many (a year by interval has millions): one allocation, no regrowth.
    let mut rows = Vec::with_capacity(relevo_metrics::report::dense_row_count(spec, kept()));
    let mut sink = |r: ReportRow| rows.push(r);
    let mut builder = ReportBuilder::new(spec, kept(), &mut sink);
    for (k, f) in fcr
        .iter()
        .filter(|(k, _)| filter.keeps(&k.queue, k.channel))
    {
        builder.add_fcr(k.cell_ref(), f.eligible, f.resolved);
    }
    let grain =
        relevo_metrics::report::grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
    store.for_each_cell_at(grain, from_i, to_i, scope, &mut |c, cell| {
        if filter.keeps(c.queue, c.channel) {
            builder.add_cell(c, cell);
        }
    })?;
    builder.finish();
    Ok(rows)
}

/// The same rows as [`report`], from a grain of the cube held in memory (which must answer the
/// spec: the grain `grain_for` picks, or the 15-minute cube). FCR still comes from the store's raw
/// records.
pub fn report_from_memory(
    cube: &MemCube,
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    filter: &Filter,
    as_of_ms: i64,
) -> Result<Vec<ReportRow>, StoreError> {
    let fcr = fcr_counts(store, scope, spec, as_of_ms)?;
    let keep = |p: &str, q: &str, c: Channel| {
        filter.keeps(q, c)
            && match scope {
                Scope::All => true,
                Scope::Provider(only) => p == only,
            }
    };
    let fcr = fcr
        .iter()
        .map(|(k, f)| (k.cell_ref(), f.eligible, f.resolved));
    Ok(cube.report(spec, &keep, fcr).rows())
}

/// One key's roll-up: totals over the range and KPIs per period (every period of the range, in
/// order; `None` where nothing arrived).
#[derive(Debug, Clone)]
pub struct Rollup {
    pub total: Kpis,
    pub series: Vec<(i64, Kpis)>,
}

/// The range, zone, series period and settings of a roll-up.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub from_ms: i64,
    pub to_ms: i64,
    pub tz: &'a TimeZone,
    pub series_by: Granularity,
    pub settings: &'a KpiSettings,
}

/// Rolls cells in `[from_ms, to_ms)` within `scope` up per key (`key_of` returns `None` to leave a
/// cell out) into totals and a series of `series_by` periods. FCR is not computed (it needs raw
/// records; the API's report has it).
pub fn rollup(
    store: &dyn Store,
    scope: &Scope,
    w: &Window<'_>,
    key_of: &dyn Fn(&CellRef<'_>) -> Option<String>,
) -> Result<BTreeMap<String, Rollup>, StoreError> {
    let Window {
        from_ms,
        to_ms,
        tz,
        series_by,
        settings,
    } = *w;
    let (from_i, to_i) = (interval_of(from_ms), interval_of(to_ms - 1) + 1);
    let starts = periods(from_ms, to_ms, series_by, tz);
    let mut totals: BTreeMap<String, Acc> = BTreeMap::new();
    let mut per: BTreeMap<String, BTreeMap<i64, Acc>> = BTreeMap::new();
    let mut last: Option<(i64, i64)> = None;
    let grain = relevo_metrics::report::grain_for(from_ms, to_ms, series_by, tz);
    store.for_each_cell_at(grain, from_i, to_i, scope, &mut |c, cell| {
        let t = relevo_core::interval_start_ms(c.interval);
        if t < from_ms || t >= to_ms {
            return;
        }
        let Some(key) = key_of(&c) else { return };
        let p = match last {
            Some((i, p)) if i == c.interval => p,
            _ => {
                let p = period_start_ms(t, series_by, tz);
                last = Some((c.interval, p));
                p
            }
        };
        totals
            .entry(key.clone())
            .or_default()
            .add_cell(cell, c.channel, settings);
        per.entry(key)
            .or_default()
            .entry(p)
            .or_default()
            .add_cell(cell, c.channel, settings);
    })?;
    let empty = Acc::default();
    Ok(totals
        .into_iter()
        .map(|(k, acc)| {
            let series_accs = per.remove(&k).unwrap_or_default();
            let series = starts
                .iter()
                .map(|p| {
                    (
                        *p,
                        Kpis::compute(series_accs.get(p).unwrap_or(&empty), settings),
                    )
                })
                .collect();
            (
                k,
                Rollup {
                    total: Kpis::compute(&acc, settings),
                    series,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests;
