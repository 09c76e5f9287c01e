//! Report assembly: cube cells and FCR counts → one row per period × group, and its renderings
//! (CSV with the docs/DEFINITIONS.md §4.7 columns, JSON, an aligned text table).
//!
//! Rows are dense: every period of the range appears for every group seen in the range, with zero
//! counts and null ratios where nothing happened, so charts and joins see gaps as gaps.

use crate::period::{Granularity, format_rfc3339, period_start_ms, periods};
use crate::{Acc, Cell, Kpis};
use jiff::tz::TimeZone;
use relevo_core::{Channel, Grain, KpiSettings, interval_start_ms};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// The canonical CSV header (docs/DEFINITIONS.md §4.7), in order.
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

/// The coarsest cube grain that answers a report over `[from_ms, to_ms)` by `granularity` in `tz`
/// exactly: each of its boundaries (the range's ends and every period start inside it) is a boundary
/// of that grain's cells, so each cell falls in one period. A UTC report by day, week or month reads
/// day cells; one by hour or coarser in a zone whose offsets are whole hours reads hour cells;
/// 15-minute reports and ranges cut mid-hour read the 15-minute cube.
pub fn grain_for(from_ms: i64, to_ms: i64, granularity: Granularity, tz: &TimeZone) -> Grain {
    let starts = periods(from_ms, to_ms, granularity, tz);
    let inner = starts.iter().copied().filter(|&p| p > from_ms && p < to_ms);
    for g in [Grain::Day, Grain::Hour] {
        let on = |t: i64| t.rem_euclid(g.ms()) == 0;
        if on(from_ms) && on(to_ms) && inner.clone().all(on) {
            return g;
        }
    }
    Grain::Quarter
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

/// A group's coordinates (each `None` when not grouped on).
pub type GroupKey = (Option<String>, Option<String>, Option<Channel>);

/// The group a cell falls in under `group`.
pub fn group_key(group: GroupBy, provider: &str, queue: &str, channel: Channel) -> GroupKey {
    (
        group.provider.then(|| provider.to_string()),
        group.queue.then(|| queue.to_string()),
        group.channel.then_some(channel),
    )
}

/// Streams report rows: cells must arrive in non-decreasing interval order (the cube's key order);
/// every period of the range is emitted, for every group of `groups`, as soon as it is complete.
/// Memory holds one period's accumulators, not the whole range.
/// The report's row groups: the cube groups projected onto the spec's grouping, in order.
fn row_groups<'g>(
    spec: &ReportSpec,
    groups: impl IntoIterator<Item = (&'g str, &'g str, Channel)>,
) -> Vec<GroupKey> {
    let mut set: BTreeSet<GroupKey> = groups
        .into_iter()
        .map(|(p, q, c)| group_key(spec.group, p, q, c))
        .collect();
    if spec.group == GroupBy::default() {
        // An ungrouped report has its one total row per period even when nothing happened.
        set.insert((None, None, None));
    }
    set.into_iter().collect()
}

/// At most how many rows the report of `spec` over these cube groups has, without listing its
/// periods: the row groups times the periods the range can hold at the grain's shortest length
/// (a day of 23 hours, a week of 7 days less an hour, a month of 28 days less an hour). What a
/// caller checks before asking for a report it must bound.
pub fn row_bound<'g>(
    spec: &ReportSpec,
    groups: impl IntoIterator<Item = (&'g str, &'g str, Channel)>,
) -> u64 {
    const H: i64 = 3_600_000;
    let shortest = match spec.granularity {
        Granularity::Interval => relevo_core::INTERVAL_MS,
        Granularity::Hour => H,
        Granularity::Day => 23 * H,
        Granularity::Week => 7 * 24 * H - H,
        Granularity::Month => 28 * 24 * H - H,
    };
    let span = (spec.to_ms - spec.from_ms).max(0);
    let periods = (span / shortest + 2) as u64;
    row_groups(spec, groups).len() as u64 * periods
}

/// How many rows a [`ReportBuilder`] given these cube groups will emit (rows are dense: every period
/// for every group), so a caller collecting them can allocate once.
pub fn dense_row_count<'g>(
    spec: &ReportSpec,
    groups: impl IntoIterator<Item = (&'g str, &'g str, Channel)>,
) -> usize {
    row_groups(spec, groups).len()
        * periods(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz).len()
}

pub struct ReportBuilder<'a> {
    spec: &'a ReportSpec,
    periods: Vec<i64>,
    next_period: usize,
    groups: Vec<GroupKey>,
    index: HashMap<GroupKey, usize>,
    /// Cells arrive cycling through the same few groups: remember the group of each cube coordinate.
    seen: HashMap<(String, String, Channel), usize, FxBuild>,
    accs: Vec<Acc>,
    /// FCR counts per (period start, group index).
    fcr: HashMap<(i64, usize), (i64, i64)>,
    last_interval: Option<(i64, i64)>,
    sink: &'a mut dyn FnMut(ReportRow),
}

impl<'a> ReportBuilder<'a> {
    /// `groups` are the cube groups `(provider, queue, channel)` that exist in the range; they are
    /// projected onto the spec's grouping. Cells of other groups are still counted.
    pub fn new<'g>(
        spec: &'a ReportSpec,
        groups: impl IntoIterator<Item = (&'g str, &'g str, Channel)>,
        sink: &'a mut dyn FnMut(ReportRow),
    ) -> Self {
        let groups = row_groups(spec, groups);
        let index = groups
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, g)| (g, i))
            .collect();
        ReportBuilder {
            spec,
            periods: periods(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz),
            next_period: 0,
            accs: vec![Acc::default(); groups.len()],
            groups,
            index,
            seen: HashMap::default(),
            fcr: HashMap::new(),
            last_interval: None,
            sink,
        }
    }

    fn in_range(&self, interval: i64) -> bool {
        let t = interval_start_ms(interval);
        t >= self.spec.from_ms && t < self.spec.to_ms
    }

    fn period_of(&mut self, interval: i64) -> i64 {
        match self.last_interval {
            Some((i, p)) if i == interval => p,
            _ => {
                let p = period_start_ms(
                    interval_start_ms(interval),
                    self.spec.granularity,
                    &self.spec.tz,
                );
                self.last_interval = Some((interval, p));
                p
            }
        }
    }

    fn group_index(&mut self, c: &CellRef<'_>) -> usize {
        if let Some(&i) = self
            .seen
            .get(&(c.provider, c.queue, c.channel) as &dyn CoordKey)
        {
            return i;
        }
        let i = self.group_index_slow(c);
        self.seen
            .insert((c.provider.to_string(), c.queue.to_string(), c.channel), i);
        i
    }

    fn group_index_slow(&mut self, c: &CellRef<'_>) -> usize {
        let key = group_key(self.spec.group, c.provider, c.queue, c.channel);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        // A group the caller did not announce: count it anyway (rows for earlier periods are gone).
        self.groups.push(key.clone());
        self.accs.push(Acc::default());
        self.index.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// FCR counts may come in any order, but before the cells of their period.
    pub fn add_fcr(&mut self, c: CellRef<'_>, eligible: i64, resolved: i64) {
        if !self.in_range(c.interval) {
            return;
        }
        let p = self.period_of(c.interval);
        let g = self.group_index(&c);
        let e = self.fcr.entry((p, g)).or_default();
        e.0 += eligible;
        e.1 += resolved;
    }

    pub fn add_cell(&mut self, c: CellRef<'_>, cell: &Cell) {
        if !self.in_range(c.interval) {
            return;
        }
        let p = self.period_of(c.interval);
        while self.next_period < self.periods.len() && self.periods[self.next_period] < p {
            self.emit_next();
        }
        let g = self.group_index(&c);
        self.accs[g].add_cell(cell, c.channel, &self.spec.settings);
    }

    fn emit_next(&mut self) {
        let p = self.periods[self.next_period];
        self.next_period += 1;
        for (g, acc) in self.accs.iter_mut().enumerate() {
            if let Some((e, r)) = self.fcr.remove(&(p, g)) {
                acc.fcr_eligible += e;
                acc.fcr_resolved += r;
            }
            let key = &self.groups[g];
            (self.sink)(ReportRow {
                period_start_ms: p,
                provider: key.0.clone(),
                queue: key.1.clone(),
                channel: key.2,
                kpis: Kpis::compute(acc, &self.spec.settings),
            });
            acc.clear();
        }
    }

    /// Emits the remaining periods.
    pub fn finish(mut self) {
        while self.next_period < self.periods.len() {
            self.emit_next();
        }
    }
}

/// Borrowed lookups into a map keyed by owned `(String, String, Channel)`.
trait CoordKey {
    fn key(&self) -> (&str, &str, Channel);
}

impl CoordKey for (String, String, Channel) {
    fn key(&self) -> (&str, &str, Channel) {
        (&self.0, &self.1, self.2)
    }
}

impl CoordKey for (&str, &str, Channel) {
    fn key(&self) -> (&str, &str, Channel) {
        (self.0, self.1, self.2)
    }
}

impl<'a> std::borrow::Borrow<dyn CoordKey + 'a> for (String, String, Channel) {
    fn borrow(&self) -> &(dyn CoordKey + 'a) {
        self
    }
}

impl PartialEq for dyn CoordKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn CoordKey + '_ {}

impl std::hash::Hash for dyn CoordKey + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// A small fast hasher (FxHash's multiply-rotate) for short keys; no DoS concern on local data.
#[derive(Default, Clone, Copy, Debug)]
pub struct FxBuild;

impl std::hash::BuildHasher for FxBuild {
    type Hasher = Fx;
    fn build_hasher(&self) -> Fx {
        Fx(0)
    }
}

/// The hasher [`FxBuild`] builds.
#[derive(Debug)]
pub struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

/// Builds the report rows from cells (in any order) and FCR counts `(cell, eligible, resolved)`.
/// Cells outside the range are ignored (callers may pass a superset).
pub fn build<'a>(
    spec: &ReportSpec,
    cells: impl IntoIterator<Item = (CellRef<'a>, &'a Cell)>,
    fcr: impl IntoIterator<Item = (CellRef<'a>, i64, i64)>,
) -> Vec<ReportRow> {
    let mut cells: Vec<(CellRef<'a>, &'a Cell)> = cells.into_iter().collect();
    cells.sort_by_key(|(c, _)| c.interval);
    let groups: Vec<(&str, &str, Channel)> = cells
        .iter()
        .map(|(c, _)| (c.provider, c.queue, c.channel))
        .collect();
    let fcr: Vec<(CellRef<'a>, i64, i64)> = fcr.into_iter().collect();
    let mut rows = Vec::new();
    let mut sink = |r: ReportRow| rows.push(r);
    let mut b = ReportBuilder::new(
        spec,
        groups
            .into_iter()
            .chain(fcr.iter().map(|(c, _, _)| (c.provider, c.queue, c.channel))),
        &mut sink,
    );
    for (c, e, r) in fcr {
        b.add_fcr(c, e, r);
    }
    for (c, cell) in cells {
        b.add_cell(c, cell);
    }
    b.finish();
    rows
}

/// CSV with the canonical columns; ratios to 6 decimals, seconds to 3, nulls empty.
pub fn to_csv(rows: &[ReportRow], tz: &TimeZone) -> String {
    let mut out = String::with_capacity(rows.len() * 160 + 400);
    out.push_str(CSV_COLUMNS);
    out.push('\n');
    let mut w = CsvWriter::new(tz);
    for r in rows {
        w.row(&mut out, r);
    }
    out
}

/// Appends one CSV row (with its newline).
/// Writes report rows as CSV lines (the canonical columns), formatting each period's start once.
pub struct CsvWriter<'a> {
    tz: &'a TimeZone,
    period: Option<(i64, String)>,
}

impl<'a> CsvWriter<'a> {
    pub fn new(tz: &'a TimeZone) -> Self {
        CsvWriter { tz, period: None }
    }

    /// Appends one row's line to `out`.
    pub fn row(&mut self, out: &mut String, r: &ReportRow) {
        match &self.period {
            Some((ms, text)) if *ms == r.period_start_ms => out.push_str(text),
            _ => {
                let text = format_rfc3339(r.period_start_ms, self.tz);
                out.push_str(&text);
                self.period = Some((r.period_start_ms, text));
            }
        }
        csv_row_rest(out, r);
    }
}

/// The columns after `period_start`, and the line's end.
fn csv_row_rest(out: &mut String, r: &ReportRow) {
    let k = &r.kpis;
    out.push(',');
    relevo_core::push_csv_text(out, r.provider.as_deref().unwrap_or(""));
    out.push(',');
    relevo_core::push_csv_text(out, r.queue.as_deref().unwrap_or(""));
    out.push(',');
    out.push_str(r.channel.map_or("", |c| c.as_str()));
    for v in [
        k.offered,
        k.answered,
        k.abandoned,
        k.short_abandoned,
        k.flowout,
        k.answered_within_t,
        k.abandoned_within_t,
    ] {
        let _ = write!(out, ",{v}");
    }
    let fields: [(Option<f64>, usize); 8] = [
        (k.service_level, 6),
        (k.asa_s, 3),
        (k.abandon_rate, 6),
        (k.aht_s, 3),
        (k.talk_s, 3),
        (k.hold_s, 3),
        (k.acw_s, 3),
        (k.p90_answer_s.map(|v| v as f64), 0),
    ];
    for (v, d) in fields {
        out.push(',');
        push_num(out, v, d);
    }
    out.push(',');
    push_num(out, k.transfer_rate, 6);
    let _ = write!(out, ",{}", k.csat_responses);
    out.push(',');
    push_num(out, k.csat_top2, 6);
    out.push(',');
    push_num(out, k.csat_mean, 6);
    let _ = write!(out, ",{}", k.nps_responses);
    for (v, d) in [(k.nps, 3), (k.qa_mean, 3), (k.fcr, 6)] {
        out.push(',');
        push_num(out, v, d);
    }
    out.push('\n');
}

/// Appends `v` with at most `decimals` decimals, trailing zeros trimmed; nothing for null.
fn push_num(out: &mut String, v: Option<f64>, decimals: usize) {
    let Some(x) = v else { return };
    if push_fixed_fast(out, x, decimals) {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.decimals$}");
    if out[start..].contains('.') {
        let trimmed = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + trimmed);
    }
}

/// What `push_num` writes, without the exact (and slow, bignum-backed) float formatting, for the
/// values where rounding to `decimals` places cannot be in doubt: `|x|·10^decimals` is computed with
/// one rounding (relative error below 2⁻⁵³), so unless it lies within 10⁻¹² of a tie (`….5`) it
/// rounds to the same integer as the exact value. Returns false (writing nothing) otherwise.
fn push_fixed_fast(out: &mut String, x: f64, decimals: usize) -> bool {
    const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    if decimals >= POW10.len() || !x.is_finite() {
        return false;
    }
    let scale = POW10[decimals];
    let y = x.abs() * scale as f64;
    if y >= 1e15 {
        return false;
    }
    let floor = y.floor();
    let frac = y - floor;
    if (frac - 0.5).abs() <= y * 1e-12 + f64::MIN_POSITIVE {
        return false;
    }
    let n = floor as u64 + u64::from(frac > 0.5);
    if x.is_sign_negative() {
        out.push('-');
    }
    let (int, mut rest) = (n / scale, n % scale);
    let _ = write!(out, "{int}");
    if rest != 0 {
        let mut digits = decimals;
        while rest % 10 == 0 {
            rest /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{rest:0digits$}");
    }
    true
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
    let mut out = String::with_capacity(rows.len() * 600 + 400);
    push_json_head(&mut out, spec);
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_row(&mut out, r, spec);
    }
    out.push_str(JSON_TAIL);
    out
}

/// What closes [`to_json`]'s document after its last row.
pub const JSON_TAIL: &str = "]}\n";

/// [`to_json`]'s document up to its first row: the settings and the opening of `rows`. With
/// [`push_json_row`] (rows separated by commas) and [`JSON_TAIL`], the same document in pieces.
pub fn push_json_head(out: &mut String, spec: &ReportSpec) {
    let s = &spec.settings;
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
}

/// One row of [`to_json`]'s `rows` array.
pub fn push_json_row(out: &mut String, r: &ReportRow, spec: &ReportSpec) {
    let k = &r.kpis;
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

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{:.1}%", x * 100.0))
}

fn secs(v: Option<f64>) -> String {
    v.map_or("–".into(), relevo_core::format_duration)
}

/// A service-level threshold in a column header: `20s`, `60s`, `24h`, `15min`.
fn threshold_label(t: u32) -> String {
    if t >= 600 && t.is_multiple_of(3600) {
        format!("{}h", t / 3600)
    } else if t >= 600 && t.is_multiple_of(60) {
        format!("{}min", t / 60)
    } else {
        format!("{t}s")
    }
}

/// The service-level column's header and the line above the table, if any: the threshold is never
/// implicit. One threshold for every row goes in the header (`SL@20s`); channels at their different
/// defaults are listed above it; rows that blend channels say so above it.
fn sl_header(rows: &[ReportRow], spec: &ReportSpec) -> (String, Option<String>) {
    let explicit = spec.settings.sl_threshold_s;
    if !spec.group.channel {
        let within = match explicit {
            Some(t) => threshold_label(t),
            None => "each channel's own threshold (voice 20s, chat and messaging 60s, email, web \
                     form and social 24h)"
                .into(),
        };
        let header = explicit.map_or_else(|| "SL".into(), |t| format!("SL@{}", threshold_label(t)));
        return (
            header,
            Some(format!("rows blend channels; SL: answered within {within}")),
        );
    }
    if let Some(t) = explicit {
        return (format!("SL@{}", threshold_label(t)), None);
    }
    let mut channels: Vec<Channel> = rows.iter().filter_map(|r| r.channel).collect();
    channels.sort();
    channels.dedup();
    let mut ts: Vec<u32> = channels
        .iter()
        .map(|c| spec.settings.threshold_s(*c))
        .collect();
    ts.sort_unstable();
    ts.dedup();
    match ts.as_slice() {
        [] => ("SL".into(), None),
        [t] => (format!("SL@{}", threshold_label(*t)), None),
        _ => {
            let each: Vec<String> = channels
                .iter()
                .map(|c| format!("{} {}", c, threshold_label(spec.settings.threshold_s(*c))))
                .collect();
            (
                "SL".into(),
                Some(format!("SL: answered within {}", each.join(", "))),
            )
        }
    }
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
    let (sl, note) = sl_header(rows, spec);
    header.extend([
        "offered",
        "answered",
        sl.as_str(),
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
            k.p90_answer_s
                .map_or("–".into(), |v| relevo_core::format_duration(v as f64)),
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
    if let Some(note) = note {
        out.push_str(&note);
        out.push('\n');
    }
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
