//! KPI formulas (DESIGN.md §4) over rolled-up cells.
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
use crate::cell::EXACT_BINS;
use relevo_core::{AbandonTreatment, Channel, KpiSettings};

/// A rolled-up group of cells with the threshold-dependent counts already taken per cell.
///
/// `cell` carries the summed counts and sums (its histograms stay empty); answered waits are rolled
/// up into a dense array of the exact bins (plus a sparse tail) for the p90, so adding a cell costs
/// its own number of bins whatever the period's size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acc {
    pub cell: Cell,
    answered_dense: Vec<i64>,
    /// The dense bins in use (unsorted), so clearing and ranking cost what was added.
    touched: Vec<u32>,
    answered_tail: WaitHistogram,
    pub short_abandoned: i64,
    pub answered_within_t: i64,
    pub abandoned_within_t: i64,
    /// Answered contacts with a customer key whose FCR window has closed.
    pub fcr_eligible: i64,
    /// Of those, the ones with no further contact from the customer within the window.
    pub fcr_resolved: i64,
}

impl Acc {
    /// Adds one cell of `channel` under `settings`.
    pub fn add_cell(&mut self, cell: &Cell, channel: Channel, settings: &KpiSettings) {
        let t = settings.threshold_s(channel);
        let s = settings.short_abandon_s;
        self.short_abandoned += cell.abandoned_waits.count_lt(s);
        self.answered_within_t += cell.answered_waits.count_le(t);
        self.abandoned_within_t += cell.abandoned_waits.count_between(s, t);
        self.cell.merge_scalars(cell);
        self.add_answered(&cell.answered_waits);
    }

    fn add_answered(&mut self, h: &WaitHistogram) {
        for &(b, n) in h.bins() {
            if b <= EXACT_BINS {
                if self.answered_dense.is_empty() {
                    self.answered_dense = vec![0; EXACT_BINS as usize + 1];
                }
                let slot = &mut self.answered_dense[b as usize];
                if *slot == 0 {
                    self.touched.push(b);
                }
                *slot += n;
            } else {
                self.answered_tail.add_bin(b, n);
            }
        }
    }

    /// Nearest-rank quantile of answered waits in whole seconds (see [`WaitHistogram::quantile_s`]).
    pub fn answered_quantile_s(&self, q: f64) -> Option<i64> {
        let mut bins = self.touched.clone();
        bins.sort_unstable();
        bins.dedup();
        let n: i64 = bins
            .iter()
            .map(|&b| self.answered_dense[b as usize])
            .sum::<i64>()
            + self.answered_tail.total();
        if n <= 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as i64).clamp(1, n);
        let mut cum = 0;
        for b in bins {
            let c = self.answered_dense[b as usize];
            cum += c;
            if c != 0 && cum >= rank {
                return Some(WaitHistogram::bin_upper_s(b));
            }
        }
        for &(b, c) in self.answered_tail.bins() {
            cum += c;
            if cum >= rank {
                let up = WaitHistogram::bin_upper_s(b);
                return (up != i64::MAX).then_some(up);
            }
        }
        None
    }

    /// Back to empty, keeping allocations.
    pub fn clear(&mut self) {
        self.cell.clear();
        for b in self.touched.drain(..) {
            self.answered_dense[b as usize] = 0;
        }
        self.answered_tail = WaitHistogram::default();
        self.short_abandoned = 0;
        self.answered_within_t = 0;
        self.abandoned_within_t = 0;
        self.fcr_eligible = 0;
        self.fcr_resolved = 0;
    }

    pub fn merge(&mut self, o: &Acc) {
        self.cell.merge_scalars(&o.cell);
        for &b in &o.touched {
            let n = o.answered_dense[b as usize];
            if n != 0 {
                if self.answered_dense.is_empty() {
                    self.answered_dense = vec![0; EXACT_BINS as usize + 1];
                }
                let slot = &mut self.answered_dense[b as usize];
                if *slot == 0 {
                    self.touched.push(b);
                }
                *slot += n;
            }
        }
        self.answered_tail.merge(&o.answered_tail);
        self.short_abandoned += o.short_abandoned;
        self.answered_within_t += o.answered_within_t;
        self.abandoned_within_t += o.abandoned_within_t;
        self.fcr_eligible += o.fcr_eligible;
        self.fcr_resolved += o.fcr_resolved;
    }
}

/// The KPI values of one report row, in DESIGN.md §4 order (after the grouping columns).
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

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

impl Kpis {
    pub fn compute(a: &Acc, settings: &KpiSettings) -> Kpis {
        let c = &a.cell;
        let mut base = c.answered + c.abandoned - a.short_abandoned;
        if settings.include_flowouts {
            base += c.flowout;
        }
        let service_level = match settings.abandon_treatment {
            AbandonTreatment::Counted => ratio(a.answered_within_t, base),
            AbandonTreatment::ExcludedWithinT => {
                ratio(a.answered_within_t, base - a.abandoned_within_t)
            }
            AbandonTreatment::Met => ratio(a.answered_within_t + a.abandoned_within_t, base),
        };
        let ms = |sum: i64| ratio(sum, c.answered).map(|v| v / 1000.0);
        let csat_n: i64 = c.csat.iter().sum();
        let csat_sum: i64 = c.csat.iter().zip(1..).map(|(n, v)| n * v).sum();
        let nps_n: i64 = c.nps.iter().sum();
        let promoters = c.nps[9] + c.nps[10];
        let detractors: i64 = c.nps[..7].iter().sum();
        Kpis {
            offered: c.offered,
            answered: c.answered,
            abandoned: c.abandoned,
            short_abandoned: a.short_abandoned,
            flowout: c.flowout,
            answered_within_t: a.answered_within_t,
            abandoned_within_t: a.abandoned_within_t,
            service_level,
            asa_s: ms(c.answered_wait_ms),
            abandon_rate: ratio(
                c.abandoned - a.short_abandoned,
                c.offered - a.short_abandoned,
            ),
            aht_s: ms(c.talk_ms + c.hold_ms + c.acw_ms),
            talk_s: ms(c.talk_ms),
            hold_s: ms(c.hold_ms),
            acw_s: ms(c.acw_ms),
            p90_answer_s: a.answered_quantile_s(0.9),
            transfer_rate: ratio(c.transferred, c.answered),
            csat_responses: csat_n,
            csat_top2: ratio(c.csat[3] + c.csat[4], csat_n),
            csat_mean: ratio(csat_sum, csat_n),
            nps_responses: nps_n,
            nps: ratio(100 * (promoters - detractors), nps_n),
            qa_mean: ratio(c.qa_milli_sum, c.qa_n).map(|v| v / 1000.0),
            fcr: ratio(a.fcr_resolved, a.fcr_eligible),
        }
    }
}

#[cfg(test)]
mod tests;
