//! The cube held in memory, for reports in a long-running process (`relevo serve`).
//!
//! A [`MemCube`] is one grain of the cube (15-minute cells, or the hour or day roll-ups) decoded once
//! into flat arrays: per cell its interval, its group, its threshold-free totals ([`Sums`] less the
//! threshold counts, CSAT and NPS already reduced to what the KPIs use) and the offsets of its two wait
//! histograms in one shared arena of `(bin, count)` pairs. A report then reads no SQL, decodes nothing
//! and allocates nothing per cell; it walks the cells of its range once and writes its rows into
//! [`ReportColumns`], one array per column.
//!
//! The rows are exactly those of [`ReportBuilder`](crate::report::ReportBuilder) given the same cells,
//! groups and FCR counts (a property test holds the two together): dense, period-major, groups in
//! their sorted order.

use crate::cell::{OVERFLOW_BIN, nearest_rank_s};
use crate::kpi::AnsweredWaits;
use crate::period::periods;
use crate::report::{CellRef, GroupBy, GroupKey, ReportRow, ReportSpec, group_key};
use crate::{Cell, FxBuild, Kpis, Sums, WaitHistogram};
use relevo_core::{Channel, Grain, interval_start_ms};
use std::collections::{BTreeSet, HashMap};

/// A cell's threshold-free totals, narrowed to what one cell can hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct CellSums {
    offered: u32,
    answered: u32,
    abandoned: u32,
    flowout: u32,
    transferred: u32,
    csat_n: u32,
    csat_top2: u32,
    csat_sum: u32,
    nps_n: u32,
    nps_net: i32,
    qa_n: u32,
    answered_wait_ms: i64,
    talk_ms: i64,
    hold_ms: i64,
    acw_ms: i64,
    qa_milli_sum: i64,
}

/// A cell that cannot be held in memory (a negative or out-of-range count: the store is corrupt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemCubeError(pub String);

impl std::fmt::Display for MemCubeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot hold the cube in memory: {}", self.0)
    }
}

impl std::error::Error for MemCubeError {}

/// One grain of the cube, in memory. Cells are sorted by interval, then group.
#[derive(Debug, Clone, Default)]
pub struct MemCube {
    grain: Option<Grain>,
    /// `(provider, queue, channel)`, sorted; a cell's group is an index into it.
    groups: Vec<(String, String, Channel)>,
    /// Per group, the first and last 15-minute interval it has ever had cells in.
    spans: Vec<(i64, i64)>,
    cells: Cells,
}

/// Cells as flat arrays, one entry per cell (histograms in a shared arena).
#[derive(Debug, Clone, Default)]
struct Cells {
    interval: Vec<i64>,
    group: Vec<u32>,
    sums: Vec<CellSums>,
    /// Cell `i`'s answered waits are the arena's `off[2i]..off[2i+1]`, its abandoned waits
    /// `off[2i+1]..off[2i+2]`.
    off: Vec<u32>,
    bins: Vec<u16>,
    counts: Vec<u32>,
}

/// Builds a [`MemCube`] from cells in interval order (the order `Store::for_each_cell_at` gives).
pub struct MemCubeBuilder {
    grain: Grain,
    names: Vec<(String, String, Channel)>,
    spans: Vec<(i64, i64)>,
    ids: HashMap<(String, String, Channel), u32, FxBuild>,
    /// Cells as they came, with provisional group ids.
    cells: Cells,
}

fn narrow<T: TryFrom<i64>>(v: i64, what: &str) -> Result<T, MemCubeError> {
    T::try_from(v).map_err(|_| MemCubeError(format!("{what} {v} out of range")))
}

impl MemCubeBuilder {
    /// `spans` are the cube's groups with the first and last interval each has had cells in (as
    /// `Store::groups` sees them); a group met only in the cells gets the span of its cells.
    pub fn new(
        grain: Grain,
        spans: impl IntoIterator<Item = ((String, String, Channel), i64, i64)>,
    ) -> Self {
        let mut b = MemCubeBuilder {
            grain,
            names: Vec::new(),
            spans: Vec::new(),
            ids: HashMap::default(),
            cells: Cells {
                off: vec![0],
                ..Cells::default()
            },
        };
        for (key, first, last) in spans {
            let id = b.id(&key);
            let s = &mut b.spans[id as usize];
            *s = (s.0.min(first), s.1.max(last));
        }
        b
    }

    fn id(&mut self, key: &(String, String, Channel)) -> u32 {
        if let Some(&i) = self.ids.get(key) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(key.clone());
        self.spans.push((i64::MAX, i64::MIN));
        self.ids.insert(key.clone(), i);
        i
    }

    fn push_hist(&mut self, h: &WaitHistogram) -> Result<(), MemCubeError> {
        for &(b, n) in h.bins() {
            if b > OVERFLOW_BIN {
                return Err(MemCubeError(format!("wait bin {b} out of range")));
            }
            self.cells.bins.push(b as u16);
            self.cells.counts.push(narrow(n, "wait count")?);
        }
        let end = narrow(self.cells.bins.len() as i64, "number of histogram bins")?;
        self.cells.off.push(end);
        Ok(())
    }

    /// Adds one cell; cells must come in non-decreasing interval order.
    pub fn push(&mut self, c: CellRef<'_>, cell: &Cell) -> Result<(), MemCubeError> {
        if self
            .cells
            .interval
            .last()
            .is_some_and(|&last| c.interval < last)
        {
            return Err(MemCubeError(format!(
                "cells out of order (interval {} after {})",
                c.interval,
                self.cells.interval.last().copied().unwrap_or_default()
            )));
        }
        let key = (c.provider.to_string(), c.queue.to_string(), c.channel);
        let id = self.id(&key);
        let s = &mut self.spans[id as usize];
        *s = (s.0.min(c.interval), s.1.max(c.interval));
        let csat_n: i64 = cell.csat.iter().sum();
        let nps_n: i64 = cell.nps.iter().sum();
        self.cells.sums.push(CellSums {
            offered: narrow(cell.offered, "offered")?,
            answered: narrow(cell.answered, "answered")?,
            abandoned: narrow(cell.abandoned, "abandoned")?,
            flowout: narrow(cell.flowout, "flowout")?,
            transferred: narrow(cell.transferred, "transferred")?,
            csat_n: narrow(csat_n, "CSAT responses")?,
            csat_top2: narrow(cell.csat[3] + cell.csat[4], "CSAT top-2 responses")?,
            csat_sum: narrow(
                cell.csat.iter().zip(1..).map(|(n, v)| n * v).sum::<i64>(),
                "CSAT sum",
            )?,
            nps_n: narrow(nps_n, "NPS responses")?,
            nps_net: narrow(
                cell.nps[9] + cell.nps[10] - cell.nps[..7].iter().sum::<i64>(),
                "NPS promoters minus detractors",
            )?,
            qa_n: narrow(cell.qa_n, "QA evaluations")?,
            answered_wait_ms: cell.answered_wait_ms,
            talk_ms: cell.talk_ms,
            hold_ms: cell.hold_ms,
            acw_ms: cell.acw_ms,
            qa_milli_sum: cell.qa_milli_sum,
        });
        self.push_hist(&cell.answered_waits)?;
        self.push_hist(&cell.abandoned_waits)?;
        self.cells.interval.push(c.interval);
        self.cells.group.push(id);
        Ok(())
    }

    /// Sorts the groups by name and the cells of each interval by group.
    pub fn finish(self) -> MemCube {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        let from = &self.cells;
        let mut order_of_cells: Vec<u32> = (0..from.interval.len() as u32).collect();
        // Stable and already sorted by interval: only the runs of one interval move.
        order_of_cells.sort_by_key(|&i| {
            (
                from.interval[i as usize],
                rank[from.group[i as usize] as usize],
            )
        });
        let n = order_of_cells.len();
        let mut cells = Cells {
            interval: Vec::with_capacity(n),
            group: Vec::with_capacity(n),
            sums: Vec::with_capacity(n),
            off: Vec::with_capacity(2 * n + 1),
            bins: Vec::with_capacity(from.bins.len()),
            counts: Vec::with_capacity(from.counts.len()),
        };
        cells.off.push(0);
        for i in order_of_cells {
            let i = i as usize;
            cells.interval.push(from.interval[i]);
            cells.group.push(rank[from.group[i] as usize]);
            cells.sums.push(from.sums[i]);
            for h in 0..2 {
                let (a, b) = (
                    from.off[2 * i + h] as usize,
                    from.off[2 * i + h + 1] as usize,
                );
                cells.bins.extend_from_slice(&from.bins[a..b]);
                cells.counts.extend_from_slice(&from.counts[a..b]);
                cells.off.push(cells.bins.len() as u32);
            }
        }
        MemCube {
            grain: Some(self.grain),
            groups: order
                .iter()
                .map(|&id| self.names[id as usize].clone())
                .collect(),
            spans: order.iter().map(|&id| self.spans[id as usize]).collect(),
            cells,
        }
    }
}

/// Report rows as columns: row `r` is period `r / groups.len()`, group `r % groups.len()` (the order
/// of [`ReportBuilder`](crate::report::ReportBuilder)'s rows), held in runs of rows ([`Columns`]),
/// one per thread that filled them. [`ReportColumns::kpis`] gives a row back as [`Kpis`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportColumns {
    pub periods: Vec<i64>,
    pub groups: Vec<GroupKey>,
    /// Consecutive runs of rows, in order.
    pub runs: Vec<Columns>,
}

/// A run of report rows, one array per column. Null ratios are NaN, a null p90 is
/// [`Columns::NO_P90`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    pub offered: Vec<i64>,
    pub answered: Vec<i64>,
    pub abandoned: Vec<i64>,
    pub short_abandoned: Vec<i64>,
    pub flowout: Vec<i64>,
    pub answered_within_t: Vec<i64>,
    pub abandoned_within_t: Vec<i64>,
    pub service_level: Vec<f64>,
    pub asa_s: Vec<f64>,
    pub abandon_rate: Vec<f64>,
    pub aht_s: Vec<f64>,
    pub talk_s: Vec<f64>,
    pub hold_s: Vec<f64>,
    pub acw_s: Vec<f64>,
    pub p90_answer_s: Vec<i64>,
    pub transfer_rate: Vec<f64>,
    pub csat_responses: Vec<i64>,
    pub csat_top2: Vec<f64>,
    pub csat_mean: Vec<f64>,
    pub nps_responses: Vec<i64>,
    pub nps: Vec<f64>,
    pub qa_mean: Vec<f64>,
    pub fcr: Vec<f64>,
}

impl Columns {
    /// The p90 column's null.
    pub const NO_P90: i64 = i64::MIN;

    fn with_capacity(n: usize) -> Self {
        Columns {
            offered: Vec::with_capacity(n),
            answered: Vec::with_capacity(n),
            abandoned: Vec::with_capacity(n),
            short_abandoned: Vec::with_capacity(n),
            flowout: Vec::with_capacity(n),
            answered_within_t: Vec::with_capacity(n),
            abandoned_within_t: Vec::with_capacity(n),
            service_level: Vec::with_capacity(n),
            asa_s: Vec::with_capacity(n),
            abandon_rate: Vec::with_capacity(n),
            aht_s: Vec::with_capacity(n),
            talk_s: Vec::with_capacity(n),
            hold_s: Vec::with_capacity(n),
            acw_s: Vec::with_capacity(n),
            p90_answer_s: Vec::with_capacity(n),
            transfer_rate: Vec::with_capacity(n),
            csat_responses: Vec::with_capacity(n),
            csat_top2: Vec::with_capacity(n),
            csat_mean: Vec::with_capacity(n),
            nps_responses: Vec::with_capacity(n),
            nps: Vec::with_capacity(n),
            qa_mean: Vec::with_capacity(n),
            fcr: Vec::with_capacity(n),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offered.is_empty()
    }

    /// Appends `rows`, one column at a time.
    fn extend(&mut self, rows: &[Kpis]) {
        let f = |v: Option<f64>| v.unwrap_or(f64::NAN);
        self.offered.extend(rows.iter().map(|k| k.offered));
        self.answered.extend(rows.iter().map(|k| k.answered));
        self.abandoned.extend(rows.iter().map(|k| k.abandoned));
        self.short_abandoned
            .extend(rows.iter().map(|k| k.short_abandoned));
        self.flowout.extend(rows.iter().map(|k| k.flowout));
        self.answered_within_t
            .extend(rows.iter().map(|k| k.answered_within_t));
        self.abandoned_within_t
            .extend(rows.iter().map(|k| k.abandoned_within_t));
        self.service_level
            .extend(rows.iter().map(|k| f(k.service_level)));
        self.asa_s.extend(rows.iter().map(|k| f(k.asa_s)));
        self.abandon_rate
            .extend(rows.iter().map(|k| f(k.abandon_rate)));
        self.aht_s.extend(rows.iter().map(|k| f(k.aht_s)));
        self.talk_s.extend(rows.iter().map(|k| f(k.talk_s)));
        self.hold_s.extend(rows.iter().map(|k| f(k.hold_s)));
        self.acw_s.extend(rows.iter().map(|k| f(k.acw_s)));
        self.p90_answer_s
            .extend(rows.iter().map(|k| k.p90_answer_s.unwrap_or(Self::NO_P90)));
        self.transfer_rate
            .extend(rows.iter().map(|k| f(k.transfer_rate)));
        self.csat_responses
            .extend(rows.iter().map(|k| k.csat_responses));
        self.csat_top2.extend(rows.iter().map(|k| f(k.csat_top2)));
        self.csat_mean.extend(rows.iter().map(|k| f(k.csat_mean)));
        self.nps_responses
            .extend(rows.iter().map(|k| k.nps_responses));
        self.nps.extend(rows.iter().map(|k| f(k.nps)));
        self.qa_mean.extend(rows.iter().map(|k| f(k.qa_mean)));
        self.fcr.extend(rows.iter().map(|k| f(k.fcr)));
    }

    /// Row `r` of this run.
    pub fn kpis(&self, r: usize) -> Kpis {
        let f = |v: f64| (!v.is_nan()).then_some(v);
        Kpis {
            offered: self.offered[r],
            answered: self.answered[r],
            abandoned: self.abandoned[r],
            short_abandoned: self.short_abandoned[r],
            flowout: self.flowout[r],
            answered_within_t: self.answered_within_t[r],
            abandoned_within_t: self.abandoned_within_t[r],
            service_level: f(self.service_level[r]),
            asa_s: f(self.asa_s[r]),
            abandon_rate: f(self.abandon_rate[r]),
            aht_s: f(self.aht_s[r]),
            talk_s: f(self.talk_s[r]),
            hold_s: f(self.hold_s[r]),
            acw_s: f(self.acw_s[r]),
            p90_answer_s: (self.p90_answer_s[r] != Self::NO_P90).then_some(self.p90_answer_s[r]),
            transfer_rate: f(self.transfer_rate[r]),
            csat_responses: self.csat_responses[r],
            csat_top2: f(self.csat_top2[r]),
            csat_mean: f(self.csat_mean[r]),
            nps_responses: self.nps_responses[r],
            nps: f(self.nps[r]),
            qa_mean: f(self.qa_mean[r]),
            fcr: f(self.fcr[r]),
        }
    }
}

impl ReportColumns {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.runs.iter().map(Columns::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `r`'s KPIs.
    pub fn kpis(&self, mut r: usize) -> Kpis {
        for run in &self.runs {
            if r < run.len() {
                return run.kpis(r);
            }
            r -= run.len();
        }
        panic!("row {r} past the end of the report")
    }

    /// Row `r` as a [`ReportRow`].
    pub fn row(&self, r: usize) -> ReportRow {
        let g = &self.groups[r % self.groups.len()];
        ReportRow {
            period_start_ms: self.periods[r / self.groups.len()],
            provider: g.0.clone(),
            queue: g.1.clone(),
            channel: g.2,
            kpis: self.kpis(r),
        }
    }

    /// Every row, in order.
    pub fn rows(&self) -> Vec<ReportRow> {
        let mut out = Vec::with_capacity(self.len());
        let mut r = 0;
        for run in &self.runs {
            for i in 0..run.len() {
                let g = &self.groups[r % self.groups.len()];
                out.push(ReportRow {
                    period_start_ms: self.periods[r / self.groups.len()],
                    provider: g.0.clone(),
                    queue: g.1.clone(),
                    channel: g.2,
                    kpis: run.kpis(i),
                });
                r += 1;
            }
        }
        out
    }
}

/// What a report needs besides the cells: the row groups each cube group lands in, thresholds,
/// period starts and FCR counts.
struct Plan<'s> {
    spec: &'s ReportSpec,
    periods: &'s [i64],
    /// Per cube group: its row group, or `NONE` when the report leaves it out.
    project: Vec<u32>,
    /// Per cube group: the last wait bin within its channel's T.
    t_last: Vec<u32>,
    /// The first wait bin that is not a short abandon.
    s_end: u32,
    fcr: HashMap<(usize, u32), (i64, i64), FxBuild>,
    groups: usize,
}

const NONE: u32 = u32::MAX;
/// Reports with at least this many rows are filled by several threads.
const PARALLEL_MIN_ROWS: usize = 4_096;
/// At most this many threads fill one report.
const MAX_THREADS: usize = 4;

/// What one row of the current period has gathered.
#[derive(Clone, Default)]
struct RowAcc {
    cells: u32,
    /// The row's first cell (read when the row is written, if it is the only one).
    first: usize,
    /// The totals and answered waits of its cells, once a second cell arrives.
    sums: Sums,
    merged: AnsweredWaits,
}

impl MemCube {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.interval.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.interval.is_empty()
    }

    /// Bytes held (the arrays' capacity).
    pub fn heap_bytes(&self) -> usize {
        self.cells.interval.capacity() * 8
            + self.cells.group.capacity() * 4
            + self.cells.sums.capacity() * size_of::<CellSums>()
            + self.cells.off.capacity() * 4
            + self.cells.bins.capacity() * 2
            + self.cells.counts.capacity() * 4
            + self
                .groups
                .iter()
                .map(|(p, q, _)| p.len() + q.len() + 56)
                .sum::<usize>()
    }

    fn hist(&self, i: usize, which: usize) -> (&[u16], &[u32]) {
        let (a, b) = (
            self.cells.off[2 * i + which] as usize,
            self.cells.off[2 * i + which + 1] as usize,
        );
        (&self.cells.bins[a..b], &self.cells.counts[a..b])
    }

    /// The groups `keep` admits whose cells overlap `[from_interval, to_interval)`.
    pub fn groups_in(
        &self,
        from_interval: i64,
        to_interval: i64,
        keep: &dyn Fn(&str, &str, Channel) -> bool,
    ) -> impl Iterator<Item = (&str, &str, Channel)> {
        self.groups
            .iter()
            .zip(&self.spans)
            .filter(move |((p, q, c), (first, last))| {
                *first < to_interval && *last >= from_interval && keep(p, q, *c)
            })
            .map(|((p, q, c), _)| (p.as_str(), q.as_str(), *c))
    }

    /// The report `spec` over the cells `keep` admits, with FCR counts per cell coordinate (as
    /// `ReportBuilder::add_fcr` takes them). The cube's grain must answer the spec exactly (see
    /// [`grain_for`](crate::report::grain_for)); the 15-minute grain answers every spec. Large reports
    /// are filled by up to four threads, each writing its own run of periods.
    pub fn report<'f>(
        &self,
        spec: &ReportSpec,
        keep: &dyn Fn(&str, &str, Channel) -> bool,
        fcr: impl IntoIterator<Item = (CellRef<'f>, i64, i64)>,
    ) -> ReportColumns {
        self.report_with_threads(spec, keep, fcr, None)
    }

    /// [`MemCube::report`] filled by at most `threads` threads (`None`: by the report's size and
    /// the machine's cores).
    pub fn report_with_threads<'f>(
        &self,
        spec: &ReportSpec,
        keep: &dyn Fn(&str, &str, Channel) -> bool,
        fcr: impl IntoIterator<Item = (CellRef<'f>, i64, i64)>,
        threads: Option<usize>,
    ) -> ReportColumns {
        debug_assert!(
            self.grain.is_none_or(|g| {
                g <= crate::report::grain_for(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz)
            }),
            "{:?} cells cannot answer this report exactly",
            self.grain.unwrap_or(Grain::Quarter)
        );
        let from_i = relevo_core::interval_of(spec.from_ms);
        let to_i = relevo_core::interval_of(spec.to_ms - 1) + 1;
        // The row groups: the cube groups of the range projected onto the grouping, sorted.
        let mut set: BTreeSet<GroupKey> = self
            .groups_in(from_i, to_i, keep)
            .map(|(p, q, c)| group_key(spec.group, p, q, c))
            .collect();
        if spec.group == GroupBy::default() {
            set.insert((None, None, None));
        }
        let groups: Vec<GroupKey> = set.into_iter().collect();
        let periods = periods(spec.from_ms, spec.to_ms, spec.granularity, &spec.tz);
        let period_of = |t: i64| periods.partition_point(|&p| p <= t) - 1;
        let mut plan = Plan {
            spec,
            periods: &periods,
            project: self
                .groups
                .iter()
                .map(|(p, q, c)| {
                    if !keep(p, q, *c) {
                        return NONE;
                    }
                    let k = group_key(spec.group, p, q, *c);
                    groups.binary_search(&k).map_or(NONE, |i| i as u32)
                })
                .collect(),
            t_last: self
                .groups
                .iter()
                .map(|(_, _, c)| WaitHistogram::last_bin_le(spec.settings.threshold_s(*c)))
                .collect(),
            s_end: WaitHistogram::first_bin_not_lt(spec.settings.short_abandon_s),
            fcr: HashMap::default(),
            groups: groups.len(),
        };
        for (c, e, r) in fcr {
            let t = interval_start_ms(c.interval);
            if t < spec.from_ms || t >= spec.to_ms || !keep(c.provider, c.queue, c.channel) {
                continue;
            }
            let k = group_key(spec.group, c.provider, c.queue, c.channel);
            if let Ok(g) = groups.binary_search(&k) {
                let slot = plan.fcr.entry((period_of(t), g as u32)).or_default();
                slot.0 += e;
                slot.1 += r;
            }
        }
        let rows = periods.len() * groups.len();
        let mut out = ReportColumns::default();
        if rows > 0 {
            let lo = self.cells.interval.partition_point(|&i| i < from_i);
            let hi = self.cells.interval.partition_point(|&i| i < to_i);
            let threads = match threads {
                Some(n) => n.max(1),
                None if rows >= PARALLEL_MIN_ROWS => {
                    std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
                }
                None => 1,
            };
            // Period boundaries that split the cells about evenly.
            let mut cuts = vec![0usize];
            for k in 1..threads {
                let i = lo + (hi - lo) * k / threads;
                let p = match self.cells.interval.get(i) {
                    Some(&iv) if i < hi => period_of(interval_start_ms(iv).max(spec.from_ms)),
                    _ => periods.len(),
                };
                if p > *cuts.last().expect("one cut") && p < periods.len() {
                    cuts.push(p);
                }
            }
            cuts.push(periods.len());
            let cell_at = |p: usize| {
                let start = if p == 0 { i64::MIN } else { periods[p] };
                lo + self.cells.interval[lo..hi].partition_point(|&i| interval_start_ms(i) < start)
            };
            let mut chunks: Vec<_> = cuts
                .windows(2)
                .map(|w| {
                    let cells = cell_at(w[0])..if w[1] == periods.len() {
                        hi
                    } else {
                        cell_at(w[1])
                    };
                    (w[0]..w[1], cells)
                })
                .collect();
            let plan = &plan;
            out.runs = std::thread::scope(|scope| {
                let (ps, cells) = chunks.pop().expect("one chunk");
                let others: Vec<_> = chunks
                    .into_iter()
                    .map(|(ps, cells)| scope.spawn(move || self.fill(plan, ps, cells)))
                    .collect();
                let last = self.fill(plan, ps, cells);
                let mut runs: Vec<Columns> = others
                    .into_iter()
                    .map(|h| h.join().expect("a report thread panicked"))
                    .collect();
                runs.push(last);
                runs
            });
        }
        out.periods = periods;
        out.groups = groups;
        out
    }

    /// Cell `i`'s totals with its threshold counts taken under `plan`.
    fn cell_sums(&self, plan: &Plan<'_>, i: usize) -> Sums {
        let s = &self.cells.sums[i];
        let t_last = plan.t_last[self.cells.group[i] as usize];
        // Abandons: short below S, "within T" from S to T (none when T < S).
        let (ab_bins, ab_counts) = self.hist(i, 1);
        let (mut short, mut within) = (0i64, 0i64);
        for (&b, &n) in ab_bins.iter().zip(ab_counts) {
            let b = u32::from(b);
            if b < plan.s_end {
                short += i64::from(n);
            } else if b <= t_last {
                within += i64::from(n);
            } else {
                break;
            }
        }
        let (an_bins, an_counts) = self.hist(i, 0);
        let answered_within_t: i64 = an_bins
            .iter()
            .zip(an_counts)
            .take_while(|&(&b, _)| u32::from(b) <= t_last)
            .map(|(_, &n)| i64::from(n))
            .sum();
        Sums {
            offered: i64::from(s.offered),
            answered: i64::from(s.answered),
            abandoned: i64::from(s.abandoned),
            flowout: i64::from(s.flowout),
            transferred: i64::from(s.transferred),
            short_abandoned: short,
            answered_within_t,
            abandoned_within_t: within,
            answered_wait_ms: i128::from(s.answered_wait_ms),
            talk_ms: i128::from(s.talk_ms),
            hold_ms: i128::from(s.hold_ms),
            acw_ms: i128::from(s.acw_ms),
            csat_n: i64::from(s.csat_n),
            csat_top2: i64::from(s.csat_top2),
            csat_sum: i64::from(s.csat_sum),
            nps_n: i64::from(s.nps_n),
            nps_net: i64::from(s.nps_net),
            qa_n: i64::from(s.qa_n),
            qa_milli_sum: i128::from(s.qa_milli_sum),
            fcr_eligible: 0,
            fcr_resolved: 0,
        }
    }

    fn merge_answered(&self, into: &mut AnsweredWaits, i: usize) {
        let (bins, counts) = self.hist(i, 0);
        for (&b, &n) in bins.iter().zip(counts) {
            into.add_bin(u32::from(b), i64::from(n));
        }
    }

    /// Fills the rows of periods `ps` from `cells` (exactly the cells of those periods' intervals).
    /// A row's only cell is read once, when the row is written; rows of several cells sum them.
    fn fill(
        &self,
        plan: &Plan<'_>,
        ps: std::ops::Range<usize>,
        cells: std::ops::Range<usize>,
    ) -> Columns {
        let spec = plan.spec;
        let mut w = Columns::with_capacity(ps.len() * plan.groups);
        // One period's rows, then copied column by column.
        let mut rows: Vec<Kpis> = Vec::with_capacity(plan.groups);
        let mut accs = vec![RowAcc::default(); plan.groups];
        let mut period = ps.start;
        let next = |p: usize| plan.periods.get(p + 1).copied().unwrap_or(i64::MAX);
        let mut next_start = next(period);
        for i in cells {
            let rg = plan.project[self.cells.group[i] as usize];
            if rg == NONE {
                continue;
            }
            let t = interval_start_ms(self.cells.interval[i]);
            if t < spec.from_ms || t >= spec.to_ms {
                continue;
            }
            while t >= next_start {
                self.emit(plan, period, &mut accs, &mut rows, &mut w);
                period += 1;
                next_start = next(period);
            }
            let a = &mut accs[rg as usize];
            match a.cells {
                0 => a.first = i,
                1 => {
                    a.sums = self.cell_sums(plan, a.first);
                    a.sums.add(&self.cell_sums(plan, i));
                    self.merge_answered(&mut a.merged, a.first);
                    self.merge_answered(&mut a.merged, i);
                }
                _ => {
                    a.sums.add(&self.cell_sums(plan, i));
                    self.merge_answered(&mut a.merged, i);
                }
            }
            a.cells += 1;
        }
        while period < ps.end {
            self.emit(plan, period, &mut accs, &mut rows, &mut w);
            period += 1;
        }
        w
    }

    /// Appends the rows of `period` from `accs` to `w` and clears them.
    fn emit(
        &self,
        plan: &Plan<'_>,
        period: usize,
        accs: &mut [RowAcc],
        rows: &mut Vec<Kpis>,
        w: &mut Columns,
    ) {
        let settings = &plan.spec.settings;
        rows.clear();
        for (g, a) in accs.iter_mut().enumerate() {
            let (mut sums, p90) = match a.cells {
                0 => (Sums::default(), None),
                1 => {
                    let (bins, counts) = self.hist(a.first, 0);
                    let n: i64 = counts.iter().map(|&n| i64::from(n)).sum();
                    let it = bins
                        .iter()
                        .zip(counts)
                        .map(|(&b, &n)| (u32::from(b), i64::from(n)));
                    (self.cell_sums(plan, a.first), nearest_rank_s(n, 0.9, it))
                }
                _ => {
                    let p90 = a.merged.quantile_s(0.9);
                    a.merged.clear();
                    (a.sums, p90)
                }
            };
            a.cells = 0;
            if !plan.fcr.is_empty()
                && let Some(&(e, r)) = plan.fcr.get(&(period, g as u32))
            {
                sums.fcr_eligible += e;
                sums.fcr_resolved += r;
            }
            rows.push(Kpis::from_sums(&sums, p90, settings));
        }
        w.extend(rows);
    }
}

#[cfg(test)]
mod tests;
