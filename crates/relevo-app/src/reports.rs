//! Reports from the cube, as the command line, the API and the dashboard all show them: the bounds
//! of a period (dates are whole days in a zone, or RFC 3339 instants), the queue and channel filter,
//! the report rows streamed from the store within a scope (or from a copy of the cube held in
//! memory), and a one-pass roll-up (totals and a per-period series per key) for tables and charts.
//!
//! Formulas are relevo-metrics' (`ReportBuilder`, `Kpis`); this module only chooses what to read.

use crate::Error;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use relevo_core::{Channel, KpiSettings, interval_of};
use relevo_metrics::memcube::MemCube;
use relevo_metrics::period::{period_start_ms, periods};
use relevo_metrics::report::{CellRef, ReportBuilder, ReportRow, ReportSpec};
use relevo_metrics::{Acc, Granularity, Kpis};
use relevo_store::{CellKey, FcrCount, Scope, Store, StoreError};
use std::collections::BTreeMap;

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

/// Checks that a report's filters name data the caller can see (`visible`: everything, or one
/// provider's): an unknown `provider` (the one asked for, if any), queue or channel is
/// [`Error::NotFound`] naming the known ones — within what the caller may see, and for queues and
/// channels within the provider asked for — never a report of zeros.
pub fn check_filters(
    store: &dyn Store,
    visible: &Scope,
    provider: Option<&str>,
    filter: &Filter,
) -> Result<(), Error> {
    let mut groups = store.groups(i64::MIN / 2, i64::MAX / 2, visible)?;
    let known = |groups: &[(String, String, Channel)],
                 what: &dyn Fn(&(String, String, Channel)) -> String| {
        let set: std::collections::BTreeSet<String> = groups.iter().map(what).collect();
        if set.is_empty() {
            "none".to_string()
        } else {
            set.into_iter().collect::<Vec<_>>().join(", ")
        }
    };
    // A provider's caller is not told back the names it tried (they may be another provider's).
    let named = |v: &str| match visible {
        Scope::All => format!(" {v:?}"),
        Scope::Provider(_) => " in the filter".to_string(),
    };
    if let Some(p) = provider {
        if !groups.iter().any(|(gp, _, _)| gp == p) {
            return Err(Error::NotFound(format!(
                "unknown provider{} (providers with data: {})",
                named(p),
                known(&groups, &|g| g.0.clone())
            )));
        }
        groups.retain(|(gp, _, _)| gp == p);
    }
    if let Some(q) = filter
        .queues
        .iter()
        .find(|q| !groups.iter().any(|(_, gq, _)| gq == *q))
    {
        return Err(Error::NotFound(format!(
            "unknown queue{} (queues with data: {})",
            named(q),
            known(&groups, &|g| g.1.clone())
        )));
    }
    if let Some(c) = filter
        .channels
        .iter()
        .find(|c| !groups.iter().any(|(_, _, gc)| gc == *c))
    {
        return Err(Error::NotFound(format!(
            "no data on channel {} (channels with data: {})",
            c.as_str(),
            known(&groups, &|g| g.2.as_str().to_string())
        )));
    }
    Ok(())
}

/// The grouping a report uses: `group` as asked, plus channel unless the caller asked rows to blend
/// channels (`blend_channels`). Service level, ASA and handle time mean different things on voice
/// and on email (seconds against hours, a 20 s threshold against a day), so a row never mixes
/// channels unless asked to: `relevo report` and `GET /api/v1/kpis` both group this way.
pub fn channel_grouping(
    group: relevo_metrics::report::GroupBy,
    blend_channels: bool,
) -> relevo_metrics::report::GroupBy {
    relevo_metrics::report::GroupBy {
        channel: group.channel || !blend_channels,
        ..group
    }
}

/// An IANA zone name (`Europe/Madrid`) or `UTC`; the error names the field `tz`.
pub fn zone(name: &str) -> Result<TimeZone, Error> {
    TimeZone::get(name).map_err(|_| {
        Error::invalid(
            "tz",
            format!("unknown time zone {name:?} (use an IANA name like Europe/Madrid)"),
        )
    })
}

/// A report bound: a date (a whole day in `tz`; an end date is inclusive, so its day's end) or an
/// RFC 3339 instant. `field` names the option in errors (`--from` on the command line, `from` in
/// the API).
pub fn bound_ms(text: &str, tz: &TimeZone, is_end: bool, field: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            field,
            format!(
                "{field} {text:?}: expected a date like 2026-10-01 or an RFC 3339 time like 2026-10-01T08:00:00+02:00"
            ),
        )
    };
    // An instant first: jiff also reads the date part of "2026-10-01T08:00:00+02:00" as a Date.
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    let is_plain_date = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
    match text.parse::<Date>() {
        Ok(d) if is_plain_date => {
            let day = if is_end {
                d.tomorrow().map_err(|_| bad())?
            } else {
                d
            };
            day.to_zoned(tz.clone())
                .and_then(|z| z.start_of_day())
                .map(|z| z.timestamp().as_millisecond())
                .map_err(|_| bad())
        }
        _ => Err(bad()),
    }
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

/// Streams the report's rows to `sink`, period by period, from the cube within `scope` (the grain
/// `grain_for` picks), with FCR from the raw records when its window is not 0: the one report
/// pipeline of `relevo report`, the API and the dashboard.
pub fn stream(
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    filter: &Filter,
    as_of_ms: i64,
    sink: &mut dyn FnMut(ReportRow),
) -> Result<(), StoreError> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, scope)?;
    let fcr = fcr_counts(store, scope, spec, as_of_ms)?;
    let mut builder = ReportBuilder::new(spec, kept(&groups, filter), sink);
    add_fcr(&mut builder, &fcr, filter);
    let grain =
        relevo_metrics::report::grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
    store.for_each_cell_at(grain, from_i, to_i, scope, &mut |c, cell| {
        if filter.keeps(c.queue, c.channel) {
            builder.add_cell(c, cell);
        }
    })?;
    builder.finish();
    Ok(())
}

fn kept<'a>(
    groups: &'a [(String, String, Channel)],
    filter: &'a Filter,
) -> impl Iterator<Item = (&'a str, &'a str, Channel)> + Clone {
    groups
        .iter()
        .filter(|(_, q, c)| filter.keeps(q, *c))
        .map(|(p, q, c)| (p.as_str(), q.as_str(), *c))
}

fn add_fcr(builder: &mut ReportBuilder<'_>, fcr: &[(CellKey, FcrCount)], filter: &Filter) {
    for (k, f) in fcr
        .iter()
        .filter(|(k, _)| filter.keeps(&k.queue, k.channel))
    {
        builder.add_fcr(k.cell_ref(), f.eligible, f.resolved);
    }
}

/// Refuses a report of more than `max_rows` rows (an upper bound, counted before anything is
/// read: groups with data in the range times the periods it holds), naming what to change.
pub fn within_rows(
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    filter: &Filter,
    max_rows: u64,
) -> Result<(), Error> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, scope)?;
    let rows = relevo_metrics::report::row_bound(spec, kept(&groups, filter));
    if rows > max_rows {
        return Err(Error::Invalid {
            field: Some("by".into()),
            message: format!(
                "this report would have up to {rows} rows; at most {max_rows} are answered at once: \
                 ask for a coarser `by`, fewer `group` keys, a provider, queue or channel, or a \
                 shorter period (several requests)"
            ),
        });
    }
    Ok(())
}

/// The report's rows in memory ([`stream`] into one allocation: a year by interval has millions).
pub fn report(
    store: &dyn Store,
    scope: &Scope,
    spec: &ReportSpec,
    filter: &Filter,
    as_of_ms: i64,
) -> Result<Vec<ReportRow>, StoreError> {
    let (from_i, to_i) = (interval_of(spec.from_ms), interval_of(spec.to_ms - 1) + 1);
    let groups = store.groups(from_i, to_i, scope)?;
    // Rows are large and many (a year by interval has millions): one allocation, no regrowth.
    let mut rows = Vec::with_capacity(relevo_metrics::report::dense_row_count(
        spec,
        kept(&groups, filter),
    ));
    stream(store, scope, spec, filter, as_of_ms, &mut |r| rows.push(r))?;
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
