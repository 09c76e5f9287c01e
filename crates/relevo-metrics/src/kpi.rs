//! KPI formulas (docs/DEFINITIONS.md §4) over rolled-up cells.
//!
//! ```text
//!   short_abandoned     = abandoned with wait < S
//!   answered_within_t   = answered with wait ≤ T
//!   abandoned_within_t  = abandoned, not short, with wait ≤ T
//!   base                = answered + abandoned − short_abandoned  (+ flowout when include_flowouts)
//!   service_level       counted:           answered_within_t / base
//!                       excluded_within_t: answered_within_t / (base − abandoned_within_t)
//!                       met:               (answered_within_t + abandoned_within_t) / base
//!   abandon_rate        = (abandoned − short_abandoned) / (offered − short_abandoned)
//!   asa_s               = Σ wait(answered) / answered
//!   aht_s               = Σ (talk + hold + acw) / answered
//!   csat_top2           = responses ≥ 4 / responses;  nps = 100 · (promoters − detractors) / responses
//!   fcr                 = resolved / eligible, both counted from raw records by the caller
//! ```
//! T is per channel unless the settings fix it, so each cell's threshold counts are taken with its own T
//! before cells are summed. A ratio whose denominator is 0 is `None` (null), never 0 or 1.

use crate::Cell;
use crate::WaitHistogram;
use crate::cell::WideSums;
use crate::cell::{EXACT_BINS, nearest_rank_s};
use relevo_core::{AbandonTreatment, Channel, KpiSettings};

/// A rolled-up group of cells with the threshold-dependent counts already taken per cell.
///
/// `cell` carries the summed counts and sums (its histograms stay empty); answered waits are rolled
/// up densely for the p90, so adding a cell costs its own number of bins whatever the
/// period's size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acc {
    /// The counts of the cells added (their millisecond sums stay zero: they are in `wide`).
    pub cell: Cell,
    wide: WideSums,
    answered: AnsweredWaits,
    pub short_abandoned: i64,
    pub answered_within_t: i64,
    pub abandoned_within_t: i64,
    /// Answered contacts with a customer key whose FCR window has closed.
    pub fcr_eligible: i64,
    /// Of those, the ones with no further contact from the customer within the window.
    pub fcr_resolved: i64,
}

/// Answered waits summed over many cells: a dense array of the exact bins (plus a sparse tail), so
/// adding a cell costs its own number of bins and clearing costs what was added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AnsweredWaits {
    dense: Vec<i64>,
    /// The dense bins in use (unsorted).
    touched: Vec<u32>,
    tail: WaitHistogram,
}

impl AnsweredWaits {
    pub(crate) fn add_bin(&mut self, b: u32, n: i64) {
        if b <= EXACT_BINS {
            if self.dense.is_empty() {
                self.dense = vec![0; EXACT_BINS as usize + 1];
            }
            let slot = &mut self.dense[b as usize];
            if *slot == 0 {
                self.touched.push(b);
            }
            *slot += n;
        } else {
            self.tail.add_bin(b, n);
        }
    }

    /// Nearest-rank quantile in whole seconds (see [`WaitHistogram::quantile_s`]).
    pub(crate) fn quantile_s(&self, q: f64) -> Option<i64> {
        let mut bins = self.touched.clone();
        bins.sort_unstable();
        bins.dedup();
        let n: i64 = bins.iter().map(|&b| self.dense[b as usize]).sum::<i64>() + self.tail.total();
        let dense = bins.into_iter().map(|b| (b, self.dense[b as usize]));
        nearest_rank_s(n, q, dense.chain(self.tail.bins().iter().copied()))
    }

    pub(crate) fn clear(&mut self) {
        for b in self.touched.drain(..) {
            self.dense[b as usize] = 0;
        }
        self.tail = WaitHistogram::default();
    }

    fn merge(&mut self, o: &AnsweredWaits) {
        for &b in &o.touched {
            let n = o.dense[b as usize];
            if n != 0 {
                self.add_bin(b, n);
            }
        }
        self.tail.merge(&o.tail);
    }
}

impl Acc {
    /// Adds one cell of `channel` under `settings`.
    pub fn add_cell(&mut self, cell: &Cell, channel: Channel, settings: &KpiSettings) {
        let t = settings.threshold_s(channel);
        let s = settings.short_abandon_s;
        self.short_abandoned += cell.abandoned_waits.count_lt(s);
        self.answered_within_t += cell.answered_waits.count_le(t);
        self.abandoned_within_t += cell.abandoned_waits.count_between(s, t);
        self.cell.merge_counts(cell);
        self.wide.add(&cell.wide_sums());
        for &(b, n) in cell.answered_waits.bins() {
            self.answered.add_bin(b, n);
        }
    }

    /// Nearest-rank quantile of answered waits in whole seconds (see [`WaitHistogram::quantile_s`]).
    pub fn answered_quantile_s(&self, q: f64) -> Option<i64> {
        self.answered.quantile_s(q)
    }

    /// Back to empty, keeping allocations.
    pub fn clear(&mut self) {
        self.cell.clear();
        self.wide = WideSums::default();
        self.answered.clear();
        self.short_abandoned = 0;
        self.answered_within_t = 0;
        self.abandoned_within_t = 0;
        self.fcr_eligible = 0;
        self.fcr_resolved = 0;
    }

    pub fn merge(&mut self, o: &Acc) {
        self.cell.merge_counts(&o.cell);
        self.wide.add(&o.wide);
        self.answered.merge(&o.answered);
        self.short_abandoned += o.short_abandoned;
        self.answered_within_t += o.answered_within_t;
        self.abandoned_within_t += o.abandoned_within_t;
        self.fcr_eligible += o.fcr_eligible;
        self.fcr_resolved += o.fcr_resolved;
    }

    /// The additive totals behind the KPIs.
    pub fn sums(&self) -> Sums {
        let c = &self.cell;
        Sums {
            offered: c.offered,
            answered: c.answered,
            abandoned: c.abandoned,
            flowout: c.flowout,
            transferred: c.transferred,
            short_abandoned: self.short_abandoned,
            answered_within_t: self.answered_within_t,
            abandoned_within_t: self.abandoned_within_t,
            answered_wait_ms: self.wide.answered_wait_ms,
            talk_ms: self.wide.talk_ms,
            hold_ms: self.wide.hold_ms,
            acw_ms: self.wide.acw_ms,
            csat_n: c.csat.iter().sum(),
            csat_top2: c.csat[3] + c.csat[4],
            csat_sum: c.csat.iter().zip(1..).map(|(n, v)| n * v).sum(),
            nps_n: c.nps.iter().sum(),
            nps_net: c.nps[9] + c.nps[10] - c.nps[..7].iter().sum::<i64>(),
            qa_n: c.qa_n,
            qa_milli_sum: self.wide.qa_milli_sum,
            fcr_eligible: self.fcr_eligible,
            fcr_resolved: self.fcr_resolved,
        }
    }
}

/// The additive counts and sums one report row's KPIs are computed from (everything but the p90).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub offered: i64,
    pub answered: i64,
    pub abandoned: i64,
    pub flowout: i64,
    pub transferred: i64,
    pub short_abandoned: i64,
    pub answered_within_t: i64,
    pub abandoned_within_t: i64,
    pub answered_wait_ms: i128,
    pub talk_ms: i128,
    pub hold_ms: i128,
    pub acw_ms: i128,
    /// CSAT responses, those of 4 or 5, and the sum of their values.
    pub csat_n: i64,
    pub csat_top2: i64,
    pub csat_sum: i64,
    /// NPS responses and promoters (9–10) minus detractors (0–6).
    pub nps_n: i64,
    pub nps_net: i64,
    pub qa_n: i64,
    pub qa_milli_sum: i128,
    pub fcr_eligible: i64,
    pub fcr_resolved: i64,
}

impl Sums {
    /// Adds `o` field by field.
    pub fn add(&mut self, o: &Sums) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.flowout += o.flowout;
        self.transferred += o.transferred;
        self.short_abandoned += o.short_abandoned;
        self.answered_within_t += o.answered_within_t;
        self.abandoned_within_t += o.abandoned_within_t;
        self.answered_wait_ms += o.answered_wait_ms;
        self.talk_ms += o.talk_ms;
        self.hold_ms += o.hold_ms;
        self.acw_ms += o.acw_ms;
        self.csat_n += o.csat_n;
        self.csat_top2 += o.csat_top2;
        self.csat_sum += o.csat_sum;
        self.nps_n += o.nps_n;
        self.nps_net += o.nps_net;
        self.qa_n += o.qa_n;
        self.qa_milli_sum += o.qa_milli_sum;
        self.fcr_eligible += o.fcr_eligible;
        self.fcr_resolved += o.fcr_resolved;
    }
}

/// The KPI values of one report row, in docs/DEFINITIONS.md §4.7 order (after the grouping
/// columns).
#[derive(Clone, Debug, PartialEq)]
pub struct Kpis {
    pub offered: i64,
    pub answered: i64,
    pub abandoned: i64,
    pub short_abandoned: i64,
    pub flowout: i64,
    pub answered_within_t: i64,
    pub abandoned_within_t: i64,
    pub service_level: Option<f64>,
    pub asa_s: Option<f64>,
    pub abandon_rate: Option<f64>,
    pub aht_s: Option<f64>,
    pub talk_s: Option<f64>,
    pub hold_s: Option<f64>,
    pub acw_s: Option<f64>,
    /// Whole seconds (1 s resolution up to one hour of wait, 1 min above).
    pub p90_answer_s: Option<i64>,
    pub transfer_rate: Option<f64>,
    pub csat_responses: i64,
    pub csat_top2: Option<f64>,
    pub csat_mean: Option<f64>,
    pub nps_responses: i64,
    pub nps: Option<f64>,
    pub qa_mean: Option<f64>,
    pub fcr: Option<f64>,
}

fn ratio(num: impl Into<i128>, den: i64) -> Option<f64> {
    let num = num.into();
    (den != 0).then(|| num as f64 / den as f64)
}

impl Kpis {
    pub fn compute(a: &Acc, settings: &KpiSettings) -> Kpis {
        Kpis::from_sums(&a.sums(), a.answered_quantile_s(0.9), settings)
    }

    /// The KPIs of a row from its totals and its p90 of answered waits.
    #[inline]
    pub fn from_sums(c: &Sums, p90_answer_s: Option<i64>, settings: &KpiSettings) -> Kpis {
        let mut base = c.answered + c.abandoned - c.short_abandoned;
        if settings.include_flowouts {
            base += c.flowout;
        }
        let service_level = match settings.abandon_treatment {
            AbandonTreatment::Counted => ratio(c.answered_within_t, base),
            AbandonTreatment::ExcludedWithinT => {
                ratio(c.answered_within_t, base - c.abandoned_within_t)
            }
            AbandonTreatment::Met => ratio(c.answered_within_t + c.abandoned_within_t, base),
        };
        let ms = |sum: i128| ratio(sum, c.answered).map(|v| v / 1000.0);
        Kpis {
            offered: c.offered,
            answered: c.answered,
            abandoned: c.abandoned,
            short_abandoned: c.short_abandoned,
            flowout: c.flowout,
            answered_within_t: c.answered_within_t,
            abandoned_within_t: c.abandoned_within_t,
            service_level,
            asa_s: ms(c.answered_wait_ms),
            abandon_rate: ratio(
                c.abandoned - c.short_abandoned,
                c.offered - c.short_abandoned,
            ),
            aht_s: ms(c.talk_ms + c.hold_ms + c.acw_ms),
            talk_s: ms(c.talk_ms),
            hold_s: ms(c.hold_ms),
            acw_s: ms(c.acw_ms),
            p90_answer_s,
            transfer_rate: ratio(c.transferred, c.answered),
            csat_responses: c.csat_n,
            csat_top2: ratio(c.csat_top2, c.csat_n),
            csat_mean: ratio(c.csat_sum, c.csat_n),
            nps_responses: c.nps_n,
            nps: ratio(100 * c.nps_net, c.nps_n),
            qa_mean: ratio(c.qa_milli_sum, c.qa_n).map(|v| v / 1000.0),
            fcr: ratio(c.fcr_resolved, c.fcr_eligible),
        }
    }
}

#[cfg(test)]
mod tests;
