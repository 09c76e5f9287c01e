//! Report assembly: cube cells and FCR counts → one row per period × group, and its renderings
//! (CSV with the DESIGN.md §4 columns, JSON, an aligned text table).
//!
//! Rows are dense: every period of the range appears for every group seen in the range, with zero
//! counts and null ratios where nothing happened, so charts and joins see gaps as gaps.

use crate::period::{Granularity, format_rfc3339, period_start_ms, periods};
use crate::{Acc, Cell, Kpis};
use jiff::tz::TimeZone;
use relevo_core::{Channel, KpiSettings, interval_start_ms};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// The canonical CSV header (DESIGN.md §4), in order.
pub const CSV_COLUMNS: &str = "period_start,provider,queue,channel,offered,answered,abandoned,short_abandoned,flowout,\
answered_within_t,abandoned_within_t,service_level,asa_s,abandon_rate,aht_s,talk_s,hold_s,acw_s,p90_answer_s,\
transfer_rate,csat_responses,csat_top2,csat_mean,nps_responses,nps,qa_mean,fcr";

/// Which dimensions rows are split by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupBy {
    pub provider: bool,
    pub queue: bool,
    pub channel: bool,
}

impl std::str::FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut g = GroupBy::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "provider" => g.provider = true,
                "queue" => g.queue = true,
                "channel" => g.channel = true,
                other => {
                    return Err(format!(
                        "cannot group by {other:?} (expected provider, queue, channel)"
                    ));
                }
            }
        }
        Ok(g)
    }
}

/// What a report covers and how it measures.
#[derive(Clone, Debug)]
pub struct ReportSpec {
    /// Half-open instant range `[from_ms, to_ms)`.
    pub from_ms: i64,
    pub to_ms: i64,
    pub granularity: Granularity,
    pub tz: TimeZone,
    pub group: GroupBy,
    pub settings: KpiSettings,
}

/// A cell's coordinates as the report sees them.
#[derive(Clone, Copy, Debug)]
pub struct CellRef<'a> {
    pub interval: i64,
    pub provider: &'a str,
    pub queue: &'a str,
    pub channel: Channel,
}

/// One report row.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub period_start_ms: i64,
    pub provider: Option<String>,
    pub queue: Option<String>,
    pub channel: Option<Channel>,
    pub kpis: Kpis,
}

type GroupKey = (Option<String>, Option<String>, Option<Channel>);

fn group_key(spec: &ReportSpec, c: &CellRef<'_>) -> GroupKey {
    (
        spec.group.provider.then(|| c.provider.to_string()),
        spec.group.queue.then(|| c.queue.to_string()),
        spec.group.channel.then_some(c.channel),
    )
}

/// Builds the report rows from cells and FCR counts `(cell, eligible, resolved)`.
/// Cells outside the range are ignored (callers may pass a superset).
pub fn build<'a>(
    spec: &ReportSpec,
    cells: impl IntoIterator<Item = (CellRef<'a>, &'a Cell)>,
    fcr: impl IntoIterator<Item = (CellRef<'a>, i64, i64)>,
) -> Vec<ReportRow> {
    let mut period_of: HashMap<i64, i64> = HashMap::new();
    let mut period = |interval: i64| {
        *period_of.entry(interval).or_insert_with(|| {
            period_start_ms(interval_start_ms(interval), spec.granularity, &spec.tz)
        })
    };
    let in_range = |interval: i64| {
        let t = interval_start_ms(interval);
        t >= spec.from_ms && t < spec.to_ms
    };
    let mut accs: BTreeMap<(GroupKey, i64), Acc> = BTreeMap::new();
    let mut groups: BTreeSet<GroupKey> = BTreeSet::new();
    if spec.group == GroupBy::default() {
        // An ungrouped report has its one total row per period even when nothing happened.
        groups.insert((None, None, None));
    }
    for (c, cell) in cells {
        if !in_range(c.interval) {
            continue;
        }
        let g = group_key(spec, &c);
        groups.insert(g.clone());
        accs.entry((g, period(c.interval)))
            .or_default()
            .add_cell(cell, c.channel, &spec.settings);
    }
    for (c, eligible, resolved) in fcr {
        if !in_range(c.interval) {
            continue;
        }
        let g = group_key(spec, &c);
        groups.insert(g.clone());
        let a = accs.entry((g, period(c.interval))).or_default();
        a.fcr_eligible += eligible;
        a.fcr_resolved += resolved;
    }
    let starts = periods(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
    let empty = Acc::default();
    let mut rows = Vec::with_capacity(starts.len() * groups.len());
    for &p in &starts {
        for g in &groups {
            let acc = accs.get(&(g.clone(), p)).unwrap_or(&empty);
            rows.push(ReportRow {
                period_start_ms: p,
                provider: g.0.clone(),
                queue: g.1.clone(),
                channel: g.2,
                kpis: Kpis::compute(acc, &spec.settings),
            });
        }
    }
    rows
}

fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        None => String::new(),
        Some(x) => {
            let s = format!("{x:.decimals$}");
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV with the canonical columns; ratios to 6 decimals, seconds to 3, nulls empty.
pub fn to_csv(rows: &[ReportRow], tz: &TimeZone) -> String {
    let mut out = String::with_capacity(rows.len() * 160 + 400);
    out.push_str(CSV_COLUMNS);
    out.push('\n');
    for r in rows {
        let k = &r.kpis;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            format_rfc3339(r.period_start_ms, tz),
            csv_field(r.provider.as_deref().unwrap_or("")),
            csv_field(r.queue.as_deref().unwrap_or("")),
            r.channel.map_or("", |c| c.as_str()),
            k.offered,
            k.answered,
            k.abandoned,
            k.short_abandoned,
            k.flowout,
            k.answered_within_t,
            k.abandoned_within_t,
            num(k.service_level, 6),
            num(k.asa_s, 3),
            num(k.abandon_rate, 6),
            num(k.aht_s, 3),
            num(k.talk_s, 3),
            num(k.hold_s, 3),
            num(k.acw_s, 3),
            k.p90_answer_s.map_or(String::new(), |v| v.to_string()),
            num(k.transfer_rate, 6),
            k.csat_responses,
            num(k.csat_top2, 6),
            num(k.csat_mean, 6),
            k.nps_responses,
            num(k.nps, 3),
            num(k.qa_mean, 3),
            num(k.fcr, 6),
        );
    }
    out
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or("null".into(), |x| format!("{x}"))
}

fn json_opt(v: Option<&str>) -> String {
    v.map_or("null".into(), json_str)
}

/// JSON: `{"settings": {...}, "rows": [{column: value, ...}]}` with the CSV's column names.
pub fn to_json(rows: &[ReportRow], spec: &ReportSpec) -> String {
    let s = &spec.settings;
    let mut out = String::with_capacity(rows.len() * 600 + 400);
    let _ = write!(
        out,
        "{{\"settings\":{{\"time_zone\":{},\"by\":\"{}\",\"sl_threshold_s\":{},\"short_abandon_s\":{},\"abandon_treatment\":\"{}\",\"include_flowouts\":{},\"fcr_window_days\":{},\"p90_resolution\":\"1 s up to 3600 s of wait, 60 s above\"}},\"rows\":[",
        json_str(spec.tz.iana_name().unwrap_or("UTC")),
        spec.granularity,
        s.sl_threshold_s.map_or("null".into(), |t| t.to_string()),
        s.short_abandon_s,
        s.abandon_treatment,
        s.include_flowouts,
        s.fcr_window_days,
    );
    for (i, r) in rows.iter().enumerate() {
        let k = &r.kpis;
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"period_start\":{},\"provider\":{},\"queue\":{},\"channel\":{},\"offered\":{},\"answered\":{},\"abandoned\":{},\"short_abandoned\":{},\"flowout\":{},\"answered_within_t\":{},\"abandoned_within_t\":{},\"service_level\":{},\"asa_s\":{},\"abandon_rate\":{},\"aht_s\":{},\"talk_s\":{},\"hold_s\":{},\"acw_s\":{},\"p90_answer_s\":{},\"transfer_rate\":{},\"csat_responses\":{},\"csat_top2\":{},\"csat_mean\":{},\"nps_responses\":{},\"nps\":{},\"qa_mean\":{},\"fcr\":{}}}",
            json_str(&format_rfc3339(r.period_start_ms, &spec.tz)),
            json_opt(r.provider.as_deref()),
            json_opt(r.queue.as_deref()),
            json_opt(r.channel.map(|c| c.as_str())),
            k.offered,
            k.answered,
            k.abandoned,
            k.short_abandoned,
            k.flowout,
            k.answered_within_t,
            k.abandoned_within_t,
            json_num(k.service_level),
            json_num(k.asa_s),
            json_num(k.abandon_rate),
            json_num(k.aht_s),
            json_num(k.talk_s),
            json_num(k.hold_s),
            json_num(k.acw_s),
            k.p90_answer_s.map_or("null".into(), |v| v.to_string()),
            json_num(k.transfer_rate),
            k.csat_responses,
            json_num(k.csat_top2),
            json_num(k.csat_mean),
            k.nps_responses,
            json_num(k.nps),
            json_num(k.qa_mean),
            json_num(k.fcr),
        );
    }
    out.push_str("]}\n");
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{:.1}%", x * 100.0))
}

fn secs(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.0}s"))
}

/// A readable table of the headline KPIs (the CSV and JSON carry every column).
pub fn to_table(rows: &[ReportRow], spec: &ReportSpec) -> String {
    let mut header = vec!["period"];
    if spec.group.provider {
        header.push("provider");
    }
    if spec.group.queue {
        header.push("queue");
    }
    if spec.group.channel {
        header.push("channel");
    }
    header.extend([
        "offered",
        "answered",
        "SL",
        "ASA",
        "abandon",
        "AHT",
        "p90",
        "CSAT top2",
        "NPS",
        "FCR",
    ]);
    let period_fmt = |ms: i64| {
        let s = format_rfc3339(ms, &spec.tz);
        match spec.granularity {
            Granularity::Interval | Granularity::Hour => s[..16].replace('T', " "),
            Granularity::Day | Granularity::Week => s[..10].to_string(),
            Granularity::Month => s[..7].to_string(),
        }
    };
    let mut table: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        let k = &r.kpis;
        let mut line = vec![period_fmt(r.period_start_ms)];
        if spec.group.provider {
            line.push(r.provider.clone().unwrap_or_default());
        }
        if spec.group.queue {
            line.push(r.queue.clone().unwrap_or_default());
        }
        if spec.group.channel {
            line.push(r.channel.map_or(String::new(), |c| c.to_string()));
        }
        line.extend([
            k.offered.to_string(),
            k.answered.to_string(),
            pct(k.service_level),
            secs(k.asa_s),
            pct(k.abandon_rate),
            secs(k.aht_s),
            k.p90_answer_s.map_or("–".into(), |v| format!("{v}s")),
            pct(k.csat_top2),
            k.nps.map_or("–".into(), |v| format!("{v:.0}")),
            pct(k.fcr),
        ]);
        table.push(line);
    }
    let ncol = table[0].len();
    let widths: Vec<usize> = (0..ncol)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let text_cols = 1
        + usize::from(spec.group.provider)
        + usize::from(spec.group.queue)
        + usize::from(spec.group.channel);
    let mut out = String::new();
    for (i, r) in table.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let pad = widths[c] - v.chars().count();
                if c < text_cols {
                    format!("{v}{}", " ".repeat(pad))
                } else {
                    format!("{}{v}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (ncol - 1);
            out.push_str(&"─".repeat(total));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests;
